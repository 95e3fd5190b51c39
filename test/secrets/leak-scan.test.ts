// The passwords and every JWT the emulator issued, looked for in everything the suite produced
// (harness and engine state files, provider process stderr, the Pulumi CLI's output, the fault
// matrix, the hostile-gateway errors), in every form a secret can take there: raw, URL-encoded,
// JSON-escaped, base64 and base64url (test/helpers/secrets.ts secretForms). A new leak anywhere
// fails CI. Runs last (test/setup/sequencer.js).
import * as fs from "node:fs";
import * as path from "node:path";
import { OUTPUT_DIR, SPECIAL_PASSWORD, secretForms } from "../helpers/secrets";

// SPECIAL_PASSWORD is a real user of the emulator in test/client (the hostile-gateway tests), whose
// errors are kept in .test-output: the scan is not vacuous for it.
const PASSWORDS = ["demo-password", "wrong-secret-pw", SPECIAL_PASSWORD];

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
    expect(produced.some((f) => path.basename(f).startsWith("hostile-gateway-"))).toBe(true);
    // Named by kind and number in a failure, so that the report does not print the secret itself.
    const secrets = [...PASSWORDS.map((secret, i) => ({ secret, name: `password #${i}` })), ...tokens.map((secret, i) => ({ secret, name: `token #${i}` }))];
    const forms = secrets.flatMap(({ secret, name }) => secretForms(secret).map((form, i) => ({ name, form, i })));
    const leaks: string[] = [];
    for (const file of produced) {
        const text = fs.readFileSync(file, "utf8");
        for (const { name, form, i } of forms) {
            if (text.includes(form)) leaks.push(`${path.relative(OUTPUT_DIR, file)} holds ${name} (form #${i} of secretForms)`);
        }
    }
    console.log(`leak scan: ${produced.length} files, ${tokens.length} tokens and ${PASSWORDS.length} passwords looked for, ${forms.length} forms in all`);
    expect(leaks).toEqual([]);
});
