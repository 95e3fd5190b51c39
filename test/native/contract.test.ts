// The native plugin's gRPC contract, called as the engine calls it: the plugin spawned from
// bin/pulumi-resource-qualys, each RPC through @pulumi/pulumi's generated client, against the emulator.
import * as fs from "node:fs";
import * as path from "node:path";
import { checkJob } from "../../provider/core/lifecycle";
import { FACT_KEYS } from "../../provider/core/payload";
import { startEmulator, PmEmulator } from "../emulator/server";
import { repoRoot } from "../helpers/root";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { PluginProcess, secret, SECRET_SIG, UNKNOWN } from "./plugin";

const settings = (emulator: PmEmulator) => ({ gatewayUrl: emulator.url, username: "demo-user", password: secret("demo-password") });

let emulator: PmEmulator;
let plugin: PluginProcess;

beforeAll(async () => {
    emulator = await startEmulator();
    plugin = new PluginProcess();
    await plugin.start();
    await plugin.configure(settings(emulator));
});
afterAll(async () => {
    await plugin.stop("contract");
    await emulator.close();
});
beforeEach(() => emulator.reset());

function sortedKeys(value: unknown): any {
    if (Array.isArray(value)) return value.map(sortedKeys);
    if (!value || typeof value !== "object") return value;
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
}

/** Check as the engine runs it before a create: the program's inputs made canonical. */
async function checked(news: object, olds: object = {}) {
    const { inputs, failures } = await plugin.check(olds, news);
    expect(failures).toEqual([]);
    return inputs;
}

describe("plugin and schema", () => {
    test("the first line of stdout is the port, whatever flags the engine passes, and nothing else is written there", async () => {
        expect(plugin.stdout.join("")).toMatch(/^\d+\n$/);
    });

    test("GetPluginInfo answers this package's version and GetSchema the generated schema", async () => {
        const version = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")).version;
        expect(await plugin.pluginInfo()).toBe(version);
        expect(await plugin.schema()).toEqual(JSON.parse(fs.readFileSync(path.join(repoRoot(), "schema", "qualys.schema.json"), "utf8")));
    });
});

describe("provider configuration", () => {
    test("CheckConfig names each missing setting by its qualys: key, with where to set it", async () => {
        const { failures } = await plugin.checkConfig({ gatewayUrl: emulator.url });
        expect(failures).toEqual([
            { property: "qualys:username", reason: "is required: set qualys:username (pulumi config set) or QUALYS_USERNAME" },
            { property: "qualys:password", reason: "is required: set qualys:password (pulumi config set --secret) or QUALYS_PASSWORD" },
        ]);
    });

    test("CheckConfig names a misspelt setting with the one it most likely meant, and ignores the engine's version input", async () => {
        const { failures } = await plugin.checkConfig({ ...settings(emulator), requestTimeoutMS: "3000", version: "0.1.0" });
        expect(failures).toEqual([{ property: "qualys:requestTimeoutMS", reason: "is not a setting of the Qualys provider; did you mean qualys:requestTimeoutMs?" }]);
    });

    test("CheckConfig types string values as the core does and refuses one out of bounds by its path", async () => {
        expect((await plugin.checkConfig({ ...settings(emulator), maxRetries: "3", adaptivePacing: "false" })).failures).toEqual([]);
        const { failures } = await plugin.checkConfig({ ...settings(emulator), maxRetries: "99" });
        expect(failures).toEqual([{ property: "qualys:maxRetries", reason: "must be between 0 and 20 (got 99): set qualys:maxRetries (pulumi config set) or QUALYS_MAX_RETRIES" }]);
    });

    test("CheckConfig never quotes the password", async () => {
        const { failures } = await plugin.checkConfig({ gatewayUrl: "not a url", username: "demo-user", password: secret("hunter2-secret") });
        expect(new Set(failures.map((f) => f.property))).toEqual(new Set(["qualys:gatewayUrl"]));
        expect(JSON.stringify(failures)).not.toContain("hunter2");
    });

    test("DiffConfig lists the changed settings; another gateway (another tenant) replaces, any other setting changes in place", async () => {
        const diff = await plugin.diffConfig(settings(emulator), { ...settings(emulator), gatewayUrl: "http://127.0.0.1:1" });
        expect(diff).toEqual({ changes: "DIFF_SOME", diffs: ["gatewayUrl"], replaces: ["gatewayUrl"], hasDetailedDiff: true, detailedDiff: { gatewayUrl: "UPDATE_REPLACE" } });
        expect(await plugin.diffConfig(settings(emulator), { ...settings(emulator), maxRetries: "5" })).toMatchObject({ diffs: ["maxRetries"], replaces: [] });
        expect((await plugin.diffConfig(settings(emulator), settings(emulator))).changes).toBe("DIFF_NONE");
    });

    test("Configure accepts secrets and does not ask to be called during previews", async () => {
        expect(await plugin.configure(settings(emulator))).toEqual({ acceptSecrets: true, supportsPreview: false });
    });
});

