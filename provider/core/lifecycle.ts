// The lifecycle of a deployment job, for both faces (the dynamic resource and the native plugin):
// check, diff, create, read, update and delete, with every safety rule. A face translates its
// protocol into these calls and holds no rule of its own. No Pulumi import: inputs come in as the
// engine recorded or the program gave them, and outputs go back as plain data.
//
// Ownership (ownership.ts): a create records only the job its own POST made; a job of the same name
// stops it. An update is a compare-and-swap: Qualys' job is compared with what the state recorded,
// and an edit made in Qualys since the last refresh stops it before any write. A delete deletes the
// job of its own resource's state, whatever other resources this process saw.
import { checkedJobId, isEnabled, PmClient } from "./client";
import { asCanonical, CanonicalInputs, canonicalInputs, fromState, pickInputs } from "./canonical";
import { diffJob, isRunOnce, lockedRunOnceChanges } from "./diff";
import { madeFrom } from "./names";
import { adoptedHere, alreadyExists, forgetAdopted, noteAdopted, noteDeleted, noteInState, oneCreateAtATime, seenInState } from "./ownership";
import { ApiJob, DeploymentJobInputs, fromApiJob, mergeIntoServerJob, requestBody, serverFacts, ServerFacts } from "./payload";
import { show } from "./quote";
import { Hidden, mayHoldFreeText } from "./secrecy";
import { CheckFailure, UNKNOWN, validateJobInputs } from "./validate";

/** What a face tells the lifecycle about one call, beyond the inputs. */
export interface Call {
    /** What the face needs back in a partial create's outputs (the dynamic face's `__provider`). */
    extraOutputs?: Record<string, unknown>;
    /** Inputs a message never quotes (secrecy.ts); by default every input that may hold free text. */
    hidden?: Hidden;
    /** True once the engine cancelled the operation: nothing new is written after that (no POST, no PATCH, no enable). */
    cancelled?: () => boolean;
}

/** Stops before a write once the operation was cancelled. */
function notCancelled(call: Call, what: string): void {
    if (call.cancelled?.()) throw new Error(`${what}: the operation was cancelled, so nothing more was written`);
}

/** What the engine records: the canonical inputs and what the server owns. */
export type DeploymentJobOutputs = DeploymentJobInputs & ServerFacts;

function outputsOf(inputs: CanonicalInputs, job: ApiJob): DeploymentJobOutputs {
    return { ...inputs, ...serverFacts(job) };
}

/**
 * A job that exists in Qualys although its create failed: the error carries the id and the outputs,
 * so the engine records the job (a partial create) and none is orphaned. The engine prints
 * `reasons`, not the message.
 */
export class JobInitError extends Error {
    readonly reasons: string[];
    constructor(message: string, readonly id: string, readonly properties: Record<string, unknown>) {
        super(message);
        this.reasons = [message];
    }
}

/**
 * The program's inputs, validated and made canonical (the one place they become so), or the
 * failures. `declaredTwice` is the dynamic face's note that another resource of the program names
 * the same job (unknown at preview when the name is another resource's output).
 */
export function checkJob(olds: object, given: Record<string, unknown>, declaredTwice?: unknown): { inputs?: CanonicalInputs; failures: CheckFailure[] } {
    const twice = declaredTwice && declaredTwice !== UNKNOWN ? [{ property: "name", reason: String(declaredTwice) }] : [];
    const failures = [...twice, ...validateJobInputs(given)];
    if (failures.length) return { failures };
    const inputs = canonicalInputs(given as unknown as DeploymentJobInputs);
    const locked = lockedRunOnceChanges(fromState(olds), inputs);
    return locked.length ? { failures: locked } : { inputs, failures: [] };
}

/** Which inputs changed between two recorded or checked sets of inputs, and which of those replace the job. */
export function diffRecorded(olds: object, news: object, id?: string) {
    if (id) noteInState(id);
    // Both sides as recorded ones: the engine also diffs inputs it recorded as given (refresh compares
    // the inputs `pulumi import --file` took from the file; engine v3.274.1).
    return diffJob(fromState(olds), fromState(news));
}

/** The inputs in which `job` differs from `inputs`, status aside. */
function differences(inputs: CanonicalInputs, job: ApiJob): string[] {
    return diffJob(fromApiJob(job, inputs), inputs).changed.filter((k) => k !== "status");
}

