// Fault injection: the one-shot switches a test sets (a status, a dropped socket, a cut answer,
// a request held at a point), actions at the nth request, and the gateway's rate limit and
// latency. Each switch counts down over the requests of its route and then stays spent; reset()
// forgets them all. routes.ts asks here at each point of a request's handling.
import type { Exchange, RequestRecord, RouteName } from "./routes";
import { qualysError } from "./shapes";

export interface FaultOptions {
    /** Requests per second above which the gateway answers 429; 0 = unlimited. */
    rateLimitPerSecond: number;
    /** Which hint a 429 carries: Retry-After (seconds), X-RateLimit-ToWait-Sec, or none (PM may send none). */
    rateLimitHint: "retry-after" | "x-ratelimit-towait-sec" | "none";
    /** Every request waits this long before it is handled. */
    latencyMs: number;
}

export interface Fault {
    route: RouteName;
    remaining: number;
    kind: "status" | "drop-after" | "drop-before" | "truncated-json" | "html";
    status?: number;
    headers?: Record<string, string>;
    body?: unknown;
}

/** Where a test acts in one request's handling (holdNext, onApplied, onAnswered). */
interface Hook {
    route: RouteName;
    /** Counts down over the requests of `route` that `match` accepts; the hook fires at 0. */
    remaining: number;
    match: (record: RequestRecord) => boolean;
    /** Arrived and authorized, nothing applied; applied, not answered; the answer handed to the socket. */
    point: "before-apply" | "after-apply" | "answered";
    action: (record: RequestRecord) => void;
    /** Hold the request at its point until this resolves; if the client goes away first, it is never answered. */
    hold?: Promise<void>;
}

/** A request stopped by holdNext. */
export interface Hold {
    /** Resolves when the request gets to the point (with the request as recorded). */
    reached: Promise<RequestRecord>;
    /** Lets the request go on. */
    release(): void;
}

type Match = (record: RequestRecord) => boolean;

const PROXY_502_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";

/** The switches PmEmulator exposes (documented there), and how each acts on a request. */
export class Faults {
    private faults: Fault[] = [];
    private triggers: { route: RouteName; remaining: number; action: () => void }[] = [];
    private hooks: Hook[] = [];
    /** When the requests of the last second arrived, for the rate limit. */
    private recent: number[] = [];

    constructor(
        private readonly options: FaultOptions,
        /** The server's clock, for the errors' timestamps (state.ts). */
        private readonly now: () => number,
    ) {}

    reset(): void {
        this.faults = [];
        this.triggers = [];
        this.hooks = [];
        this.recent = [];
    }

    failNext(route: RouteName, count: number, status: number, extra: { headers?: Record<string, string>; body?: unknown }): void {
        this.faults.push({ route, remaining: count, kind: "status", status, ...extra });
    }
    dropAfterApply(route: RouteName, count: number): void {
        this.faults.push({ route, remaining: count, kind: "drop-after" });
    }
    dropBeforeApply(route: RouteName, count: number): void {
        this.faults.push({ route, remaining: count, kind: "drop-before" });
    }
    corruptNext(route: RouteName, count: number, kind: "truncated-json" | "html"): void {
        this.faults.push({ route, remaining: count, kind });
    }
    onNth(route: RouteName, nth: number, action: () => void): void {
        this.triggers.push({ route, remaining: nth, action });
    }
    holdNext(route: RouteName, point: "before-apply" | "after-apply", match: Match): Hold {
        let release!: () => void;
        let reach!: (record: RequestRecord) => void;
        const hold = new Promise<void>((resolve) => (release = resolve));
        const reached = new Promise<RequestRecord>((resolve) => (reach = resolve));
        this.hooks.push({ route, remaining: 1, match, point, action: reach, hold });
        return { reached, release };
    }
    onApplied(route: RouteName, nth: number, action: (record: RequestRecord) => void, match: Match): void {
        this.hooks.push({ route, remaining: nth, match, point: "after-apply", action });
    }
    onAnswered(route: RouteName, nth: number, action: (record: RequestRecord) => void, match: Match): void {
        this.hooks.push({ route, remaining: nth, match, point: "answered", action });
    }

