// `qualys-pm-pulumi adopt`: a Qualys PM tenant's deployment jobs as a Pulumi program.
// Lists every job of the chosen platforms (all pages), reads each one, and turns it into the
// canonical inputs `fromApiJob` gives, so that the generated program declares exactly what the
// provider reads back: `pulumi up` adopts each job (adoptJobId) without writing to Qualys, and
// `preview` shows no change. HTTP goes through the provider's own client (paging, retries, pacing);
// everything after the reads is pure and deterministic: the same tenant gives the same program.
import { checkedJobId } from "../core/client";
import type { PmClient } from "../core/client";
import { INPUT_KEYS } from "../core/diff";
import { ApiJob, DEFAULTS, DeploymentJobInputs, fromApiJob, RUN_ONCE_SCHEDULES, serverFacts, toRequest } from "../core/payload";
import { validateJobInputs } from "../core/validate";

export type Platform = "Linux" | "Windows";
export const PLATFORMS: Platform[] = ["Linux", "Windows"];

/** The type token of every DeploymentJob (resource.ts): `pulumi import` needs it. */
export const RESOURCE_TYPE = "pulumi-nodejs:dynamic/qualys:DeploymentJob";

/** What the command needs of the client: the same calls the provider makes. */
export type JobSource = Pick<PmClient, "listJobs" | "getJob">;

export interface AdoptOptions {
    /** Platforms listed, in this order. Default: Linux and Windows. */
    platforms?: Platform[];
    /** The PM API's own name filter (`name:"…"`), applied by Qualys while listing. */
    name?: string;
    /** A regular expression the job's name must match, applied here after listing. */
    nameRegex?: RegExp;
    /** Jobs read at once. Default 8. */
    concurrency?: number;
    onProgress?: (progress: AdoptProgress) => void;
}

export type AdoptProgress =
    | { phase: "listed"; platform: Platform; count: number }
    | { phase: "read"; done: number; total: number };

export interface AdoptedJob {
    id: string;
    platform: Platform;
    /** The Pulumi resource name: from the job's name, unique in the program, stable from run to run. */
    resourceName: string;
    /** The canonical inputs (`fromApiJob`), as the state records them; without adoptJobId. */
    inputs: DeploymentJobInputs;
    /** What the program declares, without adoptJobId: the canonical inputs, and a unit the schema needs spelt out. */
    args: DeploymentJobInputs;
    /** The job as Qualys answered it. */
    job: ApiJob;
    /** Its row in the job list (`created`, `updated`, `lastScheduleDateTime`, … when Qualys gives them). */
    row: ApiJob;
    /** What Qualys holds that the program does not model; kept as it is by every update. */
    kept: string[];
    /** What Qualys holds that the program cannot say and that the next update would clear. */
    cleared: string[];
}

export interface SkippedJob {
    id: string;
    platform: string;
    name: string;
    reason: string;
}

export interface AdoptResult {
    /** Jobs listed per platform (after the name filters). */
    listed: Partial<Record<Platform, number>>;
    /** Sorted by platform, name and id. */
    jobs: AdoptedJob[];
    skipped: SkippedJob[];
    /** Listed, then gone by the time they were read (deleted meanwhile). */
    vanished: SkippedJob[];
}

/** A job as read and checked, before it has its resource name. */
type Candidate = Omit<AdoptedJob, "resourceName">;

/** A listed job to read: its platform, its list row, and its id (checked, lower-case). */
interface ListedJob {
    platform: Platform;
    row: ApiJob;
    id: string;
}

/** Lists, reads and checks every job; throws on the first failed request (nothing half-done is written). */
export async function collectJobs(client: JobSource, options: AdoptOptions = {}): Promise<AdoptResult> {
    const matches = (name: unknown) => !options.nameRegex || (typeof name === "string" && options.nameRegex.test(name));
    const skipped: SkippedJob[] = [];
    const { listed, rows } = await listAll(client, options, matches);
    const toRead = readableJobs(rows, skipped);
    const { candidates, vanished } = await readAll(client, toRead, options, matches, skipped);
    const jobs = onePerJobName(candidates, skipped);
    skipped.sort((a, b) => compare(a.platform, b.platform) || compare(a.name, b.name) || compare(a.id, b.id));
    return { listed, jobs, skipped, vanished };
}

