// The whole lifecycle through @pulumi/pulumi's dynamic-provider server, played by test/harness,
// against the emulator. test/e2e shows the same through the real engine.
import * as fs from "node:fs";
import * as path from "node:path";
import { PmEmulator, startEmulator } from "../emulator/server";
import { captureInputs, CheckError, Declared, Engine } from "../harness/engine";
import { UNKNOWN } from "../../provider/validate";
import { keepOutput, OUTPUT_DIR } from "../helpers/secrets";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { DeploymentJobInputs, toRequest } from "../../provider/payload";

const PASSWORD = "demo-password";
let emulator: PmEmulator;
let engine: Engine;
let stateFile: string;

beforeAll(async () => {
    emulator = await startEmulator();
});
afterAll(() => emulator.close());

beforeEach(async () => {
    emulator.reset();
    stateFile = path.join(OUTPUT_DIR, `harness-state-${expect.getState().currentTestName!.replace(/\W+/g, "_").slice(0, 80)}.json`);
    fs.rmSync(stateFile, { force: true });
    engine = new Engine({
        stateFile,
        config: { "qualys:gatewayUrl": emulator.url, "qualys:username": "demo-user", "qualys:password": PASSWORD },
        secretKeys: ["qualys:password"],
    });
    await engine.start();
});
afterEach(async () => {
    await engine.stop();
    keepOutput(`harness-stderr-${path.basename(stateFile)}.txt`, engine.stderr);
});

const program = (): Declared[] => [
    { name: "linux-makecache", args: linuxMakeCache() },
    { name: "windows-reattempts", args: windowsReattempts() },
];

function requestsSince(mark: number) {
    return emulator.requests.slice(mark).map((r) => `${r.method} ${r.route}`);
}

test("up creates the seed's Linux MakeCache and Windows reattempt jobs; a second preview reports no changes and makes no request", async () => {
    const steps = await engine.up(program());
    expect(steps.map((s) => s.op)).toEqual(["create", "create"]);
    expect(emulator.jobs()).toHaveLength(2);
    const linux = emulator.jobs().find((j) => j.platform === "Linux")!;
    expect(linux.preDeployActions[0]).toMatchObject({ action: "Run Script", params: { actionItem: "makecache Pre-Action", defaultScriptType: "MakeCache", remediationScope: false }, scriptType: "sh" });
    const windows = emulator.jobs().find((j) => j.platform === "Windows")!;
    expect(windows).toMatchObject({ enableReattemptFailedPatches: true, reattemptFailedPatches: { noOfReattempts: 5, exponentialBackoffInterval: 15 } });
    const mark = emulator.requests.length;
    expect((await engine.preview(program())).map((s) => s.op)).toEqual(["same", "same"]);
    expect(requestsSince(mark)).toEqual([]);
});

test("changing exponentialBackoffInterval reads the job, then updates it in place with one PATCH", async () => {
    await engine.up(program());
    const changed = program();
    changed[1].args = windowsReattempts({ reattemptFailedPatches: { noOfReattempts: 5, exponentialBackoffInterval: 10 } });
    const mark = emulator.requests.length;
    const steps = await engine.up(changed);
    expect(steps).toContainEqual({ name: "windows-reattempts", op: "update", changed: ["reattemptFailedPatches"] });
    expect(requestsSince(mark).filter((r) => !r.endsWith("auth"))).toEqual(["GET get", "PATCH update"]);
    expect(emulator.jobs().find((j) => j.platform === "Windows")!.reattemptFailedPatches.exponentialBackoffInterval).toBe(10);
    expect((await engine.preview(changed)).map((s) => s.op)).toEqual(["same", "same"]);
});

test("changing the platform replaces the job, creating the new one before deleting the old", async () => {
    await engine.up(program());
    const oldId = engine.readState()["windows-reattempts"].id;
    const changed = program();
    changed[1].args = { ...linuxMakeCache(), name: "now linux" };
    const steps = await engine.up(changed);
    expect(steps).toContainEqual(expect.objectContaining({ name: "windows-reattempts", op: "replace" }));
    expect(engine.calls.slice(-2)).toEqual(["Create windows-reattempts", "Delete windows-reattempts"]);
    expect(emulator.state.jobs.has(oldId)).toBe(false);
    expect(emulator.jobs().map((j) => j.platform).sort()).toEqual(["Linux", "Linux"]);
});

