// got's failures as QualysApiErrors: the facts copied out of got's error, which is then dropped (its
// `options` hold the Authorization header). A deadline passed at any stage (connecting, waiting for
// the headers, reading the body) is a timeout, whatever status the headers had announced.
import { apiMessageOf, pmErrorCode, QualysApiError } from "./errors";
import { isRefused } from "./retry";
import type { RequestError } from "got" with { "resolution-mode": "import" };

interface Facts {
    /** Set by the size handler when it cancelled the call. */
    size: { exceeded: boolean };
    bounded: (text: string, max?: number) => string;
    settings: { requestTimeoutMs: number; maxResponseBytes: number };
}

/** "10 MB (10485760 bytes)", or "1000 bytes". */
function describeBytes(bytes: number): string {
    const mb = bytes / (1024 * 1024);
    return Number.isInteger(mb) ? `${mb} MB (${bytes} bytes)` : `${bytes} bytes`;
}

export function toApiError(method: string, path: string, error: unknown, facts: Facts): QualysApiError {
    if (error instanceof QualysApiError) return error;
    // A failed /auth inside the beforeRequest hook reaches here wrapped by got.
    if ((error as { cause?: unknown })?.cause instanceof QualysApiError) return (error as { cause: QualysApiError }).cause;
    const e = error as RequestError & { response?: { statusCode: number; body: unknown } };
    const attempts = (e.request?.retryCount ?? 0) + 1;
    if (facts.size.exceeded) {
        // Cancelled by the size handler: not retried, as the next answer would be as large.
        const apiMessage = `the answer is larger than ${describeBytes(facts.settings.maxResponseBytes)}, the most this client reads (maxResponseBytes); it was not read further`;
        return new QualysApiError({ method, path, status: e.response?.statusCode, apiMessage, attempts, sent: true, kind: "unusable" });
    }
    if (e.code === "ETIMEDOUT") {
        const during = e.response ? `; the answer (${e.response.statusCode}) was still arriving` : "";
        const apiMessage = `no complete answer within ${facts.settings.requestTimeoutMs} ms (ETIMEDOUT${during})`;
        return new QualysApiError({ method, path, apiMessage, attempts, sent: e.timings?.upload !== undefined, kind: "timeout" });
    }
    if (e.response) return answered(method, path, e, attempts, facts.bounded);
    const code = e.code ?? "ERROR";
    // No answer: the request may still have reached the server, unless the connection never
    // carried it (refused, DNS, TLS or proxy failure: got records no upload start then).
    return new QualysApiError({ method, path, apiMessage: `${code}: ${facts.bounded(e.message ?? "")}`, attempts, sent: e.timings?.upload !== undefined });
}

/** An error status: the API's message (scrubbed by `bounded`), its error code, and why it was not tried again. */
function answered(method: string, path: string, e: RequestError & { response?: { statusCode: number; body: unknown } }, attempts: number, bounded: Facts["bounded"]): QualysApiError {
    const status = e.response!.statusCode;
    const body = e.response!.body;
    let apiMessage = Buffer.isBuffer(body) ? "a compressed answer, which this client does not ask for" : apiMessageOf(String(body ?? ""), bounded);
    // Why it was not tried again, where that says more than the status (a long Retry-After): this client's own text.
    const why = (e.options?.context as { gaveUp?: { why?: string } } | undefined)?.gaveUp?.why;
    if (why && isRefused(status, String(body ?? ""))) apiMessage += `; ${why}`;
    // The code is the server's text too: scrubbed and bounded like the message.
    const code = pmErrorCode(body);
    return new QualysApiError({ method, path, status, apiMessage, attempts, sent: true, errorCode: code === undefined ? undefined : bounded(code, 40) });
}

