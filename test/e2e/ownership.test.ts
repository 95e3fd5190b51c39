// One job, one owner, through the real Pulumi engine against the emulator: the cases in which a
// provider process sees only part of the stack (a failed run skips deletes, `--target` hides other
// resources, `dependsOn` reorders), an edit made in Qualys since the last refresh, a server clock
// that is not this machine's, and a server that rewrites names. After every operation the same
// invariants are checked and written to a table (kept with the test output): no id held by two
// resources, no recorded job missing from Qualys, no job in Qualys that no resource records, at most
// one enable applied per job.
import * as automation from "@pulumi/pulumi/automation";
import { PmEmulator, startEmulator } from "../emulator/server";
import { Declared, linuxMakeCache } from "../helpers/jobs";
import { keepOutput } from "../helpers/secrets";
import { EngineStack, engineSuite } from "./cli";
import { emulatorStack, keepAndRemove, programOf, recordedJobs } from "./program";

const { binDir, describeWithCli } = engineSuite("test/e2e/ownership (one job, one owner, through the real Pulumi engine)");

let emulator: PmEmulator;
let declared: Declared[] = [];
let env: EngineStack;
const table: string[] = ["| case | operation | outcome | jobs in Qualys | jobs in the state | ids held by two resources | jobs lost | jobs recorded nowhere | most enables of one job |", "|---|---|---|---|---|---|---|---|---|"];

