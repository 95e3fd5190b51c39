// The dynamic ResourceProvider of DeploymentJob: thin glue between Pulumi's calls and the pure
// modules (validate, payload, diff) and the client. It runs in the dynamic-provider process and is
// reached by module name from the small object stored in state (resource.ts), so nothing here is
// serialized: the client, the compiled schema and the credentials live in this module only.
import type * as pulumi from "@pulumi/pulumi";
import { checkedJobId, isEnabled, PmClient } from "../core/client";
import { asCanonical, CanonicalInputs, canonicalInputs, fromState, pickInputs } from "../core/canonical";
import { diffJob, isRunOnce, lockedRunOnceChanges } from "../core/diff";
import { ApiJob, DeploymentJobInputs, fromApiJob, mergeIntoServerJob, requestBody, serverFacts, ServerFacts } from "../core/payload";
import { JobLedger } from "../core/recovery";
import { resolveSettings } from "../core/settings";
import { UNKNOWN, validateJobInputs } from "../core/validate";

/** What the engine records: the canonical inputs and what the server owns. */
export type DeploymentJobOutputs = DeploymentJobInputs & ServerFacts;

let configLookup: (key: string) => unknown = () => undefined;
let client: PmClient | undefined;
/** Jobs held by the resources of this run, and the tenant's job index (recovery.ts). */
let ledger = new JobLedger();

/** The client of this provider process: one JWT and one connection pool for every resource. */
function getClient(): PmClient {
    client ??= new PmClient(resolveSettings(configLookup));
    return client;
}

function outputsOf(inputs: CanonicalInputs, job: ApiJob): DeploymentJobOutputs {
    return { ...inputs, ...serverFacts(job) };
}

/** The inputs in which `job` differs from the program's, status aside. */
function differences(inputs: CanonicalInputs, job: ApiJob): string[] {
    return diffJob(fromApiJob(job, inputs), inputs).changed.filter((k) => k !== "status");
}

/** Adopt a job found after an uncertain create only when it is the one just sent and no resource holds it. */
function sameJob(inputs: CanonicalInputs): (job: ApiJob) => boolean {
    return (job) => !ledger.holds(job.id) && job.status === "Disabled" && differences(inputs, job).length === 0;
}

/** Jobs of one name read at most when looking for one left by an interrupted run. */
const MAX_SAME_NAME = 10;

/**
 * A job of this name that an interrupted run left behind (or that someone made), or undefined when
 * there is none. Taken only when it is exactly what the program declares; otherwise the create
 * stops, naming it: a second job of the same name would be a duplicate the user never asked for.
 */
async function leftBehind(api: PmClient, inputs: CanonicalInputs): Promise<ApiJob | undefined> {
    const wanted = inputs.status ?? "Disabled";
    const { platform, name } = inputs;
    const found = await ledger.unheldNamed(api, platform, name);
    if (!found.length) return undefined;
    if (found.length > MAX_SAME_NAME) {
        throw new Error(`Qualys holds ${found.length} ${platform} jobs named "${name}" that no resource of this stack holds; nothing was created. Give this resource a job name of its own`);
    }
    const read = [];
    for (const { id } of found) read.push(await api.getJob(id));
    // Held since it was listed (another create of this run took it while this one read): not a candidate.
    const jobs = read.filter((j): j is ApiJob => j !== undefined && !ledger.holds(j.id));
    if (!jobs.length) return undefined;
    const [job] = jobs;
    if (jobs.length === 1 && differences(inputs, job).length === 0 && (wanted === "Enabled" || !isEnabled(job))) {
        ledger.recordCreated(job.id);
        return job;
    }
    const described = jobs.map((j) => {
        const diff = differences(inputs, j);
        const status = isEnabled(j) && wanted !== "Enabled" ? ["status (Enabled in Qualys)"] : [];
        return `${j.id} (differs in ${[...diff, ...status].join(", ") || "nothing"})`;
    });
    throw new Error(`Qualys already holds ${jobs.length > 1 ? `${jobs.length} ${platform} jobs` : `a ${platform} job`} named "${name}": ${described.join("; ")}. ` +
        "It may be left from an interrupted run or made outside Pulumi. Nothing was created: set adoptJobId to that id (with the program matching the job), " +
        "give this resource another job name, or delete that job in Qualys");
}

