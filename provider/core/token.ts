// The JWT of one client: fetched from the gateway's /auth (form fields username, password,
// token=true; the answer is the bare token), one request in flight shared by every caller, reused
// for tokenReuseMs, forgotten when a 401 refuses it. Every token goes into the scrubber at once.
import { GATEWAY_ADVICE, QualysApiError } from "./errors";
import type { Scrubber } from "./scrub";

interface Entry {
    value: Promise<string>;
    fetchedAt: number;
    resolved?: string;
}

export class JwtSource {
    private token?: Entry;

    constructor(
        private readonly settings: { username: string; password: string; tokenReuseMs: number },
        private readonly scrubber: Scrubber,
        /** POSTs the form to /auth and gives the answer's text (retried like a GET: it changes nothing on the server). */
        private readonly postForm: (form: string) => Promise<string>,
    ) {}

    /** The JWT: one /auth in flight, shared by every caller; renewed after `tokenReuseMs`. */
    jwt(): Promise<string> {
        if (!this.token || Date.now() - this.token.fetchedAt > this.settings.tokenReuseMs) {
            const entry: Entry = { value: this.authenticate(), fetchedAt: Date.now() };
            this.token = entry;
            entry.value.then(
                (token) => (entry.resolved = token),
                () => {
                    if (this.token === entry) this.token = undefined;
                },
            );
        }
        return this.token.value;
    }

    /** Forgets the JWT a 401 refused, synchronously, unless a newer one is already being fetched. */
    invalidate(used: string): void {
        if (this.token?.resolved === used) this.token = undefined;
    }

    private async authenticate(): Promise<string> {
        const form = new URLSearchParams({ username: this.settings.username, password: this.settings.password, token: "true", permissions: "true" });
        const text = await this.postForm(form.toString());
        const token = typeof text === "string" ? text.trim() : "";
        if (!token) throw new QualysApiError({ method: "POST", path: "/auth", status: 201, apiMessage: "the answer carries no token", kind: "unusable" });
        // A JWT is printable ASCII without spaces; anything else (a login page, say) is not sent back as one, nor quoted.
        if (!/^[\x21-\x7e]+$/.test(token)) {
            throw new QualysApiError({ method: "POST", path: "/auth", status: 201, apiMessage: "the answer is not a token (a login page?)", hint: GATEWAY_ADVICE, sent: true, kind: "unusable" });
        }
        this.scrubber.add(token);
        return token;
    }
}
