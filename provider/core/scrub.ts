// Secrets out of every text that reaches an error message: the password and each JWT, in each form a
// server, proxy or login page may echo them. The whole text is scrubbed first and only then cut to
// a bounded length, and a cut never leaves the start of a secret at its end (a message cut at 300
// characters in the middle of a password would otherwise show its first characters).

/** What a secret is replaced with. */
export const MASK = "***";

/** The shortest start of a secret that a cut may not leave at its end. */
const MIN_PREFIX = 4;

/** An encoded form shorter than this is too common a string to remove wherever it appears. */
const MIN_FORM = 4;

/**
 * Every form in which `secret` may appear in a text: raw; URL-encoded (encodeURIComponent, and the
 * form encoding of URLSearchParams with `+` for a space; upper- and lower-case hex); JSON-escaped
 * (the inside of JSON.stringify, also with non-ASCII as \uXXXX and `/` as `\/`, as Java and Python
 * serializers write them); HTML-escaped; base64 and base64url at each of the three alignments the
 * secret can have inside a longer encoded text (a Basic header of `user:password`, say), keeping
 * only the characters that depend on the secret alone.
 */
export function secretForms(secret: string): string[] {
    if (!secret) return [];
    const forms = new Set<string>();
    const urlEncoded = [encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
    for (const form of urlEncoded) forms.add(form).add(form.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
    const json = JSON.stringify(secret).slice(1, -1);
    const asciiJson = (upper: boolean) => json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")[upper ? "toUpperCase" : "toLowerCase"]()}`);
    for (const form of [json, asciiJson(false), asciiJson(true)]) forms.add(form).add(form.replace(/\//g, "\\/"));
    forms.add(secret.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]));
    const bytes = Buffer.from(secret, "utf8");
    for (let shift = 0; shift < 3; shift++) {
        const encoded = Buffer.concat([Buffer.alloc(shift), bytes]);
        const from = Math.ceil((shift * 8) / 6);
        const to = Math.floor(((shift + bytes.length) * 8) / 6);
        forms.add(encoded.toString("base64").slice(from, to)).add(encoded.toString("base64url").slice(from, to));
    }
    forms.delete(secret);
    return [secret, ...[...forms].filter((form) => form.length >= MIN_FORM)];
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The secrets of one client, and what it takes to keep them out of a text. */
export class Scrubber {
    private readonly secrets = new Set<string>();
    /** Every form of every secret, longest first, so that a longer form is replaced before a part of it. */
    private forms: string[] = [];

    add(secret: string | undefined): void {
        if (!secret || this.secrets.has(secret)) return;
        this.secrets.add(secret);
        this.forms = [...new Set([...this.forms, ...secretForms(secret)])].sort((a, b) => b.length - a.length);
    }

    /** `text` with every form of every secret replaced by `***`. */
    scrub(text: string): string {
        let out = text;
        for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(MASK);
        return out;
    }

    /** The whole of `text` scrubbed, then cut to at most `max` characters (`...` marking a cut). */
    bounded(text: string, max = 300): string {
        const clean = this.scrub(text);
        if (clean.length <= max) return clean;
        let cut = clean.slice(0, max - 3);
        // Half of a surrogate pair is not a character.
        if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
        // Should a form the scrub could not recognise whole end right at the cut, drop its start.
        for (let trimmed = true; trimmed; ) {
            trimmed = false;
            for (const form of this.forms) {
                const length = this.secretStartAtEnd(cut, form);
                if (length) {
                    cut = cut.slice(0, cut.length - length);
                    trimmed = true;
                }
            }
        }
        return `${cut}...`;
    }

    /** How many characters at the end of `text` are the start of `form` (at least MIN_PREFIX), or 0. */
    private secretStartAtEnd(text: string, form: string): number {
        for (let length = Math.min(form.length - 1, text.length); length >= MIN_PREFIX; length--) {
            if (text.endsWith(form.slice(0, length))) return length;
        }
        return 0;
    }
}