/**
 * Creates the job, Disabled, then enables it when the program says so: the id exists before anything
 * can run. Stops before any write when a job of this platform and name exists (ownership.ts); creates
 * of one name in this process go one at a time, so that the second sees the first's job.
 */
export async function createJob(api: PmClient, news: object, call: Call = {}) {
    const inputs = asCanonical(news);
    if (inputs.adoptJobId) return adopt(api, inputs);
    return oneCreateAtATime(inputs.platform, inputs.name, async () => {
        const existing = await api.jobsNamed(inputs.platform, inputs.name);
        if (existing.length) throw await alreadyExists(api, inputs.platform, inputs.name, existing);
        notCancelled(call, `the create of ${show(inputs.name)} was not sent`);
        const job = await created(api, inputs, call);
        return enabledAsDeclared(api, inputs, job, call);
    });
}

/**
 * Enables a job just recorded when the program declares it Enabled. A failed or cancelled enable
 * keeps the job recorded, Disabled (a partial create): enabling it is then the next plan's change.
 */
async function enabledAsDeclared(api: PmClient, inputs: CanonicalInputs, job: ApiJob, call: Call) {
    if ((inputs.status ?? "Disabled") !== "Enabled" || isEnabled(job)) return { id: job.id as string, outs: outputsOf(inputs, job) };
    const leftDisabled = (why: string) => new JobInitError(`job ${job.id} was created but ${why}; it is recorded Disabled, and the next pulumi up shows the enable`,
        job.id, { ...outputsOf({ ...inputs, status: "Disabled" }, job), ...call.extraOutputs });
    if (call.cancelled?.()) throw leftDisabled("not enabled: the operation was cancelled");
    try {
        await api.setJobStatus(job.id, "Enabled");
    } catch (error) {
        throw leftDisabled(`enabling it failed: ${(error as Error).message}`);
    }
    return { id: job.id as string, outs: outputsOf(inputs, { ...job, status: "Enabled" }) };
}

/** A create answer comes from this POST: only the `Date` header's whole seconds are allowed for. */
const STRICT = 1_000;

/**
 * POSTs the job. After an uncertain answer, the job this POST made is looked for by what was sent,
 * created since the POST on the server's clock, Disabled. An answer that differs from what was sent
 * (a name the server rewrote, a value it changed) is still this POST's job when its name is the one
 * sent up to the server's rewriting and the server did not create it before the POST: it is
 * recorded as Qualys holds it (a partial create, nothing enabled) with the difference reported, so
 * the next run neither loses nor duplicates it. Any other answer is refused: it is not this POST's job.
 */
async function created(api: PmClient, inputs: CanonicalInputs, call: Call): Promise<ApiJob> {
    const body = requestBody({ ...inputs, status: "Disabled" });
    const sentAt = api.now();
    // A job the lookup found bears the name sent up to the server's rewriting (client.ts jobsNamed): the rest must be as sent.
    let looked = false;
    const job = await api.createJob(body, (found) => (looked = found.status === "Disabled" && differences(inputs, found).every((k) => k === "name")));
    if (job.name === body.name && job.platform === body.platform && differences(inputs, job).length === 0) return job;
    // The answer differs from what was sent (or leaves things out): what Qualys holds decides.
    const stored = await api.getJob(job.id);
    // This POST's job: not made before the POST on the server's clock, and named as sent up to the
    // server's rewriting (entities, white space, case, characters dropped): a job of another name
    // made a moment before is another resource's. A job the lookup took was judged with its slack.
    if (!stored || stored.platform !== body.platform || !madeFrom(String(stored.name), String(body.name)) || api.createdAfter(stored, sentAt, looked ? undefined : STRICT) === false) {
        throw new Error(`Qualys answered the create of ${show(body.name)} with job ${job.id} (${show(String(job.name), 80)}, ${show(String(job.platform), 20)}), ` +
            "which is not the job sent; nothing was enabled or recorded. Check the Qualys UI for a job of that name");
    }
    if (stored.name === body.name && differences(inputs, stored).length === 0) return stored;
    // Recorded as Qualys holds it, its texts too (not read back as the ones sent): the difference is reported.
    const recorded = fromApiJob(stored, { ...inputs, name: undefined, description: undefined });
    const quoted = valuesOf(call);
    const changed = diffJob(recorded, { ...inputs, status: "Disabled" } as CanonicalInputs).changed.map((k) => `${k} ${quoted(inputs, k)} was stored as ${quoted(recorded, k)}`);
    throw new JobInitError(`job ${job.id} was created, but Qualys stored it differently from what was sent: ${changed.join("; ")}. ` +
        "It is recorded as Qualys holds it and was not enabled; the next pulumi up writes the program's values again", job.id,
        { ...outputsOf(recorded, stored), ...call.extraOutputs });
}

