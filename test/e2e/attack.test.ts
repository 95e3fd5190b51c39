// Attacks on one job, one owner through the real Pulumi engine against the emulator: sequences of
// engine operations an unlucky operator runs. After every operation: no id held by two resources,
// no recorded job missing from Qualys, no job in Qualys that no resource records.
import { PmEmulator, startEmulator } from "../emulator/server";
import { Declared, linuxMakeCache } from "../helpers/jobs";
import { toRequest } from "../../provider/core/payload";
import { EngineStack, engineSuite } from "./cli";
import { emulatorStack, keepAndRemove, programOf, recordedJobs } from "./program";

const { binDir, describeWithCli } = engineSuite("test/e2e/attack (ownership attacks, through the real Pulumi engine)");

let emulator: PmEmulator;
let declared: Declared[] = [];
let env: EngineStack;
const URN = (name: string) => `urn:pulumi:test::qualys-pm-e2e::pulumi-nodejs:dynamic/qualys:DeploymentJob::${name}`;
const weekly = (extra = {}) => linuxMakeCache({ name: "x", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"], ...extra });
const unescaped = (text: string) => text.replace(/\\"/g, '"');

type Outcome = { ok: true } | { ok: false; message: string };

async function step(op: () => Promise<unknown>): Promise<Outcome> {
    const outcome: Outcome = await env.run(op() as Promise<{ stdout: string; stderr: string }>).then(() => ({ ok: true as const }), (e: Error) => ({ ok: false as const, message: unescaped(String(e.message)) }));
    const state = Object.values(await recordedJobs(env)).map((r) => r.id.toLowerCase());
    const qualys = emulator.jobs().map((j) => j.id.toLowerCase());
    expect({
        shared: state.filter((id, i) => state.indexOf(id) !== i).length,
        lost: state.filter((id) => !qualys.includes(id)).length,
        nowhere: qualys.filter((id) => !state.includes(id)).length,
    }).toEqual({ shared: 0, lost: 0, nowhere: 0 });
    return outcome;
}

describeWithCli("ownership attacks", () => {
    jest.setTimeout(300_000);
    beforeAll(async () => {
        emulator = await startEmulator();
    });
    afterAll(() => emulator.close());
    beforeEach(async () => {
        emulator.reset();
        const name = expect.getState().currentTestName!.replace(/\W+/g, "-").slice(0, 40);
        env = await emulatorStack(binDir!, name, emulator, programOf(() => declared));
    });
    afterEach(() => keepAndRemove(env, "e2e-attack"));

    test("a resource that adopted its job (adoptJobId left in the program, as the adopt command writes it), then pulumi up --replace, does not lose the job", async () => {
        const made = emulator.seedJob({ name: "x", platform: "Linux", type: "Install", status: "Disabled", scheduleType: "Weekly", recurring: true,
            startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: "1,0,0,0,0,0,0", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"],
            preDeployActions: [{ action: "Run Script", params: { actionItem: "makecache Pre-Action", remediationScope: false, defaultScriptType: "MakeCache" }, scriptType: "sh", script: "" }] });
        declared = [{ name: "a", args: weekly({ adoptJobId: made }) }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        expect((await recordedJobs(env)).a.id).toBe(made);
        // The operator replaces the resource (to start over with a fresh job), adoptJobId still in the program.
        // The engine re-creates it with no old inputs and no diff: the create adopts the job again, and
        // the delete of the old resource's id leaves that job to the resource that now holds it.
        expect(await step(() => env.stack.up({ replace: [URN("a")] }))).toEqual({ ok: true });
        expect(emulator.jobs().map((j) => j.id)).toEqual([made]);
        expect((await recordedJobs(env)).a.id).toBe(made);
        // A fresh job: adoptJobId removed; the replacement then stops on the old job's name, naming deleteBeforeReplace.
        declared = [{ name: "a", args: weekly() }];
        const again = await step(() => env.stack.up({ replace: [URN("a")] }));
        expect(again.ok ? "" : again.message).toContain("give it `deleteBeforeReplace: true`");
        declared = [{ name: "a", args: weekly(), deleteBeforeReplace: true }];
        expect(await step(() => env.stack.up({ replace: [URN("a")] }))).toEqual({ ok: true });
        const [fresh] = emulator.jobs();
        expect(fresh.id).not.toBe(made);
        expect((await recordedJobs(env)).a.id).toBe(fresh.id);
        await env.run(env.stack.preview({ expectNoChanges: true }));
    });

    test("a resource renamed without an alias, the stop's adoptJobId way taken instead, keeps its job: the old name's delete leaves the job adopted in the same up", async () => {
        declared = [{ name: "a", args: weekly({ status: "Enabled" }) }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        const [job] = emulator.jobs();
        declared = [{ name: "b", args: weekly({ status: "Enabled" }) }];
        const stopped = await step(() => env.stack.up());
        expect(stopped.ok ? "" : stopped.message).toContain(`set \`adoptJobId: "${job.id}"\``);
        declared = [{ name: "b", args: weekly({ status: "Enabled", adoptJobId: job.id }) }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        expect(Object.fromEntries(Object.entries(await recordedJobs(env)).map(([n, r]) => [n, r.id]))).toEqual({ b: job.id });
        expect(emulator.jobs().map((j) => j.id)).toEqual([job.id]);
        expect(emulator.enablesApplied()).toEqual({ [job.id]: 1 });
    });

    test("a server that HTML-escapes names: after the ups that record the job, a one-field change goes through, a refresh shows no drift, and a second resource declaring that name makes no second job", async () => {
        emulator.rewriteNames((name) => name.replace(/&/g, "&amp;"));
        declared = [{ name: "a", args: weekly({ name: "Patch & reboot", status: "Enabled" }) }];
        const first = await step(() => env.stack.up());
        expect(first.ok ? "" : first.message).toContain('name "Patch & reboot" was stored as "Patch &amp; reboot"');
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        declared = [{ name: "a", args: weekly({ name: "Patch & reboot", status: "Enabled", timeout: 4 }) }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        expect(emulator.jobs()[0]).toMatchObject({ timeout: 4 });
        await env.run(env.stack.refresh({ expectNoChanges: true } as any));
        await env.run(env.stack.preview({ expectNoChanges: true }));
        // A second resource declaring the same name (as a killed run's new resource would) stops on the escaped job.
        declared = [...declared, { name: "b", args: { ...weekly({ name: "Patch & reboot" }), description: "other" } as any }];
        const stopped = await env.run(env.stack.up()).then(() => "", (e: Error) => unescaped(String(e.message)));
        expect(stopped).toMatch(/Qualys already holds a Linux job named "Patch & reboot"|both declare the Qualys job/);
        expect(emulator.jobs()).toHaveLength(1);
        expect(emulator.enablesApplied()).toEqual({ [emulator.jobs()[0].id]: 1 });
    });

    test("a new platform under the same job name replaces the job (the new platform holds no job of that name): one job, recorded, no stop", async () => {
        declared = [{ name: "a", args: weekly({ status: "Enabled" }) }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        const [old] = emulator.jobs();
        declared = [{ name: "a", args: { ...weekly({ status: "Enabled" }), platform: "Windows", packageCacheUpdate: undefined, approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"] } }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        const [fresh] = emulator.jobs();
        expect(fresh).toMatchObject({ name: "x", platform: "Windows" });
        expect(emulator.enablesApplied()).toEqual({ [old.id]: 1, [fresh.id]: 1 });
        await env.run(env.stack.preview({ expectNoChanges: true }));
    });

    test("pulumi destroy, then pulumi up with adoptJobId still naming the deleted job: a stop that says to remove adoptJobId, nothing made", async () => {
        const made = emulator.seedJob({ ...toRequest(weekly() as any) });
        declared = [{ name: "a", args: weekly({ adoptJobId: made }) }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        expect(await step(() => env.stack.destroy())).toEqual({ ok: true });
        const again = await step(() => env.stack.up());
        expect(again.ok ? "" : again.message).toContain(`adoptJobId: Qualys has no deployment job ${made} (deleted, by pulumi destroy or in Qualys?): remove adoptJobId to create a new job`);
        declared = [{ name: "a", args: weekly() }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        expect(emulator.jobs()).toHaveLength(1);
    });

    // Known limit (test.failing: passes while it holds). A job is ownerless to the provider beyond
    // its own stack: the stop's adoptJobId way ("made outside this stack") also takes a job another
    // stack on the same tenant holds, and destroying either stack deletes the other's job. Lifting it
    // needs a durable ownership mark in Qualys (say, a tag naming stack and resource).
    test.failing("a second stack that follows the stop's adoptJobId way for a job the first stack holds does not come to share it", async () => {
        declared = [{ name: "a", args: weekly() }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        const [job] = emulator.jobs();
        let other: Declared[] = [{ name: "a", args: weekly() }];
        const second = await emulatorStack(binDir!, "second-stack", emulator, programOf(() => other));
        try {
            const stopped = await second.run(second.stack.up()).then(() => "", (e: Error) => unescaped(String(e.message)));
            expect(stopped).toContain(`set \`adoptJobId: "${job.id}"\``);
            other = [{ name: "a", args: weekly({ adoptJobId: job.id }) }];
            await second.run(second.stack.up()).catch(() => undefined);
            await second.run(second.stack.destroy()).catch(() => undefined);
            expect(emulator.jobs().map((j) => j.id)).toEqual([job.id]);
        } finally {
            await keepAndRemove(second, "e2e-attack");
        }
    });

    test("pulumi up --replace of a resource that made its job stops before any write and names deleteBeforeReplace, which then replaces it", async () => {
        declared = [{ name: "a", args: weekly({ status: "Enabled" }) }];
        expect(await step(() => env.stack.up())).toEqual({ ok: true });
        const [old] = emulator.jobs();
        const replaced = await step(() => env.stack.up({ replace: [URN("a")] }));
        expect(replaced.ok ? "" : replaced.message).toContain(`Qualys already holds a Linux job named "x": ${old.id}`);
        expect(replaced.ok ? "" : replaced.message).toContain("give it `deleteBeforeReplace: true`");
        declared = [{ name: "a", args: weekly({ status: "Enabled" }), deleteBeforeReplace: true }];
        expect(await step(() => env.stack.up({ replace: [URN("a")] }))).toEqual({ ok: true });
        const [fresh] = emulator.jobs();
        expect(fresh.id).not.toBe(old.id);
        expect(emulator.enablesApplied()).toEqual({ [old.id]: 1, [fresh.id]: 1 });
    });
});
