// Attacks on the native plugin's gRPC face (bin/pulumi-resource-qualys), driven as the engine drives
// it (test/native/plugin.ts), against the emulator on 127.0.0.1. Tests marked `// FINDING n` failed
// before their fix: each showed a promise of docs/native-provider.md or docs/guardrails.md broken.
import { startEmulator, PmEmulator } from "../emulator/server";
import { linuxMakeCache } from "../helpers/jobs";
import { requestBody } from "../../provider/core/payload";
import { PluginProcess, secret, SECRET_SIG, UNKNOWN } from "../native/plugin";

/* eslint-disable @typescript-eslint/no-require-imports */
const pb = require("@pulumi/pulumi/proto/provider_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

const PASSWORD = "attack-native-pw-7Qz";
const settings = (emulator: PmEmulator) => ({ gatewayUrl: emulator.url, username: "demo-user", password: secret(PASSWORD) });

let emulator: PmEmulator;
let plugin: PluginProcess;

beforeAll(async () => {
    emulator = await startEmulator({ users: { "demo-user": PASSWORD } });
    plugin = new PluginProcess();
    await plugin.start();
    await plugin.configure(settings(emulator));
});
afterAll(async () => {
    await plugin.stop("attack-native-grpc");
    await emulator.close();
});
beforeEach(() => emulator.reset());

const rpc = (p: PluginProcess, method: string, request: unknown): Promise<any> => (p as any).rpc(method, request);
const urn = (name: string) => `urn:pulumi:test::native::qualys:pm:DeploymentJob::${name}`;

/** Check as the engine runs it, for the resource named `name`. */
async function checkAs(name: string, news: object, olds: object = {}) {
    const res = await rpc(plugin, "check", new pb.CheckRequest().setUrn(urn(name)).setOlds(Struct.fromJavaScript(olds)).setNews(Struct.fromJavaScript(news)));
    return { inputs: res.getInputs()?.toJavaScript() ?? {}, failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })) };
}

async function checked(news: object, olds: object = {}) {
    const { inputs, failures } = await plugin.check(olds, news);
    expect(failures).toEqual([]);
    return inputs;
}

describe("secret inputs in messages", () => {
    // FINDING 1 (fixed): a secret description is quoted in clear in the update's compare-and-swap stop.
    test("an update stopped by an edit made in Qualys does not quote a secret description in its message", async () => {
        const { id, properties } = await plugin.create(await checked({ ...linuxMakeCache(), description: secret("s3cret-runbook-token") }));
        emulator.editJob(id, (job) => (job.description = "edited in the UI"));
        const error = await plugin.update(id, properties, await checked({ ...linuxMakeCache(), description: secret("s3cret-runbook-token-v2") })).then(() => undefined, (e) => e);
        expect(String(error?.message)).toMatch(/was changed in Qualys since the last refresh: description/);
        expect(String(error.message)).not.toContain("s3cret-runbook-token");
    });

    test("the same stop quotes a description that is not secret, so that the reviewer sees both values", async () => {
        const plain = (description: string) => ({ ...linuxMakeCache({ name: "Plain description" }), description });
        const { id, properties } = await plugin.create(await checked(plain("runbook v1")));
        emulator.editJob(id, (job) => (job.description = "edited in the UI"));
        const error = await plugin.update(id, properties, await checked(plain("runbook v2"))).then(() => undefined, (e) => e);
        expect(String(error?.message)).toContain('description is "edited in the UI" in Qualys, "runbook v1" in the state');
    });

    // Held: Check's failure does not quote a secret description.
    test("Check's failure for a secret description that breaks a rule does not quote the secret", async () => {
        const { failures } = await plugin.check({}, { ...linuxMakeCache(), description: secret("s3cret-\u202Etoken-" + "x".repeat(1000)) });
        expect(failures.map((f) => f.property)).toContain("description");
        expect(JSON.stringify(failures)).not.toContain("s3cret-");
    });
});