    async latency(): Promise<void> {
        if (this.options.latencyMs) await sleep(this.options.latencyMs);
    }

    /**
     * A request of a known route arrived: fires its onNth actions and takes its next fault. The
     * faults that act before anything is applied (drop, status, HTML page) act here, then the
     * rate limit. Returns "answered" when the request is done, else the fault left for after applying.
     */
    async arrive(route: RouteName, exchange: Exchange): Promise<Fault | undefined | "answered"> {
        for (const trigger of this.triggers.filter((t) => t.route === route && t.remaining > 0)) {
            if (--trigger.remaining === 0) trigger.action();
        }
        const fault = this.take(route);
        if (fault?.kind === "drop-before") {
            exchange.drop();
            return "answered";
        }
        if (fault?.kind === "status") {
            exchange.reply(fault.status!, fault.body ?? qualysError(String(fault.status), `Injected failure ${fault.status}`, this.now()), fault.headers);
            return "answered";
        }
        if (fault?.kind === "html") {
            exchange.send(502, "text/html", PROXY_502_PAGE);
            return "answered";
        }
        if (route !== "auth" && this.rateLimited()) {
            exchange.reply(429, qualysError("429", "Too many requests", this.now()), this.rateLimitHint());
            return "answered";
        }
        return fault;
    }

    /** Runs the hooks of `point` (and arms the "answered" ones after applying); false when a held request's client went away. */
    async atHooks(point: "before-apply" | "after-apply", route: RouteName, exchange: Exchange): Promise<boolean> {
        const { record, req, res } = exchange;
        const points = point === "after-apply" ? ["after-apply", "answered"] : [point];
        for (const hook of this.hooks.filter((h) => points.includes(h.point) && h.route === route && h.remaining > 0 && h.match(record))) {
            if (--hook.remaining > 0) continue;
            if (hook.point === "answered") {
                // Right after res.end() hands the answer to the socket: sooner than its "finish" event.
                const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
                res.end = ((...args: unknown[]) => {
                    const result = end(...args);
                    hook.action(record);
                    return result;
                }) as typeof res.end;
                continue;
            }
            hook.action(record);
            if (!hook.hold) continue;
            const gone = req.socket.destroyed ? Promise.resolve() : new Promise<void>((resolve) => req.socket.once("close", resolve));
            if (!(await Promise.race([hook.hold.then(() => true), gone.then(() => false)]))) return false;
        }
        return true;
    }

    /** Applies a fault that spoils an applied request's answer (dropped or cut off); false if there is none. */
    spoil(fault: Fault | undefined, status: number, answer: unknown, exchange: Exchange): boolean {
        if (fault?.kind === "drop-after") exchange.drop(status);
        else if (fault?.kind === "truncated-json") exchange.send(status, "application/json", JSON.stringify(answer).slice(0, 40));
        else return false;
        return true;
    }

    private take(route: RouteName): Fault | undefined {
        const fault = this.faults.find((f) => f.route === route && f.remaining > 0);
        if (fault) fault.remaining--;
        return fault;
    }

    private rateLimited(): boolean {
        const limit = this.options.rateLimitPerSecond;
        if (!limit) return false;
        const now = Date.now();
        this.recent = this.recent.filter((t) => now - t < 1000);
        if (this.recent.length >= limit) return true;
        this.recent.push(now);
        return false;
    }

    private rateLimitHint(): Record<string, string> {
        const hint = this.options.rateLimitHint;
        return hint === "retry-after" ? { "retry-after": "1" } : hint === "x-ratelimit-towait-sec" ? { "x-ratelimit-towait-sec": "1" } : {};
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
