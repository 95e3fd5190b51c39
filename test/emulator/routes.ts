// The HTTP routes: method and path to a handler, the request's parsing, the token check and the
// status codes. Every request goes into the transcript (`requests`) as it arrives; faults.ts acts on
// arrival, around applying and on the answer; state.ts applies; shapes.ts writes the answer. An
// unknown route gets a 404 naming the method and path, as msw's onUnhandledRequest does.
import type * as http from "node:http";
import type { Fault, Faults } from "./faults";
import { invalidPaging, invalidPlatform, PLATFORMS } from "./rules";
import { outcomeRow, present, qualysError, resultsPage, summaryOf, updateAnswer } from "./shapes";
import { Refusal, type TenantState } from "./state";

export type RouteName = "auth" | "create" | "update" | "get" | "results" | "runs" | "delete" | "status" | "list";

export interface RequestRecord {
    route: RouteName | "unknown";
    method: string;
    path: string;
    /** The query string, with its "?" ("" when there is none). */
    search: string;
    status: number;
    authorization?: string;
    body?: unknown;
    /** The server applied it (its handler ran and chose a status below 400), whether or not the answer reached the client. */
    applied?: boolean;
}

export interface RouteOptions {
    /** Methods the results summary answers: GET in the 3.5 notes, POST in qualysdk; both by default. Another method gets a 405. */
    resultsMethods: ("GET" | "POST")[];
    /** Asset results each job's summary holds, paged by `pageNumber` / `pageSize` (default 1, the seed's). */
    resultAssets: number;
}

/** One request on the wire; answering it records its status in the transcript. */
export class Exchange {
    constructor(
        readonly req: http.IncomingMessage,
        readonly res: http.ServerResponse,
        readonly record: RequestRecord,
        /** The server's clock, for the Date header. */
        private readonly now: () => number,
    ) {}

    /** Answers JSON, or plain text for a string (the auth route answers its token so). */
    reply(status: number, body: unknown, headers: Record<string, string> = {}): void {
        this.send(status, typeof body === "string" ? "text/plain" : "application/json", typeof body === "string" ? body : JSON.stringify(body), headers);
    }

    send(status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
        this.record.status = status;
        // Every answer carries a Date, as node's own (sendDate) would, but from the server's clock, which a test may skew:
        // a Date header set here replaces node's.
        this.res.writeHead(status, { "content-type": contentType, date: new Date(this.now()).toUTCString(), ...headers });
        this.res.end(text);
    }

    /** Closes the connection unanswered; `status` is the one it would have had, once applied. */
    drop(status?: number): void {
        if (status !== undefined) this.record.status = status;
        this.req.socket.destroy();
    }
}

/** What a handler sees of a request. */
interface Call {
    state: TenantState;
    options: RouteOptions;
    params: string[];
    url: URL;
    raw: string;
    body: any;
    method: string;
}
type Answer = [status: number, body: unknown];
type Route = { name: RouteName; params: string[]; handler: (call: Call) => Answer };

export class Router {
    constructor(
        private readonly state: TenantState,
        private readonly faults: Faults,
        private readonly requests: RequestRecord[],
        private readonly options: RouteOptions,
    ) {}

    async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const raw = Buffer.concat(chunks).toString("utf8");
        const url = new URL(req.url ?? "/", "http://emulator");
        const method = req.method ?? "GET";
        const route = routeOf(method, url.pathname);
        const record: RequestRecord = { route: route?.name ?? "unknown", method, path: url.pathname, search: url.search, status: 0, authorization: req.headers.authorization };
        this.requests.push(record);
        const exchange = new Exchange(req, res, record, () => this.state.now());
        await this.faults.latency();
        if (!route) return exchange.reply(404, qualysError("404", `No route for ${method} ${url.pathname} in the PM API emulator`, this.state.now()));
        const fault = await this.faults.arrive(route.name, exchange);
        if (fault !== "answered") await this.serve(route, exchange, fault, { url, raw, method });
    }

    /** Parses, checks the token, applies and answers, with the hooks and the fault left by arrive(). */
    private async serve(route: Route, exchange: Exchange, fault: Fault | undefined, request: Pick<Call, "url" | "raw" | "method">): Promise<void> {
        const { req, record } = exchange;
        let body: unknown;
        if (request.raw && (req.headers["content-type"] ?? "").includes("json")) {
            try {
                body = JSON.parse(request.raw);
            } catch {
                return exchange.reply(400, qualysError("400", "Malformed JSON request body", this.state.now()));
            }
        }
        record.body = body;
        if (route.name !== "auth" && !this.state.authorized(/^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1])) {
            return exchange.reply(401, qualysError("401", "Invalid or expired token", this.state.now()));
        }
        if (!(await this.faults.atHooks("before-apply", route.name, exchange))) return;
        const [status, answer] = route.handler({ state: this.state, options: this.options, params: route.params, body, ...request });
        record.applied = status < 400;
        if (!(await this.faults.atHooks("after-apply", route.name, exchange))) return;
        if (!this.faults.spoil(fault, status, answer, exchange)) exchange.reply(status, answer);
    }
}

