// The Qualys PM API client, on got 14 (ESM-only: loaded with a dynamic import() from this CommonJS
// package, design.md fact 7). JWT from the gateway's /auth, shared by concurrent calls and renewed
// once on 401; got's retry for refused and failed requests, by the table below; one error type,
// QualysApiError, that names method, path, status and the API's message, and never a secret.
//
// When a call is tried again is retry.ts's table; how fast calls leave is throttle.ts's pacer, one
// per gateway for the whole process. A create POST and an enable are never repeated blindly: after
// an uncertain answer the job is looked up (create) or read (enable) first (design.md fact 6).
import type { ApiJob } from "./payload";
import { isLoopback, proxyAgents } from "./proxy";
import { decideRetry, isRefused } from "./retry";
import { Scrubber } from "./scrub";
import { AdaptivePacer, Clock, Pacer, systemClock, UNPACED } from "./throttle";
import type { AfterResponseHook, CancelableRequest, ExtendOptions, Got, GotReturn, NormalizedOptions, Options, Progress, RequestError, Response } from "got" with { "resolution-mode": "import" };

type GotModule = typeof import("got", { with: { "resolution-mode": "import" } });

export interface ClientSettings {
    gatewayUrl: string;
    username: string;
    password: string;
    /** Timeout of one HTTP request. Default 30 s. */
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

export type JobStatus = "Enabled" | "Disabled";

/** Methods whose repetition cannot change the outcome (PATCH carries the whole job). */
const IDEMPOTENT = ["GET", "PATCH", "DELETE"];
/** No PM answer comes near this: a job is a few KB, a list page of 100 summaries some 50 KB. */
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** Pages of the job list read at most: 20,000 jobs at the default 100 a page. */
const MAX_LIST_PAGES = 200;
/** The PM API's "page too deep" error code, which qualysdk takes for the end of what can be pulled. */
const PAGE_DEPTH_CODE = "2501";
/** A `Date` header counts whole seconds, and a gateway's nodes may differ by a few: the slack of a comparison with it. */
const DATE_SLACK_MS = 60_000;
/** The longest API message or redirect target quoted in an error. */
const MAX_MESSAGE = 300;
const GATEWAY_ADVICE = "Check qualys:gatewayUrl (or QUALYS_GATEWAY_URL): it must be the API gateway of your Qualys platform, such as https://gateway.qg2.apps.qualys.com";

/** What `send` tells got's hooks and handler about one call. `size` is shared by every attempt. */
interface CallContext {
    auth?: boolean;
    idempotent?: boolean;
    renewed?: boolean;
    size?: { exceeded: boolean };
    /** Why the last failure was not tried again (e.g. a Retry-After longer than this client waits). */
    gaveUp?: { why?: string };
}

/** One pacer per gateway for the whole process: every resource's calls share the tenant's rate. */
const pacers = new Map<string, AdaptivePacer>();

/** A failed call to the PM API. Carries no request options, headers or body: nothing secret. */
export class QualysApiError extends Error {
    override readonly name = "QualysApiError";
    constructor(
        readonly method: string,
        readonly path: string,
        /** HTTP status, or undefined when no answer came (connection dropped, timeout). */
        readonly status: number | undefined,
        /** What the API said, or the network error's code. */
        readonly apiMessage: string,
        readonly attempts: number,
        hint?: string,
        /** Facts beyond the message: whether the request may have reached the server, and the PM
         * API's own `_error.errorCode` when the answer was its JSON error shape, and whether a 2xx
         * answer failed to confirm what was asked (bulk status and delete answers). */
        readonly detail: { sent?: boolean; errorCode?: string; unconfirmed?: boolean } = {},
    ) {
        super((detail.unconfirmed ? `Qualys PM API did not confirm ${method} ${path}: ${apiMessage}` : describeFailure(method, path, status, apiMessage, attempts)) + (hint ? `. ${hint}` : ""));
    }
}

function describeFailure(method: string, path: string, status: number | undefined, apiMessage: string, attempts: number): string {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    if (status === undefined) return `Qualys PM API unreachable: ${method} ${path} got no answer${tries}: ${apiMessage}`;
    const verb = status >= 500 ? "failed" : "rejected";
    return `Qualys PM API ${verb} ${method} ${path} (${status})${tries}: ${apiMessage}`;
}

/** Advice for the statuses a user will meet (README, Troubleshooting). */
function hintFor(path: string, status: number | undefined): string | undefined {
    if (status === 401 && path === "/auth") return "Check qualys:username and qualys:password (or QUALYS_USERNAME / QUALYS_PASSWORD) and the gateway of your platform";
    if (status === 401) return "The JWT was refused even after a fresh one was fetched";
    if (status === 403) return "The Qualys user needs the PM.API.ACCESS permission and access to these assets";
    if (status === 429) return "Rate limited: retry later, or lower `pulumi up --parallel`";
    return undefined;
}

/** The PM API's job-list filter for exactly `name` (a QQL string, its quotes and backslashes escaped). */
export function nameFilter(name: string): string {
    return `name:"${name.replace(/(["\\])/g, "\\$1")}"`;
}

/** The form of a deployment job id (a UUID, as every sample and qualysdk show). */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A job id, checked before it goes into a request path or the state: an id such as `..`, `.` or ""
 * from a server or a state file would otherwise move the request to another path.
 */
export function checkedJobId(value: unknown, where: string): string {
    if (typeof value === "string" && JOB_ID.test(value)) return value;
    const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
    throw new Error(`${where}: ${shown} is not a Qualys job id (a UUID such as 1ca9c211-6c0a-4855-ac49-f9d735b1563c)`);
}

let gotModule: Promise<GotModule> | undefined;
function loadGot(): Promise<GotModule> {
    // Kept as a real import(): TypeScript's node16 module mode does not rewrite it to require().
    gotModule ??= import("got");
    return gotModule;
}

/**
 * The gateway URL, refused unless it is https, or http to a loopback address (the emulator, tests),
 * or http allowed by the setting whose name says it is insecure: over plain http the password and
 * the JWT would cross the network readable by anyone on the way.
 */
function checkedGateway(gatewayUrl: string, insecureAllowHttp: boolean): URL {
    let url: URL | undefined;
    try {
        url = new URL(gatewayUrl);
    } catch {
        // reported below
    }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
        const shown = url ? `${url.protocol}//${url.host}` : JSON.stringify(gatewayUrl.slice(0, 80));
        throw new Error(`Qualys gateway URL ${shown} must be an https:// URL, such as https://gateway.qg2.apps.qualys.com`);
    }
    if (url.protocol === "http:" && !isLoopback(url.hostname) && !insecureAllowHttp) {
        throw new Error(
            `Qualys gateway ${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")} is plain http: the password and the JWT would cross the network unencrypted. ` +
                "Use its https:// address, or, on a network you trust, set qualys:insecureAllowHttpGateway (or QUALYS_INSECURE_ALLOW_HTTP_GATEWAY) to true",
        );
    }
    return url;
}