/** Every platform's job list (all pages, the PM API's name filter applied by Qualys), then the name regex. */
async function listAll(client: JobSource, options: AdoptOptions, matches: (name: unknown) => boolean) {
    const filter = options.name ? `name:"${options.name.replace(/(["\\])/g, "\\$1")}"` : undefined;
    const listed: Partial<Record<Platform, number>> = {};
    const lists = await settled(
        (options.platforms ?? PLATFORMS).map(async (platform) => {
            const rows = (await client.listJobs({ platform, filter })).filter((row) => row && typeof row === "object" && (typeof row.name !== "string" || matches(row.name)));
            listed[platform] = rows.length;
            options.onProgress?.({ phase: "listed", platform, count: rows.length });
            return rows.map((row) => ({ platform, row }));
        }),
    );
    return { listed, rows: lists.flat() };
}

/** The rows to read, once each; a row whose id is not a job id is skipped (adoptJobId takes a UUID). */
function readableJobs(rows: { platform: Platform; row: ApiJob }[], skipped: SkippedJob[]): ListedJob[] {
    const seen = new Set<string>();
    const toRead: ListedJob[] = [];
    for (const { platform, row } of rows) {
        let id: string;
        try {
            id = checkedJobId(row.id, "job list").toLowerCase();
        } catch (error) {
            const name = typeof row.name === "string" ? row.name : "";
            skipped.push({ id: String(row.id).slice(0, 40), platform, name, reason: `${(error as Error).message}; adoptJobId takes a UUID` });
            continue;
        }
        if (seen.has(id)) continue;
        seen.add(id);
        toRead.push({ platform, row, id });
    }
    return toRead;
}

/**
 * Reads the jobs, `concurrency` at once. Each job is turned into inputs and checked as soon as it is
 * read, while the other reads are in flight (the first check also compiles the schema, validate.ts).
 */
async function readAll(client: JobSource, toRead: ListedJob[], options: AdoptOptions, matches: (name: unknown) => boolean, skipped: SkippedJob[]) {
    const candidates: Candidate[] = [];
    const vanished: SkippedJob[] = [];
    let done = 0;
    await pool(toRead, options.concurrency ?? 8, async ({ platform, row, id }) => {
        const job = await client.getJob(id);
        done++;
        options.onProgress?.({ phase: "read", done, total: toRead.length });
        if (!job) return void vanished.push({ id, platform, name: String(row.name ?? ""), reason: "deleted in Qualys after it was listed" });
        if (!matches(job.name)) return;
        const outcome = candidateOf({ platform, row, id }, job);
        if ("reason" in outcome) skipped.push(outcome);
        else candidates.push(outcome);
    });
    return { candidates, vanished };
}

/** The job as the program will declare it, or why it is skipped: it cannot be read as inputs, or fails the schema. */
function candidateOf({ platform, row, id }: ListedJob, job: ApiJob): Candidate | SkippedJob {
    const name = typeof job.name === "string" ? job.name : String(row.name ?? "");
    const skip = (reason: string): SkippedJob => ({ id, platform: String(job.platform ?? platform), name, reason });
    let inputs: DeploymentJobInputs;
    try {
        inputs = fromApiJob(job);
    } catch (error) {
        return skip(`its answer cannot be read as a deployment job (${(error as Error).message})`);
    }
    const args = programArgs(inputs);
    // Checked as the provider's check will see the program: the arguments as written.
    const failures = validateJobInputs({ ...args, adoptJobId: id } as unknown as Record<string, unknown>);
    if (failures.length) {
        const shown = failures.slice(0, 3).map((f) => `${f.property} ${f.reason}`).join("; ");
        return skip(`it does not pass the DeploymentJob schema: ${shown}${failures.length > 3 ? `; and ${failures.length - 3} more` : ""}`);
    }
    return { id, platform: inputs.platform, inputs, args, job, row, kept: keptParts(job, row, inputs), cleared: clearedParts(job, inputs) };
}

/**
 * One resource per job name and platform (resource.ts refuses two at preview): the oldest job keeps
 * it, and each younger twin is skipped, naming it. The jobs kept get their resource names, in program order.
 */
