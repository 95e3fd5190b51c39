// The tenant: its jobs and tokens and the rules over them, with no HTTP. What the server stamps on
// a stored job (ids, customer, created/updated, the On-demand start stamp, Qualys defaults, the
// enriched actions) is written here once; how a job is shown lives in shapes.ts.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";

export type Job = Record<string, any>;

export interface StateOptions {
    users: Record<string, string>;
    /** JWT lifetime; Qualys' is four hours. */
    tokenTtlMs: number;
    customerId: string;
}

/** Where the server keeps the MakeCache script; a GET answers its text instead (shapes.ts). */
export const MAKECACHE_PATH = "default/MakeCache/makecache";
const USER = { id: "9ea81ebb-1830-5f23-8389-2921ae95238f", name: "emulator_user", fullName: "Emulator User" };
const LIST_FIELDS = ["assetIds", "assetTagIds", "matchAllTagIds", "exclusionTagIds", "exclusionAssetIds", "coAuthorUserIds", "approvedPatches"];

/** A request the tenant turns down: no such job, or one the rules refuse. routes.ts gives it a status. */
export class Refusal {
    constructor(readonly kind: "missing" | "invalid", readonly message: string) {}
}

/** One id of a bulk request (status change, delete), with its job if there was one. */
export interface Outcome {
    id: string;
    job?: Job;
}

export class TenantState {
    readonly jobs = new Map<string, Job>();
    /** Token → when it expires (ms since the epoch). */
    readonly tokens = new Map<string, number>();

    constructor(private readonly options: StateOptions) {}

    clear(): void {
        this.jobs.clear();
        this.tokens.clear();
    }

    /** A fresh token for a known user and password; undefined otherwise. */
    login(username: string, password: string | null): string | undefined {
        if (!username || this.options.users[username] !== password) return undefined;
        const token = fakeJwt(username);
        this.tokens.set(token, Date.now() + this.options.tokenTtlMs);
        // Tokens issued during the test suite, for its leak scan (test/secrets/leak-scan.test.ts).
        if (process.env.QUALYS_EMULATOR_TOKEN_LOG) fs.appendFileSync(process.env.QUALYS_EMULATOR_TOKEN_LOG, `${token}\n`);
        return token;
    }

    authorized(token: string | undefined): boolean {
        const expires = token ? this.tokens.get(token) : undefined;
        return expires !== undefined && expires > Date.now();
    }

    /** Every issued token expires now, as after four hours. */
    expireTokens(): void {
        for (const token of this.tokens.keys()) this.tokens.set(token, 0);
    }

    find(id: string): Job | Refusal {
        return this.jobs.get(id) ?? new Refusal("missing", `Deployment job ${id} not found`);
    }

    create(body: Job | undefined): Job | Refusal {
        const problem = invalidJob(body);
        if (problem) return new Refusal("invalid", problem);
        const job = this.store(body!);
        if (job.status === "Enabled") trigger(job);
        return job;
    }

    update(id: string, body: Job | undefined): Job | Refusal {
        const job = this.find(id);
        if (job instanceof Refusal) return job;
        const problem = invalidJob(body) ?? lockedProblem(job);
        if (problem) return new Refusal("invalid", problem);
        const updated = this.store({ ...body, id: job.id }, job);
        if (updated.status === "Enabled" && job.status !== "Enabled") trigger(updated);
        return updated;
    }

    /** Enables or disables every job, or none if one is missing or refused. */
    setStatus(target: "Enabled" | "Disabled", ids: string[]): Outcome[] | Refusal {
        for (const id of ids) {
            const job = this.find(id);
            if (job instanceof Refusal) return job;
            const problem = statusProblem(job, target);
            if (problem) return new Refusal("invalid", problem);
        }
        return ids.map((id) => {
            const job = this.jobs.get(id)!;
            const wasEnabled = job.status === "Enabled";
            job.status = target;
            if (target === "Enabled" && !wasEnabled) trigger(job);
            return { id, job };
        });
    }

    /** Deletes each job it has, one id after the other (a repeated id is missing the second time). */
    delete(ids: string[]): Outcome[] {
        return ids.map((id) => {
            const job = this.jobs.get(id);
            if (job) this.jobs.delete(id);
            return { id, job };
        });
    }

    /** One page (from 0) of the jobs on `platform` whose name contains `name`; either filter may be absent. */
    list(query: { platform: string | null; name?: string; page: number; size: number }): Job[] {
        const { platform, name, page, size } = query;
        const matches = [...this.jobs.values()].filter((j) => (!platform || j.platform === platform) && (name === undefined || j.name.includes(name)));
        return matches.slice(page * size, (page + 1) * size);
    }

