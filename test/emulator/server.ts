// A Qualys PM API emulator on 127.0.0.1, stateful, with switches for faults and out-of-band edits.
// It answers as the PM 3.5 release notes' samples show the real server answering (copied in
// test/fixtures/seed): renamed fields, filled defaults, enriched pre-deploy actions, null for [],
// "Prepared" for a triggered enabled job. Three parts, reset between tests: `state` (the jobs),
// the routes (HTTP shapes from the docs) and `faults` (one-shot switches).
//
// Not modelled (nothing in the docs says how Qualys does it): job execution and its results beyond
// one canned summary, asset and patch existence, QQL beyond `name:"..."` filters, mitigation jobs,
// the exact `_error` body and codes (the shape is the one qualysdk reads: `{_error: {errorCode, message}}`).
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import linuxGet from "../fixtures/seed/linux-get.response.json";
import resultsSummary from "../fixtures/seed/windows-results-summary.response.json";

export type RouteName = "auth" | "create" | "update" | "get" | "results" | "delete" | "status" | "list";
export type Job = Record<string, any>;

export interface EmulatorOptions {
    users?: Record<string, string>;
    /** JWT lifetime; Qualys' is four hours. */
    tokenTtlMs?: number;
    /** Requests per second above which the gateway answers 429; 0 = unlimited. */
    rateLimitPerSecond?: number;
    /** Which hint a 429 carries: Retry-After (seconds), X-RateLimit-ToWait-Sec, or none (PM may send none). */
    rateLimitHint?: "retry-after" | "x-ratelimit-towait-sec" | "none";
    latencyMs?: number;
    customerId?: string;
    /** Serve HTTPS with this key and certificate (PEM). */
    tls?: { key: string; cert: string };
    /** Methods the results summary answers: GET in the 3.5 notes, POST in qualysdk. Another method gets a 405. */
    resultsMethods?: ("GET" | "POST")[];
    /** Asset results each job's summary holds, paged by `pageNumber` / `pageSize` (default 1, the seed's). */
    resultAssets?: number;
}

interface Fault {
    route: RouteName;
    remaining: number;
    kind: "status" | "drop-after" | "drop-before" | "truncated-json" | "html" | "delay";
    status?: number;
    headers?: Record<string, string>;
    body?: unknown;
    delayMs?: number;
}

export interface RequestRecord {
    route: RouteName | "unknown";
    method: string;
    path: string;
    status: number;
    authorization?: string;
    body?: unknown;
    /** The server applied it (its handler ran and chose a status below 400), whether or not the answer reached the client. */
    applied?: boolean;
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

const MAKECACHE_PATH = "default/MakeCache/makecache";
/** The script text a GET returns for the MakeCache action (seed: Get Linux Deployment Job Details). */
const MAKECACHE_BASE64: string = (linuxGet as Job).preDeployActions[0].script;
const USER = { id: "9ea81ebb-1830-5f23-8389-2921ae95238f", name: "emulator_user", fullName: "Emulator User" };
const LIST_FIELDS = ["assetIds", "assetTagIds", "matchAllTagIds", "exclusionTagIds", "exclusionAssetIds", "coAuthorUserIds", "approvedPatches"];

export class PmEmulator {
    readonly state = { jobs: new Map<string, Job>(), tokens: new Map<string, number>() };
    readonly requests: RequestRecord[] = [];
    private faults: Fault[] = [];
    private triggers: { route: RouteName; remaining: number; action: () => void }[] = [];
    private hooks: Hook[] = [];
    private recent: number[] = [];
    private server?: http.Server;
    url = "";
    options: Required<Omit<EmulatorOptions, "tls">> & { tls?: EmulatorOptions["tls"] };

    constructor(options: EmulatorOptions = {}) {
        this.options = {
            users: { "demo-user": "demo-password" },
            tokenTtlMs: 4 * 3600 * 1000,
            rateLimitPerSecond: 0,
            rateLimitHint: "retry-after",
            latencyMs: 0,
            customerId: "8ac1558c-cbdf-c133-80c6-0fcf7d68e79c",
            resultsMethods: ["GET"],
            resultAssets: 1,
            ...options,
        };
    }