function onePerJobName(candidates: Candidate[], skipped: SkippedJob[]): AdoptedJob[] {
    const byJobName = new Map<string, Candidate[]>();
    for (const c of candidates) {
        const key = `${c.platform}\u0000${c.inputs.name}`;
        byJobName.set(key, [...(byJobName.get(key) ?? []), c]);
    }
    const kept: Candidate[] = [];
    const twins: [Candidate, Candidate][] = [];
    for (const group of byJobName.values()) {
        const [first, ...rest] = group.sort(olderFirst);
        kept.push(first);
        for (const twin of rest) twins.push([twin, first]);
    }
    const names = resourceNames(kept.map((c) => ({ id: c.id, name: c.inputs.name, createdAt: createdAt(c.job) })));
    for (const [twin, first] of twins) {
        skipped.push({
            id: twin.id,
            platform: twin.platform,
            name: twin.inputs.name,
            reason: `job ${first.id} (resource "${names.get(first.id)}") is an older ${twin.platform} job of the same name, and a program holds one DeploymentJob per job name and platform; rename one of them in Qualys and run adopt again`,
        });
    }
    return kept.map((c) => ({ ...c, resourceName: names.get(c.id)! })).sort(programOrder);
}

/**
 * The arguments the program declares: the canonical inputs, plus `downloadRandomizeTimeUnit:
 * "MINUTES"` next to a `downloadRandomizeTime`, for the reader. The canonical form drops that unit as
 * the default (canonical.ts); both forms are the same inputs to check and diff: no change.
 */
export function programArgs(inputs: DeploymentJobInputs): DeploymentJobInputs {
    if (inputs.downloadRandomizeTime === undefined || inputs.downloadRandomizeTimeUnit !== undefined) return inputs;
    return { ...inputs, downloadRandomizeTimeUnit: DEFAULTS.downloadRandomizeTimeUnit };
}

/**
 * Runs `work` over `items`, at most `limit` at once. After a failure no new work starts, and the
 * first failure is thrown once the calls in flight have ended: nothing is left running behind it.
 */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let failed = false;
    const worker = async () => {
        while (!failed && next < items.length) {
            const item = items[next++];
            try {
                await work(item);
            } catch (error) {
                failed = true;
                throw error;
            }
        }
    };
    await settled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Promise.all that waits for every promise to settle before it throws the first failure. */
