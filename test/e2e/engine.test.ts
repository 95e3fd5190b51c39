// The lifecycle through the real Pulumi engine (Automation API, local file backend) against the
// emulator. Needs the Pulumi CLI: on PATH or built by `npm run pulumi:install`. Without it, this
// suite reports itself as skipped, by name; it never passes silently.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as automation from "@pulumi/pulumi/automation";
import { PmEmulator, startEmulator } from "../emulator/server";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { keepOutput } from "../helpers/secrets";
import { changedKeys, Declared } from "../harness/engine";
import { cliAbout, cliVersion, EngineStack, engineStack, findPulumiCli } from "./cli";

const binDir = findPulumiCli();
const describeWithCli = binDir ? describe : describe.skip;
if (!binDir) {
    console.warn("SKIPPED: test/e2e (real Pulumi engine): no Pulumi CLI on PATH or in .pulumi-cli/; run `npm run pulumi:install`");
}

const PASSWORD = "demo-password";
let emulator: PmEmulator;
let declared: Declared[] = [];
let env: EngineStack;

/** The inline program: declares whatever `declared` holds now. */
const program: automation.PulumiFn = async () => {
    const { DeploymentJob } = require("qualys-pm-pulumi") as typeof import("../../provider/index");
    const urns: Record<string, unknown> = {};
    for (const d of declared) urns[d.name] = new DeploymentJob(d.name, d.args, d.import ? { import: d.import } : undefined).id;
    return urns;
};

function events(list: automation.EngineEvent[]) {
    return (event: automation.EngineEvent) => list.push(event);
}

interface Step {
    /** The first op the engine reports for the resource. */
    op: string;
    /** The inputs that op changes. */
    diffs: string[];
    /** Every op, in order (a replacement is three). */
    ops: string[];
}

/** Per resource name, the steps of an operation, from the engine's own events. */
function plan(list: automation.EngineEvent[]): Record<string, Step> {
    const out: Record<string, Step> = {};
    for (const e of list) {
        const m = e.resourcePreEvent?.metadata;
        if (!m || !m.urn.includes("DeploymentJob")) continue;
        // The Node dynamic provider returns no property list with its Diff (no detailedDiff), so the
        // engine's `diffs` is empty; what `preview --diff` shows is the old and new inputs compared.
        const step = (out[m.urn.split("::").pop()!] ??= { op: m.op, diffs: changedKeys(m.old?.inputs ?? {}, m.new?.inputs ?? {}), ops: [] });
        step.ops.push(m.op);
    }
    return out;
}