    async start(): Promise<string> {
        const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
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

    /** Forget jobs, tokens, faults and counts. */
    reset(): void {
        this.state.jobs.clear();
        this.state.tokens.clear();
        this.faults = [];
        this.triggers = [];
        this.hooks = [];
        this.requests.length = 0;
        this.recent = [];
    }

    // ---- switches -------------------------------------------------------------------------------

    /** The next `count` requests of `route` get `status` (with optional headers and body). */
    failNext(route: RouteName, count: number, status: number, extra: { headers?: Record<string, string>; body?: unknown } = {}): void {
        this.faults.push({ route, remaining: count, kind: "status", status, ...extra });
    }
    /** Apply the next `count` requests of `route`, then drop the connection without answering. */
    dropAfterApply(route: RouteName, count = 1): void {
        this.faults.push({ route, remaining: count, kind: "drop-after" });
    }
    /** Drop the connection of the next `count` requests of `route` before doing anything. */
    dropBeforeApply(route: RouteName, count = 1): void {
        this.faults.push({ route, remaining: count, kind: "drop-before" });
    }
    /** Answer the next `count` requests of `route` with cut-off JSON, or a proxy's HTML error page. */
    corruptNext(route: RouteName, count: number, kind: "truncated-json" | "html"): void {
        this.faults.push({ route, remaining: count, kind });
    }
    /** Hold the next `count` answers of `route` for `delayMs` (past a client timeout, say). */
    delayNext(route: RouteName, count: number, delayMs: number): void {
        this.faults.push({ route, remaining: count, kind: "delay", delayMs });
    }
    /** Run `action` when the `nth` request of `route` arrives (e.g. expire tokens in the middle of an up). */
    onNth(route: RouteName, nth: number, action: () => void): void {
        this.triggers.push({ route, remaining: nth, action });
    }
    /**
     * Stops the next request of `route` that `match` accepts at `point`: "before-apply" (arrived and
     * authorized, nothing stored) or "after-apply" (applied, not answered). It stays there with its
     * socket open until `release()` lets it go on, or until the client goes away (a killed process):
     * then it is never answered. Tests kill a process exactly there.
     */
    holdNext(route: RouteName, point: "before-apply" | "after-apply", match: (record: RequestRecord) => boolean = () => true): Hold {
        let release!: () => void;
        let reach!: (record: RequestRecord) => void;
        const hold = new Promise<void>((resolve) => (release = resolve));
        const reached = new Promise<RequestRecord>((resolve) => (reach = resolve));
        this.hooks.push({ route, remaining: 1, match, point, action: reach, hold });
        return { reached, release };
    }
    /** Run `action` after the `nth` request of `route` that `match` accepts was applied, before it is answered. */
    onApplied(route: RouteName, nth: number, action: (record: RequestRecord) => void, match: (record: RequestRecord) => boolean = () => true): void {
        this.hooks.push({ route, remaining: nth, match, point: "after-apply", action });
    }
    /** Run `action` right after the answer to the `nth` applied request of `route` that `match` accepts was handed to the socket. */
    onAnswered(route: RouteName, nth: number, action: (record: RequestRecord) => void, match: (record: RequestRecord) => boolean = () => true): void {
        this.hooks.push({ route, remaining: nth, match, point: "answered", action });
    }
    /** Enable requests the server applied, per job id (enabling an enabled job counts too). */
    enablesApplied(): Record<string, number> {
        const counts: Record<string, number> = {};
        for (const r of this.requests.filter((r) => r.route === "status" && r.applied && r.path.endsWith("/Enabled"))) {
            for (const id of (r.body as { ids?: string[] } | undefined)?.ids ?? []) counts[id] = (counts[id] ?? 0) + 1;
        }
        return counts;
    }
    /** Make every issued token expire now, as after four hours. */
    expireTokens(): void {
        for (const token of this.state.tokens.keys()) this.state.tokens.set(token, 0);
    }
    /** Edit a job as a person would in the Qualys UI (fields in the API's shape). */
    editJob(id: string, edit: (job: Job) => void): void {
        const job = this.state.jobs.get(id);
        if (!job) throw new Error(`no job ${id}`);
        edit(job);
        job.updatedBy = { user: { ...USER, fullName: null }, date: Date.now() };
    }
    /** Add a job directly, as if made in the Qualys UI; returns its id. */
    seedJob(body: Job): string {
        return this.store(body).id;
    }
    /** Requests per route, e.g. `{ create: 2, get: 1 }`. */
    counts(): Partial<Record<RouteName | "unknown", number>> {
        const counts: Partial<Record<RouteName | "unknown", number>> = {};
        for (const r of this.requests) counts[r.route] = (counts[r.route] ?? 0) + 1;
        return counts;
    }
    jobs(): Job[] {
        return [...this.state.jobs.values()];
    }

    // ---- HTTP -----------------------------------------------------------------------------------

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const raw = Buffer.concat(chunks).toString("utf8");
        const url = new URL(req.url ?? "/", "http://emulator");
        const method = req.method ?? "GET";
        const route = routeOf(method, url.pathname);
        const record: RequestRecord = { route: route?.name ?? "unknown", method, path: url.pathname, status: 0, authorization: req.headers.authorization };
        this.requests.push(record);
        const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
            record.status = status;
            const text = typeof body === "string" ? body : JSON.stringify(body);
            res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json", ...headers });
            res.end(text);
        };
        if (this.options.latencyMs) await sleep(this.options.latencyMs);
        if (!route) return reply(404, qualysError("404", `No route for ${method} ${url.pathname} in the PM API emulator`));

