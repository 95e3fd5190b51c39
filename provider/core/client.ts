// The Qualys PM API's endpoints, one small method each, so that a correction is a one-line change.
// How a call travels (JWT, retries, pacing, deadlines, size cap, no redirects) is transport.ts; the
// error type is errors.ts; paging is paging.ts; the create and the enable, which are never repeated
// blindly, are exactly-once.ts.
import { isPmNotFound, QualysApiError } from "./errors";
import { checkedJobId, JOB_ID } from "./ids";
import { createOnce, enableOnce } from "./exactly-once";
import type { ApiJob } from "./fields";
import { lookupTerms, sameName } from "./names";
import { readPages } from "./paging";
import type { Clock, Pacer } from "./throttle";
import { ClientSettings, Transport } from "./transport";

export type { ClientSettings };
export { QualysApiError, apiMessageOf, isPmNotFound, pmErrorCode } from "./errors";
export { checkedJobId, JOB_ID } from "./ids";

export type JobStatus = "Enabled" | "Disabled";

/** Pages of the job list read at most: 20,000 jobs at the default 100 a page. */
const MAX_LIST_PAGES = 200;
/** The PM API's "page too deep" error code, which qualysdk takes for the end of what can be pulled. */
const PAGE_DEPTH_CODE = "2501";
/**
 * What a comparison of a job's creation stamp with the `Date` header allows for: the header counts
 * whole seconds, and it comes from the gateway while the stamp comes from the PM service, two hosts
 * whose clocks may differ by seconds; judged too strictly, the POST's own job is taken for an older
 * one and the POST is sent again (a second job). Generous on purpose: the create looked for a job of
 * its name right before its POST and found none, so a job of that name stamped within this slack
 * before the POST is this POST's or one that list did not show, and only one with the content sent,
 * still Disabled, is taken (exactly-once.ts).
 */
const CLOCK_SLACK_MS = 60_000;

/** The PM API's job-list filter for exactly `name` (a QQL string, its quotes and backslashes escaped). */
export function nameFilter(name: string): string {
    return `name:"${name.replace(/(["\\])/g, "\\$1")}"`;
}

/** Enabled as far as Qualys says: `Prepared` and later states are an enabled job that was triggered. */
export function isEnabled(job: ApiJob): boolean {
    return typeof job.status === "string" && job.status !== "Disabled";
}