describe("check and diff", () => {
    test("Check gives exactly the core's failures for the same inputs", async () => {
        const bad = { name: " padded ", platform: "Linux", assetIds: ["nope"], reattemptFailedPatches: { noOfReattempts: 9, exponentialBackoffInterval: 1 } };
        const { failures } = await plugin.check({}, bad);
        expect(failures.length).toBeGreaterThan(2);
        // A Struct carries its keys in no order; the engine's are sorted, as here.
        expect(failures).toEqual(checkJob({}, sortedKeys(bad)).failures);
    });

    test("Check skips values unknown at preview and passes them through", async () => {
        const { inputs, failures } = await plugin.check({}, { ...linuxMakeCache(), name: UNKNOWN });
        expect(failures).toEqual([]);
        expect(inputs.name).toBe(UNKNOWN);
    });

    test("Check keeps a secret input wrapped in the canonical inputs", async () => {
        const inputs = await checked({ ...linuxMakeCache(), description: secret("quiet") });
        expect(inputs.description).toEqual({ ...SECRET_SIG, value: "quiet" });
    });

    test("Diff of the same inputs is DIFF_NONE with an empty detailed diff", async () => {
        const inputs = await checked(windowsReattempts());
        expect(await plugin.diff(inputs, inputs)).toEqual({ changes: "DIFF_NONE", diffs: [], replaces: [], hasDetailedDiff: true, detailedDiff: {} });
    });

    test("Diff of one changed leaf names that leaf's path, and only it", async () => {
        const before = await checked(windowsReattempts());
        const after = await checked(windowsReattempts({ postDeployment: { rebootCountdown: { ...(windowsReattempts().postDeployment as { rebootCountdown: object }).rebootCountdown, interval: 30 } } }));
        expect(await plugin.diff(before, after)).toEqual({
            changes: "DIFF_SOME", diffs: ["postDeployment"], replaces: [], hasDetailedDiff: true,
            detailedDiff: { "postDeployment.rebootCountdown.interval": "ADD" },
        });
    });

    test("Diff of the platform replaces the job", async () => {
        const before = await checked(linuxMakeCache({ packageCacheUpdate: undefined }));
        const after = await checked({ ...linuxMakeCache({ packageCacheUpdate: undefined }), platform: "Windows" });
        expect(await plugin.diff(before, after)).toMatchObject({ changes: "DIFF_SOME", diffs: ["platform"], replaces: ["platform"], detailedDiff: { platform: "UPDATE_REPLACE" } });
    });

    test("Diff compares old inputs, not old outputs: server facts are never a change", async () => {
        const inputs = await checked(linuxMakeCache());
        expect((await plugin.diff(inputs, inputs, { ...inputs, serverStatus: "Prepared", patchCount: 4 })).changes).toBe("DIFF_NONE");
    });

    test("Diff with a value unknown at preview reports that property changed", async () => {
        const before = await checked(linuxMakeCache());
        expect(await plugin.diff(before, { ...before, description: UNKNOWN })).toMatchObject({ changes: "DIFF_SOME", diffs: ["description"], detailedDiff: { description: "ADD" } });
    });
});