/** localhost, 127.0.0.0/8 and ::1: traffic that never leaves the machine. */
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

/** The PM API's page-depth error: a 4xx whose JSON error carries errorCode 2501. */
function isPageDepthError(error: unknown): boolean {
    return error instanceof QualysApiError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.detail.errorCode === PAGE_DEPTH_CODE;
}

/** "10 MB (10485760 bytes)", or "1000 bytes". */
function describeBytes(bytes: number): string {
    const mb = bytes / (1024 * 1024);
    return Number.isInteger(mb) ? `${mb} MB (${bytes} bytes)` : `${bytes} bytes`;
}

/** How one caller's pages are read and where they end (listJobs, getJobResultsSummary). */
interface PagingPolicy<T> {
    pageSize: number;
    maxPages: number;
    /** Page `pageNumber` (from 0): its items, and `last` when the caller knows it ends the list. */
    fetch(pageNumber: number): Promise<{ items: T[]; last?: boolean }>;
    /** What tells an item from the others across pages; undefined: it cannot be told, and always counts as new. */
    key(item: T): string | undefined;
    /** At a page of only items already read: the error, or undefined when that ends the read. */
    repeated(pageNumber: number): Error | undefined;
    /** The error past `maxPages` pages. */
    tooMany(): Error;
}

/**
 * Every item of a paged answer, bounded: it ends at an empty or short page (or one the caller calls
 * the last); it fails past `maxPages`, and at a page of only items already read, since a server that
 * ignores pageNumber would otherwise be asked forever (an uncertain create once sent 37,927 requests
 * in 20 s that way).
 */