/**
 * Adopts an existing job that matches the inputs, status included: nothing is written. Adoption never
 * enables: a job Qualys holds Disabled is adopted Disabled, and enabling it is a change of its own
 * that the next plan shows (the guardrails let an adopted job through as it stands in Qualys, which
 * is sound only so).
 */
async function adopt(api: PmClient, inputs: CanonicalInputs) {
    const id = inputs.adoptJobId!;
    if (seenInState(id) || adoptedHere(id)) {
        throw new Error(`adoptJobId: job ${id} is already held by a resource of this stack: adopting it would give one job to two resources ` +
            "(deleting either would delete the other's job). Nothing was written. A renamed resource keeps its job with " +
            '`aliases: [{ name: "<its old name>" }]`; otherwise remove adoptJobId, or set it to a job no resource holds');
    }
    // Noted before the read, so that a concurrent adoption of the same job is refused.
    noteAdopted(id);
    try {
        return await adopted(api, id, inputs);
    } catch (error) {
        forgetAdopted(id);
        throw error;
    }
}

/** The job to adopt, read and matched with the program; nothing is written. */
async function adopted(api: PmClient, id: string, inputs: CanonicalInputs) {
    const job = await api.getJob(id);
    if (!job) throw new Error(`adoptJobId: Qualys has no deployment job ${id} (deleted, by pulumi destroy or in Qualys?): remove adoptJobId to create a new job, or set it to a job Qualys holds`);
    const changed = differences(inputs, job);
    if (changed.length) {
        throw new Error(`adoptJobId: job ${id} differs from the program in ${changed.join(", ")}; make the program match the job (pulumi refresh afterwards shows any later edit), or remove adoptJobId to create a new job`);
    }
    const held = isEnabled(job) ? "Enabled" : "Disabled";
    if (held !== (inputs.status ?? "Disabled")) {
        throw new Error(`adoptJobId: job ${id} is ${held} in Qualys and the program declares it ${inputs.status ?? "Disabled"}; adoption writes nothing. ` +
            `Declare status: "${held}" to adopt it as it is${held === "Disabled" ? ", then set status: \"Enabled\" in a later pulumi up, whose plan shows the enable" : ""}`);
    }
    return { id, outs: outputsOf(inputs, job) };
}

/** The job as Qualys holds it, as canonical inputs and outputs; undefined when the PM API says it is gone. */
export async function readJob(api: PmClient, id: string, props: object = {}) {
    const job = await api.getJob(checkedJobId(id, "read"));
    if (!job) return undefined;
    noteInState(id);
    const inputs = fromApiJob(job, pickInputs(props));
    return { id, inputs, props: outputsOf(inputs, job) };
}

/**
 * Updates the job in place. Read first: the PATCH writes the whole job, so what the model does not
 * own is taken from what Qualys holds now; whether the job is enabled is Qualys' word; and every
 * modelled field must still be as the state recorded it (compare-and-swap), or the update stops.
 */
