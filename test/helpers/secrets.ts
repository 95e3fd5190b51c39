import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./root";

/** Where tests leave what they produced (state files, provider logs, CLI output) for the leak scan. */
export const OUTPUT_DIR = path.join(repoRoot(), ".test-output");

/** A password made of the characters that each encoding changes: quote, space, &, =, +, %, /, \, non-ASCII. */
export const SPECIAL_PASSWORD = 'p@ss"wo rd&=+%/\\é€';

/**
 * Every form in which `secret` can be written into a text: raw, URL-encoded (encodeURIComponent and
 * the form encoding of URLSearchParams, `+` for a space), JSON-escaped (the inside of
 * JSON.stringify), and base64 and base64url at each of the three alignments it can have inside a
 * longer encoded text (only the characters that depend on the secret alone). Written apart from
 * provider/core/scrub.ts on purpose: the leak scan must not share the scrubber's blind spots.
 */
export function secretForms(secret: string): string[] {
    if (!secret) return [];
    const forms = new Set<string>([
        secret,
        encodeURIComponent(secret),
        new URLSearchParams({ s: secret }).toString().slice(2),
        JSON.stringify(secret).slice(1, -1),
    ]);
    const bytes = Buffer.from(secret, "utf8");
    for (let shift = 0; shift < 3; shift++) {
        const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
        const from = Math.ceil((shift * 8) / 6);
        const to = Math.floor(((shift + bytes.length) * 8) / 6);
        for (const encoding of ["base64", "base64url"] as const) forms.add(shifted.toString(encoding).slice(from, to));
    }
    // An encoded form shorter than this is too common a string to call a leak.
    return [...forms].filter((form) => form === secret || form.length >= 6);
}

/** Fails naming the place when any form of any secret appears in any text. */
export function expectNoSecret(texts: string[], secrets: string[]): void {
    for (const secret of secrets.filter(Boolean)) {
        for (const form of secretForms(secret)) {
            for (const [i, text] of texts.entries()) {
                if (text.includes(form)) throw new Error(`secret ${secret.slice(0, 3)}... leaked (as ${JSON.stringify(form.slice(0, 3))}...) into text #${i}: ${text.slice(0, 200)}`);
            }
        }
    }
}

/** Keeps a produced text for the suite-wide leak scan (test/secrets/leak-scan.test.ts). */
export function keepOutput(name: string, text: string): void {
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUTPUT_DIR, name.replace(/[^\w.-]+/g, "_")), text);
}