async function readPages<T>(policy: PagingPolicy<T>): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    const isNew = (item: T) => {
        const key = policy.key(item);
        return key === undefined || !seen.has(key);
    };
    for (let pageNumber = 0; pageNumber < policy.maxPages; pageNumber++) {
        const page = await policy.fetch(pageNumber);
        if (page.items.length === 0) return items;
        const fresh = page.items.filter(isNew);
        if (fresh.length === 0) {
            const error = policy.repeated(pageNumber);
            if (error) throw error;
            return items;
        }
        for (const key of fresh.map(policy.key)) if (key !== undefined) seen.add(key);
        items.push(...fresh);
        if (page.last || page.items.length < policy.pageSize) return items;
    }
    throw policy.tooMany();
}

export class PmClient {
    private readonly settings: Required<ClientSettings>;
    private http?: Promise<Got>;
    private token?: { value: Promise<string>; fetchedAt: number; resolved?: string };
    /** The password and every JWT, kept out of every error. */
    private readonly scrubber = new Scrubber();
    /** The gateway's origin: the only one that is ever sent the password or a JWT. */
    private readonly origin: string;

    private readonly clock: Clock;
    private readonly pacer: Pacer;
    /** The server's clock as its last `Date` header gave it, and this machine's at that moment. */
    private serverClock?: { server: number; local: number };

    /** `clock` and `pacer` are injected by tests; by default real time and the process's pacer for this gateway. */
    constructor(settings: ClientSettings, deps: { clock?: Clock; pacer?: Pacer } = {}) {
        this.settings = {
            requestTimeoutMs: 30_000,
            maxRetries: 5,
            backoffBaseMs: 500,
            maxRetryAfterMs: 60_000,
            maxRefusedRetries: 20,
            tokenReuseMs: (3 * 60 + 50) * 60_000,
            maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
            insecureAllowHttpGateway: false,
            adaptivePacing: true,
            // A setting given as undefined keeps its default.
            ...(Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as ClientSettings),
            gatewayUrl: settings.gatewayUrl.replace(/\/+$/, ""),
        };
        this.scrubber.add(settings.password);
        // Here rather than in the settings, so that every user of the client is covered.
        this.origin = checkedGateway(this.settings.gatewayUrl, this.settings.insecureAllowHttpGateway).origin;
        this.clock = deps.clock ?? systemClock;
        if (!deps.pacer && !pacers.has(this.origin)) pacers.set(this.origin, new AdaptivePacer(this.clock));
        this.pacer = deps.pacer ?? (this.settings.adaptivePacing ? pacers.get(this.origin)! : UNPACED);
    }

    // ---- the API, one small function per endpoint, so a correction is a one-line change ----------

    /**
     * The job, or undefined when the PM API itself says there is no such job: a 404 in its JSON
     * error shape. Any other 404 (a proxy's or load balancer's page, a wrong path) is an error, since
     * taking it for "gone" would drop a live job from the state and create a second one.
     */
    async getJob(id: string): Promise<ApiJob | undefined> {
        const path = `/pm/v1/deploymentjob/${checkedJobId(id, "GET job")}`;
        try {
            const job = await this.call<ApiJob>("GET", path);
            if (!job || typeof job !== "object" || !sameJobId(job.id, id)) {
                throw new QualysApiError("GET", path, 200, `the answer is not job ${id}`, 1);
            }
            return job;
        } catch (error) {
            if (isPmNotFound(error)) return undefined;
            throw error;
        }
    }

    /** PATCH takes the whole job (update_deployment_jobs.htm). Some answers echo the request without
     * an id (Windows sample in the 3.5 notes); then the job is read back. */
    async updateJob(id: string, body: ApiJob): Promise<ApiJob> {
        const path = `/pm/v1/deploymentjob/update/${checkedJobId(id, "PATCH job")}`;
        const answer = await this.call<ApiJob>("PATCH", path, body);
        if (answer && typeof answer === "object" && sameJobId(answer.id, id)) return answer;
        const job = await this.getJob(id);
        if (!job) throw new QualysApiError("GET", `/pm/v1/deploymentjob/${id}`, 404, "the job vanished right after its update", 1);
        return job;
    }