/**
 * An error that carries the id makes the engine record the job (partial create), so none is
 * orphaned. The engine prints `reasons`, not the message ("resource init failed" alone otherwise).
 */
class JobInitError extends Error {
    readonly reasons: string[];
    constructor(message: string, readonly id: string, readonly properties: Record<string, unknown>) {
        super(message);
        this.reasons = [message];
    }
}

/** POSTs the job; an answer naming another job, or one a resource of this run holds, is refused before anything is enabled. */
async function created(api: PmClient, inputs: CanonicalInputs): Promise<ApiJob> {
    // Created disabled, then enabled: the id exists before anything can run (CrowdStrike's Create does the same).
    const body = requestBody({ ...inputs, status: "Disabled" });
    const job = await api.createJob(body, sameJob(inputs));
    if (ledger.holds(job.id) || job.name !== body.name || job.platform !== body.platform) {
        throw new Error(`Qualys answered the create of "${body.name}" with job ${job.id} ("${String(job.name).slice(0, 80)}", ${String(job.platform).slice(0, 20)}), ` +
            "which is not the job sent or is held by another resource of this stack; nothing was enabled or recorded. Check the Qualys UI for a job of that name");
    }
    ledger.recordCreated(job.id);
    return job;
}

/** Adopts an existing job that already matches the inputs; nothing is written to Qualys. */
async function adopt(api: PmClient, inputs: CanonicalInputs) {
    const id = inputs.adoptJobId!;
    if (ledger.holds(id)) throw new Error(`adoptJobId: job ${id} is held by another resource of this stack`);
    ledger.hold(id);
    const job = await api.getJob(id);
    if (!job) throw new Error(`adoptJobId: Qualys has no deployment job ${id}`);
    const { changed } = diffJob(fromApiJob(job, inputs), inputs);
    if (changed.length) {
        throw new Error(`adoptJobId: job ${id} differs from the program in ${changed.join(", ")}; make the program match the job (pulumi refresh afterwards shows any later edit), or remove adoptJobId to create a new job`);
    }
    return { id, outs: outputsOf(inputs, job) };
}

