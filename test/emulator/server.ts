// The Qualys PM API emulator's entry point, in five rooms as moto and msw keep theirs: state.ts (the
// tenant's jobs, tokens and runs, its clock and name normalisation, no HTTP), rules.ts (what Qualys
// refuses), routes.ts (method and path to handler, parsing, the token check, status codes),
// shapes.ts (answers as the 3.5 release notes' samples show them), faults.ts (one-shot switches,
// rate limit, latency). It lives under test/ though the demo and
// the benchmark start it too: it is test equipment that stands in for Qualys, never shipped in the
// package, and only this file's exports are its API.
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { Faults, type FaultOptions, type Hold } from "./faults";
import { Router, type RequestRecord, type RouteName, type RouteOptions } from "./routes";
import { TenantState, type Job, type Run, type StateOptions } from "./state";

export type { Hold } from "./faults";
export type { RequestRecord, RouteName } from "./routes";
export type { Job, Run } from "./state";
export { formatQualysDate } from "./state";

export interface EmulatorOptions extends Partial<StateOptions>, Partial<FaultOptions>, Partial<RouteOptions> {
    /** Serve HTTPS with this key and certificate (PEM). */
    tls?: { key: string; cert: string };
}

/**
 * A Qualys PM API on 127.0.0.1, stateful, with switches for faults and out-of-band edits. Three
 * parts, reset between tests: `state` (the jobs), the routes and the faults.
 *
 * Refused with a 400 in the PM error shape (rules.ts): an unknown platform (Windows and Linux only;
 * Mac is not in the PM API), an unknown `type` (Install, Rollback), an unknown `scheduleType`, a
 * scheduled job without `startDateTime`, a top-level key no 3.5 request sample or documented field
 * has (an update also takes the keys of a GET answer, the job's own among them, which the docs tell
 * clients to send back), a `pageSize` outside 1..10,000 (qualysdk's bound) or a negative `pageNumber`.
 *
 * Not modelled (nothing in the docs says how Qualys does it): job execution and its results beyond
 * one canned summary (the same asset rows for every job, run or not), runs beyond one per enable
 * scheduled at the moment of enabling (no recurrence, no `jobInstanceId` in the results), asset and
 * patch existence, QQL beyond `name:"..."` filters, the `attributes`, `sort`, `coauthorJob` and
 * `ownedJob` list parameters (taken and ignored), a list without `platform` (answered for both),
 * Qualys' real page-size bound and the 2501 page-depth error (only as a fault), whether Qualys
 * ignores or refuses qualysdk's top-level `rebootOption` / `rebootCountdown` / `suppressReboots`
 * (refused here), rules on nested keys beyond `postDeployment.suppressReboots`, mitigation jobs,
 * the exact `_error` body and codes (the shape is the one qualysdk reads: `{_error: {errorCode,
 * message}}`), and JWT lifetimes on a skewed clock (they run on this machine's).
 */
export class PmEmulator {
    readonly state: TenantState;
    readonly requests: RequestRecord[] = [];
    private readonly faults: Faults;
    private readonly router: Router;
    private server?: http.Server;
    url = "";
    /** Read at each request: a test may change a field (the rate limit, say) while the server runs. */
    options: Required<Omit<EmulatorOptions, "tls">> & { tls?: EmulatorOptions["tls"] };

    constructor(options: EmulatorOptions = {}) {
        this.options = {
            users: { "demo-user": "demo-password" },
            tokenTtlMs: 4 * 3600 * 1000,
            rateLimitPerSecond: 0,
            rateLimitHint: "retry-after",
            latencyMs: 0,
            customerId: "8ac1558c-cbdf-c133-80c6-0fcf7d68e79c",
            resultsMethods: ["GET", "POST"],
            resultAssets: 1,
            ...options,
        };
        this.state = new TenantState(this.options);
        this.faults = new Faults(this.options, () => this.state.now());
        this.router = new Router(this.state, this.faults, this.requests, this.options);
    }

    async start(): Promise<string> {
        const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.router.handle(req, res);
        this.server = this.options.tls ? https.createServer(this.options.tls, handler) : http.createServer(handler);
        this.server.keepAliveTimeout = 60_000;
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        const { port } = this.server.address() as AddressInfo;
        this.url = `${this.options.tls ? "https" : "http"}://127.0.0.1:${port}`;
        return this.url;
    }

