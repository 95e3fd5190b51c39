// The shape of the house: rooms by product under provider/ (core, dynamic, native, adopt, policy),
// a core that imports nothing of Pulumi (both faces stand on it), and every file, class and
// function short enough to read whole. Generated code aside. Lines are counted from a node's first
// line to its last.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const PROVIDER = path.join(__dirname, "..", "..", "provider");
const LIMITS = { file: 350, class: 200, function: 50 };

function sourceFiles(dir: string): string[] {
    return (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".generated.ts"))
        .map((f) => path.join(dir, f));
}

function parse(file: string): ts.SourceFile {
    return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
}

function span(source: ts.SourceFile, node: ts.Node): number {
    return source.getLineAndCharacterOfPosition(node.getEnd()).line - source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
}

/** Each class and function over its limit, as "file:line name is N lines". */
function tooLong(file: string): string[] {
    const source = parse(file);
    const found: string[] = [];
    const where = (node: ts.Node) => `${path.relative(PROVIDER, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node) => {
        const isFunction = ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclarationBase).body !== undefined;
        const limit = ts.isClassLike(node) ? LIMITS.class : isFunction ? LIMITS.function : undefined;
        if (limit !== undefined && span(source, node) > limit) {
            const name = (node as ts.NamedDeclaration).name?.getText() ?? "(anonymous)";
            found.push(`${where(node)} ${name} is ${span(source, node)} lines`);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** Every module a file imports or requires, as written. */
function importsOf(file: string): string[] {
    const source = parse(file);
    const found: string[] = [];
    const visit = (node: ts.Node) => {
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            found.push(node.moduleSpecifier.text);
        }
        if (ts.isCallExpression(node) && node.arguments.length && ts.isStringLiteral(node.arguments[0]) &&
            (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
            found.push(node.arguments[0].text);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

test("provider/ has a room for the core, each face, the adopt command and the policy pack", () => {
    const rooms = fs.readdirSync(PROVIDER, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(rooms).toEqual(expect.arrayContaining(["adopt", "core", "dynamic", "policy"]));
    expect(sourceFiles(path.join(PROVIDER, "core")).length).toBeGreaterThan(10);
});

test("the core imports nothing of Pulumi and nothing from a face", () => {
    const core = path.join(PROVIDER, "core");
    const offending = sourceFiles(core).flatMap((file) =>
        importsOf(file)
            .filter((m) => m.startsWith("@pulumi/") || (m.startsWith(".") && !path.resolve(path.dirname(file), m).startsWith(core + path.sep) && !m.includes("/schema/")))
            .map((m) => `${path.relative(PROVIDER, file)} imports ${m}`),
    );
    expect(offending).toEqual([]);
});

test(`no file in provider/ is over ${LIMITS.file} lines`, () => {
    const long = sourceFiles(PROVIDER).filter((f) => fs.readFileSync(f, "utf8").split("\n").length > LIMITS.file)
        .map((f) => `${path.relative(PROVIDER, f)} is ${fs.readFileSync(f, "utf8").split("\n").length} lines`);
    expect(long).toEqual([]);
});

test(`no class in provider/ is over ${LIMITS.class} lines and no function over ${LIMITS.function}`, () => {
    expect(sourceFiles(PROVIDER).flatMap(tooLong)).toEqual([]);
});