const WRITES = ["create", "update", "status", "delete"];
const URN = (name: string) => `urn:pulumi:test::qualys-pm-e2e::pulumi-nodejs:dynamic/qualys:DeploymentJob::${name}`;
/** An adoptJobId no job has: its create fails after the check, as an unrelated resource's failure would. */
const NO_SUCH_JOB = "00000000-0000-4000-8000-00000000dead";
const weekly = (extra = {}) => linuxMakeCache({ name: "x", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"], ...extra });

type Outcome = { ok: true } | { ok: false; message: string };

/** The engine prints a provider's error with its quotes escaped (`\"`): read as the provider wrote it. */
const unescaped = (text: string) => text.replace(/\\"/g, '"');

/** Runs one operation and checks the invariants after it, whatever its outcome. */
async function step(label: string, operation: string, op: () => Promise<unknown>): Promise<Outcome> {
    const outcome: Outcome = await env.run(op() as Promise<{ stdout: string; stderr: string }>).then(() => ({ ok: true as const }), (e: Error) => ({ ok: false as const, message: unescaped(String(e.message)) }));
    const state = Object.values(await recordedJobs(env)).map((r) => r.id.toLowerCase());
    const qualys = emulator.jobs().map((j) => j.id.toLowerCase());
    const shared = state.filter((id, i) => state.indexOf(id) !== i).length;
    const lost = state.filter((id) => !qualys.includes(id)).length;
    const nowhere = qualys.filter((id) => !state.includes(id)).length;
    const enables = Math.max(0, ...Object.values(emulator.enablesApplied()));
    const said = outcome.ok ? "succeeded" : `failed: ${(/error: (.*)/.exec(outcome.message)?.[1] ?? outcome.message).slice(0, 140)}`;
    table.push(`| ${label} | ${operation} | ${said.replace(/\|/g, "\\|")} | ${qualys.length} | ${state.length} | ${shared} | ${lost} | ${nowhere} | ${enables} |`);
    expect({ shared, lost, nowhere }).toEqual({ shared: 0, lost: 0, nowhere: 0 });
    expect(enables).toBeLessThanOrEqual(1);
    return outcome;
}

function writesSince(mark: number): string[] {
    return emulator.requests.slice(mark).filter((r) => WRITES.includes(r.route)).map((r) => `${r.method} ${r.route}`);
}

describeWithCli("one job, one owner", () => {
    jest.setTimeout(300_000);

    beforeAll(async () => {
        emulator = await startEmulator();
    });
    afterAll(async () => {
        await emulator.close();
        keepOutput("e2e-ownership-table.md", table.join("\n"));
        console.log(table.join("\n"));
    });
    beforeEach(async () => {
        emulator.reset();
        const name = expect.getState().currentTestName!.replace(/\W+/g, "-").slice(0, 40);
        env = await emulatorStack(binDir!, name, emulator, programOf(() => declared));
    });
    afterEach(() => keepAndRemove(env, "e2e-ownership"));

    test("a resource renamed without an alias, in an up where an unrelated resource fails, keeps the job in Qualys and in the state, and the next up deletes nothing", async () => {
        const label = "rename, unrelated failure";
        declared = [{ name: "a", args: weekly({ status: "Enabled" }) }];
        await step(label, "up", () => env.stack.up());
        const [job] = emulator.jobs();
        declared = [{ name: "a2", args: weekly({ status: "Enabled" }) }, { name: "unrelated", args: linuxMakeCache({ name: "unrelated", adoptJobId: NO_SUCH_JOB }) }];
        const mark = emulator.requests.length;
        const renamed = await step(label, "up (renamed, one failure)", () => env.stack.up());
        expect(renamed.ok).toBe(false);
        expect(renamed.ok ? "" : renamed.message).toContain(`Qualys already holds a Linux job named "x": ${job.id} (Enabled, created by`);
        expect(renamed.ok ? "" : renamed.message).toContain('aliases: [{ name: "<its old name>" }]');
        const next = await step(label, "up again", () => env.stack.up());
        expect(next.ok).toBe(false);
        expect(writesSince(mark)).toEqual([]);
        expect(emulator.jobs().map((j) => j.id)).toEqual([job.id]);
        // The way on the stop names: an alias, then the rename keeps the job.
        declared = [{ name: "a2", args: weekly({ status: "Enabled" }), aliases: ["a"] }];
        expect(await step(label, "up with the alias", () => env.stack.up())).toEqual({ ok: true });
        expect(Object.fromEntries(Object.entries(await recordedJobs(env)).map(([n, r]) => [n, r.id]))).toEqual({ a2: job.id });
        expect(writesSince(mark)).toEqual([]);
        expect(emulator.enablesApplied()).toEqual({ [job.id]: 1 });
    });

    test("a new resource declaring the old name and content of a job another resource renames, created first by dependsOn, does not take that job", async () => {
        const label = "dependsOn";
        declared = [{ name: "a", args: weekly() }];
        await step(label, "up", () => env.stack.up());
        const [job] = emulator.jobs();
        declared = [{ name: "b", args: weekly() }, { name: "a", args: weekly({ name: "y" }), dependsOn: ["b"] }];
        const first = await step(label, "up (b first)", () => env.stack.up());
        expect(first.ok).toBe(false);
        expect(first.ok ? "" : first.message).toContain(`Qualys already holds a Linux job named "x": ${job.id}`);
        expect(emulator.state.jobs.get(job.id)).toMatchObject({ name: "x" });
        // The rename on its own first (the dependency dropped), then b gets a job of its own.
        declared = [{ name: "a", args: weekly({ name: "y" }) }];
        expect(await step(label, "up (a alone)", () => env.stack.up())).toEqual({ ok: true });
        declared = [{ name: "b", args: weekly() }, { name: "a", args: weekly({ name: "y" }), dependsOn: ["b"] }];
        expect(await step(label, "up (both)", () => env.stack.up())).toEqual({ ok: true });
        const ids = Object.fromEntries(Object.entries(await recordedJobs(env)).map(([n, r]) => [n, r.id]));
        expect(ids.a).toBe(job.id);
        expect(ids.b).not.toBe(job.id);
        expect(emulator.jobs().map((j) => j.name).sort()).toEqual(["x", "y"]);
    });

    test("pulumi up --target of a new resource declaring another resource's old job name and content, then a full up, leaves each resource its own job", async () => {
        const label = "--target";
        declared = [{ name: "a", args: weekly() }];
        await step(label, "up", () => env.stack.up());
        const [job] = emulator.jobs();
        declared = [{ name: "a", args: weekly({ name: "y" }) }, { name: "b", args: weekly() }];
        const targeted = await step(label, "up --target b", () => env.stack.up({ target: [URN("b")] }));
        expect(targeted.ok).toBe(false);
        expect(targeted.ok ? "" : targeted.message).toContain(`Qualys already holds a Linux job named "x": ${job.id}`);
        // The full up renames a's job; b's create may run before that rename is applied, and then stops the same way.
        let full = await step(label, "full up", () => env.stack.up());
        if (!full.ok) full = await step(label, "full up again", () => env.stack.up());
        expect(full).toEqual({ ok: true });
        const ids = Object.fromEntries(Object.entries(await recordedJobs(env)).map(([n, r]) => [n, r.id]));
        expect(ids.a).toBe(job.id);
        expect(ids.b).not.toBe(job.id);
        expect(emulator.jobs().map((j) => j.name).sort()).toEqual(["x", "y"]);
        await env.run(env.stack.preview({ expectNoChanges: true }));
    });

    test("an asset, a co-author and a description added in Qualys are not wiped by an up that changes only timeout: it stops before any write, naming each field with both values", async () => {
        const label = "edit in Qualys, then another field";
        declared = [{ name: "a", args: weekly({ status: "Enabled" }) }];
        await step(label, "up", () => env.stack.up());
        const [job] = emulator.jobs();
        const asset = "11111111-2222-4333-8444-555555555555";
        const coAuthor = "99999999-8888-4777-8666-555555555555";
        emulator.editJob(job.id, (j) => {
            j.assetIds = [...j.assetIds, asset];
            j.coAuthorUserIds = [coAuthor];
            j.description = "added in the UI";
        });
        declared = [{ name: "a", args: weekly({ status: "Enabled", timeout: 4 }) }];
        const preview = await env.run(env.stack.preview({ diff: true }));
        expect(preview.stdout).toContain("timeout");
        const mark = emulator.requests.length;
        const up = await step(label, "up (timeout only, no refresh)", () => env.stack.up());
        expect(up.ok).toBe(false);
        const message = up.ok ? "" : up.message;
        expect(message).toContain(`job ${job.id} was changed in Qualys since the last refresh`);
        expect(message).toContain(`assetIds is ["08a028e6-7e1d-4dbf-b040-48d9059dee08","${asset}"] in Qualys, ["08a028e6-7e1d-4dbf-b040-48d9059dee08"] in the state`);
        expect(message).toContain(`coAuthorUserIds is ["${coAuthor}"] in Qualys, not set in the state`);
        // The dynamic face cannot tell a secret from plain text: free text is named, never quoted.
        expect(message).toContain("description is [a value not quoted: it may be a secret] in Qualys, not set in the state");
        expect(message).not.toContain("added in the UI");
        expect(message).toContain("Run pulumi refresh (or pulumi up --refresh)");
        expect(writesSince(mark)).toEqual([]);
        expect(emulator.state.jobs.get(job.id)).toMatchObject({ description: "added in the UI", coAuthorUserIds: [coAuthor] });
        // With a refresh first, the plan shows what the up would undo, and the up applies exactly that.
        const refreshed = await env.run(env.stack.preview({ diff: true, refresh: true } as automation.PreviewOptions));
        expect(refreshed.stdout).toMatch(/description/);
        expect(await step(label, "up --refresh", () => env.stack.up({ refresh: true }))).toEqual({ ok: true });
    });

    test.each([
        ["15 minutes behind", -15 * 60_000],
        ["15 minutes ahead", 15 * 60_000],
    ])("a create whose answer is dropped, with the server's clock %s, records the one job the POST made", async (label, skew) => {
        emulator.skewClock(skew);
        emulator.dropAfterApply("create", 1);
        declared = [{ name: "a", args: weekly({ status: "Enabled" }) }];
        expect(await step(`dropped answer, server clock ${label}`, "up", () => env.stack.up())).toEqual({ ok: true });
        expect(emulator.counts().create).toBe(1);
        expect(emulator.jobs()).toHaveLength(1);
        await env.run(env.stack.preview({ expectNoChanges: true }));
    });

    test("a server that HTML-escapes names: the job its create made is recorded, never a second one, over three ups", async () => {
        const label = "server rewrites names";
        emulator.rewriteNames((name) => name.replace(/&/g, "&amp;"));
        declared = [{ name: "a", args: weekly({ name: "Patch & reboot", status: "Enabled" }) }];
        const first = await step(label, "up 1", () => env.stack.up());
        expect(first.ok).toBe(false);
        expect(first.ok ? "" : first.message).toContain('was created, but Qualys stored it differently from what was sent: name "Patch & reboot" was stored as "Patch &amp; reboot"');
        await step(label, "up 2", () => env.stack.up());
        await step(label, "up 3", () => env.stack.up());
        expect(emulator.counts().create).toBe(1);
        expect(emulator.jobs()).toHaveLength(1);
    });
});