function sameJobId(a: unknown, b: string): boolean {
    return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

/** The PM API's page-depth error: a 4xx whose JSON error carries errorCode 2501. */
function isPageDepthError(error: unknown): boolean {
    return error instanceof QualysApiError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.detail.errorCode === PAGE_DEPTH_CODE;
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

/**
 * The rows of `platform` named `name` up to a server's rewriting (names.ts sameName: HTML entities,
 * white space, Unicode form, case), listed by each of names.ts lookupTerms: a filter may match more
 * loosely, or miss a name stored rewritten.
 */
async function rowsNamed(list: (filter?: string) => Promise<ApiJob[]>, platform: string, name: string): Promise<ApiJob[]> {
    const found = new Map<unknown, ApiJob>();
    for (const term of lookupTerms(name)) {
        for (const row of await list(term === undefined ? undefined : nameFilter(term))) {
            if (typeof row?.name === "string" && sameName(row.name, name) && (row.platform === undefined || row.platform === platform)) found.set(row.id ?? row, row);
        }
    }
    return [...found.values()];
}

/** The results summary as the gateway answers it, every page's asset results, and how many assets have reported. */
export type ResultsSummary = ApiJob & { assets: any[]; assetsReported: number };

export class PmClient {
    private readonly transport: Transport;
    /** GET in the 3.5 notes, POST in qualysdk: which one this gateway takes for the results summary, once known. */
    private resultsMethod?: "GET" | "POST";

    /** `clock` and `pacer` are injected by tests; by default real time and the process's pacer for this gateway. */
    constructor(settings: ClientSettings, deps: { clock?: Clock; pacer?: Pacer } = {}) {
        this.transport = new Transport(settings, deps);
    }

    get requestTimeoutMs(): number {
        return this.transport.settings.requestTimeoutMs;
    }

    get clock(): Clock {
        return this.transport.clock;
    }

    retryLimits() {
        return this.transport.retryLimits();
    }

    /**
     * The job, or undefined when the PM API itself says there is no such job: a 404 in its JSON
     * error shape. Any other 404 (a proxy's or load balancer's page, a wrong path) is an error, since
     * taking it for "gone" would drop a live job from the state and create a second one.
     */
    async getJob(id: string): Promise<ApiJob | undefined> {
        const path = `/pm/v1/deploymentjob/${checkedJobId(id, "GET job")}`;
        try {
            const job = await this.transport.call<ApiJob>("GET", path);
            if (!job || typeof job !== "object" || !sameJobId(job.id, id)) {
                throw new QualysApiError({ method: "GET", path, status: 200, apiMessage: `the answer is not job ${id}`, kind: "unusable" });
            }
            return job;
        } catch (error) {
            if (isPmNotFound(error)) return undefined;
            throw error;
        }
    }

    /** One create POST; its answer must carry a job id. Repeated only through `createJob`. */
    async postJob(body: ApiJob): Promise<ApiJob> {
        const path = "/pm/v1/deploymentjob";
        const job = await this.transport.call<ApiJob>("POST", path, body);
        if (job && typeof job === "object" && JOB_ID.test(String(job.id))) return job;
        throw new QualysApiError({ method: "POST", path, status: 201, apiMessage: "the answer carries no job id", sent: true, kind: "unusable" });
    }

    /** Creates a job exactly once (exactly-once.ts): `isOurs` tells the job just sent among those found after an uncertain answer. */
    createJob(body: ApiJob, isOurs: (job: ApiJob) => boolean): Promise<ApiJob> {
        return createOnce(this, body, isOurs);
    }

    /** PATCH takes the whole job (update_deployment_jobs.htm). Some answers echo the request without
     * an id (Windows sample in the 3.5 notes); then the job is read back. */
    async updateJob(id: string, body: ApiJob): Promise<ApiJob> {
        const path = `/pm/v1/deploymentjob/update/${checkedJobId(id, "PATCH job")}`;
        const answer = await this.transport.call<ApiJob>("PATCH", path, body);
        if (answer && typeof answer === "object" && sameJobId(answer.id, id)) return answer;
        const job = await this.getJob(id);
        if (!job) throw new QualysApiError({ method: "GET", path: `/pm/v1/deploymentjob/${id}`, status: 404, apiMessage: "the job vanished right after its update" });
        return job;
    }

    /** Enable (exactly once, exactly-once.ts) or disable: `POST /pm/v1/deploymentjobs/update/status/{status}` (qualysdk change_job_status). */
    async setJobStatus(id: string, status: JobStatus): Promise<void> {
        checkedJobId(id, `${status === "Enabled" ? "enable" : "disable"} job`);
        if (status === "Enabled") return enableOnce(this, id, isEnabled);
        // Disabling twice does no harm: retried like any idempotent call.
        await this.postStatus(id, "Disabled", true);
    }

    /** One enable call. Repeated only through `setJobStatus`. */
    postEnable(id: string): Promise<void> {
        return this.postStatus(id, "Enabled", false);
    }

    private async postStatus(id: string, status: JobStatus, idempotent: boolean): Promise<void> {
        const path = `/pm/v1/deploymentjobs/update/status/${status}`;
        const answer = await this.transport.call<unknown>("POST", path, { ids: [id] }, { idempotent });
        const why = unconfirmed(answer, id, this.transport.bounded);
        if (why) throw new QualysApiError({ method: "POST", path, status: 200, apiMessage: why, kind: "unconfirmed" });
    }

    /**
     * Bulk delete, `DELETE /pm/v1/deploymentjobs` with `{ids}` (qualysdk delete_job). Done only when
     * the answer confirms it for this id, or when the PM API then says the job does not exist (a
     * job already deleted in the UI counts as deleted).
     */
    async deleteJob(id: string): Promise<void> {
        const path = "/pm/v1/deploymentjobs";
        checkedJobId(id, "delete job");
        const answer = await this.transport.call<unknown>("DELETE", path, { ids: [id] });
        const why = unconfirmed(answer, id, this.transport.bounded);
        if (!why || (await this.getJob(id)) === undefined) return;
        throw new QualysApiError({ method: "DELETE", path, status: 200, apiMessage: `${why}; job ${id} is still in Qualys`, kind: "unconfirmed" });
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
        const unreadable = (apiMessage: string) => new QualysApiError({ method: "GET", path, status: 200, apiMessage, kind: "unusable" });
        return readPages<ApiJob>({
            pageSize,
            maxPages,
            fetch: async (pageNumber) => {
                const params = new URLSearchParams({ platform: query.platform, pageNumber: String(pageNumber), pageSize: String(pageSize) });
                if (query.filter) params.set("filter", query.filter);
                try {
                    const page = await this.transport.call<ApiJob[]>("GET", `${path}?${params}`);
                    return { items: Array.isArray(page) ? page : [] };
                } catch (error) {
                    if (isPageDepthError(error)) return { items: [], last: true };
                    throw error;
                }
            },
            // A row without an id cannot be told from another: it is always taken.
            key: (job) => (typeof job?.id === "string" ? job.id : undefined),
            repeated: (pageNumber) => unreadable(`page ${pageNumber} lists only jobs already listed on earlier pages: the server seems to ignore pageNumber, so the list cannot be read to its end`),
            tooMany: () => unreadable(`the job list goes on past ${maxPages} pages of ${pageSize} jobs, the most this client reads; narrow the filter`),
        });
    }

    /** The tenant's jobs of `platform` named `name` as a server may store it (names.ts): each row is checked. */
    jobsNamed(platform: string, name: string): Promise<ApiJob[]> {
        return rowsNamed((filter) => this.listJobs({ platform, filter }), platform, name);
    }

    /**
     * The results summary of a job's runs, with every page of its asset results, and how many assets
     * have reported. Asked as the 3.5 notes do (GET); a gateway that answers that with a 405 or 404 is
     * asked as qualysdk does (POST), and the method that worked is kept for the process. A job not yet
     * run (or still running) reports fewer assets than its `assetCount`, or none: that is what the
     * summary says, not an error.
     */
    async getJobResultsSummary(id: string, pageSize = 100): Promise<ResultsSummary> {
        const path = `/pm/v1/deploymentjob/${checkedJobId(id, "job results")}/deploymentjobresult/summary`;
        let summary: ApiJob | undefined;
        const assets = await readPages<ApiJob>({
            pageSize,
            maxPages: MAX_LIST_PAGES,
            fetch: async (pageNumber) => {
                const page = await this.resultsPage(path, pageNumber, pageSize);
                // The summary's own fields, from the first page.
                summary ??= { ...page, assets: [] };
                return { items: Array.isArray(page?.assets) ? page.assets : [] };
            },
            key: (a) => `${a?.asset?.id}/${a?.jobInstanceId}`,
            repeated: () => undefined,
            tooMany: () => new QualysApiError({ method: this.resultsMethod ?? "GET", path, status: 200, apiMessage: `more than ${MAX_LIST_PAGES} pages of results; stopped there`, kind: "unusable" }),
        });
        return { ...summary, assets, assetsReported: new Set(assets.map((a) => a?.asset?.id)).size };
    }

    private async resultsPage(path: string, pageNumber: number, pageSize: number): Promise<ApiJob> {
        const ask = (method: "GET" | "POST") =>
            method === "GET"
                ? this.transport.call<ApiJob>("GET", `${path}?${new URLSearchParams({ pageNumber: String(pageNumber), pageSize: String(pageSize) })}`)
                : this.transport.call<ApiJob>("POST", path, { pageNumber, pageSize }, { idempotent: true });
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

    /** This machine's time on the client's clock (injected in tests), for `createdAfter`. */
    now(): number {
        return this.transport.clock.now();
    }

    /**
     * Whether the server created `job` after the moment `localTime` (this machine's clock), judged on
     * the server's clock from its last `Date` header; undefined when it cannot be told (no `Date`
     * yet, or no creation time in the job). Never this machine's clock against the server's.
     * `slackMs`: how much earlier a creation stamp still counts (CLOCK_SLACK_MS by default).
     */
    createdAfter(job: ApiJob, localTime: number, slackMs = CLOCK_SLACK_MS): boolean | undefined {
        const created = job.createdBy?.date;
        const sent = this.transport.serverTime(localTime);
        return typeof created !== "number" || sent === undefined ? undefined : created >= sent - slackMs;
    }
}
