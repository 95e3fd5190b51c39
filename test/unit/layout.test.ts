// The shape of the house (issue 14): no function in provider/ runs over 50 lines, generated code aside,
// so that each reads on one screen. Counted from a function's first line to its closing brace.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const PROVIDER = path.join(__dirname, "..", "..", "provider");
const MAX_LINES = 50;

function longFunctions(file: string): string[] {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclarationBase).body) {
            const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
            const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
            const name = (node as ts.FunctionLikeDeclarationBase).name?.getText() ?? "(anonymous)";
            if (last - first + 1 > MAX_LINES) found.push(`${path.basename(file)}:${first + 1} ${name} is ${last - first + 1} lines`);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

test(`no function in provider/ is over ${MAX_LINES} lines, generated code aside`, () => {
    const files = fs.readdirSync(PROVIDER).filter((f) => f.endsWith(".ts") && !f.endsWith(".generated.ts"));
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => longFunctions(path.join(PROVIDER, f)))).toEqual([]);
});
