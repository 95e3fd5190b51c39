// How a call reaches the PM API: got 14 (ESM-only, loaded with a dynamic import() from this CommonJS
// package), the JWT on every call to the gateway's origin and nowhere else, no redirect followed,
// the answer's size capped as it arrives, a deadline per request, got's retry driven by retry.ts's
// table, the pacer of throttle.ts, and every failure turned into a QualysApiError that holds no secret.
import { apiMessageOf, GATEWAY_ADVICE, MAX_MESSAGE, QualysApiError } from "./errors";
import { checkedGateway } from "./gateway";
import { proxyAgents } from "./proxy";
import { decideRetry, IDEMPOTENT_METHODS, isRefused, RETRY_DEFAULTS, RetryLimits } from "./retry";
import { Scrubber } from "./scrub";
import { AdaptivePacer, Clock, Pacer, systemClock, UNPACED } from "./throttle";
import { JwtSource } from "./token";
import { toApiError } from "./transport-errors";
import type { AfterResponseHook, CancelableRequest, ExtendOptions, Got, GotReturn, NormalizedOptions, Options, Progress, RequestError, Response } from "got" with { "resolution-mode": "import" };

type GotModule = typeof import("got", { with: { "resolution-mode": "import" } });

export interface ClientSettings {
    gatewayUrl: string;
    username: string;
    password: string;
    /** Timeout of one HTTP request, from its start to the last byte of its answer. Default 30 s. */
    requestTimeoutMs?: number;
    /** Retries of a failed request (a 5xx, no answer). Default 5. */
    maxRetries?: number;
    /** Retries of a request the gateway refused (429): it was not run, and the pacer spaces them. Default 20. */
    maxRefusedRetries?: number;
    /** First backoff step when the server gives no hint; doubled per attempt, plus jitter. Default 500 ms. */
    backoffBaseMs?: number;
    /** Longest wait a Retry-After or X-RateLimit-ToWait-Sec may ask for; past it, fail at once. Default 60 s. */
    maxRetryAfterMs?: number;
    /** How long a JWT is reused before a new one is fetched; Qualys' last four hours. Default 3 h 50 min. */
    tokenReuseMs?: number;
    /** The largest answer read, in bytes; a larger one is refused without being read. Default 10 MiB. */
    maxResponseBytes?: number;
    /** Allow a plain-http gateway that is not a loopback address (the password and JWT then cross the network unencrypted). Default false. */
    insecureAllowHttpGateway?: boolean;
    /** Learn the tenant's rate from 429s and pace requests to it (throttle.ts). Default true. */
    adaptivePacing?: boolean;
}

const DEFAULTS: Omit<Required<ClientSettings>, "gatewayUrl" | "username" | "password"> = {
    ...RETRY_DEFAULTS,
    requestTimeoutMs: 30_000,
    tokenReuseMs: (3 * 60 + 50) * 60_000,
    // No PM answer comes near this: a job is a few KB, a list page of 100 summaries some 50 KB.
    maxResponseBytes: 10 * 1024 * 1024,
    insecureAllowHttpGateway: false,
    adaptivePacing: true,
};

/** What `send` tells got's hooks and handler about one call. `size` is shared by every attempt. */
export interface CallContext {
    auth?: boolean;
    idempotent?: boolean;
    renewed?: boolean;
    size?: { exceeded: boolean };
    /** Why the last failure was not tried again (e.g. a Retry-After longer than this client waits). */
    gaveUp?: { why?: string };
}

/** One pacer per gateway for the whole process: every resource's calls share the tenant's rate. */
const pacers = new Map<string, AdaptivePacer>();

let gotModule: Promise<GotModule> | undefined;
function loadGot(): Promise<GotModule> {
    // Kept as a real import(): TypeScript's node16 module mode does not rewrite it to require().
    gotModule ??= import("got");
    return gotModule;
}

/** Where a redirect pointed: scheme, host, port and path; no userinfo, query or fragment. */
function redirectTarget(location: string | undefined, from: string): string {
    if (!location) return "nowhere (no Location header)";
    try {
        const url = new URL(location, from);
        if (url.protocol !== "http:" && url.protocol !== "https:") return `a ${url.protocol} URL`;
        const port = url.port || (url.protocol === "https:" ? "443" : "80");
        return `${url.protocol}//${url.hostname}:${port}${url.pathname}`;
    } catch {
        return "an unreadable Location";
    }
}

/** One gateway's connection: its settings, JWT, pacer and clock. */
export class Transport {
    readonly settings: Required<ClientSettings>;
    readonly clock: Clock;
    private http?: Promise<Got>;
    /** The password and every JWT, kept out of every error. */
    private readonly scrubber = new Scrubber();
    /** The gateway's origin: the only one that is ever sent the password or a JWT. */
    private readonly origin: string;
    private readonly pacer: Pacer;
    private readonly tokens: JwtSource;
    /** The server's clock as its last `Date` header gave it, and this machine's at that moment. */
    private serverClock?: { server: number; local: number };