test("removing a resource from the program deletes its job", async () => {
    await engine.up(program());
    const steps = await engine.up(program().slice(0, 1));
    expect(steps).toContainEqual({ name: "windows-reattempts", op: "delete", changed: [] });
    expect(emulator.jobs().map((j) => j.platform)).toEqual(["Linux"]);
    expect(Object.keys(engine.readState())).toEqual(["linux-makecache"]);
});

test("refresh with no edit changes nothing, although the server's answers differ from the requests", async () => {
    await engine.up(program());
    const before = engine.readState();
    expect(await engine.refresh()).toEqual([]);
    const after = engine.readState();
    expect(Object.fromEntries(Object.entries(after).map(([n, e]) => [n, e.inputs]))).toEqual(Object.fromEntries(Object.entries(before).map(([n, e]) => [n, e.inputs])));
    expect((await engine.preview(program())).map((s) => s.op)).toEqual(["same", "same"]);
});

test("refresh reports a job edited outside Pulumi as drift, and the next preview proposes to restore it", async () => {
    await engine.up(program());
    const winId = engine.readState()["windows-reattempts"].id;
    const linuxId = engine.readState()["linux-makecache"].id;
    emulator.editJob(winId, (job) => (job.reattemptFailedPatches = { noOfReattempts: 1, exponentialBackoffInterval: 15 }));
    emulator.editJob(linuxId, (job) => (job.preDeployActions = []));
    expect(await engine.refresh()).toEqual(["linux-makecache", "windows-reattempts"]);
    expect(engine.readState()["windows-reattempts"].inputs.reattemptFailedPatches).toEqual({ noOfReattempts: 1, exponentialBackoffInterval: 15 });
    const plan = await engine.preview(program());
    expect(plan).toEqual([
        { name: "linux-makecache", op: "update", changed: ["packageCacheUpdate"] },
        { name: "windows-reattempts", op: "update", changed: ["reattemptFailedPatches"] },
    ]);
    await engine.up(program());
    expect(emulator.state.jobs.get(winId)!.reattemptFailedPatches.noOfReattempts).toBe(5);
    expect(emulator.state.jobs.get(linuxId)!.preDeployActions).toHaveLength(1);
});