export async function updateJob(api: PmClient, id: string, olds: object, news: object, call: Call = {}): Promise<DeploymentJobOutputs> {
    noteInState(checkedJobId(id, "update"));
    const [before, after] = [fromState(olds), asCanonical(news)];
    if (before.status === "Enabled" && isRunOnce(before)) {
        throw new Error(`job ${id} is an enabled ${before.scheduleType} job; Qualys does not allow editing it`);
    }
    const current = await api.getJob(id);
    if (!current) throw new Error(`job ${id} is no longer in Qualys (deleted outside Pulumi?): run pulumi refresh to drop it from the state`);
    const edited = editedInQualys(before, current, after, valuesOf(call));
    if (edited.length) {
        throw new Error(`job ${id} was changed in Qualys since the last refresh: ${edited.join("; ")}. Nothing was written, so that edit is not lost unseen. ` +
            "Run pulumi refresh (or pulumi up --refresh), review the drift it shows, then run pulumi up again");
    }
    const job = await applyUpdate(api, id, current, before, after, call);
    // An update's answer may lack what the GET had (the Windows sample echoes the request): keep those facts.
    const known = Object.fromEntries(Object.entries(job).filter(([, v]) => v !== null && v !== undefined));
    return { ...after, ...serverFacts({ ...current, ...known }) };
}

/**
 * Each modelled field, status aside, where Qualys' job differs from what the state recorded, with
 * both values; a field Qualys already holds as the program wants it is no loss (the PATCH of an
 * update the engine never recorded, a killed provider's, or the same edit made in Qualys).
 */
function editedInQualys(recorded: CanonicalInputs, current: ApiJob, wanted: CanonicalInputs, quoted: Quoted): string[] {
    const held = fromApiJob(current, recorded);
    const notAsWanted = diffJob(held, wanted).changed;
    // Recorded first: a field the state leaves to Qualys (kept when absent) is not compared.
    return diffJob(held, recorded).changed.filter((k) => k !== "status" && notAsWanted.includes(k)).map((k) => `${k} is ${quoted(held, k)} in Qualys, ${quoted(recorded, k)} in the state`);
}

/** Room for one value in a message that sets two side by side: enough for a few ids, bounded for hostile text. */
const VALUE_ROOM = 240;

type Quoted = (inputs: CanonicalInputs, key: string) => string;

/** One input's value as a message quotes it: a hidden one (a secret, or free text where the face cannot tell) is only said to differ. */
function valuesOf({ hidden = mayHoldFreeText }: Call): Quoted {
    return (inputs, key) => {
        const value = (inputs as unknown as Record<string, unknown>)[key];
        if (value === undefined) return "not set";
        return hidden(key) ? "[a value not quoted: it may be a secret]" : show(value, VALUE_ROOM);
    };
}

/** The PATCH of the edited inputs, then the status change the program asks for; the job as last answered. */
async function applyUpdate(api: PmClient, id: string, current: ApiJob, before: CanonicalInputs, after: CanonicalInputs, call: Call): Promise<ApiJob> {
    const status = isEnabled(current) ? "Enabled" : "Disabled";
    let job = current;
    const edits = diffJob(before, after).changed.filter((k) => k !== "status");
    if (edits.length && status === "Enabled" && isRunOnce({ scheduleType: current.scheduleType })) {
        throw new Error(`job ${id} was enabled in Qualys since the last refresh, and Qualys locks an enabled ${current.scheduleType} job: ` +
            `cannot change ${edits.join(", ")}. Run pulumi refresh, then declare a new DeploymentJob for the new configuration`);
    }
    // A new status goes through the status endpoint below, the one way documented to change it.
    notCancelled(call, `job ${id} was not updated`);
    if (edits.length) job = await api.updateJob(id, mergeIntoServerJob(current, requestBody({ ...after, status })));
    // The status changes only when the program's does: an edit of other inputs never enables (or
    // disables) a job that someone switched in Qualys since the last refresh; the refresh shows it.
    const wanted = after.status ?? "Disabled";
    if (wanted !== (before.status ?? "Disabled") && wanted !== status) {
        // The state keeps the old inputs after this error: the next up writes the same edits again (no loss) and the status.
        notCancelled(call, `job ${id} was ${edits.length ? "updated but " : ""}not ${wanted === "Enabled" ? "enabled" : "disabled"}`);
        await api.setJobStatus(id, wanted);
        job = { ...job, status: wanted };
    }
    return job;
}

/**
 * Deletes the job whose id this resource's state holds, and nothing else; a job another resource
 * adopted in this same run is left to it (ownership.ts adoptedHere).
 */
export async function deleteJob(api: PmClient, id: string): Promise<void> {
    if (adoptedHere(checkedJobId(id, "delete"))) return;
    await api.deleteJob(id);
    noteDeleted(id);
}