    async close(): Promise<void> {
        this.server?.closeAllConnections();
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    /** Forget jobs, tokens, runs, faults and counts; the clock runs true again and names are kept as sent. */
    reset(): void {
        this.state.clear();
        this.faults.reset();
        this.requests.length = 0;
    }

    // ---- switches (faults.ts) -------------------------------------------------------------------

    /** The next `count` requests of `route` get `status` (with optional headers and body). */
    failNext(route: RouteName, count: number, status: number, extra: { headers?: Record<string, string>; body?: unknown } = {}): void {
        this.faults.failNext(route, count, status, extra);
    }
    /** Apply the next `count` requests of `route`, then drop the connection without answering. */
    dropAfterApply(route: RouteName, count = 1): void {
        this.faults.dropAfterApply(route, count);
    }
    /** Drop the connection of the next `count` requests of `route` before doing anything. */
    dropBeforeApply(route: RouteName, count = 1): void {
        this.faults.dropBeforeApply(route, count);
    }
    /** Answer the next `count` requests of `route` with cut-off JSON, or a proxy's HTML error page. */
    corruptNext(route: RouteName, count: number, kind: "truncated-json" | "html"): void {
        this.faults.corruptNext(route, count, kind);
    }
    /** Run `action` when the `nth` request of `route` arrives (e.g. expire tokens in the middle of an up). */
    onNth(route: RouteName, nth: number, action: () => void): void {
        this.faults.onNth(route, nth, action);
    }
    /**
     * Stops the next request of `route` that `match` accepts at `point`: "before-apply" (arrived and
     * authorized, nothing stored) or "after-apply" (applied, not answered). It stays there with its
     * socket open until `release()` lets it go on, or until the client goes away (a killed process):
     * then it is never answered. Tests kill a process exactly there.
     */
    holdNext(route: RouteName, point: "before-apply" | "after-apply", match: (record: RequestRecord) => boolean = () => true): Hold {
        return this.faults.holdNext(route, point, match);
    }
    /** Run `action` after the `nth` request of `route` that `match` accepts was applied, before it is answered. */
    onApplied(route: RouteName, nth: number, action: (record: RequestRecord) => void, match: (record: RequestRecord) => boolean = () => true): void {
        this.faults.onApplied(route, nth, action, match);
    }
    /** Run `action` right after the answer to the `nth` applied request of `route` that `match` accepts was handed to the socket. */
    onAnswered(route: RouteName, nth: number, action: (record: RequestRecord) => void, match: (record: RequestRecord) => boolean = () => true): void {
        this.faults.onAnswered(route, nth, action, match);
    }

    // ---- the tenant (state.ts) ------------------------------------------------------------------

    /** Make every issued token expire now, as after four hours. */
    expireTokens(): void {
        this.state.expireTokens();
    }
    /** Edit a job as a person would in the Qualys UI (fields in the API's shape). */
    editJob(id: string, edit: (job: Job) => void): void {
        this.state.edit(id, edit);
    }
    /** Add a job directly, as if made in the Qualys UI; returns its id. */
    seedJob(body: Job): string {
        return this.state.store(body).id;
    }
    jobs(): Job[] {
        return [...this.state.jobs.values()];
    }

    /**
     * The server's own clock runs `ms` ahead of this machine's (negative: behind), from now until
     * reset(): every date it stamps (createdBy.date, updatedBy.date, the On-demand start stamp, runs,
     * errors' timestamps, results' createdOn) and every answer's `Date` header.
     */
    skewClock(ms: number): void {
        this.state.clockSkewMs = ms;
    }
    /**
     * The server stores every job name a create or update sends rewritten by `rewrite` (say,
     * `&` as `&amp;`) and answers with the name it stored; undefined keeps names as sent.
     */
    rewriteNames(rewrite: ((name: string) => string) | undefined): void {
        this.state.nameRewrite = rewrite;
    }
    /** The job's runs, as `GET /pm/v1/deploymentjob/{id}/runs` answers them. */
    runs(id: string): Run[] {
        return this.state.runs.get(id) ?? [];
    }

    // ---- the transcript -------------------------------------------------------------------------

    /** Enable requests the server applied, per job id (enabling an enabled job counts too). */
    enablesApplied(): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const r of this.requests.filter((r) => r.route === "status" && r.applied && r.path.endsWith("/Enabled"))) {
            for (const id of (r.body as { ids?: string[] } | undefined)?.ids ?? []) counts[id] = (counts[id] ?? 0) + 1;
        }
        return counts;
    }
    /** Requests per route, e.g. `{ create: 2, get: 1 }`. */
    counts(): Partial<Record<RouteName | "unknown", number>> {
        const counts: Partial<Record<RouteName | "unknown", number>> = {};
        for (const r of this.requests) counts[r.route] = (counts[r.route] ?? 0) + 1;
        return counts;
    }
}

/** Starts an emulator on a free loopback port. */
export async function startEmulator(options?: EmulatorOptions): Promise<PmEmulator> {
    const emulator = new PmEmulator(options);
    await emulator.start();
    return emulator;
}