test("refresh reports a job disabled outside Pulumi as drift", async () => {
    const jobs = program();
    jobs[1].args = windowsReattempts({ status: "Enabled", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"] });
    await engine.up(jobs);
    const id = engine.readState()["windows-reattempts"].id;
    emulator.editJob(id, (job) => (job.status = "Disabled"));
    expect(await engine.refresh()).toEqual(["windows-reattempts"]);
    expect(await engine.preview(jobs)).toContainEqual({ name: "windows-reattempts", op: "update", changed: ["status"] });
});

test("a job deleted outside Pulumi is dropped by refresh", async () => {
    await engine.up(program());
    emulator.state.jobs.delete(engine.readState()["linux-makecache"].id);
    expect(await engine.refresh()).toEqual(["linux-makecache"]);
    expect(Object.keys(engine.readState())).toEqual(["windows-reattempts"]);
});

test("destroy deletes every job", async () => {
    await engine.up(program());
    await engine.destroy();
    expect(emulator.jobs()).toEqual([]);
    expect(engine.readState()).toEqual({});
});

test("adoptJobId adopts an existing job without writing to Qualys, and then previews as no change", async () => {
    const id = emulator.seedJob(require("../../provider/payload").toRequest(windowsReattempts()));
    const mark = emulator.requests.length;
    const steps = await engine.up([{ name: "adopted", args: windowsReattempts({ adoptJobId: id }) }]);
    expect(steps).toEqual([{ name: "adopted", op: "create", changed: [] }]);
    expect(requestsSince(mark).filter((r) => !r.endsWith("auth"))).toEqual(["GET get"]);
    expect(engine.readState().adopted.id).toBe(id);
    expect(emulator.jobs()).toHaveLength(1);
    // Dropping adoptJobId from the program afterwards changes nothing.
    expect((await engine.preview([{ name: "adopted", args: windowsReattempts() }])).map((s) => s.op)).toEqual(["same"]);
});

test("adopting a job that differs from the program fails naming exactly the differing properties", async () => {
    const id = emulator.seedJob(require("../../provider/payload").toRequest(windowsReattempts()));
    const differing = windowsReattempts({ adoptJobId: id, description: "other", reattemptFailedPatches: { noOfReattempts: 2, exponentialBackoffInterval: 15 } });
    await expect(engine.up([{ name: "adopted", args: differing }])).rejects.toThrow(
        `adoptJobId: job ${id} differs from the program in description, reattemptFailedPatches; make the program match the job (pulumi refresh afterwards shows any later edit), or remove adoptJobId to create a new job`,
    );
    expect(engine.readState()).toEqual({});
    expect(emulator.jobs()).toHaveLength(1);
});

test("the import resource option fails in the dynamic provider, as the real engine shows (pulumi#16175)", async () => {
    const id = emulator.seedJob(require("../../provider/payload").toRequest(windowsReattempts()));
    await expect(engine.preview([{ name: "adopted", args: windowsReattempts(), import: id }])).rejects.toThrow("code must be a string, not undefined");
});

test("invalid inputs fail check with path and reason, and no request reaches Qualys", async () => {
    const bad: Declared[] = [
        { name: "bad-windows", args: windowsReattempts({ reattemptFailedPatches: { noOfReattempts: 6, exponentialBackoffInterval: 15 } }) },
    ];
    const error = await engine.up(bad).catch((e) => e);
    expect(error).toBeInstanceOf(CheckError);
    expect(error.failed[0].failures).toEqual([{ property: "reattemptFailedPatches.noOfReattempts", reason: "must be between 1 and 5 (got 6)" }]);
    expect(emulator.requests).toEqual([]);
});

test("an edit of an enabled On-demand job is refused at preview: Qualys locks run-once jobs", async () => {
    const jobs: Declared[] = [{ name: "now", args: windowsReattempts({ status: "Enabled" }) }];
    await engine.up(jobs);
    const mark = emulator.requests.length;
    const error = await engine.preview([{ name: "now", args: windowsReattempts({ status: "Enabled", description: "changed" }) }]).catch((e) => e);
    expect(error.failed[0].failures).toEqual([
        { property: "description", reason: "cannot change: this On-demand job was enabled, and Qualys locks a run-once job once enabled. Declare a new DeploymentJob for the new configuration (it runs again when enabled) and remove this one" },
    ]);
    const disabling = await engine.preview([{ name: "now", args: windowsReattempts({ status: "Disabled" }) }]).catch((e) => e);
    expect(disabling.failed[0].failures[0]).toEqual({ property: "status", reason: "cannot go back to Disabled: this On-demand job was enabled, and Qualys never disables a run-once job" });
    expect(requestsSince(mark)).toEqual([]);
});

test("a job declared without status is created Disabled and never triggered", async () => {
    await engine.up(program().slice(1));
    const job = emulator.jobs()[0];
    expect(job.status).toBe("Disabled");
    expect(job.triggeredAt).toBeUndefined();
    expect(engine.readState()["windows-reattempts"].outputs.status).toBe("Disabled");
});

test("a create whose POST succeeded but whose enabling failed leaves the job recorded in state", async () => {
    emulator.failNext("status", 1, 400, { body: { _error: { errorCode: "400", message: "cannot enable now" } } });
    const jobs: Declared[] = [{ name: "enabled", args: windowsReattempts({ status: "Enabled" }) }];
    const error = await engine.up(jobs).catch((e) => e);
    expect(error.message).toMatch(/^job [-0-9a-f]+ was created but enabling it failed: Qualys PM API rejected POST \/pm\/v1\/deploymentjobs\/update\/status\/Enabled \(400\): cannot enable now$/);
    const entry = engine.readState().enabled;
    expect(entry.id).toBe(emulator.jobs()[0].id);
    expect(entry.outputs.status).toBe("Disabled");
    // The next up finishes the job: it enables the recorded job rather than creating a twin.
    expect(await engine.up(jobs)).toEqual([{ name: "enabled", op: "update", changed: ["status"] }]);
    expect(emulator.jobs()).toHaveLength(1);
    expect(emulator.jobs()[0].status).toBe("Enabled");
});

test("a job recorded after a failed enable can still be destroyed", async () => {
    emulator.failNext("status", 1, 503);
    emulator.failNext("status", 5, 400, { body: { _error: { errorCode: "400", message: "cannot enable now" } } });
    await expect(engine.up([{ name: "enabled", args: windowsReattempts({ status: "Enabled" }) }])).rejects.toThrow("enabling it failed");
    expect(typeof engine.readState().enabled.outputs.__provider).toBe("string");
    await engine.destroy();
    expect(emulator.jobs()).toEqual([]);
});

test("a create that fails leaves no job behind", async () => {
    emulator.failNext("create", 1, 400);
    await expect(engine.up(program().slice(1))).rejects.toThrow("Qualys PM API rejected POST /pm/v1/deploymentjob (400): Injected failure 400");
    expect(emulator.jobs()).toEqual([]);
    expect(engine.readState()).toEqual({});
});

test("the state holds neither the password nor the token; every __provider is under 2 KB and not marked secret", async () => {
    await engine.up(program());
    const text = fs.readFileSync(stateFile, "utf8");
    const token = emulator.requests.find((r) => r.authorization)!.authorization!.replace("Bearer ", "");
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(token);
    for (const entry of Object.values(engine.readState())) {
        const provider = entry.inputs.__provider;
        expect(typeof provider).toBe("string");
        expect(Buffer.byteLength(provider as string)).toBeLessThan(2048);
        expect(provider).toContain('require("qualys-pm-pulumi/provider")');
    }
});

test("the results summary of a job can be read back", async () => {
    await engine.up(program().slice(1));
    const { PmClient } = require("../../provider/client");
    const client = new PmClient({ gatewayUrl: emulator.url, username: "demo-user", password: PASSWORD });
    const summary = await client.getJobResultsSummary(engine.readState()["windows-reattempts"].id);
    expect(summary.assets[0].status).toBe("Reattempting");
});

test("an update keeps byte for byte what the model does not own: job chaining, a custom patch URL, a non-Run-Script action, a newer API's field", async () => {
    const foreign = {
        linkedJobId: "5e2a3f0c-9d7b-4c1e-8a6f-2b4d6e8f0a1c",
        // A field of a newer API (made up): a server answers what it holds.
        maintenanceWindow: { id: "0d9b1c55-3a6e-4f7e-9c2d-8e1f2a3b4c5d", strict: true },
        customPatchURLId: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    };
    const installAction = { action: "Install Software", params: { actionItem: "7-Zip", softwareId: "0f3c1d2e-aaaa-4bbb-8ccc-ddddeeeeffff" } };
    const id = emulator.seedJob({ ...toRequest(windowsReattempts() as DeploymentJobInputs), ...foreign, postDeployActions: [installAction] });
    const kept = () => {
        const job = emulator.state.jobs.get(id)!;
        return JSON.stringify([job.linkedJobId, job.maintenanceWindow, job.customPatchURLId, job.postDeployActions]);
    };
    const before = kept();
    const declared = (reattempts: { noOfReattempts: number; exponentialBackoffInterval: number }): Declared[] => [
        { name: "adopted", args: windowsReattempts({ adoptJobId: id, reattemptFailedPatches: reattempts }) },
    ];
    await engine.up(declared({ noOfReattempts: 5, exponentialBackoffInterval: 15 }));
    const steps = await engine.up(declared({ noOfReattempts: 2, exponentialBackoffInterval: 15 }));
    expect(steps).toContainEqual({ name: "adopted", op: "update", changed: ["reattemptFailedPatches"] });
    expect(emulator.state.jobs.get(id)!.reattemptFailedPatches).toEqual({ noOfReattempts: 2, exponentialBackoffInterval: 15 });
    expect(kept()).toBe(before);
    expect(JSON.parse(before)[3][0]).toMatchObject(installAction);
    // And nothing of it is drift: a preview after a refresh shows no change.
    await engine.refresh();
    expect((await engine.preview(declared({ noOfReattempts: 2, exponentialBackoffInterval: 15 }))).map((s) => s.op)).toEqual(["same"]);
});

test("an edit of an On-demand job someone enabled in Qualys since the last refresh is refused before any write", async () => {
    await engine.up(program());
    const linux = emulator.jobs().find((j) => j.platform === "Linux")!;
    emulator.editJob(linux.id, (job) => (job.status = "Enabled"));
    const changed = program();
    changed[0].args = linuxMakeCache({ description: "edited in code" });
    const mark = emulator.requests.length;
    const error = await engine.up(changed).catch((e) => e);
    expect(error.message).toContain(`job ${linux.id} was enabled in Qualys since the last refresh, and Qualys locks an enabled On-demand job: cannot change description`);
    expect(requestsSince(mark).filter((r) => !r.endsWith("auth"))).toEqual(["GET get"]);
});

test("a job name not known until apply is not taken for a second declaration at preview", async () => {
    const captured = await captureInputs(program());
    const news = { ...captured.get("windows-reattempts")!, __declaredTwice: UNKNOWN };
    expect((await engine.check("windows-reattempts", {}, news)).failures).toEqual([]);
    const twice = { ...captured.get("windows-reattempts")!, __declaredTwice: 'DeploymentJob "b" and DeploymentJob "a" both declare the Qualys job "x" on Windows' };
    expect((await engine.check("windows-reattempts", {}, twice)).failures).toEqual([{ property: "name", reason: twice.__declaredTwice }]);
});