    /** Enable or disable: `POST /pm/v1/deploymentjobs/update/status/{status}` (qualysdk change_job_status). */
    async setJobStatus(id: string, status: JobStatus): Promise<void> {
        checkedJobId(id, `${status === "Enabled" ? "enable" : "disable"} job`);
        if (status === "Enabled") return this.enableJob(id);
        const path = "/pm/v1/deploymentjobs/update/status/Disabled";
        // Disabling twice does no harm: retried like any idempotent call.
        const answer = await this.call<unknown>("POST", path, { ids: [id] }, { idempotent: true });
        const why = unconfirmed(answer, id, this.bounded);
        if (why) throw new QualysApiError("POST", path, 200, why, 1, undefined, { unconfirmed: true });
    }

    /**
     * Enabling submits the job for execution, so it is never sent blindly twice: after an answer
     * that may hide an applied enable (no answer, a 5xx), the job is read, and only a job Qualys
     * still holds Disabled is enabled again. An answer that confirms nothing is an error: the
     * state never says Enabled unless Qualys did.
     */
    private async enableJob(id: string): Promise<void> {
        const path = "/pm/v1/deploymentjobs/update/status/Enabled";
        for (let attempt = 1; ; attempt++) {
            let answer: unknown;
            try {
                answer = await this.call<unknown>("POST", path, { ids: [id] }, { idempotent: false });
            } catch (error) {
                if (!(error instanceof QualysApiError) || !isUncertain(error) || error.detail.sent === false) throw error;
                const job = await this.getJob(id);
                if (!job) throw new QualysApiError("POST", path, error.status, `job ${id} is gone from Qualys`, attempt);
                if (isEnabled(job)) return;
                // Read as Disabled: the enable was not applied, so sending it again is safe.
                await this.waitBeforeRepeating(error, attempt);
                continue;
            }
            const why = unconfirmed(answer, id, this.bounded);
            if (why) throw new QualysApiError("POST", path, 200, why, attempt, undefined, { unconfirmed: true });
            return;
        }
    }

    /**
     * Bulk delete, `DELETE /pm/v1/deploymentjobs` with `{ids}` (qualysdk delete_job). Done only when
     * the answer confirms it for this id, or when the PM API then says the job does not exist (a
     * job already deleted in the UI counts as deleted).
     */
    async deleteJob(id: string): Promise<void> {
        const path = "/pm/v1/deploymentjobs";
        checkedJobId(id, "delete job");
        const answer = await this.call<unknown>("DELETE", path, { ids: [id] });
        const why = unconfirmed(answer, id, this.bounded);
        if (!why || (await this.getJob(id)) === undefined) return;
        throw new QualysApiError("DELETE", path, 200, `${why}; job ${id} is still in Qualys`, 1, undefined, { unconfirmed: true });
    }

    /**
     * `GET /pm/v1/deploymentjobs/summary`, every page (qualysdk _list_jobs_backend), within bounds
     * (readPages). Paging policy: the list ends at a short or empty page, or at the PM API's
     * page-depth error 2501 (what was collected is returned, as qualysdk does); a page listing only
     * jobs already listed fails, and so does a list longer than `maxPages` pages (default 200).
     */
    async listJobs(query: { platform: string; filter?: string; pageSize?: number; maxPages?: number }): Promise<ApiJob[]> {
        const path = "/pm/v1/deploymentjobs/summary";
        const pageSize = query.pageSize ?? 100;
        const maxPages = query.maxPages ?? MAX_LIST_PAGES;
        return readPages<ApiJob>({
            pageSize,
            maxPages,
            fetch: async (pageNumber) => {
                const params = new URLSearchParams({ platform: query.platform, pageNumber: String(pageNumber), pageSize: String(pageSize) });
                if (query.filter) params.set("filter", query.filter);
                try {
                    const page = await this.call<ApiJob[]>("GET", `${path}?${params}`);
                    return { items: Array.isArray(page) ? page : [] };
                } catch (error) {
                    if (isPageDepthError(error)) return { items: [], last: true };
                    throw error;
                }
            },
            // A row without an id cannot be told from another: it is always taken.
            key: (job) => (typeof job?.id === "string" ? job.id : undefined),
            repeated: (pageNumber) =>
                new QualysApiError("GET", path, 200, `page ${pageNumber} lists only jobs already listed on earlier pages: the server seems to ignore pageNumber, so the list cannot be read to its end`, 1),
            tooMany: () => new QualysApiError("GET", path, 200, `the job list goes on past ${maxPages} pages of ${pageSize} jobs, the most this client reads; narrow the filter`, 1),
        });
    }

