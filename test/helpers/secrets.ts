import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./root";

/** Where tests leave what they produced (state files, provider logs, CLI output) for the leak scan. */
export const OUTPUT_DIR = path.join(repoRoot(), ".test-output");

/** Fails naming the place when any secret appears in any text. */
export function expectNoSecret(texts: string[], secrets: string[]): void {
    for (const secret of secrets.filter(Boolean)) {
        for (const [i, text] of texts.entries()) {
            if (text.includes(secret)) throw new Error(`secret ${secret.slice(0, 3)}... leaked into text #${i}: ${text.slice(0, 200)}`);
        }
    }
}

/** Keeps a produced text for the suite-wide leak scan (test/secrets/leak-scan.test.ts). */
export function keepOutput(name: string, text: string): void {
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUTPUT_DIR, name.replace(/[^\w.-]+/g, "_")), text);
}
