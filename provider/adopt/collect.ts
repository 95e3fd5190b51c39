// Lists every job of the chosen platforms (all pages), reads each one, and turns it into the
// canonical inputs `fromApiJob` gives, so that the generated program declares exactly what the
// provider reads back. HTTP goes through the provider's own client (paging, retries, pacing); the
// jobs the stack already manages (managed.ts) are left out before any of them is read.
import { checkedJobId, nameFilter } from "../core/client";
import { ApiJob, DEFAULTS, DeploymentJobInputs, fromApiJob } from "../core/payload";
import { validateJobInputs } from "../core/validate";
import { jobNameKey, ManagedJobs, NO_MANAGED_JOBS } from "./managed";
import { compare, resourceNames } from "./names";
import { clearedParts, keptParts } from "./report";
import type { AdoptedJob, AdoptOptions, AdoptResult, JobSource, Platform, SkippedJob } from "./types";
import { PLATFORMS } from "./types";

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
    const stack = options.managed ?? NO_MANAGED_JOBS;
    const skipped: SkippedJob[] = [];
    const { listed, rows } = await listAll(client, options, matches);
    const { toRead, managed } = readableJobs(rows, skipped, stack);
    const { candidates, vanished } = await readAll(client, toRead, options, matches, skipped);
    const jobs = onePerJobName(candidates, skipped, stack);
    const order = (a: SkippedJob, b: SkippedJob) => compare(a.platform, b.platform) || compare(a.name, b.name) || compare(a.id, b.id);
    return { listed, jobs, skipped: skipped.sort(order), vanished, managed: managed.sort(order) };
}

/** Every platform's job list (all pages, the PM API's name filter applied by Qualys), then the name regex. */
async function listAll(client: JobSource, options: AdoptOptions, matches: (name: unknown) => boolean) {
    const filter = options.name ? nameFilter(options.name) : undefined;
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

/**
 * The rows to read, once each; a row whose id is not a job id is skipped (adoptJobId takes a UUID),
 * and a job the stack already manages is left out unread.
 */
function readableJobs(rows: { platform: Platform; row: ApiJob }[], skipped: SkippedJob[], stack: ManagedJobs) {
    const seen = new Set<string>();
    const toRead: ListedJob[] = [];
    const managed: SkippedJob[] = [];
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
        const holder = stack.byId.get(id);
        if (holder !== undefined) managed.push({ id, platform, name: String(row.name ?? ""), reason: `managed by ${stack.source} as DeploymentJob "${holder}"` });
        else toRead.push({ platform, row, id });
    }
    return { toRead, managed };
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
function onePerJobName(candidates: Candidate[], skipped: SkippedJob[], stack: ManagedJobs): AdoptedJob[] {
    const byJobName = new Map<string, Candidate[]>();
    for (const c of candidates) {
        const key = jobNameKey(c.platform, c.inputs.name);
        const holder = stack.byJobName.get(key);
        if (holder !== undefined) {
            skipped.push({ id: c.id, platform: c.platform, name: c.inputs.name, reason: `${stack.source} declares a ${c.platform} job of the same name (DeploymentJob "${holder}"), and a program holds one DeploymentJob per job name and platform; rename one of them in Qualys and run adopt again` });
            continue;
        }
        byJobName.set(key, [...(byJobName.get(key) ?? []), c]);
    }
    const kept: Candidate[] = [];
    const twins: [Candidate, Candidate][] = [];
    for (const group of byJobName.values()) {
        const [first, ...rest] = group.sort(olderFirst);
        kept.push(first);
        for (const twin of rest) twins.push([twin, first]);
    }
    const names = resourceNames(kept.map((c) => ({ id: c.id, name: c.inputs.name, createdAt: createdAt(c.job) })), stack.resourceNames);
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