    /**
     * The results summary of a job's runs, with every page of its asset results. Asked as the 3.5
     * notes do (GET); a gateway that answers that with a 405 or 404 is asked as qualysdk does
     * (POST), and the method that worked is kept for the process.
     *
     * Paging policy (readPages): the results end at a short or empty page, or at a page repeating
     * only results already read (a gateway that ignores paging sends them all on every page). Fewer
     * assets read than the summary's `assetCount` fails: a summary quietly missing assets would hide
     * how their patching went.
     */
    async getJobResultsSummary(id: string, pageSize = 100): Promise<ApiJob> {
        const path = `/pm/v1/deploymentjob/${checkedJobId(id, "job results")}/deploymentjobresult/summary`;
        let summary: ApiJob | undefined;
        const assets = await readPages<ApiJob>({
            pageSize,
            maxPages: MAX_LIST_PAGES,
            fetch: async (pageNumber) => {
                const page = await this.resultsPage(path, pageNumber, pageSize);
                // The summary's own fields, from the first page.
                summary ??= { ...page, assets: [] };
                const items: ApiJob[] = Array.isArray(page?.assets) ? page.assets : [];
                return { items };
            },
            key: (a) => `${a?.asset?.id}/${a?.jobInstanceId}`,
            repeated: () => undefined,
            tooMany: () => new QualysApiError(this.resultsMethod ?? "GET", path, 200, `more than ${MAX_LIST_PAGES} pages of results; stopped there`, 1),
        });
        const expected = summary?.assetCount;
        const read = new Set(assets.map((a) => a?.asset?.id)).size;
        if (typeof expected === "number" && read < expected) {
            throw new QualysApiError(this.resultsMethod ?? "GET", path, 200, `the summary counts ${expected} assets, but its pages hold results for ${read}: the gateway's paging cannot be read to its end`, 1);
        }
        return { ...summary, assets };
    }

    /** GET in the 3.5 notes, POST in qualysdk: which one this gateway takes, once known. */
    private resultsMethod?: "GET" | "POST";

    private async resultsPage(path: string, pageNumber: number, pageSize: number): Promise<ApiJob> {
        const ask = (method: "GET" | "POST") =>
            method === "GET"
                ? this.call<ApiJob>("GET", `${path}?${new URLSearchParams({ pageNumber: String(pageNumber), pageSize: String(pageSize) })}`)
                : this.call<ApiJob>("POST", path, { pageNumber, pageSize }, { idempotent: true });
        if (this.resultsMethod) return ask(this.resultsMethod);
        try {
            const page = await ask("GET");
            this.resultsMethod = "GET";
            return page;
        } catch (error) {
            if (!(error instanceof QualysApiError) || (error.status !== 405 && error.status !== 404)) throw error;
            const page = await ask("POST");
            this.resultsMethod = "POST";
            return page;
        }
    }

    /**
     * Creates a job. The POST is not idempotent: when its outcome is unknown (no answer, a 5xx, an
     * unreadable answer), the job may exist. Look for it by name and adopt it when `isOurs` says it
     * is the job just sent; only when it is not there is the POST sent again. A POST that never
     * left (the /auth, TLS or proxy step failed) created nothing and is reported as such.
     */
    async createJob(body: ApiJob, isOurs: (job: ApiJob) => boolean): Promise<ApiJob> {
        const path = "/pm/v1/deploymentjob";
        const sentAt = this.clock.now();
        for (let attempt = 1; ; attempt++) {
            try {
                const job = await this.call<ApiJob>("POST", path, body);
                if (job && typeof job === "object" && JOB_ID.test(String(job.id))) return job;
                throw new QualysApiError("POST", path, 201, "the answer carries no job id", attempt, undefined, { sent: true });
            } catch (error) {
                if (!(error instanceof QualysApiError) || !isUncertain(error)) throw error;
                if (error.path !== path || error.detail.sent === false) throw error;
                const lookUp = () => this.findCreatedJob(body, sentAt, isOurs).catch((lookup: Error) => {
                    throw new QualysApiError(error.method, error.path, error.status, error.apiMessage, attempt,
                        `The job "${body.name}" may have been created; looking for it failed (${lookup.message}). Check the Qualys UI before running again`);
                });
                let adopted = await lookUp();
                if (!adopted && error.status === undefined) {
                    // No answer at all: the server may still be working on the POST. Give it one
                    // request timeout before concluding it was not created.
                    await this.clock.sleep(this.settings.requestTimeoutMs);
                    adopted = await lookUp();
                }
                if (adopted) return adopted;
                // Not there: the POST was not applied, so sending it again is safe.
                await this.waitBeforeRepeating(error, attempt);
            }
        }
    }

