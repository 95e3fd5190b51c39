// The password and every JWT the emulator issued, looked for in everything the suite produced:
// harness and engine state files, provider process stderr, the Pulumi CLI's output, the fault
// matrix. A new leak anywhere fails CI. Runs last (test/setup/sequencer.js).
import * as fs from "node:fs";
import * as path from "node:path";
import { OUTPUT_DIR } from "../helpers/secrets";

const PASSWORDS = ["demo-password", "wrong-secret-pw"];

function files(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" ? [] : files(full);
        return e.name === ".issued-tokens" ? [] : [full];
    });
}

test("no password or token appears in anything the test suite produced", () => {
    const tokens = fs.readFileSync(path.join(OUTPUT_DIR, ".issued-tokens"), "utf8").split("\n").filter(Boolean);
    const produced = files(OUTPUT_DIR);
    // Not vacuous: the other suites ran and left their state, logs and CLI output here.
    expect(tokens.length).toBeGreaterThan(10);
    expect(produced.length).toBeGreaterThan(20);
    expect(produced.some((f) => path.basename(f).startsWith("harness-state-"))).toBe(true);
    const leaks: string[] = [];
    for (const file of produced) {
        const text = fs.readFileSync(file, "utf8");
        for (const secret of [...PASSWORDS, ...tokens]) {
            if (text.includes(secret)) leaks.push(`${path.relative(OUTPUT_DIR, file)} holds ${secret.slice(0, 12)}...`);
        }
    }
    console.log(`leak scan: ${produced.length} files, ${tokens.length} tokens and ${PASSWORDS.length} passwords looked for`);
    expect(leaks).toEqual([]);
});
