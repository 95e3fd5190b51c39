// The Qualys PM API client, on got 14 (ESM-only: loaded with a dynamic import() from this CommonJS
// package, design.md fact 7). JWT from the gateway's /auth, shared by concurrent calls and renewed
// once on 401; got's retry for refused and failed requests, by the table below; one error type,
// QualysApiError, that names method, path, status and the API's message, and never a secret.
//
// Retry table (octokit/plugin-retry's doNotRetry idea, got's calculateDelay):
//   429, and 409 with the classic throttle codes 1960/1965  all methods: the call was refused, not run
//   500, 502, 503, 504, resets, timeouts                     GET, PATCH (whole body), DELETE only
//   401                                                      all, once, after a fresh JWT
// A create POST is never retried blindly: after an uncertain POST, the job is looked up by name
// and adopted if it is ours (design.md fact 6).
import type { ApiJob } from "./payload";
import { proxyAgents } from "./proxy";
import type { Got, Options, RequestError } from "got" with { "resolution-mode": "import" };

type GotModule = typeof import("got", { with: { "resolution-mode": "import" } });

export interface ClientSettings {
    gatewayUrl: string;
    username: string;
    password: string;
    /** Timeout of one HTTP request. Default 30 s. */
    requestTimeoutMs?: number;
    /** Retries of a refused or failed request. Default 5. */
    maxRetries?: number;
    /** First backoff step when the server gives no hint; doubled per attempt, plus jitter. Default 500 ms. */
    backoffBaseMs?: number;
    /** Longest wait a Retry-After or X-RateLimit-ToWait-Sec may ask for; past it, fail at once. Default 60 s. */
    maxRetryAfterMs?: number;
    /** Length of the server's "second" in hints, a parameter so that tests wait milliseconds. Default 1000. */
    retryAfterUnitMs?: number;
    /** How long a JWT is reused before a new one is fetched; Qualys' last four hours. Default 3 h 50 min. */
    tokenReuseMs?: number;
}

export type JobStatus = "Enabled" | "Disabled";

