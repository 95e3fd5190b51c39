// The retry table, as a pure function: the delays it computes, without waiting for them.
import { decideRetry, FailedCall, RetryLimits } from "../../provider/core/retry";

const limits: RetryLimits = { maxRetries: 5, maxRefusedRetries: 20, backoffBaseMs: 500, maxRetryAfterMs: 60_000, paced: true, random: () => 0.5 };
const call = (over: Partial<FailedCall>): FailedCall => ({ method: "GET", idempotent: true, retry: 1, ...over });

describe("refused calls (429): the call was not run, so every method is tried again", () => {
    test("a Retry-After of 45 s is waited out: it is under the 60 s maximum", () => {
        expect(decideRetry(call({ status: 429, retryAfterMs: 45_000 }), limits)).toEqual({ retry: true, waitMs: 45_000, refused: true });
    });
    test("a Retry-After over the maximum stops at once, saying how long Qualys asked for", () => {
        expect(decideRetry(call({ status: 429, retryAfterMs: 3_600_000 }), limits)).toEqual({
            retry: false,
            why: "Qualys asks to wait 3600 s, longer than the 60 s this provider waits",
        });
    });
    test("X-RateLimit-ToWait-Sec is read in seconds and wins over Retry-After", () => {
        expect(decideRetry(call({ status: 429, headers: { "x-ratelimit-towait-sec": "2" }, retryAfterMs: 9000 }), limits)).toMatchObject({ waitMs: 2000 });
    });
    test("a bare 429, as the PM API sends, is tried again at once: the pacer spaces it", () => {
        expect(decideRetry(call({ method: "POST", idempotent: false, status: 429 }), limits)).toEqual({ retry: true, waitMs: 1, refused: true });
    });
    test("with pacing off, a bare 429 is backed off exponentially instead", () => {
        expect(decideRetry(call({ status: 429, retry: 2 }), { ...limits, paced: false })).toEqual({ retry: true, waitMs: 1250, refused: true });
    });
    test("a 409 with the classic throttle code 1965 is a refusal; another 409 is not tried again", () => {
        expect(decideRetry(call({ status: 409, body: '{"_error":{"errorCode":"1965"}}' }), limits)).toMatchObject({ retry: true, refused: true });
        expect(decideRetry(call({ status: 409, body: '{"_error":{"errorCode":"409"}}' }), limits)).toMatchObject({ retry: false });
    });
    test("refusals stop after maxRefusedRetries, not maxRetries", () => {
        expect(decideRetry(call({ status: 429, retry: 20 }), limits)).toMatchObject({ retry: true });
        expect(decideRetry(call({ status: 429, retry: 21 }), limits)).toEqual({ retry: false, why: "still refused after 20 retries" });
    });
});

describe("failed calls (5xx, no answer): only what may be repeated without changing the outcome", () => {
    test.each([500, 502, 503, 504])("a %i on a GET is backed off exponentially, with jitter", (status) => {
        expect([1, 2, 3].map((retry) => decideRetry(call({ status, retry }), limits))).toEqual([
            { retry: true, waitMs: 750, refused: false },
            { retry: true, waitMs: 1250, refused: false },
            { retry: true, waitMs: 2250, refused: false },
        ]);
    });
    test("no backoff step is longer than 30 s", () => {
        expect(decideRetry(call({ status: 503, retry: 5 }), { ...limits, backoffBaseMs: 10_000 })).toMatchObject({ waitMs: 30_000 });
    });
    test("a reset connection on a GET is tried again; after maxRetries it is not", () => {
        expect(decideRetry(call({ code: "ECONNRESET", retry: 5 }), limits)).toMatchObject({ retry: true });
        expect(decideRetry(call({ code: "ECONNRESET", retry: 6 }), limits)).toEqual({ retry: false, why: "failed after 5 retries" });
    });
    test("a create POST or an enable answered 503 is not repeated blindly: it may have been applied", () => {
        expect(decideRetry(call({ method: "POST", idempotent: false, status: 503 }), limits)).toEqual({ retry: false, why: "not repeated blindly: the call may have been applied" });
    });
    test("a TLS failure or a 400 is not tried again", () => {
        expect(decideRetry(call({ code: "CERT_HAS_EXPIRED" }), limits)).toMatchObject({ retry: false });
        expect(decideRetry(call({ status: 400 }), limits)).toMatchObject({ retry: false });
    });
});