    /** `clock` and `pacer` are injected by tests; by default real time and the process's pacer for this gateway. */
    constructor(settings: ClientSettings, deps: { clock?: Clock; pacer?: Pacer } = {}) {
        // A setting given as undefined keeps its default.
        const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as ClientSettings;
        this.settings = { ...DEFAULTS, ...given, gatewayUrl: settings.gatewayUrl.replace(/\/+$/, "") };
        this.scrubber.add(settings.password);
        // Here rather than in the settings, so that every user of the client is covered.
        this.origin = checkedGateway(this.settings.gatewayUrl, this.settings.insecureAllowHttpGateway).origin;
        this.clock = deps.clock ?? systemClock;
        if (!deps.pacer && !pacers.has(this.origin)) pacers.set(this.origin, new AdaptivePacer(this.clock));
        this.pacer = deps.pacer ?? (this.settings.adaptivePacing ? pacers.get(this.origin)! : UNPACED);
        this.tokens = new JwtSource(this.settings, this.scrubber, (form) => this.send<string>("POST", "/auth", form, { auth: false, form: true, idempotent: true }));
    }

    /** A JSON call with the JWT. `idempotent` overrides the method's default (retry.ts IDEMPOTENT_METHODS). */
    call<T>(method: string, path: string, body?: unknown, extra: { idempotent?: boolean } = {}): Promise<T> {
        return this.send<T>(method, path, body === undefined ? undefined : JSON.stringify(body), { auth: true, form: false, ...extra });
    }

    /** The server's text, scrubbed whole and then cut short, for a message (scrub.ts). */
    readonly bounded = (text: string, max = MAX_MESSAGE): string => this.scrubber.bounded(text, max);

    /** `localTime` (this machine's clock) on the server's clock, from the last `Date` header it sent; undefined before any. */
    serverTime(localTime: number): number | undefined {
        return this.serverClock && this.serverClock.server + (localTime - this.serverClock.local);
    }

    /** The table's limits for this client (retry.ts). */
    retryLimits(): RetryLimits {
        const { maxRetries, maxRefusedRetries, backoffBaseMs, maxRetryAfterMs } = this.settings;
        return { maxRetries, maxRefusedRetries, backoffBaseMs, maxRetryAfterMs, paced: this.pacer !== UNPACED, random: Math.random };
    }

    private instance(): Promise<Got> {
        this.http ??= loadGot().then(({ got }) => got.extend(this.gotOptions()));
        return this.http;
    }

    /** got's settings for every call of this client. */
    private gotOptions(): ExtendOptions {
        return {
            prefixUrl: this.settings.gatewayUrl,
            // TLS verification stays on (got's default); extra CAs come from NODE_EXTRA_CA_CERTS.
            agent: proxyAgents(this.settings.gatewayUrl),
            // One deadline from the request's start to the last byte of its answer: a body that
            // trickles in counts too, and is a timeout (transport-errors.ts).
            timeout: { request: this.settings.requestTimeoutMs },
            throwHttpErrors: true,
            responseType: "text",
            // Redirects are never followed, not even within the gateway: beforeRequest would put the
            // JWT back on a redirect to another origin, and a 307/308 re-sends the body (the password
            // form of /auth, a job) wherever it points. The PM API documents no redirect: one means a
            // wrong gateway URL or a login page. send() turns it into an error.
            followRedirect: false,
            // Bytes are counted as they come off the wire: a small gzip answer could grow unseen.
            decompress: false,
            // got's documented way to limit a download ("Limiting download & upload size").
            handlers: [(options, next) => this.limitSize(options, next)],
            retry: {
                // retry.ts decides; got parses Retry-After (capped at maxRetryAfter) and waits.
                limit: Math.max(this.settings.maxRetries, this.settings.maxRefusedRetries),
                methods: ["GET", "PATCH", "DELETE", "POST"],
                maxRetryAfter: this.settings.maxRetryAfterMs,
                calculateDelay: ({ attemptCount, error, retryAfter }) => this.retryDelay(attemptCount, error, retryAfter),
            },
            hooks: {
                // Every attempt waits for its slot: the gateway counts retries too.
                beforeRequest: [() => this.pacer.slot(), (options) => this.authorize(options)],
                afterResponse: [(response) => this.observe(response), (response, retry) => this.renewOn401(response, retry)],
            },
        };
    }

    /** beforeRequest: the JWT goes to the gateway's origin only (a second lock: no redirect is followed). */
    private async authorize(options: NormalizedOptions): Promise<void> {
        if ((options.context as CallContext).auth && new URL(String(options.url)).origin === this.origin) {
            options.headers.authorization = `Bearer ${await this.tokens.jwt()}`;
        }
    }