    /**
     * After an uncertain POST: a job of that name, created since the POST by the server's own clock,
     * that `isOurs` accepts. This machine's clock is never compared with the server's: the POST's
     * time is taken on the server's clock from the latest `Date` it sent (serverTime).
     */
    private async findCreatedJob(body: ApiJob, sentAt: number, isOurs: (job: ApiJob) => boolean): Promise<ApiJob | undefined> {
        // List rows may lack who created the job and when (qualysdk's rows carry neither): read each.
        const candidates = (await this.listJobs({ platform: body.platform, filter: nameFilter(String(body.name)) })).filter((j) => j?.name === body.name);
        for (const candidate of candidates) {
            const job = await this.getJob(checkedJobId(candidate.id, "job list"));
            // Not told: the create looked before its POST and found no job of that name.
            if (job && this.createdAfter(job, sentAt) !== false && isOurs(job)) return job;
        }
        return undefined;
    }

    /** This machine's time on the client's clock (injected in tests), for `createdAfter`. */
    now(): number {
        return this.clock.now();
    }

    /**
     * Whether the server created `job` after the moment `localTime` (this machine's clock), judged on
     * the server's clock; undefined when it cannot be told (no `Date` from the server yet, or no
     * creation time in the job).
     */
    createdAfter(job: ApiJob, localTime: number): boolean | undefined {
        const created = job.createdBy?.date;
        const sent = this.serverTime(localTime);
        return typeof created !== "number" || sent === undefined ? undefined : created >= sent - DATE_SLACK_MS;
    }

    /** `localTime` (this machine's clock) on the server's clock, from the last `Date` header it sent; undefined before any. */
    serverTime(localTime: number): number | undefined {
        return this.serverClock && this.serverClock.server + (localTime - this.serverClock.local);
    }

    /** afterResponse: the server's clock, from its `Date` header (whole seconds), against this machine's at arrival. */
    private readServerClock(response: Response): Response {
        const server = Date.parse(String(response.headers.date ?? ""));
        if (Number.isFinite(server)) this.serverClock = { server, local: this.clock.now() };
        return response;
    }

    // ---- transport --------------------------------------------------------------------------------

    /** The JWT: one /auth in flight, shared by every caller; renewed after `tokenReuseMs`. */
    private jwt(): Promise<string> {
        if (!this.token || Date.now() - this.token.fetchedAt > this.settings.tokenReuseMs) {
            const entry: { value: Promise<string>; fetchedAt: number; resolved?: string } = { value: this.authenticate(), fetchedAt: Date.now() };
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
    private invalidate(used: string): void {
        if (this.token?.resolved === used) this.token = undefined;
    }

    private async authenticate(): Promise<string> {
        const form = new URLSearchParams({ username: this.settings.username, password: this.settings.password, token: "true", permissions: "true" });
        // Fetching a token changes nothing on the server: retried like a GET.
        const text = await this.send<string>("POST", "/auth", form.toString(), { auth: false, form: true, idempotent: true });
        const token = typeof text === "string" ? text.trim() : "";
        if (!token) throw new QualysApiError("POST", "/auth", 201, "the answer carries no token", 1);
        // A JWT is printable ASCII without spaces; anything else (a login page, say) is not sent back as one, nor quoted.
        if (!/^[\x21-\x7e]+$/.test(token)) throw new QualysApiError("POST", "/auth", 201, "the answer is not a token (a login page?)", 1, GATEWAY_ADVICE, { sent: true });
        this.scrubber.add(token);
        return token;
    }

    private async call<T>(method: string, path: string, body?: unknown, extra: { idempotent?: boolean } = {}): Promise<T> {
        return this.send<T>(method, path, body === undefined ? undefined : JSON.stringify(body), { auth: true, form: false, ...extra });
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
            timeout: { request: this.settings.requestTimeoutMs },
            throwHttpErrors: true,
            responseType: "text",
            // Redirects are never followed, not even within the gateway. got drops the
            // Authorization header on a redirect to another origin, but beforeRequest would put
            // the JWT back, and a 307/308 re-sends the body (the password form of /auth, a job)
            // to wherever it points; a 302/303 would turn a create POST into a GET. The PM API
            // documents no redirect: one means a wrong gateway URL or a login page. got hands a
            // 3xx over as an answer then (isResponseOk); send() turns it into an error.
            followRedirect: false,
            // Bytes are counted as they come off the wire. Decompressed, a small gzip answer could
            // grow past maxResponseBytes unseen: got reports no progress beyond a content-length.
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
                beforeRequest: [
                    // Every attempt waits for its slot: the gateway counts retries too.
                    () => this.pacer.slot(),
                    (options) => this.authorize(options),
                ],
                afterResponse: [(response) => this.readServerClock(response), (response) => this.pace(response), (response, retryWithMergedOptions) => this.renewOn401(response, retryWithMergedOptions)],
            },
        };
    }