        for (const trigger of this.triggers.filter((t) => t.route === route.name && t.remaining > 0)) {
            if (--trigger.remaining === 0) trigger.action();
        }
        const fault = this.takeFault(route.name);
        if (fault?.kind === "drop-before") return void req.socket.destroy();
        if (fault?.kind === "delay") await sleep(fault.delayMs ?? 0);
        if (fault?.kind === "status") return reply(fault.status!, fault.body ?? qualysError(String(fault.status), `Injected failure ${fault.status}`), fault.headers);
        if (fault?.kind === "html") {
            record.status = 502;
            res.writeHead(502, { "content-type": "text/html" });
            return void res.end("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
        }
        if (route.name !== "auth" && this.rateLimited()) {
            const hint = this.options.rateLimitHint;
            const headers: Record<string, string> = hint === "retry-after" ? { "retry-after": "1" } : hint === "x-ratelimit-towait-sec" ? { "x-ratelimit-towait-sec": "1" } : {};
            return reply(429, qualysError("429", "Too many requests"), headers);
        }
        let body: unknown;
        if (raw && (req.headers["content-type"] ?? "").includes("json")) {
            try {
                body = JSON.parse(raw);
            } catch {
                return reply(400, qualysError("400", "Malformed JSON request body"));
            }
        }
        record.body = body;
        if (route.name !== "auth" && !this.authorized(req.headers.authorization)) {
            return reply(401, qualysError("401", "Invalid or expired token"));
        }
        if (!(await this.atHooks("before-apply", route.name, record, req, res))) return;
        const [status, answer] = this.dispatch(route.name, route.params, url, raw, body, method);
        record.applied = status < 400;
        if (!(await this.atHooks("after-apply", route.name, record, req, res))) return;
        if (fault?.kind === "drop-after") {
            record.status = status;
            return void req.socket.destroy();
        }
        if (fault?.kind === "truncated-json") {
            record.status = status;
            res.writeHead(status, { "content-type": "application/json" });
            return void res.end(JSON.stringify(answer).slice(0, 40));
        }
        reply(status, answer);
    }