export const provider: pulumi.dynamic.ResourceProvider<DeploymentJobInputs, DeploymentJobOutputs> = {
    async configure(req) {
        configLookup = (key) => req.config.get(key);
        client = undefined;
        ledger = new JobLedger();
    },

    async check(olds, news) {
        // Everything the program passed is validated, so a misspelt property is an error, not ignored.
        const { __provider: _code, __declaredTwice: declaredTwice, ...given } = news as unknown as Record<string, unknown>;
        // Unknown at preview when the name comes from another resource's output: checked at up.
        const twice = declaredTwice && declaredTwice !== UNKNOWN ? [{ property: "name", reason: String(declaredTwice) }] : [];
        const invalid = [...twice, ...validateJobInputs(given)];
        if (invalid.length) return { inputs: news, failures: invalid };
        // The one place the program's inputs become canonical; diff, create and update take them so.
        const inputs = canonicalInputs(given as unknown as DeploymentJobInputs);
        const locked = lockedRunOnceChanges(fromState(olds), inputs);
        return { inputs: locked.length ? news : inputs, failures: locked };
    },

    async diff(id, olds, news) {
        if (id) ledger.hold(id);
        // Both sides as recorded ones: besides check's output, the engine diffs inputs it recorded as
        // given (refresh compares the inputs `pulumi import --file` took from the file; engine v3.274.1).
        const { changed, replaces } = diffJob(fromState(olds), fromState(news));
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(news) {
        const api = getClient();
        const inputs = asCanonical(news);
        if (inputs.adoptJobId) return adopt(api, inputs);
        const wanted = inputs.status ?? "Disabled";
        const job = (await leftBehind(api, inputs)) ?? (await created(api, inputs));
        if (wanted !== "Enabled" || isEnabled(job)) return { id: job.id, outs: outputsOf(inputs, job) };
        try {
            await api.setJobStatus(job.id, "Enabled");
        } catch (error) {
            // The dynamic-provider server adds `__provider` to successful results only; without it the
            // recorded job could not be read or deleted later.
            throw new JobInitError(`job ${job.id} was created but enabling it failed: ${(error as Error).message}`, job.id,
                { ...outputsOf({ ...inputs, status: "Disabled" }, job), __provider: (news as { __provider?: unknown }).__provider });
        }
        return { id: job.id, outs: outputsOf(inputs, { ...job, status: "Enabled" }) };
    },

    async read(id, props) {
        ledger.hold(checkedJobId(id, "read"));
        const job = await getClient().getJob(id);
        // Only the PM API's own not-found answer means the job is gone (client.getJob).
        if (!job) return { id: "", props: {} as DeploymentJobOutputs };
        const inputs = fromApiJob(job, pickInputs(props ?? {}));
        return { id, props: outputsOf(inputs, job), inputs: inputs as unknown as DeploymentJobOutputs };
    },

    async update(id, olds, news) {
        ledger.hold(checkedJobId(id, "update"));
        const [before, after] = [fromState(olds), asCanonical(news)];
        if (before.status === "Enabled" && isRunOnce(before)) {
            throw new Error(`job ${id} is an enabled ${before.scheduleType} job; Qualys does not allow editing it`);
        }
        const api = getClient();
        // Read first. The PATCH writes the whole job, so what the model does not own is taken from
        // what Qualys holds now; and whether the job is enabled is Qualys' word, not the last run's
        // (an enable that failed or was cut off may have gone through: it is never sent twice).
        const current = await api.getJob(id);
        if (!current) throw new Error(`job ${id} is no longer in Qualys (deleted outside Pulumi?): run pulumi refresh to drop it from the state`);
        const job = await applyUpdate(api, id, current, before, after);
        // An update's answer may lack what the GET had (the Windows sample echoes the request): keep those facts.
        const known = Object.fromEntries(Object.entries(job).filter(([, v]) => v !== null && v !== undefined));
        return { outs: { ...after, ...serverFacts({ ...current, ...known }) } };
    },

    async delete(id) {
        // The job passed to a resource created in this run (a rename): it stays in Qualys.
        if (ledger.wasCreatedHere(checkedJobId(id, "delete"))) return;
        ledger.hold(id);
        await getClient().deleteJob(id);
    },
};

/** The PATCH of the edited inputs, then the status change the program asks for; the job as last answered. */
async function applyUpdate(api: PmClient, id: string, current: ApiJob, before: CanonicalInputs, after: CanonicalInputs): Promise<ApiJob> {
    const status = isEnabled(current) ? "Enabled" : "Disabled";
    let job = current;
    const edits = diffJob(before, after).changed.filter((k) => k !== "status");
    if (edits.length && status === "Enabled" && isRunOnce({ scheduleType: current.scheduleType })) {
        throw new Error(`job ${id} was enabled in Qualys since the last refresh, and Qualys locks an enabled ${current.scheduleType} job: ` +
            `cannot change ${edits.join(", ")}. Run pulumi refresh, then declare a new DeploymentJob for the new configuration`);
    }
    // A new status goes through the status endpoint below, the one way documented to change it.
    if (edits.length) job = await api.updateJob(id, mergeIntoServerJob(current, requestBody({ ...after, status })));
    // The status changes only when the program's does: an edit of other inputs never enables (or
    // disables) a job that someone switched in Qualys since the last refresh; the refresh shows it.
    const wanted = after.status ?? "Disabled";
    if (wanted !== (before.status ?? "Disabled") && wanted !== status) {
        await api.setJobStatus(id, wanted);
        job = { ...job, status: wanted };
    }
    return job;
}

// The entry points the serialized provider calls (package.json exports "./provider").
export const { configure, check, diff, create, read, update } = provider as Required<typeof provider>;
const remove = provider.delete!;
export { remove as delete };