    /** beforeRequest: the JWT goes to the gateway's origin only (a second lock: no redirect is followed). */
    private async authorize(options: NormalizedOptions): Promise<void> {
        if ((options.context as CallContext).auth && new URL(String(options.url)).origin === this.origin) {
            options.headers.authorization = `Bearer ${await this.jwt()}`;
        }
    }

    /** afterResponse: tells the pacer whether the gateway refused the call (429) or took it. */
    private pace(response: Response): Response {
        if (isRefused(response.statusCode, String(response.body ?? ""))) this.pacer.onRefused();
        else this.pacer.onAccepted();
        return response;
    }

    /** afterResponse: an expired JWT: fetch one more (shared with concurrent callers) and repeat the call once. */
    private renewOn401(response: Response, retryWithMergedOptions: Parameters<AfterResponseHook>[1]): Response | Promise<Response> {
        const context = response.request.options.context as { auth?: boolean; renewed?: boolean };
        if (response.statusCode !== 401 || !context.auth || context.renewed) return response;
        this.invalidate(String(response.request.options.headers.authorization ?? "").replace(/^Bearer /, ""));
        return retryWithMergedOptions({ context: { ...context, renewed: true } });
    }

    /** got's calculateDelay: retry.ts's decision, in ms; 0 = do not try again. */
    private retryDelay(attemptCount: number, error: RequestError, retryAfterMs: number | undefined): number {
        // The repeat of a call after a 401 and a fresh JWT (afterResponse hook): always, at once.
        if (error.name === "RetryError") return 1;
        const method = String(error.options.method).toUpperCase();
        const context = error.options.context as CallContext;
        const decision = decideRetry(
            {
                method,
                idempotent: context.idempotent ?? IDEMPOTENT.includes(method),
                status: error.response?.statusCode,
                code: error.code,
                body: String(error.response?.body ?? ""),
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

    private retryLimits() {
        const { maxRetries, maxRefusedRetries, backoffBaseMs, maxRetryAfterMs } = this.settings;
        return { maxRetries, maxRefusedRetries, backoffBaseMs, maxRetryAfterMs, paced: this.pacer !== UNPACED, random: Math.random };
    }

    /**
     * Before sending a create or an enable again, once a read showed the first one was not applied:
     * the wait the table gives that failure as if it were idempotent (it now is); throws `error`
     * when the table says to stop.
     */
    private async waitBeforeRepeating(error: QualysApiError, attempt: number): Promise<void> {
        const decision = decideRetry({ method: error.method, idempotent: true, status: error.status, retry: attempt }, this.retryLimits());
        if (!decision.retry) throw error;
        await this.clock.sleep(decision.waitMs);
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
            const attempts = response.retryCount + 1;
            if (response.statusCode >= 300 && response.statusCode < 400) {
                // Not retried: the same request would be redirected again.
                const target = this.bounded(redirectTarget(response.headers.location, response.url));
                const message = `the gateway redirected to ${target}; redirects are not followed, so that credentials go nowhere but the configured gateway`;
                throw new QualysApiError(method, path, response.statusCode, message, attempts, GATEWAY_ADVICE, { sent: true });
            }
            if (typeof response.body !== "string") {
                throw new QualysApiError(method, path, response.statusCode, this.apiMessage(response.body), attempts, undefined, { sent: true });
            }
            if (flags.form) return response.body as T;
            if (!response.body) return undefined as T;
            try {
                return JSON.parse(response.body) as T;
            } catch {
                throw new QualysApiError(method, path, response.statusCode, `the answer is not JSON: ${this.apiMessage(response.body)}`, attempts);
            }
        } catch (error) {
            if (size.exceeded) {
                // Cancelled by limitSize: not retried, as the next answer would be as large.
                const e = error as RequestError;
                const message = `the answer is larger than ${describeBytes(this.settings.maxResponseBytes)}, the most this client reads (maxResponseBytes); it was not read further`;
                throw new QualysApiError(method, path, e.response?.statusCode, message, (e.request?.retryCount ?? 0) + 1, undefined, { sent: true });
            }
            throw this.toApiError(method, path, error);
        }
    }

    /** The server's text, scrubbed whole and then cut short, for a message (scrub.ts). */
    private readonly bounded = (text: string): string => this.scrubber.bounded(text, MAX_MESSAGE);

    private apiMessage(body: unknown): string {
        if (Buffer.isBuffer(body)) return "a compressed answer, which this client does not ask for";
        return apiMessageOf(String(body ?? ""), this.bounded);
    }

    private toApiError(method: string, path: string, error: unknown): Error {
        if (error instanceof QualysApiError) return error;
        // A failed /auth inside the beforeRequest hook reaches here wrapped by got.
        if ((error as { cause?: unknown })?.cause instanceof QualysApiError) return (error as { cause: QualysApiError }).cause;
        const e = error as RequestError & { response?: { statusCode: number; body: unknown; headers: Record<string, unknown> } };
        // Copy the facts out of got's error and drop it: its `options` hold the Authorization header.
        const attempts = (e.request?.retryCount ?? 0) + 1;
        if (e.response) {
            const status = e.response.statusCode;
            let message = this.apiMessage(e.response.body);
            // Why it was not tried again, where that says more than the status (a long Retry-After).
            const why = (e.options?.context as CallContext | undefined)?.gaveUp?.why;
            if (why && isRefused(status, String(e.response.body ?? ""))) message += `; ${why}`;
            // The code is the server's text too: scrubbed and bounded like the message.
            const errorCode = pmErrorCode(e.response.body);
            // `message` is scrubbed already (apiMessage); `why` is this client's own text.
            return new QualysApiError(method, path, status, message, attempts, hintFor(path, status), {
                sent: true,
                errorCode: errorCode === undefined ? undefined : this.scrubber.bounded(errorCode, 40),
            });
        }
        const code = e.code ?? "ERROR";
        const detail = code === "ETIMEDOUT" ? `no answer within ${this.settings.requestTimeoutMs} ms (ETIMEDOUT)` : `${code}: ${this.bounded(e.message ?? "")}`;
        // No answer: the request may still have reached the server, unless the connection never
        // carried it (refused, DNS, TLS or proxy failure: got records no upload start then).
        return new QualysApiError(method, path, undefined, detail, attempts, undefined, { sent: e.timings?.upload !== undefined });
    }
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

/** Enabled as far as Qualys says: `Prepared` and later states are an enabled job that was triggered. */
export function isEnabled(job: ApiJob): boolean {
    return typeof job.status === "string" && job.status !== "Disabled";
}

function sameJobId(a: unknown, b: string): boolean {
    return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

/**
 * Why a bulk status or delete answer does not confirm `id`'s success, or undefined when it does.
 * `bounded` scrubs and cuts the server's text before it goes into a message.
 */
function unconfirmed(answer: unknown, id: string, bounded: (text: string) => string): string | undefined {
    if (answer === undefined || answer === null || answer === "") return "an empty answer confirms nothing";
    if (!Array.isArray(answer)) {
        const message = (answer as { _error?: { message?: unknown } })?._error?.message;
        return `the answer is not a list of results${message ? `: ${bounded(String(message))}` : ""}`;
    }
    const mine = answer.find((r) => sameJobId(r?.id, id));
    if (!mine) return `the answer does not name job ${id}`;
    if (mine.status !== "success") return `job ${id}: ${bounded(String(mine.message ?? mine.status))}`;
    return undefined;
}

/** The call may have been applied although it failed: no answer, a 5xx, or an unreadable 2xx. */
function isUncertain(error: QualysApiError): boolean {
    return error.status === undefined || error.status >= 500 || (error.status >= 200 && error.status < 300);
}
