// The dynamic ResourceProvider of DeploymentJob: the engine's calls translated onto the core's
// lifecycle (core/lifecycle.ts), with no rule of its own. It runs in the dynamic-provider process and
// is reached by module name from the small object stored in state (resource.ts), so nothing here is
// serialized: the client, the compiled schema and the credentials live in this module only.
import type * as pulumi from "@pulumi/pulumi";
import { PmClient } from "../core/client";
import { checkJob, createJob, deleteJob, DeploymentJobOutputs, diffRecorded, readJob, updateJob } from "../core/lifecycle";
import type { DeploymentJobInputs } from "../core/payload";
import { checkSettings, resolveSettings, SETTING_KEYS } from "../core/settings";
import type { CheckFailure } from "../core/validate";

export type { DeploymentJobOutputs };

let configLookup: (key: string) => unknown = () => undefined;
let client: PmClient | undefined;
/** What is wrong with this process's settings, found by configure (no request needed): every check reports it. */
let settingsFailures: CheckFailure[] = [];

/** The client of this provider process: one JWT and one connection pool for every resource. */
function getClient(): PmClient {
    client ??= new PmClient(resolveSettings(configLookup));
    return client;
}

/**
 * The stack config by full key (`qualys:gatewayUrl`). The SDK's Config offers only get(); its
 * rawConfig field (SDK 3.139 to 3.270 at least) holds every key the engine sent, where a misspelt
 * `qualys:` key is found. Without it, the known keys are looked up one by one.
 */
function stackConfig(config: pulumi.dynamic.Config): Record<string, unknown> {
    const raw = (config as unknown as { rawConfig?: unknown }).rawConfig;
    if (raw && typeof raw === "object" && !Array.isArray(raw)) return { ...(raw as Record<string, unknown>) };
    return Object.fromEntries(SETTING_KEYS.map((key) => [key, config.get(key)]).filter(([, value]) => value !== undefined));
}

export const provider: pulumi.dynamic.ResourceProvider<DeploymentJobInputs, DeploymentJobOutputs> = {
    async configure(req) {
        // Called during preview too (at the first check): it must not send a request, nor throw (the
        // SDK keeps the provider after a failed configure and never calls it again), so what is wrong
        // is kept for check to report.
        const config = stackConfig(req.config);
        configLookup = (key) => config[key];
        settingsFailures = checkSettings(config, process.env);
        client = undefined;
    },

    async check(olds, news) {
        // Everything the program passed is validated, so a misspelt property is an error, not ignored.
        const { __provider: _code, __declaredTwice: declaredTwice, ...given } = news as unknown as Record<string, unknown>;
        const { inputs, failures } = checkJob(olds, given, declaredTwice);
        // A setting is no property of the resource: the engine prints a failure without a property as
        // "resource 'x' has a problem: <reason>", so the reason names the setting itself.
        const settings = settingsFailures.map((f) => ({ property: "", reason: `${f.property} ${f.reason}` }));
        return { inputs: inputs ?? news, failures: [...settings, ...failures] };
    },

    async diff(id, olds, news) {
        const { changed, replaces } = diffRecorded(olds, news, id);
        return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(news) {
        // The dynamic-provider server adds `__provider` to successful results only; a partial create
        // carries it, or the recorded job could not be read or deleted later.
        // Its secrets arrive unwrapped (it accepts none), so its messages quote no free text (the core's default).
        return createJob(getClient(), news, { extraOutputs: { __provider: (news as { __provider?: unknown }).__provider } });
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
