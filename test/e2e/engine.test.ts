// What the engine plans and records, through the real Pulumi engine (Automation API, local file
// backend) against the emulator: no change on a second preview, update or replace, drift recorded by
// refresh and restored, adoption, refusals at preview, a partially created job kept. The planning
// semantics are asserted here only: test/harness sends calls, it plans nothing. Needs the Pulumi
// CLI: on PATH or built by `npm run pulumi:install`. Without it, this suite reports itself as
// skipped, by name; it never passes silently.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as automation from "@pulumi/pulumi/automation";
import { PmEmulator, startEmulator } from "../emulator/server";
import { Declared, linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { keepOutput } from "../helpers/secrets";
import { DeploymentJobInputs, toRequest } from "../../provider/core/payload";
import { UNKNOWN } from "../../provider/core/validate";
import { cliAbout, cliVersion, EngineStack, engineSuite } from "./cli";
import { emulatorStack, events, keepAndRemove, PASSWORD, programOf, recordedJobs, requestsSince, stepsOf } from "./program";

const { binDir, describeWithCli } = engineSuite("test/e2e (real Pulumi engine)");

let emulator: PmEmulator;
let declared: Declared[] = [];
let env: EngineStack;


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
        env = await emulatorStack(binDir!, name, emulator, programOf(() => declared));
    });
    afterEach(() => keepAndRemove(env, "e2e"));

    test("the CLI is the pinned build and runs with no network", () => {
        const pinned = /version="\$\{1:-\$\{PULUMI_CLI_VERSION:-([\d.]+)\}\}"/.exec(fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "install-pulumi.sh"), "utf8"))![1];
        if (binDir!.includes(".pulumi-cli")) expect(cliVersion(binDir!)).toBe(`v${pinned}`);
        else expect(cliVersion(binDir!)).toMatch(/^v3\.\d+\.\d+/);
        expect(cliAbout(binDir!)).toMatch(/^CLI\s*\nVersion\s+3\.\d+\.\d+/);
    });

    test("up creates the seed's two jobs as declared; a preview expecting no changes passes and makes no request", async () => {
        const up = await env.run(env.stack.up());
        expect(up.summary.resourceChanges).toMatchObject({ create: 3 });
        const linux = emulator.jobs().find((j) => j.platform === "Linux")!;
        expect(linux.preDeployActions[0]).toMatchObject({ action: "Run Script", params: { actionItem: "makecache Pre-Action", defaultScriptType: "MakeCache", remediationScope: false }, scriptType: "sh" });
        const windows = emulator.jobs().find((j) => j.platform === "Windows")!;
        expect(windows).toMatchObject({ enableReattemptFailedPatches: true, reattemptFailedPatches: { noOfReattempts: 5, exponentialBackoffInterval: 15 } });
        const mark = emulator.requests.length;
        await env.run(env.stack.preview({ expectNoChanges: true }));
        expect(emulator.requests.slice(mark)).toEqual([]);
    });

    test("a changed exponentialBackoffInterval reads the job and updates it in place with one PATCH, after which nothing changes; a new platform replaces, creating the new job before deleting the old; a removed resource is deleted", async () => {
        await env.run(env.stack.up());
        const windowsId = emulator.jobs().find((j) => j.platform === "Windows")!.id;
        const linuxId = emulator.jobs().find((j) => j.platform === "Linux")!.id;
        declared[1].args = windowsReattempts({ reattemptFailedPatches: { noOfReattempts: 5, exponentialBackoffInterval: 10 } });
        const previewed: automation.EngineEvent[] = [];
        const shown = await env.run(env.stack.preview({ diff: true, onEvent: events(previewed) }));
        expect(stepsOf(previewed)).toMatchObject({ "windows-reattempts": { op: "update", diffs: ["reattemptFailedPatches"] }, "linux-makecache": { op: "same" } });
        expect(shown.stdout).toMatch(/~ reattemptFailedPatches: \{\n\s+~ exponentialBackoffInterval: 15 => 10/);
        const mark = emulator.requests.length;
        await env.run(env.stack.up());
        expect(requestsSince(emulator, mark)).toEqual(["GET get", "PATCH update"]);
        expect(emulator.state.jobs.get(windowsId)!.reattemptFailedPatches.exponentialBackoffInterval).toBe(10);
        await env.run(env.stack.preview({ expectNoChanges: true }));

        declared[0].args = { ...windowsReattempts(), name: "was linux" };
        const replaced: automation.EngineEvent[] = [];
        await env.run(env.stack.up({ onEvent: events(replaced) }));
        // Create before delete, as the provider's Diff (deleteBeforeReplace false) asks.
        expect(stepsOf(replaced)["linux-makecache"].ops).toEqual(["create-replacement", "replace", "delete-replaced"]);
        expect(emulator.state.jobs.has(linuxId)).toBe(false);
        expect(emulator.jobs().map((j) => j.platform)).toEqual(["Windows", "Windows"]);

        declared = declared.slice(1);
        const removed = await env.run(env.stack.up());
        expect(removed.summary.resourceChanges).toMatchObject({ delete: 1 });
        expect(emulator.jobs().map((j) => j.id)).toEqual([windowsId]);
        expect(Object.keys(await recordedJobs(env))).toEqual(["windows-reattempts"]);
    });

    test("refresh with no edit finds no change though the server's answers differ from the requests; edits outside Pulumi are recorded by refresh, the preview proposes to restore exactly those properties, and up restores them", async () => {
        declared[1].args = windowsReattempts({ status: "Enabled", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"] });
        await env.run(env.stack.up());
        const before = emulator.requests.length;
        await env.run(env.stack.refresh({ expectNoChanges: true }));
        await env.run(env.stack.preview({ expectNoChanges: true }));
        expect(emulator.requests.slice(before).filter((r) => r.route !== "get" && r.route !== "auth")).toEqual([]);

        const windows = emulator.jobs().find((j) => j.platform === "Windows")!;
        const linux = emulator.jobs().find((j) => j.platform === "Linux")!;
        emulator.editJob(windows.id, (job) => {
            job.reattemptFailedPatches = { noOfReattempts: 1, exponentialBackoffInterval: 15 };
            job.status = "Disabled";
        });
        emulator.editJob(linux.id, (job) => (job.preDeployActions = []));
        await env.run(env.stack.refresh());
        const recorded = await recordedJobs(env);
        expect(recorded["windows-reattempts"].inputs).toMatchObject({ reattemptFailedPatches: { noOfReattempts: 1, exponentialBackoffInterval: 15 }, status: "Disabled" });
        const previewed: automation.EngineEvent[] = [];
        await env.run(env.stack.preview({ diff: true, onEvent: events(previewed) }));
        expect(stepsOf(previewed)).toMatchObject({
            "windows-reattempts": { op: "update", diffs: ["reattemptFailedPatches", "status"] },
            "linux-makecache": { op: "update", diffs: ["packageCacheUpdate"] },
        });
        await env.run(env.stack.up());
        expect(emulator.state.jobs.get(windows.id)).toMatchObject({ reattemptFailedPatches: { noOfReattempts: 5 }, status: "Enabled" });
        expect(emulator.state.jobs.get(linux.id)!.preDeployActions).toHaveLength(1);
    });

    test("adoptJobId records an existing job with one read and no write; then a preview without adoptJobId shows no changes", async () => {
        const id = emulator.seedJob(toRequest(windowsReattempts() as DeploymentJobInputs));
        declared = [{ name: "adopted", args: windowsReattempts({ adoptJobId: id }) }];
        await env.run(env.stack.up());
        expect(requestsSince(emulator, 0)).toEqual(["GET get"]);
        expect((await recordedJobs(env)).adopted.id).toBe(id);
        expect(emulator.jobs()).toHaveLength(1);
        declared = [{ name: "adopted", args: windowsReattempts() }];
        await env.run(env.stack.preview({ expectNoChanges: true }));
    });

    test("the import resource option cannot serve a dynamic resource: the engine's Read carries no __provider (pulumi#16175)", async () => {
        const id = emulator.seedJob(toRequest(windowsReattempts() as DeploymentJobInputs));
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
            // The stored provider requires the package by name: it runs wherever the package is installed.
            expect(r.inputs.__provider).toContain('require("qualys-pm-pulumi/provider")');
        }
        const defaultProvider = resources.find((r: any) => r.type === "pulumi:providers:pulumi-nodejs");
        expect(defaultProvider.inputs["qualys:password"]).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
        await env.run(env.stack.destroy());
        expect(emulator.jobs()).toEqual([]);
    });

    test("a job created but not enabled is kept in the state by the engine, Disabled; the next up enables that job instead of creating another, and destroy removes it", async () => {
        declared = [{ name: "enabled", args: windowsReattempts({ status: "Enabled" }) }];
        emulator.failNext("status", 1, 400, { body: { _error: { errorCode: "400", message: "cannot enable now" } } });
        const error = await env.run(env.stack.up()).catch((e) => e);
        expect(String(error.message)).toMatch(/job [-0-9a-f]+ was created but enabling it failed: Qualys PM API rejected POST \/pm\/v1\/deploymentjobs\/update\/status\/Enabled \(400\): cannot enable now/);
        const [job] = emulator.jobs();
        const recorded = (await recordedJobs(env)).enabled;
        expect({ id: recorded.id, status: recorded.outputs.status }).toEqual({ id: job.id, status: "Disabled" });
        const next: automation.EngineEvent[] = [];
        await env.run(env.stack.up({ onEvent: events(next) }));
        expect(stepsOf(next).enabled.op).toBe("update");
        expect(emulator.jobs().map((j) => [j.id, j.status])).toEqual([[job.id, "Enabled"]]);
        expect(emulator.enablesApplied()).toEqual({ [job.id]: 1 });
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

    test("a job whose name is unknown until apply (it holds another job's id) is not taken for a second declaration at preview", async () => {
        env.stack.workspace.program = async () => {
            const { DeploymentJob } = require("qualys-pm-pulumi") as typeof import("../../provider/index");
            const first = new DeploymentJob("first", windowsReattempts());
            new DeploymentJob("second", windowsReattempts({ name: pulumi.interpolate`after ${first.id}` }));
        };
        const previewed: automation.EngineEvent[] = [];
        await env.run(env.stack.preview({ onEvent: events(previewed) }));
        expect(stepsOf(previewed)).toMatchObject({ first: { op: "create" }, second: { op: "create" } });
        const second = previewed.map((e) => e.resourcePreEvent?.metadata).find((m) => m?.urn.endsWith("::second"));
        // Unknown at preview, so is the declaration check derived from it (what check is sent).
        expect(second?.new?.inputs.name).toBe(UNKNOWN);
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
        ["an edit of an enabled On-demand job (Qualys locks run-once jobs)", { status: "Enabled" }, { status: "Enabled", description: "changed" },
            ["description", "cannot change: this On-demand job was enabled, and Qualys locks a run-once job once enabled. Declare a new DeploymentJob for the new configuration (it runs again when enabled) and remove this one"], undefined],
        ["turning an enabled On-demand job back to Disabled", { status: "Enabled" }, { status: "Disabled" },
            ["status", "cannot go back to Disabled: this On-demand job was enabled, and Qualys never disables a run-once job"], undefined],
        ["replacing an enabled On-demand job with an enabled one on another platform", { status: "Enabled" }, { platform: "Windows", status: "Enabled", description: "also changed" },
            ["platform", "would start patching again: this edit replaces the enabled On-demand job with a new enabled On-demand job"], ["description", "cannot change"]],
        ["turning an enabled Daily job into an enabled On-demand job", { status: "Enabled", scheduleType: "Daily", startDateTime: "2026-12-01 10:00:00 PM" }, { status: "Enabled" },
            ["scheduleType", "would start patching again: this edit turns the enabled Daily job into an enabled On-demand job, which Qualys runs at once"], undefined],
    ] as [string, Record<string, unknown>, Record<string, unknown>, [string, string], [string, string] | undefined][])("%s is refused at preview naming the property, every other change still checked, with no request", async (_name, first, second, refusal, alsoRefused) => {
        declared = [{ name: "job", args: linuxMakeCache(first) }];
        await env.run(env.stack.up());
        const mark = emulator.requests.length;
        const edited = { ...linuxMakeCache(second), ...(second.platform === "Windows" ? { packageCacheUpdate: undefined, approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"] } : {}) };
        if (first.scheduleType === "Daily") delete (edited as { startDateTime?: string }).startDateTime;
        declared = [{ name: "job", args: edited }];
        const error = await env.run(env.stack.preview()).catch((e) => e);
        expect(String(error.message)).toMatch(new RegExp(`property ${refusal[0]} value .* has a problem: `));
        expect(String(error.message)).toContain(`has a problem: ${refusal[1]}`);
        if (alsoRefused) expect(String(error.message)).toMatch(new RegExp(`property ${alsoRefused[0]} value .* has a problem: ${alsoRefused[1]}`));
        // Nothing else is refused where only one property changed.
        const refused = new Set([...String(error.message).matchAll(/property (\S+) value .*? has a problem/g)].map((m) => m[1]));
        if (!alsoRefused) expect([...refused]).toEqual([refusal[0]]);
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