    /** An edit made in the Qualys UI: the server stamps who and when. */
    edit(id: string, edit: (job: Job) => void): void {
        const job = this.jobs.get(id);
        if (!job) throw new Error(`no job ${id}`);
        edit(job);
        job.updatedBy = { user: { ...USER, fullName: null }, date: Date.now() };
    }

    /** Stores `body` as the server would, over `previous` if it is an update; no rule is checked. */
    store(body: Job, previous?: Job): Job {
        const now = Date.now();
        const job: Job = JSON.parse(JSON.stringify(body));
        job.id = previous?.id ?? body.id ?? randomUUID();
        job.customerId = this.options.customerId;
        job.createdBy = previous?.createdBy ?? { user: USER, date: now };
        job.updatedBy = previous ? { user: { ...USER, fullName: null }, date: now } : { user: null, date: null };
        job.triggeredAt = previous?.triggeredAt;
        job.startStamp = previous?.startStamp ?? formatQualysDate(new Date(now));
        job.postDeployment = postDeploymentDefaults(job.postDeployment ?? {});
        job.preDeployActions = (job.preDeployActions ?? []).map((a: Job) => enrich(a, "predeploy"));
        job.postDeployActions = (job.postDeployActions ?? []).map((a: Job) => enrich(a, "postdeploy"));
        for (const key of LIST_FIELDS) job[key] = job[key] ?? [];
        this.jobs.set(job.id, job);
        return job;
    }
}

/** An enabled job is submitted for execution: an On-demand one at once (Enable_Disable_Jobs.htm). */
function trigger(job: Job): void {
    job.triggeredAt = Date.now();
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
    return invalidReattempt(body) ?? invalidMakeCache(body) ?? (body.status === "Enabled" && !deployable(body) ? "An enabled job needs a patch, QQL or action and an asset or tag" : undefined);
}

function invalidReattempt(body: Job): string | undefined {
    const reattempt = body.reattemptFailedPatches;
    if (!reattempt) return undefined;
    if (body.platform !== "Windows") return "reattemptFailedPatches is supported only for Windows jobs";
    if (!Number.isInteger(reattempt.noOfReattempts) || reattempt.noOfReattempts < 1 || reattempt.noOfReattempts > 5) {
        return "noOfReattempts must be between 1 and 5";
    }
    if (!Number.isInteger(reattempt.exponentialBackoffInterval) || reattempt.exponentialBackoffInterval < 1 || reattempt.exponentialBackoffInterval > 15) {
        return "exponentialBackoffInterval must be between 1 and 15";
    }
    return undefined;
}

function invalidMakeCache(body: Job): string | undefined {
    for (const action of body.preDeployActions ?? []) {
        if (action?.params?.defaultScriptType === "MakeCache") {
            if (body.platform !== "Linux") return "MakeCache pre-action is supported only for Linux jobs";
            if (String(action.script ?? "").trim() !== "") return "script must be empty for the MakeCache pre-action";
        }
    }
    return undefined;
}

function lockedProblem(job: Job): string | undefined {
    return runOnce(job) && job.status === "Enabled" ? `Run-once job ${job.name} cannot be edited once enabled` : undefined;
}

function statusProblem(job: Job, target: "Enabled" | "Disabled"): string | undefined {
    if (target === "Disabled" && runOnce(job) && job.status === "Enabled") return `Run-once job ${job.name} cannot be disabled once enabled`;
    if (target === "Enabled" && !deployable(job)) return `Job ${job.name} needs a patch, QQL or action and an asset or tag to be enabled`;
    return undefined;
}

/** The server fills postDeployment and renames the request's suppressreboots (3.5 notes' samples). */
function postDeploymentDefaults(post: Job): Job {
    return {
        suppressReboots: post.suppressreboots ?? false,
        rebootHonorOnUserLogin: post.rebootHonorOnUserLogin ?? false,
        rebootOption: post.rebootOption ?? { userMessage: "", description: "", deferment: { count: 3, interval: 1, intervalUnit: "HOURS" } },
        rebootCountdown: post.rebootCountdown ?? { interval: 15, intervalUnit: "MINUTES", userMessage: "", description: "" },
        onComplete: { userMessage: "", description: "", alwaysShowCompletedPrompt: false, ...post.onComplete },
    };
}

/** A stored action as the server keeps it: an id, its type, and the MakeCache script by path. */
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

function fakeJwt(username: string): string {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    return `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub: username, iss: "qas", aud: "qas", jti: randomUUID() })}.${randomUUID().replace(/-/g, "")}`;
}

/** Qualys' date style: `2025-3-19 04:59:17 AM`, in UTC. */
export function formatQualysDate(date: Date): string {
    const hours = date.getUTCHours() % 12 || 12;
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${date.getUTCFullYear()}-${date.getUTCMonth() + 1}-${date.getUTCDate()} ${pad(hours)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCHours() < 12 ? "AM" : "PM"}`;
}