describeWithCli("through the real Pulumi engine", () => {
    jest.setTimeout(240_000);

    beforeAll(async () => {
        emulator = await startEmulator();
    });
    afterAll(() => emulator.close());

    beforeEach(async () => {
        emulator.reset();
        declared = [
            { name: "linux-makecache", args: linuxMakeCache() },
            { name: "windows-reattempts", args: windowsReattempts() },
        ];
        const name = expect.getState().currentTestName!.replace(/\W+/g, "-").slice(0, 40);
        env = await engineStack(binDir!, name, program, {
            "qualys:gatewayUrl": { value: emulator.url },
            "qualys:username": { value: "demo-user" },
            "qualys:password": { value: PASSWORD, secret: true },
        });
    });
    afterEach(async () => {
        keepOutput(`e2e-output-${path.basename(env.workDir)}.txt`, env.output.join("\n"));
        // The state as the engine wrote it (secrets encrypted), for the suite's leak scan.
        for (const file of (fs.readdirSync(env.stateDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"))) {
            keepOutput(`e2e-state-${path.basename(env.workDir)}-${path.basename(file)}`, fs.readFileSync(path.join(env.stateDir, file), "utf8"));
        }
        await env.cleanup();
    });

    test("the CLI is the pinned build and runs with no network", () => {
        const pinned = /version="\$\{1:-\$\{PULUMI_CLI_VERSION:-([\d.]+)\}\}"/.exec(fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "install-pulumi.sh"), "utf8"))![1];
        if (binDir!.includes(".pulumi-cli")) expect(cliVersion(binDir!)).toBe(`v${pinned}`);
        else expect(cliVersion(binDir!)).toMatch(/^v3\.\d+\.\d+/);
        expect(cliAbout(binDir!)).toMatch(/^CLI\s*\nVersion\s+3\.\d+\.\d+/);
    });

    test("up creates the seed's two jobs; a preview expecting no changes passes and makes no request", async () => {
        const up = await env.run(env.stack.up());
        expect(up.summary.resourceChanges).toMatchObject({ create: 3 });
        expect(emulator.jobs().map((j) => j.platform).sort()).toEqual(["Linux", "Windows"]);
        const mark = emulator.requests.length;
        await env.run(env.stack.preview({ expectNoChanges: true }));
        expect(emulator.requests.slice(mark)).toEqual([]);
    });

    test("a changed exponentialBackoffInterval updates in place with one PATCH; a new platform replaces; a removed resource is deleted", async () => {
        await env.run(env.stack.up());
        const windowsId = emulator.jobs().find((j) => j.platform === "Windows")!.id;
        declared[1].args = windowsReattempts({ reattemptFailedPatches: { noOfReattempts: 5, exponentialBackoffInterval: 10 } });
        const previewed: automation.EngineEvent[] = [];
        const shown = await env.run(env.stack.preview({ diff: true, onEvent: events(previewed) }));
        expect(plan(previewed)["windows-reattempts"]).toMatchObject({ op: "update", diffs: ["reattemptFailedPatches"] });
        expect(shown.stdout).toMatch(/~ reattemptFailedPatches: \{\n\s+~ exponentialBackoffInterval: 15 => 10/);
        const mark = emulator.requests.length;
        await env.run(env.stack.up());
        expect(emulator.requests.slice(mark).filter((r) => r.route === "update")).toHaveLength(1);
        expect(emulator.state.jobs.get(windowsId)!.reattemptFailedPatches.exponentialBackoffInterval).toBe(10);

        declared[0].args = { ...windowsReattempts(), name: "was linux" };
        const replaced: automation.EngineEvent[] = [];
        await env.run(env.stack.up({ onEvent: events(replaced) }));
        // Create before delete, as the provider's Diff (deleteBeforeReplace false) asks.
        expect(plan(replaced)["linux-makecache"].ops).toEqual(["create-replacement", "replace", "delete-replaced"]);
        expect(emulator.jobs().map((j) => j.platform)).toEqual(["Windows", "Windows"]);

        declared = declared.slice(1);
        const removed = await env.run(env.stack.up());
        expect(removed.summary.resourceChanges).toMatchObject({ delete: 1 });
        expect(emulator.jobs().map((j) => j.id)).toEqual([windowsId]);
    });

    test("an out-of-band edit: refresh records it, preview proposes to restore exactly that property, up restores it", async () => {
        await env.run(env.stack.up());
        const before = emulator.requests.length;
        await env.run(env.stack.refresh());
        await env.run(env.stack.preview({ expectNoChanges: true }));
        expect(emulator.requests.slice(before).filter((r) => r.route !== "get" && r.route !== "auth")).toEqual([]);

        const windows = emulator.jobs().find((j) => j.platform === "Windows")!;
        emulator.editJob(windows.id, (job) => (job.reattemptFailedPatches = { noOfReattempts: 1, exponentialBackoffInterval: 15 }));
        await env.run(env.stack.refresh());
        const deployment = await env.stack.exportStack();
        const recorded = deployment.deployment.resources.find((r: any) => r.urn.endsWith("windows-reattempts"));
        expect(recorded.inputs.reattemptFailedPatches).toEqual({ noOfReattempts: 1, exponentialBackoffInterval: 15 });
        const previewed: automation.EngineEvent[] = [];
        await env.run(env.stack.preview({ diff: true, onEvent: events(previewed) }));
        expect(plan(previewed)).toMatchObject({ "windows-reattempts": { op: "update", diffs: ["reattemptFailedPatches"] }, "linux-makecache": { op: "same" } });
        await env.run(env.stack.up());
        expect(emulator.state.jobs.get(windows.id)!.reattemptFailedPatches.noOfReattempts).toBe(5);
    });

    test("adoptJobId adopts an existing job; then a preview shows no changes", async () => {
        const { toRequest } = require("../../provider/payload");
        const id = emulator.seedJob(toRequest(windowsReattempts()));
        declared = [{ name: "adopted", args: windowsReattempts({ adoptJobId: id }) }];
        await env.run(env.stack.up());
        expect(emulator.counts().create).toBeUndefined();
        const deployment = await env.stack.exportStack();
        expect(deployment.deployment.resources.find((r: any) => r.urn.endsWith("adopted")).id).toBe(id);
        declared = [{ name: "adopted", args: windowsReattempts() }];
        await env.run(env.stack.preview({ expectNoChanges: true }));
    });

    test("the import resource option cannot serve a dynamic resource: the engine's Read carries no __provider (pulumi#16175)", async () => {
        const { toRequest } = require("../../provider/payload");
        const id = emulator.seedJob(toRequest(windowsReattempts()));
        declared = [{ name: "adopted", args: windowsReattempts(), import: id }];
        const error = await env.run(env.stack.up()).catch((e) => e);
        expect(String(error.message)).toContain("code must be a string, not undefined");
        expect(emulator.counts().create).toBeUndefined();
    });

    test.each([
        ["noOfReattempts 6", () => windowsReattempts({ reattemptFailedPatches: { noOfReattempts: 6, exponentialBackoffInterval: 15 } }),
            "property reattemptFailedPatches.noOfReattempts value {<nil>} has a problem: must be between 1 and 5 (got 6)"],
        ["the Linux toggle on a Windows job", () => windowsReattempts({ packageCacheUpdate: true }),
            "property packageCacheUpdate value {true} has a problem: is only for Linux jobs (platform is Windows) (got true)"],
    ])("an invalid input (%s) fails preview with path and reason in the engine's output, and no request", async (_name, args, expected) => {
        declared = [{ name: "invalid", args: args() }];
        const error = await env.run(env.stack.preview()).catch((e) => e);
        expect(String(error.message)).toContain(expected);
        expect(emulator.requests).toEqual([]);
    });

    test("the state holds neither password nor token; every __provider is under 2 KB and not secret; destroy empties Qualys", async () => {
        await env.run(env.stack.up());
        const token = emulator.requests.find((r) => r.authorization)!.authorization!.replace("Bearer ", "");
        const stateFiles = (fs.readdirSync(env.stateDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"));
        expect(stateFiles.length).toBeGreaterThan(0);
        for (const file of stateFiles) {
            const raw = fs.readFileSync(path.join(env.stateDir, file), "utf8");
            keepOutput(`e2e-raw-state-${path.basename(env.workDir)}-${path.basename(file)}`, raw);
            expect(raw).not.toContain(PASSWORD);
            expect(raw).not.toContain(token);
        }
        // Decrypted (`stack export --show-secrets`): the engine keeps the stack's config, password
        // included as a secret, on its default dynamic provider; no DeploymentJob holds it.
        const resources = (await env.stack.exportStack()).deployment.resources;
        const jobs = resources.filter((r: any) => r.type.endsWith("DeploymentJob"));
        expect(jobs).toHaveLength(2);
        for (const r of jobs) {
            expect(JSON.stringify(r)).not.toContain(PASSWORD);
            expect(Buffer.byteLength(r.inputs.__provider)).toBeLessThan(2048);
            expect(typeof r.inputs.__provider).toBe("string"); // a secret would be an object with ciphertext
        }
        const defaultProvider = resources.find((r: any) => r.type === "pulumi:providers:pulumi-nodejs");
        expect(defaultProvider.inputs["qualys:password"]).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
        await env.run(env.stack.destroy());
        expect(emulator.jobs()).toEqual([]);
    });

    test("a job created but not enabled is kept in the state by the engine, and destroy removes it", async () => {
        declared = [{ name: "enabled", args: windowsReattempts({ status: "Enabled" }) }];
        emulator.failNext("status", 6, 400, { body: { _error: { errorCode: "400", message: "cannot enable now" } } });
        const error = await env.run(env.stack.up()).catch((e) => e);
        expect(String(error.message)).toContain("was created but enabling it failed");
        const recorded = (await env.stack.exportStack()).deployment.resources.find((r: any) => r.urn.endsWith("::enabled"));
        expect(recorded.id).toBe(emulator.jobs()[0].id);
        expect(emulator.jobs()).toHaveLength(1);
        await env.run(env.stack.destroy());
        expect(emulator.jobs()).toEqual([]);
    });

    test("two resources declaring the same Qualys job are refused at preview, naming both, with no request", async () => {
        declared = [
            { name: "first", args: windowsReattempts() },
            { name: "second", args: windowsReattempts({ description: "same name, other resource" }) },
        ];
        const error = await env.run(env.stack.preview()).catch((e) => e);
        expect(String(error.message)).toContain('DeploymentJob "second" and DeploymentJob "first" both declare the Qualys job "TestAPI_CreateJobNew222" on Windows');
        expect(emulator.requests).toEqual([]);
    });

    test("refresh through a proxy answering an HTML 404 fails and keeps the job in the state; the PM API's own 404 drops it", async () => {
        await env.run(env.stack.up());
        const ids = async () => (await env.stack.exportStack()).deployment.resources.filter((r: any) => r.type.endsWith("DeploymentJob")).map((r: any) => r.id).sort();
        const recorded = await ids();
        emulator.failNext("get", 2, 404, { body: "<html><head><title>404 Not Found</title></head><body>nginx</body></html>", headers: { "content-type": "text/html" } });
        const error = await env.run(env.stack.refresh()).catch((e) => e);
        expect(String(error.message)).toMatch(/Qualys PM API rejected GET \/pm\/v1\/deploymentjob\/[-0-9a-f]+ \(404\): an HTML page titled "404 Not Found"/);
        expect(await ids()).toEqual(recorded);
        // Nothing was dropped, so the next up creates nothing.
        await env.run(env.stack.up());
        expect(emulator.counts().create).toBe(2);
        emulator.state.jobs.delete(recorded[0]);
        await env.run(env.stack.refresh());
        expect(await ids()).toEqual(recorded.slice(1));
    });

    test.each([
        ["replacing an enabled On-demand job with an enabled one on another platform", { status: "Enabled" }, { platform: "Windows", status: "Enabled", description: "also changed" },
            ["platform", "would start patching again: this edit replaces the enabled On-demand job with a new enabled On-demand job"], ["description", "cannot change"]],
        ["turning an enabled Daily job into an enabled On-demand job", { status: "Enabled", scheduleType: "Daily", startDateTime: "2026-12-01 10:00:00 PM" }, { status: "Enabled" },
            ["scheduleType", "would start patching again: this edit turns the enabled Daily job into an enabled On-demand job, which Qualys runs at once"], undefined],
    ] as [string, Record<string, unknown>, Record<string, unknown>, [string, string], [string, string] | undefined][])("%s is refused at preview, and every other change is still checked", async (_name, first, second, refusal, alsoRefused) => {
        declared = [{ name: "job", args: linuxMakeCache(first) }];
        await env.run(env.stack.up());
        const mark = emulator.requests.length;
        const edited = { ...linuxMakeCache(second), ...(second.platform === "Windows" ? { packageCacheUpdate: undefined, approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"] } : {}) };
        if (first.scheduleType === "Daily") delete (edited as { startDateTime?: string }).startDateTime;
        declared = [{ name: "job", args: edited }];
        const error = await env.run(env.stack.preview()).catch((e) => e);
        expect(String(error.message)).toContain(`property ${refusal[0]} value`);
        expect(String(error.message)).toContain(refusal[1]);
        if (alsoRefused) expect(String(error.message)).toMatch(new RegExp(`property ${alsoRefused[0]} value .* has a problem: ${alsoRefused[1]}`));
        expect(emulator.requests.slice(mark).filter((r) => r.route !== "auth")).toEqual([]);
        expect(Object.values(emulator.enablesApplied())).toEqual([1]);
    });

    test("the engine hands the dynamic provider's Configure the stack's qualys: config, the password unwrapped", async () => {
        const probeFile = path.join(env.workDir, "configure-probe.json");
        const passwordHash = require("node:crypto").createHash("sha256").update(PASSWORD).digest("hex");
        const probe: pulumi.dynamic.ResourceProvider = {
            async configure(req: any) {
                const raw = req.config.rawConfig as Record<string, unknown>;
                // Compared by hash: the probe's code is stored in state, and must not carry the password itself.
                const hash = (v: string) => require("crypto").createHash("sha256").update(v).digest("hex");
                const summary = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" && hash(v) === passwordHash ? "<the password, plain>" : typeof v]));
                require("fs").writeFileSync(probeFile, JSON.stringify(summary));
            },
            async create() {
                return { id: "probe", outs: {} };
            },
        };
        const ws = env.stack.workspace;
        await env.stack.workspace.selectStack("test");
        class Probe extends pulumi.dynamic.Resource {
            constructor() {
                super(probe, "probe", {}, {});
            }
        }
        const probeStack = await automation.LocalWorkspace.createOrSelectStack(
            { projectName: "qualys-pm-e2e", stackName: "test", program: async () => void new Probe() },
            { workDir: ws.workDir, envVars: ws.envVars, pulumiCommand: ws.pulumiCommand, projectSettings: { name: "qualys-pm-e2e", runtime: "nodejs" } },
        );
        await env.run(probeStack.up());
        const seen = JSON.parse(fs.readFileSync(probeFile, "utf8"));
        keepOutput("e2e-configure-probe.json", JSON.stringify(seen, null, 2));
        expect(seen).toMatchObject({ "qualys:gatewayUrl": "string", "qualys:username": "string", "qualys:password": "<the password, plain>" });
        await env.run(probeStack.destroy());
    });
});