describe("the job's lifecycle", () => {
    test("Create makes the job and answers canonical inputs plus the server's facts, a secret input still wrapped", async () => {
        const { id, properties } = await plugin.create(await checked({ ...linuxMakeCache(), description: secret("nightly") }));
        expect(emulator.jobs().map((j) => [j.id, j.description])).toEqual([[id, "nightly"]]);
        expect(properties).toMatchObject({ name: "Demo_MakeCache", platform: "Linux", packageCacheUpdate: true, description: { ...SECRET_SIG, value: "nightly" }, customerId: expect.any(String) });
    });

    test("Create stopped after the job exists reports a partial create with its id and properties", async () => {
        emulator.failNext("status", 1, 400, { body: { _error: { errorCode: "400", message: "cannot enable" } } });
        const error = await plugin.create(await checked(linuxMakeCache({ status: "Enabled" }))).then(() => undefined, (e) => e);
        expect(error.partial).toMatchObject({ id: emulator.jobs()[0].id, properties: { status: "Disabled", name: "Demo_MakeCache" } });
        expect(error.partial.reasons[0]).toMatch(/^job .* was created but enabling it failed: /);
    });

    test("Read after an edit in Qualys answers the edited inputs (refresh), and properties = inputs + facts", async () => {
        const { id, properties } = await plugin.create(await checked(linuxMakeCache()));
        emulator.editJob(id, (job) => (job.description = "edited in the UI"));
        const read = await plugin.read(id, properties, await checked(linuxMakeCache()));
        expect(read.inputs).toMatchObject({ description: "edited in the UI", name: "Demo_MakeCache" });
        const facts = Object.fromEntries(FACT_KEYS.map((k) => [k, read.properties![k]]));
        expect(read.properties).toEqual({ ...read.inputs, ...facts });
        expect(facts).toMatchObject({ updatedBy: "emulator_user", customerId: properties.customerId });
    });

    test("Read of an id alone (import) answers canonical inputs that check and diff to no change", async () => {
        const { id } = await plugin.create(await checked(windowsReattempts()));
        const imported = await plugin.read(id);
        expect(imported.id).toBe(id);
        expect(Object.keys(imported.inputs!).every((k) => k in (JSON.parse(fs.readFileSync(path.join(repoRoot(), "schema", "qualys.schema.json"), "utf8")).resources["qualys:pm:DeploymentJob"].inputProperties))).toBe(true);
        const again = await checked(imported.inputs!, imported.inputs!);
        expect((await plugin.diff(imported.inputs!, again)).changes).toBe("DIFF_NONE");
        expect(await plugin.diff(imported.inputs!, await checked(windowsReattempts()))).toMatchObject({ changes: "DIFF_NONE" });
    });

    test("Read of a job deleted in Qualys answers no id and no properties", async () => {
        const { id, properties } = await plugin.create(await checked(linuxMakeCache()));
        emulator.state.jobs.delete(id);
        expect(await plugin.read(id, properties)).toEqual({ id: "", properties: undefined, inputs: undefined });
    });

    test("Update writes the one changed input and keeps secrets wrapped; Delete removes the job", async () => {
        const before = await checked(linuxMakeCache());
        const { id, properties } = await plugin.create(before);
        const outs = await plugin.update(id, properties, await checked(linuxMakeCache({ description: secret("now secret") as never })));
        expect(outs.description).toEqual({ ...SECRET_SIG, value: "now secret" });
        expect(emulator.jobs()[0].description).toBe("now secret");
        await plugin.delete(id, outs);
        expect(emulator.jobs()).toEqual([]);
    });

    test("Update refuses to overwrite an edit made in Qualys since the last refresh (the core's compare-and-swap)", async () => {
        const { id, properties } = await plugin.create(await checked(linuxMakeCache()));
        emulator.editJob(id, (job) => (job.description = "edited in the UI"));
        await expect(plugin.update(id, properties, await checked(linuxMakeCache({ timeout: 2 })))).rejects.toThrow(/was changed in Qualys since the last refresh: description/);
    });

    test("Invoke of getDeploymentJobResults answers the job's results summary", async () => {
        const { id } = await plugin.create(await checked(windowsReattempts()));
        const results = await plugin.invoke("qualys:pm:getDeploymentJobResults", { jobId: id });
        expect(results).toMatchObject({ id, assetsReported: 1, assets: [expect.objectContaining({ asset: expect.objectContaining({ id: expect.any(String) }) })] });
        await expect(plugin.invoke("qualys:pm:nope", {})).rejects.toThrow("unknown function qualys:pm:nope; this provider has qualys:pm:getDeploymentJobResults");
    });
});

describe("cancel", () => {
    test("Cancel waits for a create under way to finish and record its job, then refuses new work", async () => {
        const other = new PluginProcess();
        await other.start();
        await other.configure(settings(emulator));
        try {
            const hold = emulator.holdNext("create", "before-apply");
            const order: string[] = [];
            const creating = other.create(await checked(linuxMakeCache())).then((r) => (order.push("create"), r));
            await hold.reached;
            const cancelling = other.cancel().then(() => order.push("cancel"));
            hold.release();
            const [{ id }] = await Promise.all([creating, cancelling]);
            expect(order).toEqual(["create", "cancel"]);
            expect(emulator.jobs().map((j) => j.id)).toEqual([id]);
            await expect(other.create(await checked(linuxMakeCache({ name: "after cancel" })))).rejects.toThrow("create was not started: the operation was cancelled");
            expect(emulator.jobs()).toHaveLength(1);
        } finally {
            await other.stop("cancel");
        }
    });
});
