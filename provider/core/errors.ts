// The one error type of a call to the PM API, and the one place for what its message says: the
// method and path, the status, the API's own words (scrubbed and cut short before they get here),
// and advice for the statuses a user will meet. It carries no request options, headers or body, so
// nothing secret (got's own errors carry the Authorization header in their options).
import { Scrubber } from "./scrub";

/** The longest API message or redirect target quoted in an error. */
export const MAX_MESSAGE = 300;
export const GATEWAY_ADVICE = "Check qualys:gatewayUrl (or QUALYS_GATEWAY_URL): it must be the API gateway of your Qualys platform, such as https://gateway.qg2.apps.qualys.com";

/** What went wrong with one call. */
export interface QualysApiErrorOptions {
    method: string;
    path: string;
    /** HTTP status, or undefined when no answer came (connection dropped, timeout). */
    status?: number;
    /** What the API said, or what this client found wrong with the answer, or the network error. */
    apiMessage: string;
    /** How many times the request was sent. Default 1. */
    attempts?: number;
    /** Advice to add; by default the advice for the status (adviceFor). */
    hint?: string;
    /** Whether the request may have reached the server. */
    sent?: boolean;
    /** The PM API's own `_error.errorCode`, when the answer was its JSON error shape. */
    errorCode?: string;
    /**
     * How the call failed: `refused`, the server answered with an error status or no answer came
     * (the default); `unusable`, a 2xx answer this client cannot use (not the job asked for, no id,
     * not JSON); `unconfirmed`, a 2xx answer that does not confirm what was asked (bulk status and
     * delete answers); `timeout`, the deadline passed, before or while the answer arrived.
     */
    kind?: "refused" | "unusable" | "unconfirmed" | "timeout";
}

/** A failed call to the PM API. */
export class QualysApiError extends Error {
    override readonly name = "QualysApiError";
    readonly method: string;
    readonly path: string;
    readonly status: number | undefined;
    readonly apiMessage: string;
    readonly attempts: number;
    readonly detail: { sent?: boolean; errorCode?: string; kind: NonNullable<QualysApiErrorOptions["kind"]> };

    constructor(options: QualysApiErrorOptions) {
        const attempts = options.attempts ?? 1;
        const kind = options.kind ?? "refused";
        const hint = options.hint ?? adviceFor(options.path, options.status);
        super(describeFailure({ ...options, attempts, kind }) + (hint ? `. ${hint}` : ""));
        this.method = options.method;
        this.path = options.path;
        this.status = options.status;
        this.apiMessage = options.apiMessage;
        this.attempts = attempts;
        this.detail = { sent: options.sent, errorCode: options.errorCode, kind };
    }
}

function describeFailure(o: QualysApiErrorOptions & { attempts: number }): string {
    const call = `${o.method} ${o.path}`;
    const tries = o.attempts > 1 ? ` after ${o.attempts} attempts` : "";
    switch (o.kind) {
        case "unconfirmed":
            return `Qualys PM API did not confirm ${call}: ${o.apiMessage}`;
        case "unusable":
            return `Qualys PM API's answer to ${call}${o.status === undefined ? "" : ` (${o.status})`}${tries} cannot be used: ${o.apiMessage}`;
        case "timeout":
            return `Qualys PM API timed out: ${call} had no complete answer${tries}: ${o.apiMessage}`;
    }
    if (o.status === undefined) return `Qualys PM API unreachable: ${call} got no answer${tries}: ${o.apiMessage}`;
    return `Qualys PM API ${o.status >= 500 ? "failed" : "rejected"} ${call} (${o.status})${tries}: ${o.apiMessage}`;
}

/** Advice for the statuses a user will meet; the `adopt` command gives the same. */
export function adviceFor(path: string, status: number | undefined): string | undefined {
    if (status === 401 && path === "/auth") return "Check qualys:username and qualys:password (or QUALYS_USERNAME / QUALYS_PASSWORD) and the gateway of your platform";
    if (status === 401) return "The JWT was refused even after a fresh one was fetched";
    if (status === 403) return "The Qualys user needs the PM.API.ACCESS permission and access to these assets";
    if (status === 429) return "Rate limited: retry later, or lower `pulumi up --parallel`";
    return undefined;
}

/**
 * The API's own message from an error answer: `{_error: {message}}` (qualysdk), an HTML page's
 * title, else the plain text. `bounded` gets the whole of what is taken, to scrub it before it cuts
 * it short (a cut first could leave the start of a secret that the scrub no longer recognises).
 */
export function apiMessageOf(text: string, bounded: (text: string) => string = (t) => new Scrubber().bounded(t, MAX_MESSAGE)): string {
    const trimmed = text.trim();
    if (/^<(!doctype|html)/i.test(trimmed)) {
        const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
        return `an HTML page${title ? ` titled "${bounded(title)}"` : ""} (a proxy's or gateway's error page?)`;
    }
    try {
        const json = JSON.parse(trimmed);
        const message = json?._error?.message ?? json?.message ?? json?.errorMessage ?? json?._error?.errorCode;
        if (message !== undefined) return bounded(String(message));
    } catch {
        // not JSON
    }
    if (!trimmed) return "no message";
    return bounded(trimmed);
}

/** The PM API's error code when `body` is its JSON error shape `{_error: {errorCode}}` (qualysdk). */
export function pmErrorCode(body: unknown): string | undefined {
    try {
        const code = JSON.parse(String(body ?? ""))?._error?.errorCode;
        return code === undefined || code === null ? undefined : String(code);
    } catch {
        return undefined;
    }
}

/** Only the PM API's own answer that a job does not exist: a 404 in its JSON error shape. */
export function isPmNotFound(error: unknown): boolean {
    return error instanceof QualysApiError && error.status === 404 && error.detail.errorCode !== undefined;
}

/** The call may have been applied although it failed: no answer (a timeout too), a 5xx, or an unusable 2xx. */
export function isUncertain(error: QualysApiError): boolean {
    return error.status === undefined || error.detail.kind === "timeout" || error.status >= 500 || (error.status >= 200 && error.status < 300);
}
