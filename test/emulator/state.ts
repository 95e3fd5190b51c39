// The tenant: its jobs, tokens and runs, the server's clock and name normalisation, with no HTTP.
// What the server stamps on a stored job (ids, customer, created/updated, the On-demand start stamp,
// Qualys defaults, the enriched actions) is written here once; what it refuses is in rules.ts, and
// how a job is shown in shapes.ts.
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { CREATE_KEYS, invalidJob, lockedProblem, statusProblem, UPDATE_KEYS } from "./rules";

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
/** What the emulator keeps on a job for itself: never a field of the API (shapes.ts leaves it out of answers). */
const BOOKKEEPING = ["triggeredAt", "startStamp"];
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

/** One run of a job, as `GET .../runs` answers it (qualysdk PMRun): an ISO date, read by Python's fromisoformat. */
export interface Run {
    jobInstanceId: number;
    scheduledDateTime: string;
    timezoneType: string;
}

export class TenantState {
    readonly jobs = new Map<string, Job>();
    /** Token → when it expires (ms since the epoch, this machine's clock). */
    readonly tokens = new Map<string, number>();
    /** Job id → its runs, one per enable (a job never enabled has none). */
    readonly runs = new Map<string, Run[]>();
    /** How far the server's own clock runs ahead of this machine's (negative: behind); see now(). */
    clockSkewMs = 0;
    /** How the server normalises a job name it receives in a create or update; undefined keeps it. */
    nameRewrite?: (name: string) => string;

    constructor(private readonly options: StateOptions) {}

    clear(): void {
        this.jobs.clear();
        this.tokens.clear();
        this.runs.clear();
        this.clockSkewMs = 0;
        this.nameRewrite = undefined;
    }

    /** The server's clock: every date it stamps (who and when, start stamps, runs, errors, the Date header). */
    now(): number {
        return Date.now() + this.clockSkewMs;
    }

    /**
     * A fresh token for a known user and password; undefined otherwise. Token lifetimes run on this
     * machine's clock: a skewed server clock changes what is stamped, not how long a JWT lasts.
     */
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
        const problem = invalidJob(body, CREATE_KEYS);
        if (problem) return new Refusal("invalid", problem);
        const job = this.store(this.received(body!));
        if (job.status === "Enabled") this.trigger(job);
        return job;
    }

    update(id: string, body: Job | undefined): Job | Refusal {
        const job = this.find(id);
        if (job instanceof Refusal) return job;
        const problem = invalidJob(body, this.updateKeys(job)) ?? lockedProblem(job);
        if (problem) return new Refusal("invalid", problem);
        const updated = this.store({ ...this.received(body!), id: job.id }, job);
        if (updated.status === "Enabled" && job.status !== "Enabled") this.trigger(updated);
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
            if (target === "Enabled" && !wasEnabled) this.trigger(job);
            return { id, job };
        });
    }

    /** Deletes each job it has, one id after the other (a repeated id is missing the second time). */
    delete(ids: string[]): Outcome[] {
        return ids.map((id) => {
            const job = this.jobs.get(id);
            if (job) this.jobs.delete(id);
            if (job) this.runs.delete(id);
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
        job.updatedBy = { user: { ...USER, fullName: null }, date: this.now() };
    }

    /** Stores `body` as the server would, over `previous` if it is an update; no rule is checked. */
    store(body: Job, previous?: Job): Job {
        const now = this.now();
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

    /**
     * The keys an update of `job` takes: UPDATE_KEYS, and every key the server holds for it (a field
     * of a newer API, made in the UI): a GET answers it, and the docs tell clients to send the GET
     * answer back. The emulator's own bookkeeping is not among them.
     */
    private updateKeys(job: Job): ReadonlySet<string> {
        return new Set([...UPDATE_KEYS, ...Object.keys(job).filter((key) => !BOOKKEEPING.includes(key))]);
    }

    /** A create or update body as the server takes it in: its name normalised by `nameRewrite`. */
    private received(body: Job): Job {
        return this.nameRewrite && typeof body.name === "string" ? { ...body, name: this.nameRewrite(body.name) } : body;
    }

    /** An enabled job is submitted for execution, an On-demand one at once (Enable_Disable_Jobs.htm): a run, at the server's time. */
    private trigger(job: Job): void {
        const now = this.now();
        job.triggeredAt = now;
        const runs = this.runs.get(job.id) ?? [];
        // An On-demand job runs in UTC by the server's choice (its answers say SPECIFIC_TZ, UTC).
        const timezoneType = job.scheduleType === "On-demand" ? "SPECIFIC_TZ" : (job.timezoneType ?? "AGENT_TZ");
        runs.push({ jobInstanceId: runs.length + 1, scheduledDateTime: new Date(now).toISOString(), timezoneType });
        this.runs.set(job.id, runs);
    }
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
