// When a failed call is tried again, and after how long: one table and one pure function, as
// octokit's plugin-retry (doNotRetry) and plugin-throttling (onRateLimit) keep theirs. got parses
// Retry-After and calls this through `retry.calculateDelay`; the client's create and enable paths,
// which must read before they repeat, ask the same table whether an error may hide an applied call.
//
// | answer                                             | methods                                   | tried again                      | wait                                                         |
// |----------------------------------------------------|-------------------------------------------|----------------------------------|--------------------------------------------------------------|
// | 429; 409 with the classic throttle code 1960/1965  | all (the call was refused, not run)       | up to maxRefusedRetries          | Retry-After / X-RateLimit-ToWait-Sec up to maxRetryAfter;     |
// |                                                    |                                           |                                  | none (the PM API sends none): the adaptive pacer's next slot, |
// |                                                    |                                           |                                  | or the backoff below with pacing off                          |
// | 500, 502, 503, 504; reset, timeout, refused, DNS   | idempotent calls: GET, PATCH (whole job), | up to maxRetries                 | exponential backoff from backoffBaseMs, with jitter, ≤ 30 s   |
// |                                                    | DELETE, /auth, disabling                  |                                  |                                                              |
// | the same, on a create POST or an enable            | —                                         | no: read first (exactly-once.ts) |                                                              |
// | 401                                                | all                                       | once, after a fresh JWT (client) | none                                                         |
// | anything else                                      | —                                         | no                               |                                                              |

/** Methods whose repetition cannot change the outcome (a PATCH carries the whole job). */
export const IDEMPOTENT_METHODS = ["GET", "PATCH", "DELETE"];

/** The table's numbers when the settings give none. */
export const RETRY_DEFAULTS = {
    /** Retries of a failed call (a 5xx, no answer). */
    maxRetries: 5,
    /** Retries of a refused call (429): it was not run, and the pacer spaces them. */
    maxRefusedRetries: 20,
    /** First backoff step when the server gives no hint; doubled per attempt, plus jitter. */
    backoffBaseMs: 500,
    /** Longest wait a Retry-After or X-RateLimit-ToWait-Sec may ask for; past it, fail at once. */
    maxRetryAfterMs: 60_000,
};

export interface FailedCall {
    method: string;
    /** Repeating it cannot change the outcome (GET, PATCH of the whole job, DELETE, /auth, disabling). */
    idempotent: boolean;
    /** HTTP status; undefined when no answer came. */
    status?: number;
    /** The network error's code when no answer came (ECONNRESET, ETIMEDOUT, ...). */
    code?: string;
    body?: string;
    headers?: Record<string, string | string[] | undefined>;
    /** got's reading of Retry-After, in ms. */
    retryAfterMs?: number;
    /** 1 for the first retry. */
    retry: number;
}

export interface RetryLimits {
    maxRetries: number;
    maxRefusedRetries: number;
    backoffBaseMs: number;
    maxRetryAfterMs: number;
    /** An adaptive pacer spaces every attempt (throttle.ts): a bare refusal is then tried again at once. */
    paced: boolean;
    /** Jitter source, injected for tests. */
    random: () => number;
}

export type RetryDecision = { retry: false; why: string } | { retry: true; waitMs: number; refused: boolean };

const FAILED_STATUSES = [500, 502, 503, 504];
const NETWORK_CODES = ["ETIMEDOUT", "ECONNRESET", "EADDRINUSE", "ECONNREFUSED", "EPIPE", "ENOTFOUND", "ENETUNREACH", "EAI_AGAIN"];
/** The classic API's throttle codes (concurrency 1960, rate 1965), should the PM gateway use 409. */
const THROTTLE_CODES = /\b(1960|1965)\b/;

/** The gateway refused the call without running it. */
export function isRefused(status: number | undefined, body = ""): boolean {
    return status === 429 || (status === 409 && THROTTLE_CODES.test(body));
}

/** The call failed in a way that may hide a call the server applied (a 5xx, or no answer). */
export function isFailed(status: number | undefined, code?: string): boolean {
    return status === undefined ? code === undefined || NETWORK_CODES.includes(code) : FAILED_STATUSES.includes(status);
}

/** The wait the server asks for, in ms: X-RateLimit-ToWait-Sec, else Retry-After as got read it. */
export function serverWaitMs(call: Pick<FailedCall, "headers" | "retryAfterMs">): number | undefined {
    const toWait = call.headers?.["x-ratelimit-towait-sec"];
    if (typeof toWait === "string" && toWait.trim() !== "" && Number.isFinite(Number(toWait))) return Math.max(0, Number(toWait) * 1000);
    return call.retryAfterMs === undefined || Number.isNaN(call.retryAfterMs) ? undefined : Math.max(0, call.retryAfterMs);
}

export function decideRetry(call: FailedCall, limits: RetryLimits): RetryDecision {
    if (isRefused(call.status, call.body)) {
        if (call.retry > limits.maxRefusedRetries) return { retry: false, why: `still refused after ${limits.maxRefusedRetries} retries` };
        const wait = serverWaitMs(call);
        if (wait !== undefined && wait > limits.maxRetryAfterMs) {
            return { retry: false, why: `Qualys asks to wait ${Math.ceil(wait / 1000)} s, longer than the ${Math.round(limits.maxRetryAfterMs / 1000)} s this provider waits` };
        }
        // got reads 0 as "do not retry": 1 ms is "now". Without a hint, the pacer spaces the retry,
        // or, with pacing off, the backoff below does.
        if (wait === undefined && !limits.paced) return { retry: true, waitMs: backoff(call.retry, limits), refused: true };
        return { retry: true, waitMs: Math.max(1, wait ?? 0), refused: true };
    }
    if (isFailed(call.status, call.code)) {
        if (!call.idempotent) return { retry: false, why: "not repeated blindly: the call may have been applied" };
        if (call.retry > limits.maxRetries) return { retry: false, why: `failed after ${limits.maxRetries} retries` };
        return { retry: true, waitMs: backoff(call.retry, limits), refused: false };
    }
    return { retry: false, why: "not an answer that is tried again" };
}

/** Exponential from backoffBaseMs, with up to one base of jitter, at most 30 s. */
function backoff(retry: number, limits: RetryLimits): number {
    return Math.min(limits.backoffBaseMs * 2 ** (retry - 1) + limits.random() * limits.backoffBaseMs, 30_000);
}
