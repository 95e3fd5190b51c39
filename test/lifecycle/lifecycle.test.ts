// A job's life in Qualys through the real Pulumi engine (Automation API, local file backend) against
// the emulator: what a create leaves, what an adoption and an update write and keep, what is refused
// before any write. What the engine plans is test/e2e's; the calls at an exact fault, test/reliability.
// Needs the Pulumi CLI: on PATH or built by `npm run pulumi:install`. Without it, this suite reports
// itself as skipped, by name; it never passes silently.
import { PmEmulator, startEmulator } from "../emulator/server";
import { EngineStack, engineSuite } from "../e2e/cli";
import { emulatorStack, keepAndRemove, programOf, recordedJobs, requestsSince } from "../e2e/program";
import { Declared, linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { DeploymentJobInputs, toRequest } from "../../provider/core/payload";

const { binDir, describeWithCli } = engineSuite("test/lifecycle (a job's life through the real Pulumi engine)");

let emulator: PmEmulator;
let declared: Declared[] = [];
let env: EngineStack;


const seeded = (args = windowsReattempts(), extra: Record<string, unknown> = {}) => emulator.seedJob({ ...toRequest(args as DeploymentJobInputs), ...extra });

describeWithCli("a job's life in Qualys through the real Pulumi engine", () => {
    jest.setTimeout(240_000);

    beforeAll(async () => {
        emulator = await startEmulator();
    });
    afterAll(() => emulator.close());

    beforeEach(async () => {
        emulator.reset();
        declared = [];
        const name = expect.getState().currentTestName!.replace(/\W+/g, "-").slice(0, 40);
        env = await emulatorStack(binDir!, `life-${name}`, emulator, programOf(() => declared));
    });
    afterEach(() => keepAndRemove(env, "lifecycle"));

    test("a job declared without status is created Disabled and never triggered, and its results summary can be read back", async () => {
        declared = [{ name: "windows-reattempts", args: windowsReattempts() }];
        await env.run(env.stack.up());
        const [job] = emulator.jobs();
        expect(job.status).toBe("Disabled");
        expect(job.triggeredAt).toBeUndefined();
        expect((await recordedJobs(env))["windows-reattempts"].outputs.status).toBe("Disabled");
        // The program-side helper, with the stack's qualys: config, as a user's program reads results.
        const withResults = async () => {
            const { DeploymentJob, getDeploymentJobResults } = require("qualys-pm-pulumi") as typeof import("../../provider/index");
            const declaredJob = new DeploymentJob("windows-reattempts", windowsReattempts());
            return { results: getDeploymentJobResults(declaredJob.id) };
        };
        const up = await env.run(env.stack.up({ program: withResults }));
        expect(up.outputs.results.value).toMatchObject({ id: job.id, name: job.name, assets: [{ status: "Reattempting", jobInstanceId: 1 }] });
        expect(emulator.jobs().map((j) => j.status)).toEqual(["Disabled"]);
    });

    test("the results summary of a job that has not run yet (assetCount 1, no asset results) is an empty result, not an error: the up succeeds, 0 of 1 assets reported", async () => {
        declared = [{ name: "windows-reattempts", args: windowsReattempts() }];
        await env.run(env.stack.up());
        const [job] = emulator.jobs();
        // As Qualys answers for a fresh job: it targets one asset, and none has reported.
        emulator.failNext("results", 1, 200, { body: { id: job.id, name: job.name, assetCount: 1, patchCount: 2, createdBy: "emulator_user", createdOn: job.createdBy.date, assets: [] } });
        const withResults = async () => {
            const { DeploymentJob, getDeploymentJobResults } = require("qualys-pm-pulumi") as typeof import("../../provider/index");
            const declaredJob = new DeploymentJob("windows-reattempts", windowsReattempts());
            const results = getDeploymentJobResults(declaredJob.id);
            return { results, reported: results.apply((r) => `${r.assetsReported} of ${r.assetCount} assets reported`) };
        };
        const up = await env.run(env.stack.up({ program: withResults }));
        expect(up.outputs.results.value).toMatchObject({ id: job.id, assetCount: 1, assetsReported: 0, assets: [] });
        expect(up.outputs.reported.value).toBe("0 of 1 assets reported");
    });

    test("adopting a job that differs from the program fails naming exactly the differing properties, and records nothing", async () => {
        const id = seeded();
        declared = [{ name: "adopted", args: windowsReattempts({ adoptJobId: id, description: "other", reattemptFailedPatches: { noOfReattempts: 2, exponentialBackoffInterval: 15 } }) }];
        const error = await env.run(env.stack.up()).catch((e) => e);
        expect(String(error.message)).toContain(
            `adoptJobId: job ${id} differs from the program in description, reattemptFailedPatches; make the program match the job (pulumi refresh afterwards shows any later edit), or remove adoptJobId to create a new job`,
        );
        expect(await recordedJobs(env)).toEqual({});
        expect(emulator.jobs()).toHaveLength(1);
        expect(requestsSince(emulator, 0)).toEqual(["GET get"]);
    });

    test("an update keeps byte for byte what the model does not own: job chaining, a custom patch URL, a non-Run-Script action, a newer API's field; and none of it is drift", async () => {
        const foreign = {
            linkedJobId: "5e2a3f0c-9d7b-4c1e-8a6f-2b4d6e8f0a1c",
            // A field of a newer API (made up): a server answers what it holds.
            maintenanceWindow: { id: "0d9b1c55-3a6e-4f7e-9c2d-8e1f2a3b4c5d", strict: true },
            customPatchURLId: 4242,
        };
        const installAction = { action: "Install Software", params: { actionItem: "7-Zip", softwareId: "0f3c1d2e-aaaa-4bbb-8ccc-ddddeeeeffff" } };
        const id = seeded(windowsReattempts(), { ...foreign, postDeployActions: [installAction] });
        const kept = () => {
            const job = emulator.state.jobs.get(id)!;
            return JSON.stringify([job.linkedJobId, job.maintenanceWindow, job.customPatchURLId, job.postDeployActions]);
        };
        const before = kept();
        const adopted = (noOfReattempts: number): Declared[] => [{ name: "adopted", args: windowsReattempts({ adoptJobId: id, reattemptFailedPatches: { noOfReattempts, exponentialBackoffInterval: 15 } }) }];
        declared = adopted(5);
        await env.run(env.stack.up());
        declared = adopted(2);
        const mark = emulator.requests.length;
        await env.run(env.stack.up());
        expect(requestsSince(emulator, mark)).toEqual(["GET get", "PATCH update"]);
        expect(emulator.state.jobs.get(id)!.reattemptFailedPatches).toEqual({ noOfReattempts: 2, exponentialBackoffInterval: 15 });
        expect(kept()).toBe(before);
        expect(JSON.parse(before)[3][0]).toMatchObject(installAction);
        await env.run(env.stack.refresh({ expectNoChanges: true }));
        await env.run(env.stack.preview({ expectNoChanges: true }));
    });

    test("an edit of an On-demand job someone enabled in Qualys since the last refresh is refused before any write", async () => {
        declared = [{ name: "linux-makecache", args: linuxMakeCache() }];
        await env.run(env.stack.up());
        const [linux] = emulator.jobs();
        emulator.editJob(linux.id, (job) => (job.status = "Enabled"));
        declared = [{ name: "linux-makecache", args: linuxMakeCache({ description: "edited in code" }) }];
        const mark = emulator.requests.length;
        const error = await env.run(env.stack.up()).catch((e) => e);
        expect(String(error.message)).toContain(`job ${linux.id} was enabled in Qualys since the last refresh, and Qualys locks an enabled On-demand job: cannot change description`);
        expect(requestsSince(emulator, mark)).toEqual(["GET get"]);
    });
});