async function settled<T>(promises: Promise<T>[]): Promise<T[]> {
    const results = await Promise.allSettled(promises);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw failure.reason;
    return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

function createdAt(job: ApiJob): number | undefined {
    const date = job.createdBy?.date;
    return typeof date === "number" && Number.isFinite(date) ? date : undefined;
}

/** The older job first (by creation time, then id): it keeps the plain name, so a new job never renames an old one. */
function olderFirst(a: { id: string; job: ApiJob }, b: { id: string; job: ApiJob }): number {
    const x = createdAt(a.job) ?? Number.POSITIVE_INFINITY;
    const y = createdAt(b.job) ?? Number.POSITIVE_INFINITY;
    return x !== y ? (x < y ? -1 : 1) : compare(a.id, b.id);
}

function programOrder(a: AdoptedJob, b: AdoptedJob): number {
    return compare(a.platform, b.platform) || compare(a.inputs.name, b.inputs.name) || compare(a.id, b.id);
}

/** Code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

// ---- resource names ----------------------------------------------------------------------------

const MAX_NAME = 48;

/** A job name as a resource name: lower-case ASCII letters, digits and dashes; accents dropped. */
export function slugOf(jobName: string): string {
    const ascii = jobName.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
    let slug = ascii.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (slug.length > MAX_NAME) {
        const cut = slug.slice(0, MAX_NAME);
        slug = (cut.lastIndexOf("-") > MAX_NAME / 2 ? cut.slice(0, cut.lastIndexOf("-")) : cut).replace(/-+$/, "");
    }
    return slug || "job";
}

/**
 * Resource names, by job id: the slug of the job's name; where two jobs share a slug, the older
 * keeps it and the others get the first 8 characters of their id (the whole id if that is taken).
 * Depends only on the jobs, never on listing order, so a second run gives the same names.
 */
export function resourceNames(jobs: { id: string; name: string; createdAt?: number }[]): Map<string, string> {
    const bySlug = new Map<string, typeof jobs>();
    for (const job of jobs) bySlug.set(slugOf(job.name), [...(bySlug.get(slugOf(job.name)) ?? []), job]);
    const names = new Map<string, string>();
    const used = new Set<string>();
    const later: { slug: string; job: (typeof jobs)[number] }[] = [];
    for (const [slug, group] of [...bySlug.entries()].sort(([a], [b]) => compare(a, b))) {
        const [first, ...rest] = group.sort((a, b) => {
            const x = a.createdAt ?? Number.POSITIVE_INFINITY;
            const y = b.createdAt ?? Number.POSITIVE_INFINITY;
            return x !== y ? (x < y ? -1 : 1) : compare(a.id, b.id);
        });
        names.set(first.id, slug);
        used.add(slug);
        for (const job of rest) later.push({ slug, job });
    }
    for (const { slug, job } of later) {
        const compact = job.id.toLowerCase().replace(/-/g, "");
        let name = `${slug}-${compact.slice(0, 8)}`;
        if (used.has(name)) name = `${slug}-${compact}`;
        names.set(job.id, name);
        used.add(name);
    }
    return names;
}

// ---- what the program does not manage -----------------------------------------------------------

/** Fields Qualys stamps or computes on every job: nothing to manage, nothing to report. */
const STAMPED = new Set([
    "id", "customerId", "createdBy", "updatedBy", "deletedBy", "created", "updated", "patchCount", "applicableAssetCount", "assetCount", "taggedAssetCount",
    "jobTriggerStatus", "triggerStatus", "completionPercent", "totalAssetCount", "assetResultReceivedCount", "readOnly", "jobStartCountdown", "linkedJobs",
    "disabledPatches", "jobCategory", "category", "subCategory", "jobSource", "schemaVersion", "recurring", "isRecurring", "monthlyRecurringType",
    "enableReattemptFailedPatches", "continueOnPatchFailure", "reattemptFailedPatches", "status", "deleted", "lastScheduleDateTime", "nextScheduleDateTime",
    "linkedJobReferenceCount",
]);
/** Fields reported by name below, with words rather than as a bare field. */
const NAMED = new Set(["linkedJobId", "chainedJobRule", "linkedToJob", "customPatchURLId", "customPatchUrlConfigured", "isAssetImported", "mitigationActionCount"]);

function isEmpty(value: unknown): boolean {
    if (value === undefined || value === null || value === "" || value === false) return true;
    if (Array.isArray(value)) return value.every(isEmpty);
    if (typeof value === "object") return Object.values(value as object).every(isEmpty);
    return false;
}

const modelledByPlatform = new Map<string, Set<string>>();
/** The top-level fields a request body carries (toRequest): the same for every job of a platform. */
function modelledFields(platform: Platform): Set<string> {
    let fields = modelledByPlatform.get(platform);
    if (!fields) modelledByPlatform.set(platform, (fields = new Set(Object.keys(toRequest({ name: "fields", platform })))));
    return fields;
}

/**
 * What the job holds that the program does not model: job chaining, actions other than Run Script,
 * a custom patch URL, fields of a newer API. An update reads the job and writes these back as they
 * are (payload.ts mergeIntoServerJob), so they are kept, but not managed.
 */
export function keptParts(job: ApiJob, row: ApiJob, inputs: DeploymentJobInputs): string[] {
    const parts: string[] = [];
    if (!isEmpty(job.linkedJobId)) parts.push(`job chaining (linkedJobId ${shortText(job.linkedJobId)})`);
    if (!isEmpty(job.chainedJobRule)) parts.push("a job chaining rule (chainedJobRule)");
    if (!isEmpty(job.linkedToJob)) parts.push(`a link to another job (linkedToJob ${shortText(job.linkedToJob)})`);
    for (const [key, when] of [["preDeployActions", "pre-deploy"], ["postDeployActions", "post-deploy"]] as const) {
        const foreign = (Array.isArray(job[key]) ? (job[key] as ApiJob[]) : []).filter((a) => (a?.action ?? "Run Script") !== "Run Script");
        for (const action of foreign) parts.push(`a ${when} "${shortText(action.action)}" action`);
    }
    if (!isEmpty(job.customPatchURLId)) parts.push(`a custom patch URL (customPatchURLId ${shortText(job.customPatchURLId)})`);
    else if (row.customPatchUrlConfigured === true) parts.push("a custom patch URL");
    if (job.isAssetImported === true) parts.push("assets imported from a file (isAssetImported)");
    const mitigations = Number(row.mitigationActionCount ?? job.mitigationActionCount ?? 0);
    if (mitigations > 0) parts.push(`${mitigations} mitigation action${mitigations > 1 ? "s" : ""}`);
    const modelled = modelledFields(inputs.platform);
    const others = Object.keys(job).filter((key) => !modelled.has(key) && !STAMPED.has(key) && !NAMED.has(key) && !isEmpty(job[key])).sort(compare);
    if (others.length) parts.push(`${others.length > 1 ? "fields" : "the field"} ${others.map(shortText).join(", ")}`);
    return parts;
}

/** What Qualys holds in a modelled field that the inputs cannot say: the next update writes it empty. */
export function clearedParts(job: ApiJob, inputs: DeploymentJobInputs): string[] {
    const parts: string[] = [];
    if (!inputs.isDynamicPatchesQQL) {
        for (const key of ["dynamicPatchesQQL", "additionalDynamicPatchesQQL"]) {
            if (!isEmpty(job[key])) parts.push(`${key} ${JSON.stringify(shortText(job[key]))} (ignored by Qualys while isDynamicPatchesQQL is false)`);
        }
    }
    if (inputs.scheduleType !== "On-demand" && inputs.timezoneType !== "SPECIFIC_TZ" && !isEmpty(job.timezone)) {
        parts.push(`timezone ${JSON.stringify(shortText(job.timezone))} (ignored by Qualys with timezoneType ${inputs.timezoneType ?? "unset"})`);
    }
    return parts;
}

// ---- what Qualys reports ------------------------------------------------------------------------

/** `2025-03-19 04:59 UTC` for epoch milliseconds; Qualys' own text for a string. */
function when(value: unknown): string | undefined {
    if (typeof value === "number" && Number.isFinite(value) && value > 0) {
        const iso = new Date(value).toISOString();
        return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
    }
    if (typeof value === "string" && value.trim()) return shortText(value);
    return undefined;
}

/** The job as Qualys reports it: status, last and next run, who made and edited it, and when. */
export function reportOf(job: ApiJob, row: ApiJob): string {
    const parts = [`status ${shortText(job.status ?? row.status ?? "not reported")}`];
    const last = when(row.lastScheduleDateTime ?? job.lastScheduleDateTime);
    const triggered = job.jobTriggerStatus ?? row.triggerStatus;
    parts.push(last ? `last run ${last}` : triggered ? "triggered (no run time reported)" : "no run reported");
    const next = when(row.nextScheduleDateTime ?? job.nextScheduleDateTime);
    if (next) parts.push(`next run ${next}`);
    for (const [label, stamp] of [["created", job.createdBy ?? row.created], ["updated", job.updatedBy ?? row.updated]] as const) {
        const date = when(stamp?.date);
        const user = typeof stamp?.user?.name === "string" ? shortText(stamp.user.name) : undefined;
        if (date || user) parts.push(`${label}${date ? ` ${date}` : ""}${user ? ` by ${user}` : ""}`);
    }
    return parts.join(", ");
}

/** Server text made safe for a one-line comment: no control, format or line-breaking characters, at most 80 characters. */
function shortText(value: unknown): string {
    const text = String(value).replace(/[\p{C}\p{Zl}\p{Zp}]+/gu, " ").trim();
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

// ---- the program --------------------------------------------------------------------------------

export interface ProgramMeta {
    /** Where the jobs were read, e.g. https://gateway.qg2.apps.qualys.com (no credentials). */
    gateway: string;
    platforms: Platform[];
    name?: string;
    nameRegex?: string;
}

/** The TypeScript program: one `new DeploymentJob` per job, with a comment saying what Qualys reports of it. */
export function renderProgram(result: AdoptResult, meta: ProgramMeta): string {
    const filters = [meta.name ? `name filter ${JSON.stringify(shortText(meta.name))}` : "", meta.nameRegex ? `names matching /${shortText(meta.nameRegex)}/` : ""].filter(Boolean);
    const lines = [
        `// Qualys Patch Management deployment jobs of ${shortText(meta.gateway)} (${meta.platforms.join(" and ")}${filters.length ? `; ${filters.join(", ")}` : ""}),`,
        "// written by `qualys-pm-pulumi adopt`. Each DeploymentJob adopts its job (adoptJobId): the first `pulumi up`",
        "// reads it and writes nothing to Qualys; adoptJobId may be removed afterwards. The same jobs give the same",
        "// resource names on every run.",
    ];
    if (result.skipped.length) {
        lines.push(`// Not here: ${result.skipped.length} job${result.skipped.length > 1 ? "s" : ""} the provider cannot represent (the command named each one on standard error).`);
    }
    if (!result.jobs.length) return [...lines, "// No job matched.", "export {};", ""].join("\n");
    lines.push('import { DeploymentJob } from "qualys-pm-pulumi";', "");
    for (const job of result.jobs) {
        lines.push(`// Job ${job.id}: Qualys reports ${reportOf(job.job, job.row)}.`);
        if (job.inputs.status === "Enabled" && RUN_ONCE_SCHEDULES.includes(job.inputs.scheduleType ?? "On-demand")) {
            lines.push(`// Qualys locks this enabled ${job.inputs.scheduleType} job: it cannot be edited or disabled any more.`);
        }
        if (job.kept.length) lines.push(`// Kept as Qualys holds it, not managed here (every update writes it back unchanged): ${job.kept.join("; ")}.`);
        if (job.cleared.length) lines.push(`// Held by Qualys but not expressible here, so the next update clears it: ${job.cleared.join("; ")}.`);
        const args = { ...orderedInputs(job.args), adoptJobId: job.id };
        // Always one input a line at the top: a review then shows each input's change on its own line.
        lines.push(`new DeploymentJob(${tsString(job.resourceName)}, ${renderValue(args, 0, WIDTH)});`, "");
    }
    return lines.join("\n");
}

/** Top-level inputs in the schema's order. */
function orderedInputs(inputs: DeploymentJobInputs): Record<string, unknown> {
    const record = inputs as unknown as Record<string, unknown>;
    const keys = [...INPUT_KEYS.filter((k) => k in record), ...Object.keys(record).filter((k) => !(INPUT_KEYS as string[]).includes(k))];
    return Object.fromEntries(keys.filter((k) => record[k] !== undefined && k !== "adoptJobId").map((k) => [k, record[k]]));
}

const WIDTH = 120;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A string as a TypeScript literal. Beyond JSON's escapes, every invisible, format, private-use or
 * line-breaking character is escaped, so the program reads in a review as it reads to the compiler.
 */
export function tsString(value: string): string {
    return JSON.stringify(value).replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (ch) => {
        const code = ch.codePointAt(0)!;
        return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
    });
}

/** `value` as code at `indent` spaces, after `lead` characters on its first line (a key); broken over lines when too wide. */
function renderValue(value: unknown, indent: number, lead = 0): string {
    const inline = renderInline(value);
    if (indent + lead + inline.length <= WIDTH || value === null || typeof value !== "object") return inline;
    const pad = " ".repeat(indent + 4);
    const entries = Array.isArray(value)
        ? value.map((item) => `${pad}${renderValue(item, indent + 4)},`)
        : Object.entries(value as object).map(([k, v]) => {
              const key = IDENTIFIER.test(k) ? k : tsString(k);
              return `${pad}${key}: ${renderValue(v, indent + 4, key.length + 2)},`;
          });
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    return `${open}\n${entries.join("\n")}\n${" ".repeat(indent)}${close}`;
}

function renderInline(value: unknown): string {
    if (typeof value === "string") return tsString(value);
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (value === null || value === undefined) return "undefined";
    if (Array.isArray(value)) return `[${value.map(renderInline).join(", ")}]`;
    const entries = Object.entries(value as object).map(([k, v]) => `${IDENTIFIER.test(k) ? k : tsString(k)}: ${renderInline(v)}`);
    return entries.length ? `{ ${entries.join(", ")} }` : "{}";
}

// ---- the import file ------------------------------------------------------------------------------

/**
 * A `pulumi import --file` file: each job's inputs and outputs as the engine records them after an
 * adoption, with the resource's serialized provider (`__provider`, which the dynamic provider needs
 * to run at all). A CLI that takes `outputs` (pulumi/pulumi#23984) records them without calling the
 * provider's Read, the call that cannot reach a dynamic provider (pulumi/pulumi#16175).
 */
export function renderImportFile(jobs: AdoptedJob[], providerCode: string): string {
    const resources = jobs.map((job) => ({
        type: RESOURCE_TYPE,
        name: job.resourceName,
        id: job.id,
        // The inputs as the program writes them (the import runs the provider's check on them); the
        // outputs as an adoption records them (canonical inputs and what Qualys reports).
        inputs: { ...(job.args as unknown as Record<string, unknown>), __provider: providerCode },
        outputs: { ...(job.inputs as unknown as Record<string, unknown>), ...serverFacts(job.job), __provider: providerCode },
    }));
    return `${JSON.stringify({ resources }, null, 2)}\n`;
}
