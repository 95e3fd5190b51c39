// The dynamic ResourceProvider of DeploymentJob: thin glue between Pulumi's calls and the pure
// modules (validate, payload, diff) and the client. It runs in the dynamic-provider process and is
// reached by module name from the small object stored in state (resource.ts), so nothing here is
// serialized: the client, the compiled schema and the credentials live in this module only.
import type * as pulumi from "@pulumi/pulumi";
import { PmClient } from "./client";
import { diffJob, isRunOnce, lockedRunOnceChanges, pickInputs } from "./diff";
import { ApiJob, DeploymentJobInputs, factsOf, fromApiJob, normalizeInputs, serverFacts, ServerFacts, toRequest } from "./payload";
import { resolveSettings } from "./settings";
import { validateJobInputs } from "./validate";

/** What the engine records: the canonical inputs and what the server owns. */
export type DeploymentJobOutputs = DeploymentJobInputs & ServerFacts;

let configLookup: (key: string) => unknown = () => undefined;
let client: PmClient | undefined;

/** The client of this provider process: one JWT and one connection pool for every resource. */
function getClient(): PmClient {
    client ??= new PmClient(resolveSettings(configLookup));
    return client;
}

function outputsOf(inputs: DeploymentJobInputs, job: ApiJob): DeploymentJobOutputs {
    return { ...normalizeInputs(inputs), ...serverFacts(job) };
}

/** Adopt a job found after an uncertain create only when it is the one just sent. */
function sameJob(body: ApiJob): (job: ApiJob) => boolean {
    const sent = fromApiJob(body);
    return (job) => diffJob(fromApiJob(job), sent).changed.length === 0;
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

/** Adopts an existing job that already matches the inputs; nothing is written to Qualys. */
async function adopt(api: PmClient, inputs: DeploymentJobInputs) {
    const id = inputs.adoptJobId!;
    const job = await api.getJob(id);
    if (!job) throw new Error(`adoptJobId: Qualys has no deployment job ${id}`);
    const { changed } = diffJob(fromApiJob(job), inputs);
    if (changed.length) {
        throw new Error(`adoptJobId: job ${id} differs from the program in ${changed.join(", ")}; make the program match the job (pulumi refresh afterwards shows any later edit), or remove adoptJobId to create a new job`);
    }
    return { id, outs: outputsOf(inputs, job) };
}

export const provider: pulumi.dynamic.ResourceProvider<DeploymentJobInputs, DeploymentJobOutputs> = {
    async configure(req) {
        configLookup = (key) => req.config.get(key);
        client = undefined;
    },

    async check(olds, news) {
        // Everything the program passed is validated, so a misspelt property is an error, not ignored.
        const { __provider: _code, ...inputs } = news as unknown as Record<string, unknown>;
        const failures = [...validateJobInputs(inputs), ...lockedRunOnceChanges(olds, inputs)];
        return failures.length ? { inputs: news, failures } : { inputs: normalizeInputs(inputs) as unknown as DeploymentJobInputs, failures };
    },

    async diff(_id, olds, news) {
        const { changed, replaces } = diffJob(olds, news);
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs) {
        const api = getClient();
        if (inputs.adoptJobId) return adopt(api, inputs);
        // Created disabled, then enabled: the id exists before anything can run (CrowdStrike's Create does the same).
        const body = toRequest({ ...inputs, status: "Disabled" });
        const job = await api.createJob(body, sameJob(body));
        if (inputs.status !== "Enabled") return { id: job.id, outs: outputsOf(inputs, job) };
        try {
            await api.setJobStatus(job.id, "Enabled");
        } catch (error) {
            // The dynamic-provider server adds `__provider` to successful results only; without it the
            // recorded job could not be read or deleted later.
            throw new JobInitError(`job ${job.id} was created but enabling it failed: ${(error as Error).message}`, job.id,
                { ...outputsOf({ ...inputs, status: "Disabled" }, job), __provider: (inputs as { __provider?: unknown }).__provider });
        }
        return { id: job.id, outs: outputsOf(inputs, { ...job, status: "Enabled" }) };
    },

    async read(id, props) {
        const job = await getClient().getJob(id);
        if (!job) return { id: "", props: {} as DeploymentJobOutputs };
        const inputs = fromApiJob(job, pickInputs(props ?? {}));
        return { id, props: outputsOf(inputs, job), inputs: inputs as DeploymentJobOutputs };
    },

    async update(id, olds, news) {
        const before = normalizeInputs(pickInputs(olds));
        if (before.status === "Enabled" && isRunOnce(before)) {
            throw new Error(`job ${id} is an enabled ${before.scheduleType} job; Qualys does not allow editing it`);
        }
        const api = getClient();
        const { changed } = diffJob(olds, news);
        let facts = factsOf(olds);
        if (changed.some((k) => k !== "status")) {
            // The PATCH carries the whole job with the status it has now; a new status goes through
            // the status endpoint below, the one way documented to change it.
            facts = serverFacts(await api.updateJob(id, toRequest({ ...news, status: before.status })));
        }
        const wanted = news.status ?? "Disabled";
        if (wanted !== before.status) {
            await api.setJobStatus(id, wanted);
            facts = { ...facts, serverStatus: wanted };
        }
        return { outs: { ...normalizeInputs(news), ...facts } };
    },

    async delete(id) {
        await getClient().deleteJob(id);
    },
};

// The entry points the serialized provider calls (package.json exports "./provider").
export const { configure, check, diff, create, read, update } = provider as Required<typeof provider>;
const remove = provider.delete!;
export { remove as delete };