describe("one job per resource (guardrails: refused at preview, naming both)", () => {
    // FINDING 2 (fixed): the native face never tells Check that two resources declare the same job.
    test("Check of a second resource declaring the same platform and name is refused, naming the first", async () => {
        expect((await checkAs("first", linuxMakeCache({ name: "Declared twice" }))).failures).toEqual([]);
        const { failures } = await checkAs("second", linuxMakeCache({ name: "Declared twice" }));
        expect(failures).toEqual([expect.objectContaining({ property: "name", reason: expect.stringContaining("first") })]);
    });

    // FINDING 2 (b, fixed): the engine's concurrent creates of two such resources both wrote. The
    // proof that creates of one name go one at a time is test/unit/one-create-per-name.test.ts.

    // FINDING 2 (c, fixed): two resources adopting the same job both get it (deleting either deletes the other's).
    test("two concurrent creates adopting the same job give it to at most one resource", async () => {
        const made = await checked(linuxMakeCache({ name: "Seeded by hand" }));
        const id = emulator.seedJob(requestBody({ ...(made as object), status: "Disabled" } as never) as never);
        const inputs = await checked({ ...linuxMakeCache({ name: "Seeded by hand" }), adoptJobId: id });
        const results = await Promise.allSettled([plugin.create(inputs), plugin.create(inputs)]);
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    });
});

// FINDING 3 (fixed): DiffConfig let gatewayUrl change in place, and the plugin then acted on the first
// tenant's ids at the second. DiffConfig now replaces (test/native/contract.test.ts), and
// test/attack/native-yaml.test.ts follows the engine through it.

describe("unknowns at preview", () => {
    test("Check with whole objects and the status unknown does not fail or crash", async () => {
        const { failures } = await plugin.check({}, { ...linuxMakeCache(), schedule: UNKNOWN, status: UNKNOWN, postDeployment: UNKNOWN, assetIds: UNKNOWN });
        expect(failures).toEqual([]);
    });

    test("Diff with the platform unknown plans a replacement", async () => {
        const before = await checked(linuxMakeCache());
        const after = (await plugin.check(before, { ...linuxMakeCache(), platform: UNKNOWN })).inputs;
        const diff = await plugin.diff(before, after);
        expect(diff.replaces).toContain("platform");
    });

    test("Diff with a whole nested object unknown does not crash", async () => {
        const before = await checked(linuxMakeCache());
        const diff = await plugin.diff(before, { ...before, schedule: UNKNOWN, postDeployment: UNKNOWN });
        expect(diff.changes).toBe("DIFF_SOME");
    });
});

describe("malformed requests", () => {
    test("Create with properties of the wrong types is refused with a message, and the plugin lives on", async () => {
        await expect(plugin.create({ name: 5, platform: ["Linux"], assetIds: "x", schedule: [1, 2] })).rejects.toThrow();
        expect(await plugin.pluginInfo()).toMatch(/\d/);
        expect(emulator.counts().create ?? 0).toBe(0);
    });

    test("Check of a Struct nested 5,000 deep answers, and the plugin lives on", async () => {
        let deep: any = "leaf";
        for (let i = 0; i < 5000; i++) deep = { d: deep };
        const result = await plugin.check({}, { ...linuxMakeCache(), postDeployment: deep }).then((r) => r.failures.length > 0, (e) => String(e.message));
        expect(result).toBeTruthy();
        expect(await plugin.pluginInfo()).toMatch(/\d/);
    });

    test("Read with an empty id is refused before any request", async () => {
        await expect(plugin.read("")).rejects.toThrow();
        expect(emulator.requests).toHaveLength(0);
    });
});

describe("hostile answers", () => {
    test("a Read answered with a job under another id is an error, not a refresh of the other job", async () => {
        const { id, properties } = await plugin.create(await checked(linuxMakeCache()));
        emulator.failNext("get", 1, 200, { body: { id: "00000000-0000-4000-8000-000000000000", name: "other" } });
        await expect(plugin.read(id, properties)).rejects.toThrow(/not job/);
    });

    test("an error body echoing the password and the Authorization header reaches no message", async () => {
        const { id, properties } = await plugin.create(await checked(linuxMakeCache()));
        const jwt = [...(emulator.state as any).tokens?.keys?.() ?? []][0] ?? "";
        emulator.failNext("get", 1, 400, { body: { _error: { errorCode: "400", message: `bad: password=${PASSWORD} auth=Bearer ${jwt}` } } });
        const error = await plugin.read(id, properties).then(() => undefined, (e) => e);
        expect(String(error?.message)).not.toContain(PASSWORD);
        if (jwt) expect(String(error.message)).not.toContain(jwt);
        expect(plugin.stderr.join("")).not.toContain(PASSWORD);
    });
});

describe("Invoke", () => {
    test("Invoke with a job id that is not an id is refused before any request, and names the id", async () => {
        await expect(plugin.invoke("qualys:pm:getDeploymentJobResults", { jobId: "../../auth" })).rejects.toThrow();
        expect(emulator.requests).toHaveLength(0);
    });
});