const ROUTES: [method: string, path: RegExp, name: RouteName, handler: (call: Call) => Answer][] = [
    ["POST", /^\/auth$/, "auth", auth],
    ["POST", /^\/pm\/v1\/deploymentjob$/, "create", create],
    ["PATCH", /^\/pm\/v1\/deploymentjob\/update\/([^/]+)$/, "update", update],
    ["GET", /^\/pm\/v1\/deploymentjob\/([^/]+)\/deploymentjobresult\/summary$/, "results", results],
    ["POST", /^\/pm\/v1\/deploymentjob\/([^/]+)\/deploymentjobresult\/summary$/, "results", results],
    ["GET", /^\/pm\/v1\/deploymentjob\/([^/]+)\/runs$/, "runs", runs],
    ["GET", /^\/pm\/v1\/deploymentjob\/([^/]+)$/, "get", get],
    ["DELETE", /^\/pm\/v1\/deploymentjobs$/, "delete", remove],
    ["POST", /^\/pm\/v1\/deploymentjobs\/update\/status\/([^/]+)$/, "status", changeStatus],
    ["GET", /^\/pm\/v1\/deploymentjobs\/summary$/, "list", list],
];

function routeOf(method: string, path: string): Route | undefined {
    for (const [m, pattern, name, handler] of ROUTES) {
        const match = m === method ? pattern.exec(path) : null;
        if (match) return { name, params: match.slice(1).map(decodeURIComponent), handler };
    }
    return undefined;
}

function refused(refusal: Refusal, state: TenantState): Answer {
    const status = refusal.kind === "missing" ? 404 : 400;
    return [status, qualysError(String(status), refusal.message, state.now())];
}

/** A 400 in the PM error shape, for a request Qualys refuses. */
function badRequest(state: TenantState, message: string): Answer {
    return [400, qualysError("400", message, state.now())];
}

/** A form post; the token comes back as plain text. */
function auth({ state, raw }: Call): Answer {
    const form = new URLSearchParams(raw);
    if (form.get("token") !== "true") return [400, "token=true is required"];
    const token = state.login(form.get("username") ?? "", form.get("password"));
    return token ? [201, token] : [401, "Authentication failed"];
}

function create({ state, body }: Call): Answer {
    const job = state.create(body);
    return job instanceof Refusal ? refused(job, state) : [201, present(job, "create")];
}

function update({ state, params, body }: Call): Answer {
    const job = state.update(params[0], body);
    return job instanceof Refusal ? refused(job, state) : [200, updateAnswer(job, body)];
}

function get({ state, params }: Call): Answer {
    const job = state.find(params[0]);
    return job instanceof Refusal ? refused(job, state) : [200, present(job, "get")];
}

function results({ state, options, params, url, body, method }: Call): Answer {
    if (!options.resultsMethods.includes(method as "GET" | "POST")) return [405, qualysError("405", `Request method '${method}' is not supported`, state.now())];
    const job = state.find(params[0]);
    if (job instanceof Refusal) return refused(job, state);
    // Paged as the job list is: pageNumber from 0, in the query (GET) or the body (POST; qualysdk sends none).
    const paging = method === "GET" ? Object.fromEntries(url.searchParams) : (body ?? {});
    const problem = invalidPaging(paging.pageSize, paging.pageNumber);
    if (problem) return badRequest(state, problem);
    return [200, resultsPage(job, options.resultAssets, Number(paging.pageNumber ?? 0), Number(paging.pageSize ?? 10))];
}

/** The job's runs (qualysdk get_job_runs): one per enable, none for a job never enabled. */
function runs({ state, params }: Call): Answer {
    const job = state.find(params[0]);
    return job instanceof Refusal ? refused(job, state) : [200, state.runs.get(job.id) ?? []];
}

function remove({ state, body }: Call): Answer {
    const ids: unknown = body?.ids;
    if (!Array.isArray(ids)) return badRequest(state, "ids is required");
    return [200, state.delete(ids).map(outcomeRow)];
}

function changeStatus({ state, params, body }: Call): Answer {
    const target = params[0];
    const ids: unknown = body?.ids;
    if (!Array.isArray(ids) || (target !== "Enabled" && target !== "Disabled")) return badRequest(state, "ids and a status of Enabled or Disabled are required");
    const outcomes = state.setStatus(target, ids);
    return outcomes instanceof Refusal ? refused(outcomes, state) : [200, outcomes.map(outcomeRow)];
}

/**
 * Filters by platform and by `name:"..."` in the QQL filter (nothing more of QQL), paged from 0.
 * An unknown platform (Mac: the PM API has none, qualysdk docs/patch.md) or a page size out of
 * qualysdk's range is refused; no platform lists both (qualysdk always sends one; what Qualys does
 * without one is not documented).
 */
function list({ state, url }: Call): Answer {
    const query = url.searchParams;
    const platform = query.get("platform");
    if (platform !== null && !PLATFORMS.includes(platform)) return badRequest(state, invalidPlatform(platform));
    const problem = invalidPaging(query.get("pageSize") ?? undefined, query.get("pageNumber") ?? undefined);
    if (problem) return badRequest(state, problem);
    const name = /name:"((?:[^"\\]|\\.)*)"/.exec(query.get("filter") ?? "")?.[1]?.replace(/\\(.)/g, "$1");
    const jobs = state.list({ platform, name, page: Number(query.get("pageNumber") ?? 0), size: Number(query.get("pageSize") ?? 10) });
    return [200, jobs.map((job) => summaryOf(job))];
}