const RETRY_STATUSES = [409, 429, 500, 502, 503, 504];
const NETWORK_CODES = ["ETIMEDOUT", "ECONNRESET", "EADDRINUSE", "ECONNREFUSED", "EPIPE", "ENOTFOUND", "ENETUNREACH", "EAI_AGAIN"];
const IDEMPOTENT = ["GET", "PATCH", "DELETE"];
/** The classic API's throttle codes (concurrency 1960, rate 1965), should the PM gateway use 409. */
const THROTTLE_CODES = /\b(1960|1965)\b/;

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
    ) {
        super(describeFailure(method, path, status, apiMessage, attempts) + (hint ? `. ${hint}` : ""));
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

let gotModule: Promise<GotModule> | undefined;
function loadGot(): Promise<GotModule> {
    // Kept as a real import(): TypeScript's node16 module mode does not rewrite it to require().
    gotModule ??= import("got");
    return gotModule;
}

export class PmClient {
    private readonly settings: Required<ClientSettings>;
    private http?: Promise<Got>;
    private token?: { value: Promise<string>; fetchedAt: number; resolved?: string };
    /** /auth calls made by this client (tests assert one per process). */
    authCount = 0;
    private readonly secrets = new Set<string>();

    constructor(settings: ClientSettings) {
        this.settings = {
            requestTimeoutMs: 30_000,
            maxRetries: 5,
            backoffBaseMs: 500,
            maxRetryAfterMs: 60_000,
            retryAfterUnitMs: 1000,
            tokenReuseMs: (3 * 60 + 50) * 60_000,
            ...settings,
            gatewayUrl: settings.gatewayUrl.replace(/\/+$/, ""),
        };
        if (settings.password) this.secrets.add(settings.password);
    }

    // ---- the API, one small function per endpoint, so a correction is a one-line change ----------

    async getJob(id: string): Promise<ApiJob | undefined> {
        try {
            return await this.call<ApiJob>("GET", `/pm/v1/deploymentjob/${encodeURIComponent(id)}`);
        } catch (error) {
            if (error instanceof QualysApiError && error.status === 404) return undefined;
            throw error;
        }
    }

    /** PATCH takes the whole job (update_deployment_jobs.htm). Some answers echo the request without
     * an id (Windows sample in the 3.5 notes); then the job is read back. */
    async updateJob(id: string, body: ApiJob): Promise<ApiJob> {
        const answer = await this.call<ApiJob>("PATCH", `/pm/v1/deploymentjob/update/${encodeURIComponent(id)}`, body);
        if (answer && answer.id === id) return answer;
        const job = await this.getJob(id);
        if (!job) throw new QualysApiError("GET", `/pm/v1/deploymentjob/${id}`, 404, "the job vanished right after its update", 1);
        return job;
    }

    /** Enable or disable: `POST /pm/v1/deploymentjobs/update/status/{status}` (qualysdk change_job_status). */
    async setJobStatus(id: string, status: JobStatus): Promise<void> {
        const path = `/pm/v1/deploymentjobs/update/status/${status}`;
        const results = await this.call<{ id: string; status: string; message?: string }[]>("POST", path, { ids: [id] }, { idempotent: true });
        const mine = Array.isArray(results) ? results.find((r) => r.id === id) : undefined;
        if (mine && mine.status !== "success") throw new QualysApiError("POST", path, 200, `job ${id}: ${mine.message ?? mine.status}`, 1);
    }

    /** Bulk delete, `DELETE /pm/v1/deploymentjobs` with `{ids}` (qualysdk delete_job). A job already gone counts as deleted. */
    async deleteJob(id: string): Promise<void> {
        const path = "/pm/v1/deploymentjobs";
        const results = await this.call<{ id: string; status: string; message?: string }[]>("DELETE", path, { ids: [id] });
        const mine = Array.isArray(results) ? results.find((r) => r.id === id) : undefined;
        if (mine && mine.status !== "success" && (await this.getJob(id)) !== undefined) {
            throw new QualysApiError("DELETE", path, 200, `job ${id}: ${mine.message ?? mine.status}`, 1);
        }
    }

    /** `GET /pm/v1/deploymentjobs/summary`, every page (qualysdk _list_jobs_backend). */
    async listJobs(query: { platform: string; filter?: string; pageSize?: number }): Promise<ApiJob[]> {
        const jobs: ApiJob[] = [];
        const pageSize = query.pageSize ?? 100;
        for (let pageNumber = 0; ; pageNumber++) {
            const params = new URLSearchParams({ platform: query.platform, pageNumber: String(pageNumber), pageSize: String(pageSize) });
            if (query.filter) params.set("filter", query.filter);
            const page = await this.call<ApiJob[]>("GET", `/pm/v1/deploymentjobs/summary?${params}`);
            if (!Array.isArray(page) || page.length === 0) return jobs;
            jobs.push(...page);
            if (page.length < pageSize) return jobs;
        }
    }

    /** The results summary of a job's runs (GET in the 3.5 notes). */
    getJobResultsSummary(id: string): Promise<ApiJob> {
        return this.call<ApiJob>("GET", `/pm/v1/deploymentjob/${encodeURIComponent(id)}/deploymentjobresult/summary`);
    }

    /**
     * Creates a job. The POST is not idempotent: when its outcome is unknown (no answer, a 5xx, an
     * unreadable answer), the job may exist. Look for it by name and adopt it when `isOurs` says it
     * is the job just sent; only when it is not there is the POST sent again.
     */
    async createJob(body: ApiJob, isOurs: (job: ApiJob) => boolean): Promise<ApiJob> {
        const sentAt = Date.now();
        for (let attempt = 1; ; attempt++) {
            try {
                const job = await this.call<ApiJob>("POST", "/pm/v1/deploymentjob", body);
                if (job && typeof job.id === "string") return job;
                throw new QualysApiError("POST", "/pm/v1/deploymentjob", 201, "the answer carries no job id", attempt);
            } catch (error) {
                if (!(error instanceof QualysApiError) || !isUncertain(error)) throw error;
                const lookUp = () => this.findCreatedJob(body, sentAt, isOurs).catch((lookup: Error) => {
                    throw new QualysApiError(error.method, error.path, error.status, error.apiMessage, attempt,
                        `The job "${body.name}" may have been created; looking for it failed (${lookup.message}). Check the Qualys UI before running again`);
                });
                let adopted = await lookUp();
                if (!adopted && error.status === undefined) {
                    // No answer at all: the server may still be working on the POST. Give it one
                    // request timeout before concluding it was not created.
                    await sleep(this.settings.requestTimeoutMs);
                    adopted = await lookUp();
                }
                if (adopted) return adopted;
                if (attempt > this.settings.maxRetries) throw error;
                await sleep(this.backoff(attempt));
            }
        }
    }

    private async findCreatedJob(body: ApiJob, sentAt: number, isOurs: (job: ApiJob) => boolean): Promise<ApiJob | undefined> {
        const filter = `name:"${String(body.name).replace(/(["\\])/g, "\\$1")}"`;
        const candidates = (await this.listJobs({ platform: body.platform, filter }))
            .filter((j) => j.name === body.name)
            // Ten minutes of slack for clock skew between this machine and Qualys.
            .filter((j) => typeof j.createdBy?.date !== "number" || j.createdBy.date >= sentAt - 600_000);
        for (const candidate of candidates) {
            const job = await this.getJob(candidate.id);
            if (job && isOurs(job)) return job;
        }
        return undefined;
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
        this.authCount++;
        const form = new URLSearchParams({ username: this.settings.username, password: this.settings.password, token: "true", permissions: "true" });
        // Fetching a token changes nothing on the server: retried like a GET.
        const text = await this.send<string>("POST", "/auth", form.toString(), { auth: false, form: true, idempotent: true });
        const token = typeof text === "string" ? text.trim() : "";
        if (!token) throw new QualysApiError("POST", "/auth", 201, "the answer carries no token", 1);
        this.secrets.add(token);
        return token;
    }

    private async call<T>(method: string, path: string, body?: unknown, extra: { idempotent?: boolean } = {}): Promise<T> {
        return this.send<T>(method, path, body === undefined ? undefined : JSON.stringify(body), { auth: true, form: false, ...extra });
    }

    private instance(): Promise<Got> {
        this.http ??= loadGot().then(({ got }) =>
            got.extend({
                prefixUrl: this.settings.gatewayUrl,
                // TLS verification stays on (got's default); extra CAs come from NODE_EXTRA_CA_CERTS.
                agent: proxyAgents(this.settings.gatewayUrl),
                timeout: { request: this.settings.requestTimeoutMs },
                throwHttpErrors: true,
                responseType: "text",
                retry: {
                    limit: this.settings.maxRetries,
                    methods: ["GET", "PATCH", "DELETE", "POST"],
                    statusCodes: RETRY_STATUSES,
                    errorCodes: NETWORK_CODES,
                    calculateDelay: ({ attemptCount, error, computedValue }) => (computedValue === 0 ? 0 : this.retryDelay(attemptCount, error)),
                },
                hooks: {
                    beforeRequest: [
                        async (options) => {
                            if ((options.context as { auth?: boolean }).auth) options.headers.authorization = `Bearer ${await this.jwt()}`;
                        },
                    ],
                    afterResponse: [
                        async (response, retryWithMergedOptions) => {
                            const context = response.request.options.context as { auth?: boolean; renewed?: boolean };
                            if (response.statusCode !== 401 || !context.auth || context.renewed) return response;
                            // An expired JWT: fetch one more (shared with concurrent callers) and repeat the call once.
                            this.invalidate(String(response.request.options.headers.authorization ?? "").replace(/^Bearer /, ""));
                            return retryWithMergedOptions({ context: { ...context, renewed: true } });
                        },
                    ],
                },
            }),
        );
        return this.http;
    }

    /** When to try again, in ms; 0 = do not (the table at the top of this file). */
    private retryDelay(attemptCount: number, error: RequestError): number {
        // The repeat of a call after a 401 and a fresh JWT (afterResponse hook): always, at once.
        if (error.name === "RetryError") return 1;
        const method = String(error.options.method).toUpperCase();
        const context = error.options.context as { idempotent?: boolean };
        const status = error.response?.statusCode;
        const refused = status === 429 || (status === 409 && THROTTLE_CODES.test(String(error.response?.body ?? "")));
        const retryable = refused || (status !== 409 && (IDEMPOTENT.includes(method) || context.idempotent === true));
        if (!retryable) return 0;
        const hinted = refused ? this.serverHintMs(error.response?.headers ?? {}) : undefined;
        // got reads 0 as "do not retry"; Retry-After: 0 means "now".
        if (hinted !== undefined) return hinted > this.settings.maxRetryAfterMs ? 0 : Math.max(1, hinted);
        return this.backoff(attemptCount);
    }

    private serverHintMs(headers: Record<string, string | string[] | undefined>): number | undefined {
        const unit = this.settings.retryAfterUnitMs;
        const toWait = Number(headers["x-ratelimit-towait-sec"]);
        if (headers["x-ratelimit-towait-sec"] !== undefined && Number.isFinite(toWait)) return Math.max(0, toWait) * unit;
        const retryAfter = headers["retry-after"];
        if (typeof retryAfter !== "string") return undefined;
        const seconds = Number(retryAfter);
        if (Number.isFinite(seconds)) return Math.max(0, seconds) * unit;
        const date = Date.parse(retryAfter);
        return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
    }

    private backoff(attempt: number): number {
        const base = this.settings.backoffBaseMs * 2 ** (attempt - 1);
        return Math.min(base + Math.random() * this.settings.backoffBaseMs, 30_000);
    }

    private async send<T>(method: string, path: string, body: string | undefined, flags: { auth: boolean; form: boolean; idempotent?: boolean }): Promise<T> {
        const http = await this.instance();
        try {
            const response = await http(path.replace(/^\//, ""), {
                method: method as Options["method"],
                body,
                headers: {
                    accept: flags.form ? "text/plain" : "application/json",
                    ...(body !== undefined ? { "content-type": flags.form ? "application/x-www-form-urlencoded" : "application/json" } : {}),
                },
                context: { auth: flags.auth, idempotent: flags.idempotent },
            });
            const attempts = response.retryCount + 1;
            if (flags.form) return response.body as T;
            if (!response.body) return undefined as T;
            try {
                return JSON.parse(response.body) as T;
            } catch {
                throw new QualysApiError(method, path, response.statusCode, `the answer is not JSON: ${this.scrub(apiMessageOf(response.body))}`, attempts);
            }
        } catch (error) {
            throw this.toApiError(method, path, error);
        }
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
            let message = apiMessageOf(String(e.response.body ?? ""));
            if (status === 429) {
                const wait = this.serverHintMs(e.response.headers as Record<string, string>);
                if (wait !== undefined && wait > this.settings.maxRetryAfterMs) {
                    message += `; Qualys asks to wait ${Math.ceil(wait / 1000)} s, longer than the ${Math.round(this.settings.maxRetryAfterMs / 1000)} s this provider waits`;
                }
            }
            return new QualysApiError(method, path, status, this.scrub(message), attempts, hintFor(path, status));
        }
        const code = e.code ?? "ERROR";
        const detail = code === "ETIMEDOUT" ? `no answer within ${this.settings.requestTimeoutMs} ms (ETIMEDOUT)` : `${code}: ${this.scrub(e.message ?? "")}`;
        return new QualysApiError(method, path, undefined, detail, attempts);
    }

    /** Removes the password and any JWT, should an answer ever echo them. */
    private scrub(text: string): string {
        let out = text;
        for (const secret of this.secrets) out = out.split(secret).join("***");
        return out;
    }
}

/** The API's own message from an error answer: `{_error: {message}}` (qualysdk), else plain text. */
export function apiMessageOf(text: string): string {
    const trimmed = text.trim();
    if (/^<(!doctype|html)/i.test(trimmed)) {
        const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1];
        return `an HTML page${title ? ` titled "${title.trim()}"` : ""} (a proxy's or gateway's error page?)`;
    }
    try {
        const json = JSON.parse(trimmed);
        const message = json?._error?.message ?? json?.message ?? json?.errorMessage ?? json?._error?.errorCode;
        if (message !== undefined) return String(message);
    } catch {
        // not JSON
    }
    if (!trimmed) return "no message";
    return trimmed.length > 300 ? `${trimmed.slice(0, 297)}...` : trimmed;
}

function isUncertain(error: QualysApiError): boolean {
    return error.status === undefined || error.status >= 500 || (error.status >= 200 && error.status < 300);
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