    /** afterResponse: the server's clock from its `Date` (whole seconds), and whether the gateway refused the call (429) or took it. */
    private observe(response: Response): Response {
        const server = Date.parse(String(response.headers.date ?? ""));
        if (Number.isFinite(server)) this.serverClock = { server, local: this.clock.now() };
        if (isRefused(response.statusCode, String(response.body ?? ""))) this.pacer.onRefused();
        else this.pacer.onAccepted();
        return response;
    }

    /** afterResponse: an expired JWT: fetch one more (shared with concurrent callers) and repeat the call once. */
    private renewOn401(response: Response, retryWithMergedOptions: Parameters<AfterResponseHook>[1]): Response | Promise<Response> {
        const context = response.request.options.context as CallContext;
        if (response.statusCode !== 401 || !context.auth || context.renewed) return response;
        this.tokens.invalidate(String(response.request.options.headers.authorization ?? "").replace(/^Bearer /, ""));
        return retryWithMergedOptions({ context: { ...context, renewed: true } });
    }

    /** got's calculateDelay: retry.ts's decision, in ms; 0 = do not try again. */
    private retryDelay(attemptCount: number, error: RequestError, retryAfterMs: number | undefined): number {
        // The repeat of a call after a 401 and a fresh JWT (afterResponse hook): always, at once.
        if (error.name === "RetryError") return 1;
        const method = String(error.options.method).toUpperCase();
        const context = error.options.context as CallContext;
        // A deadline passed while the answer was arriving is no answer: its status was never complete.
        const timedOut = error.code === "ETIMEDOUT";
        const decision = decideRetry(
            {
                method,
                idempotent: context.idempotent ?? IDEMPOTENT_METHODS.includes(method),
                status: timedOut ? undefined : error.response?.statusCode,
                code: error.code,
                body: timedOut ? "" : String(error.response?.body ?? ""),
                headers: error.response?.headers,
                retryAfterMs,
                retry: attemptCount,
            },
            this.retryLimits(),
        );
        if (decision.retry) return decision.waitMs;
        if (context.gaveUp) context.gaveUp.why = decision.why;
        return 0;
    }

    /** got handler: cancels a call whose answer exceeds maxResponseBytes, at once by its content-length, else as it arrives. */
    private limitSize<T extends GotReturn>(options: Options, next: (options: Options) => T): T {
        const pending = next(options);
        const size = (options.context as CallContext).size;
        if (options.isStream || !size) return pending;
        const limit = this.settings.maxResponseBytes;
        const call = pending as unknown as CancelableRequest;
        call.on("downloadProgress", ({ transferred, total }: Progress) => {
            if (transferred > limit || (total ?? 0) > limit) {
                size.exceeded = true;
                call.cancel();
            }
        });
        return pending;
    }

    private async send<T>(method: string, path: string, body: string | undefined, flags: { auth: boolean; form: boolean; idempotent?: boolean }): Promise<T> {
        const http = await this.instance();
        const size = { exceeded: false };
        try {
            const response = await http(path.replace(/^\//, ""), {
                method: method as Options["method"],
                body,
                headers: {
                    accept: flags.form ? "text/plain" : "application/json",
                    ...(body !== undefined ? { "content-type": flags.form ? "application/x-www-form-urlencoded" : "application/json" } : {}),
                },
                context: { auth: flags.auth, idempotent: flags.idempotent, size, gaveUp: {} } satisfies CallContext,
            });
            return this.parsed<T>(method, path, response, flags.form);
        } catch (error) {
            throw toApiError(method, path, error, { size, bounded: this.bounded, settings: this.settings });
        }
    }

    /** The answer's body as the caller wants it; a redirect or an answer that is not JSON is an error. */
    private parsed<T>(method: string, path: string, response: Response<unknown>, form: boolean): T {
        const attempts = response.retryCount + 1;
        if (response.statusCode >= 300 && response.statusCode < 400) {
            // Not retried: the same request would be redirected again.
            const target = this.bounded(redirectTarget(response.headers.location, response.url));
            const apiMessage = `the gateway redirected to ${target}; redirects are not followed, so that credentials go nowhere but the configured gateway`;
            throw new QualysApiError({ method, path, status: response.statusCode, apiMessage, attempts, hint: GATEWAY_ADVICE, sent: true });
        }
        if (typeof response.body !== "string") {
            throw new QualysApiError({ method, path, status: response.statusCode, apiMessage: "a compressed answer, which this client does not ask for", attempts, sent: true, kind: "unusable" });
        }
        if (form) return response.body as T;
        if (!response.body) return undefined as T;
        try {
            return JSON.parse(response.body) as T;
        } catch {
            throw new QualysApiError({ method, path, status: response.statusCode, apiMessage: `the answer is not JSON: ${apiMessageOf(response.body, this.bounded)}`, attempts, sent: true, kind: "unusable" });
        }
    }
}