    /** Runs the hooks of `point` (and arms the "answered" ones after applying); false when a held request's client went away. */
    private async atHooks(point: "before-apply" | "after-apply", route: RouteName, record: RequestRecord, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
        const points = point === "after-apply" ? ["after-apply", "answered"] : [point];
        for (const hook of this.hooks.filter((h) => points.includes(h.point) && h.route === route && h.remaining > 0 && h.match(record))) {
            if (--hook.remaining > 0) continue;
            if (hook.point === "answered") {
                // Right after res.end() hands the answer to the socket: sooner than its "finish" event.
                const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
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

    private takeFault(route: RouteName): Fault | undefined {
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

    private authorized(header: string | undefined): boolean {
        const token = /^Bearer (.+)$/.exec(header ?? "")?.[1];
        const expires = token ? this.state.tokens.get(token) : undefined;
        return expires !== undefined && expires > Date.now();
    }

    private dispatch(route: RouteName, params: string[], url: URL, raw: string, body: any, method: string): [number, unknown] {
        switch (route) {
            case "auth": {
                const form = new URLSearchParams(raw);
                const username = form.get("username") ?? "";
                if (form.get("token") !== "true") return [400, "token=true is required"];
                if (!username || this.options.users[username] !== form.get("password")) return [401, "Authentication failed"];
                const token = fakeJwt(username);
                this.state.tokens.set(token, Date.now() + this.options.tokenTtlMs);
                // Tokens issued during the test suite, for its leak scan (test/secrets/leak-scan.test.ts).
                if (process.env.QUALYS_EMULATOR_TOKEN_LOG) fs.appendFileSync(process.env.QUALYS_EMULATOR_TOKEN_LOG, `${token}\n`);
                return [201, token];
            }
            case "create": {
                const problem = invalidJob(body);
                if (problem) return [400, qualysError("400", problem)];
                const job = this.store(body);
                if (job.status === "Enabled") this.trigger(job);
                return [201, present(job, "create")];
            }
            case "update": {
                const job = this.state.jobs.get(params[0]);
                if (!job) return [404, qualysError("404", `Deployment job ${params[0]} not found`)];
                const problem = invalidJob(body) ?? lockedProblem(job);
                if (problem) return [400, qualysError("400", problem)];
                const updated = this.store({ ...body, id: job.id }, job);
                if (updated.status === "Enabled" && job.status !== "Enabled") this.trigger(updated);
                // The 3.5 notes show the Windows update answering with the request echoed back.
                return [200, updated.platform === "Windows" ? body : present(updated, "update")];
            }
            case "get": {
                const job = this.state.jobs.get(params[0]);
                return job ? [200, present(job, "get")] : [404, qualysError("404", `Deployment job ${params[0]} not found`)];
            }
            case "results": {
                if (!this.options.resultsMethods.includes(method as "GET" | "POST")) return [405, qualysError("405", `Request method '${method}' is not supported`)];
                const job = this.state.jobs.get(params[0]);
                if (!job) return [404, qualysError("404", `Deployment job ${params[0]} not found`)];
                // Paged as the job list is: pageNumber from 0, in the query (GET) or the body (POST).
                const paging = method === "GET" ? Object.fromEntries(url.searchParams) : (body ?? {});
                const size = Number(paging.pageSize ?? 10);
                const page = Number(paging.pageNumber ?? 0);
                const assets = Array.from({ length: this.options.resultAssets }, (_, i) => ({
                    ...resultsSummary.assets[0],
                    asset: { ...resultsSummary.assets[0].asset, id: `${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`, name: `asset-${i}` },
                }));
                return [200, { ...resultsSummary, id: job.id, name: job.name, createdOn: job.createdBy.date, patchCount: job.approvedPatches.length, assetCount: assets.length, assets: assets.slice(page * size, (page + 1) * size) }];
            }
            case "delete": {
                const ids: unknown = body?.ids;
                if (!Array.isArray(ids)) return [400, qualysError("400", "ids is required")];
                return [200, ids.map((id: string) => {
                    const job = this.state.jobs.get(id);
                    if (!job) return { id, name: null, status: "failed", message: "Job not found" };
                    this.state.jobs.delete(id);
                    return { id, name: job.name, status: "success" };
                })];
            }
            case "status": {
                const target = params[0];
                const ids: unknown = body?.ids;
                if (!Array.isArray(ids) || !["Enabled", "Disabled"].includes(target)) return [400, qualysError("400", "ids and a status of Enabled or Disabled are required")];
                for (const id of ids) {
                    const job = this.state.jobs.get(id);
                    if (!job) return [404, qualysError("404", `Deployment job ${id} not found`)];
                    const problem = target === "Disabled" && runOnce(job) && job.status === "Enabled"
                        ? `Run-once job ${job.name} cannot be disabled once enabled`
                        : target === "Enabled" && !deployable(job) ? `Job ${job.name} needs a patch, QQL or action and an asset or tag to be enabled` : undefined;
                    if (problem) return [400, qualysError("400", problem)];
                }
                return [200, ids.map((id: string) => {
                    const job = this.state.jobs.get(id)!;
                    const wasEnabled = job.status === "Enabled";
                    job.status = target;
                    if (target === "Enabled" && !wasEnabled) this.trigger(job);
                    return { id, name: job.name, status: "success" };
                })];
            }
            case "list": {
                const platform = url.searchParams.get("platform");
                const page = Number(url.searchParams.get("pageNumber") ?? 0);
                const size = Number(url.searchParams.get("pageSize") ?? 10);
                const name = /name:"((?:[^"\\]|\\.)*)"/.exec(url.searchParams.get("filter") ?? "")?.[1]?.replace(/\\(.)/g, "$1");
                const matches = this.jobs().filter((j) => (!platform || j.platform === platform) && (name === undefined || j.name.includes(name)));
                return [200, matches.slice(page * size, (page + 1) * size).map((j) => summaryOf(j))];
            }
        }
    }

    private store(body: Job, previous?: Job): Job {
        const now = Date.now();
        const job: Job = JSON.parse(JSON.stringify(body));
        job.id = previous?.id ?? body.id ?? randomUUID();
        job.customerId = this.options.customerId;
        job.createdBy = previous?.createdBy ?? { user: USER, date: now };
        job.updatedBy = previous ? { user: { ...USER, fullName: null }, date: now } : { user: null, date: null };
        job.triggeredAt = previous?.triggeredAt;
        job.startStamp = previous?.startStamp ?? formatQualysDate(new Date(now));
        const post = job.postDeployment ?? {};
        job.postDeployment = {
            suppressReboots: post.suppressreboots ?? false,
            rebootHonorOnUserLogin: post.rebootHonorOnUserLogin ?? false,
            rebootOption: post.rebootOption ?? { userMessage: "", description: "", deferment: { count: 3, interval: 1, intervalUnit: "HOURS" } },
            rebootCountdown: post.rebootCountdown ?? { interval: 15, intervalUnit: "MINUTES", userMessage: "", description: "" },
            onComplete: { userMessage: "", description: "", alwaysShowCompletedPrompt: false, ...post.onComplete },
        };
        job.preDeployActions = (job.preDeployActions ?? []).map((a: Job) => enrich(a, "predeploy"));
        job.postDeployActions = (job.postDeployActions ?? []).map((a: Job) => enrich(a, "postdeploy"));
        for (const key of LIST_FIELDS) job[key] = job[key] ?? [];
        this.state.jobs.set(job.id, job);
        return job;
    }

    /** An enabled job is submitted for execution: an On-demand one at once (Enable_Disable_Jobs.htm). */
    private trigger(job: Job): void {
        job.triggeredAt = Date.now();
    }
}

function routeOf(method: string, path: string): { name: RouteName; params: string[] } | undefined {
    const table: [string, RegExp, RouteName][] = [
        ["POST", /^\/auth$/, "auth"],
        ["POST", /^\/pm\/v1\/deploymentjob$/, "create"],
        ["PATCH", /^\/pm\/v1\/deploymentjob\/update\/([^/]+)$/, "update"],
        ["GET", /^\/pm\/v1\/deploymentjob\/([^/]+)\/deploymentjobresult\/summary$/, "results"],
        ["POST", /^\/pm\/v1\/deploymentjob\/([^/]+)\/deploymentjobresult\/summary$/, "results"],
        ["GET", /^\/pm\/v1\/deploymentjob\/([^/]+)$/, "get"],
        ["DELETE", /^\/pm\/v1\/deploymentjobs$/, "delete"],
        ["POST", /^\/pm\/v1\/deploymentjobs\/update\/status\/([^/]+)$/, "status"],
        ["GET", /^\/pm\/v1\/deploymentjobs\/summary$/, "list"],
    ];
    for (const [m, pattern, name] of table) {
        const match = m === method ? pattern.exec(path) : null;
        if (match) return { name, params: match.slice(1).map(decodeURIComponent) };
    }
    return undefined;
}

function qualysError(errorCode: string, message: string) {
    return { _error: { errorCode, message, timestamp: Date.now() } };
}

function fakeJwt(username: string): string {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    return `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub: username, iss: "qas", aud: "qas", jti: randomUUID() })}.${randomUUID().replace(/-/g, "")}`;
}

function runOnce(job: Job): boolean {
    return job.scheduleType === "On-demand" || job.scheduleType === "Once";
}

function deployable(job: Job): boolean {
    const hasWork = job.approvedPatches?.length || job.isDynamicPatchesQQL || job.preDeployActions?.length || job.postDeployActions?.length;
    const hasTarget = job.assetIds?.length || job.assetTagIds?.length || job.matchAllTagIds?.length;
    return Boolean(hasWork && hasTarget);
}

/** What the emulator refuses with a 400, as far as the docs say Qualys does. */
function invalidJob(body: Job | undefined): string | undefined {
    if (!body || typeof body !== "object") return "Request body must be a deployment job";
    for (const key of ["name", "platform", "type", "scheduleType"]) {
        if (!body[key]) return `${key} is mandatory`;
    }
    if (!["Windows", "Linux"].includes(body.platform)) return `Invalid platform ${body.platform}`;
    // The 3.5 notes' requests spell it suppressreboots; the answers' spelling is refused, so a client that drifts shows.
    if (body.postDeployment && "suppressReboots" in body.postDeployment) return "Unrecognized field \"suppressReboots\" in postDeployment";
    if (!["On-demand", "Once", "Daily", "Weekly", "Monthly"].includes(body.scheduleType)) return `Invalid scheduleType ${body.scheduleType}`;
    const reattempt = body.reattemptFailedPatches;
    if (reattempt) {
        if (body.platform !== "Windows") return "reattemptFailedPatches is supported only for Windows jobs";
        if (!Number.isInteger(reattempt.noOfReattempts) || reattempt.noOfReattempts < 1 || reattempt.noOfReattempts > 5) {
            return "noOfReattempts must be between 1 and 5";
        }
        if (!Number.isInteger(reattempt.exponentialBackoffInterval) || reattempt.exponentialBackoffInterval < 1 || reattempt.exponentialBackoffInterval > 15) {
            return "exponentialBackoffInterval must be between 1 and 15";
        }
    }
    for (const action of body.preDeployActions ?? []) {
        if (action?.params?.defaultScriptType === "MakeCache") {
            if (body.platform !== "Linux") return "MakeCache pre-action is supported only for Linux jobs";
            if (String(action.script ?? "").trim() !== "") return "script must be empty for the MakeCache pre-action";
        }
    }
    if (body.status === "Enabled" && !deployable(body)) return "An enabled job needs a patch, QQL or action and an asset or tag";
    return undefined;
}

function lockedProblem(job: Job): string | undefined {
    return runOnce(job) && job.status === "Enabled" ? `Run-once job ${job.name} cannot be edited once enabled` : undefined;
}

function enrich(action: Job, actionType: string): Job {
    const makeCache = action?.params?.defaultScriptType === "MakeCache";
    return {
        actionId: action.actionId ?? randomUUID(),
        action: action.action,
        actionType,
        params: { ...action.params, ...(makeCache ? { timeout: 180 } : {}) },
        script: makeCache ? MAKECACHE_PATH : action.script,
        scriptType: action.scriptType,
        actionLinkedToJob: false,
    };
}

/** A stored job as the server answers it: to a create, an update, or a GET (seed samples). */
function present(job: Job, kind: "create" | "update" | "get"): Job {
    const get = kind === "get";
    const onDemand = job.scheduleType === "On-demand";
    const triggered = job.status === "Enabled" && job.triggeredAt !== undefined;
    const list = (value: unknown[]) => (get && !value.length ? null : value);
    const actions = (value: Job[], answer: "null" | "list") =>
        value.length
            ? value.map((a) => ({ ...a, script: get && a.script === MAKECACHE_PATH ? MAKECACHE_BASE64 : get && typeof a.script === "string" ? Buffer.from(a.script).toString("base64") : a.script }))
            : answer === "null" ? null : [];
    // On-demand jobs get a start stamp and UTC from the server, except in an update's answer.
    const serverTime = onDemand && kind !== "update";
    return {
        customerId: job.customerId,
        id: job.id,
        schemaVersion: "1.0",
        name: job.name,
        type: job.type,
        status: triggered && get && onDemand ? "Prepared" : job.status,
        assetIds: list(job.assetIds),
        assetTagIds: list(job.assetTagIds),
        matchAllTagIds: list(job.matchAllTagIds),
        exclusionTagIds: list(job.exclusionTagIds),
        exclusionAssetIds: list(job.exclusionAssetIds),
        coAuthorUserIds: list(job.coAuthorUserIds),
        approvedPatches: list(job.approvedPatches),
        disabledPatches: null,
        patchCount: job.approvedPatches.length,
        scheduleType: job.scheduleType,
        startDateTime: serverTime ? job.startStamp : job.startDateTime ?? null,
        recurring: job.recurring ?? false,
        recurringWeekDays: job.recurringWeekDays ?? "",
        dayOfMonth: job.dayOfMonth ?? null,
        recurringDayOfMonth: job.recurringDayOfMonth ?? null,
        recurringWeekDayOfMonth: job.recurringWeekDayOfMonth ?? null,
        timezoneType: serverTime ? "SPECIFIC_TZ" : job.timezoneType ?? null,
        timezone: serverTime ? "UTC" : job.timezone ?? null,
        timeout: job.timeout ?? -1,
        timeoutUnit: job.timeoutUnit ?? "HOURS",
        preDeployment: { userMessage: "", description: "", deferment: { count: 3, interval: 1, intervalUnit: "HOURS" }, ...job.preDeployment },
        duringDeployment: { userMessage: "", description: "", ...job.duringDeployment },
        // The update answer in the notes leaves alwaysShowCompletedPrompt out of onComplete.
        postDeployment: kind === "update"
            ? { ...job.postDeployment, onComplete: { userMessage: job.postDeployment.onComplete.userMessage, description: job.postDeployment.onComplete.description } }
            : job.postDeployment,
        description: job.description ?? "",
        createdBy: kind === "update" ? null : job.createdBy,
        updatedBy: job.updatedBy,
        deletedBy: kind === "update" ? null : { user: null, date: null },
        assetCount: null,
        opportunisticDownloads: job.opportunisticDownloads ?? false,
        filterType: job.filterType ?? "Any",
        exclusionFilterType: job.exclusionFilterType ?? "Any",
        taggedAssetCount: 0,
        minimizeWindow: job.minimizeWindow ?? false,
        dynamicPatchesQQL: job.dynamicPatchesQQL ?? "",
        isDynamicPatchesQQL: job.isDynamicPatchesQQL ?? false,
        dynamicQQLType: job.dynamicQQLType ?? 1,
        platform: job.platform,
        continueOnPatchFailure: job.continueOnPatchFailure ?? false,
        preDeployActions: actions(job.preDeployActions, kind === "get" || job.platform === "Windows" ? "null" : "list"),
        postDeployActions: actions(job.postDeployActions, kind === "update" ? "list" : "null"),
        applicableAssetCount: job.assetIds.length,
        monthlyRecurringType: job.monthlyRecurringType ?? null,
        patchTuesdayPlusXDays: job.patchTuesdayPlusXDays ?? null,
        recurringLastDayOfMonth: job.recurringLastDayOfMonth ?? false,
        jobCategory: kind === "update" ? null : 3,
        jobTriggerStatus: triggered && get ? 1 : null,
        completionPercent: null,
        totalAssetCount: null,
        assetResultReceivedCount: null,
        jobSource: 3,
        readOnly: false,
        notification: job.notification ?? null,
        // Job chaining is not modelled by the provider: answered as stored, so an update that lost it shows.
        linkedJobId: job.linkedJobId || null,
        linkedToJob: job.linkedToJob ?? null,
        linkedJobs: job.linkedJobs ?? null,
        jobStartCountdown: null,
        passwordAction: null,
        subCategory: "Patch",
        additionalDynamicQQLType: job.additionalDynamicQQLType || null,
        additionalDynamicPatchesQQL: job.additionalDynamicPatchesQQL || null,
        downloadRandomizeTime: job.downloadRandomizeTime ?? 0,
        downloadRandomizeTimeUnit: job.downloadRandomizeTimeUnit ?? "MINUTES",
        customPatchURLId: job.customPatchURLId ?? null,
        isVulnContext: job.platform === "Windows" && kind === "create" ? null : false,
        remediationQids: get || job.platform === "Windows" ? null : [],
        isAssetImported: false,
        hostIsolationConfig: null,
        quarantineAssetRequestNotification: null,
        enableReattemptFailedPatches: job.enableReattemptFailedPatches ?? null,
        reattemptFailedPatches: job.reattemptFailedPatches ?? null,
        // Fields a newer API has (chainedJobRule, ...): a server answers what it holds.
        ...Object.fromEntries(Object.entries(job).filter(([key]) => !PRESENTED.has(key) && !INTERNAL.has(key))),
    };
}

/** Every field present() writes itself, and the emulator's own bookkeeping. */
const PRESENTED = new Set([
    "customerId", "id", "schemaVersion", "name", "type", "status", "assetIds", "assetTagIds", "matchAllTagIds", "exclusionTagIds", "exclusionAssetIds",
    "coAuthorUserIds", "approvedPatches", "disabledPatches", "patchCount", "scheduleType", "startDateTime", "recurring", "recurringWeekDays", "dayOfMonth",
    "recurringDayOfMonth", "recurringWeekDayOfMonth", "timezoneType", "timezone", "timeout", "timeoutUnit", "preDeployment", "duringDeployment",
    "postDeployment", "description", "createdBy", "updatedBy", "deletedBy", "assetCount", "opportunisticDownloads", "filterType", "exclusionFilterType",
    "taggedAssetCount", "minimizeWindow", "dynamicPatchesQQL", "isDynamicPatchesQQL", "dynamicQQLType", "platform", "continueOnPatchFailure",
    "preDeployActions", "postDeployActions", "applicableAssetCount", "monthlyRecurringType", "patchTuesdayPlusXDays", "recurringLastDayOfMonth",
    "jobCategory", "jobTriggerStatus", "completionPercent", "totalAssetCount", "assetResultReceivedCount", "jobSource", "readOnly", "notification",
    "linkedJobId", "linkedToJob", "linkedJobs", "jobStartCountdown", "passwordAction", "subCategory", "additionalDynamicQQLType",
    "additionalDynamicPatchesQQL", "downloadRandomizeTime", "downloadRandomizeTimeUnit", "customPatchURLId", "isVulnContext", "remediationQids",
    "isAssetImported", "hostIsolationConfig", "quarantineAssetRequestNotification", "enableReattemptFailedPatches", "reattemptFailedPatches",
]);
/** The emulator's bookkeeping, and request fields the samples never show in an answer. */
const INTERNAL = new Set(["triggeredAt", "startStamp", "assetFilePath", "deleted", "chainedJobRule"]);

/** A job-list row as qualysdk reads one (qualysdk/pm/data_classes/Job.py): `created` and `updated`, not `createdBy`/`updatedBy`. */
function summaryOf(job: Job): Job {
    return {
        id: job.id,
        name: job.name,
        platform: job.platform,
        type: job.type,
        status: job.status,
        scheduleType: job.scheduleType,
        customerId: job.customerId,
        created: job.createdBy,
        updated: job.updatedBy,
        triggerStatus: job.triggeredAt === undefined ? null : 1,
        jobSource: 3,
        isRecurring: job.recurring ?? false,
    };
}

/** Qualys' date style: `2025-3-19 04:59:17 AM`, in UTC. */
export function formatQualysDate(date: Date): string {
    const hours = date.getUTCHours() % 12 || 12;
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${date.getUTCFullYear()}-${date.getUTCMonth() + 1}-${date.getUTCDate()} ${pad(hours)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCHours() < 12 ? "AM" : "PM"}`;
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts an emulator on a free loopback port. */
export async function startEmulator(options?: EmulatorOptions): Promise<PmEmulator> {
    const emulator = new PmEmulator(options);
    await emulator.start();
    return emulator;
}
