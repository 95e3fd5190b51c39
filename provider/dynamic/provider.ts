// The dynamic ResourceProvider of DeploymentJob: the engine's calls translated onto the core's
// lifecycle (core/lifecycle.ts), with no rule of its own. It runs in the dynamic-provider process and
// is reached by module name from the small object stored in state (resource.ts), so nothing here is
// serialized: the client, the compiled schema and the credentials live in this module only.
import type * as pulumi from "@pulumi/pulumi";
import { PmClient } from "../core/client";
import { checkJob, createJob, deleteJob, DeploymentJobOutputs, diffRecorded, readJob, updateJob } from "../core/lifecycle";
import type { DeploymentJobInputs } from "../core/payload";
import { resolveSettings } from "../core/settings";

export type { DeploymentJobOutputs };

let configLookup: (key: string) => unknown = () => undefined;
let client: PmClient | undefined;

/** The client of this provider process: one JWT and one connection pool for every resource. */
function getClient(): PmClient {
    client ??= new PmClient(resolveSettings(configLookup));
    return client;
}

export const provider: pulumi.dynamic.ResourceProvider<DeploymentJobInputs, DeploymentJobOutputs> = {
    async configure(req) {
        configLookup = (key) => req.config.get(key);
        client = undefined;
    },

    async check(olds, news) {
        // Everything the program passed is validated, so a misspelt property is an error, not ignored.
        const { __provider: _code, __declaredTwice: declaredTwice, ...given } = news as unknown as Record<string, unknown>;
        const { inputs, failures } = checkJob(olds, given, declaredTwice);
        return { inputs: inputs ?? news, failures };
    },

    async diff(id, olds, news) {
        const { changed, replaces } = diffRecorded(olds, news, id);
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(news) {
        // The dynamic-provider server adds `__provider` to successful results only; a partial create
        // carries it, or the recorded job could not be read or deleted later.
        return createJob(getClient(), news, { __provider: (news as { __provider?: unknown }).__provider });
    },

    async read(id, props) {
        const found = await readJob(getClient(), id, props ?? {});
        // Only the PM API's own not-found answer means the job is gone (client.getJob).
        if (!found) return { id: "", props: {} as DeploymentJobOutputs };
        return { id, props: found.props, inputs: found.inputs as unknown as DeploymentJobOutputs };
    },

    async update(id, olds, news) {
        return { outs: await updateJob(getClient(), id, olds, news) };
    },

    async delete(id) {
        await deleteJob(getClient(), id);
    },
};

// The entry points the serialized provider calls (package.json exports "./provider").
export const { configure, check, diff, create, read, update } = provider as Required<typeof provider>;
const remove = provider.delete!;
export { remove as delete };
