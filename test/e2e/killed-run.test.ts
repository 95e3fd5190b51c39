// Exactly one job after a killed run, through the real Pulumi engine (Automation
// API, local file backend) against the emulator. A `pulumi up` creating an Enabled On-demand Linux job
// and a Disabled Windows job is killed (SIGKILL) at one point of the Linux job's create: the provider
// process, or the `pulumi` CLI. Then the user goes on as the CLI tells them, and the next `up` must
// leave exactly one job per resource, its id in the engine's state, the Enabled job enabled exactly
// once and the Disabled one never, and a preview with no changes. A job the killed run stored but
// the engine never recorded is no resource's job: the next up stops before any write, naming it and
// the way on (adoptJobId), and the up after that records it. Every row runs on both faces: the
// dynamic DeploymentJob and the native plugin `qualys` (found through Pulumi.yaml's `plugins:`).
//
// The kill points are exact: the emulator holds the request there (holdNext) and answers nothing
// while the process is killed, or (after the enable's answer) the kill runs in the emulator right
// after it handed the answer to the socket; there the provider may still get its result to the
// engine first, so either outcome of that killed up is accepted. The Linux create is also held until
// the engine's state file records the Windows job, so every kill finds the same state around it
// (the engine's outputs event is no sign of that: it comes before the state is written, and a CLI
// killed just after it left the Windows job as a pending create, not recorded).
//
// What the engine does after each kind of kill (Pulumi CLI v3.274.1, file backend):
// - provider killed: the CLI reports the create as failed (the gRPC call to the plugin broke) and ends
//   the up with an error; the state keeps no operation for the killed create and no id: the job the
//   server may hold is unknown to the engine.
// - CLI killed: the state keeps a pending operation "creating" for the Linux resource, and the file
//   backend keeps the dead process's lock: the next `pulumi up` fails with "the stack is currently
//   locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with
//   `pulumi cancel`." A user runs `pulumi cancel` (stack.cancel(): it deletes the backend's lock
//   files) and `pulumi up` again; that up warns of the pending create ("Attempting to deploy or
//   update resources with 1 pending operations from previous deployment ... `pulumi refresh` will
//   need to be run interactively to clear pending CREATE operations") and carries the pending
//   operation forward; `pulumi refresh --clear-pending-creates` drops it (the job is recorded under
//   the resource by then). The killed CLI's plugin process is not killed with it: it is reparented
//   to PID 1 and lives on, idle or waiting on its request (seen alive 8 s later, whether it held a
//   request or had finished); a surviving provider could go on with its create later. The test
//   kills it right after the CLI, as a cancelled CI job (the whole process tree) would.
import * as fs from "node:fs";
import * as path from "node:path";
import { PmEmulator, RequestRecord, startEmulator } from "../emulator/server";
import { Declared, linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { keepOutput } from "../helpers/secrets";
import { EngineStack, engineSuite, Face } from "./cli";
import { emulatorStack, programOf } from "./program";
import { alive, descendants, engineProcesses, exited, isCli, isDynamicProvider, isNativeProvider, kill, Proc, show } from "./processes";

const { binDir, describeWithCli } = engineSuite("test/e2e/killed-run (killed runs through the real Pulumi engine)");

const LINUX = "linux-enabled";
const WINDOWS = "windows-disabled";
/** Deployable (a target, a QQL and the cache update), so that enabling it is allowed. */
const linuxEnabled = (extra = {}) => linuxMakeCache({ status: "Enabled", isDynamicPatchesQQL: true, dynamicPatchesQQL: "vendorSeverity:Critical", ...extra });

let emulator: PmEmulator;
let declared: Declared[] = [];
let env: EngineStack;
/** Every engine process seen in this test, killed at its end if still alive. */
let seen: Proc[] = [];
/** What happened, kept with the test's output. */
let story: string[] = [];

type Victim = "provider" | "CLI";
type Point = "create-arrived" | "create-stored" | "enable-arrived" | "enable-applied" | "enable-answered";
const POINTS: [Point, string][] = [
    ["create-arrived", "the create POST has arrived, before the server stored the job"],
    ["create-stored", "the server stored the job, before the answer reaches the provider"],
    ["enable-arrived", "the enable call has arrived, before it is applied"],
    ["enable-applied", "the enable was applied, before the answer"],
    ["enable-answered", "the enable's answer was sent"],
];

const isLinuxCreate = (r: RequestRecord) => (r.body as { platform?: string } | undefined)?.platform === "Linux";
const isEnable = (r: RequestRecord) => r.path.endsWith("/Enabled");
const WRITES = ["create", "update", "status", "delete"];

type Outcome = { ok: true; stdout: string; stderr: string } | { ok: false; message: string };
function outcome(op: Promise<{ stdout: string; stderr: string }>): Promise<Outcome> {
    return env.run(op).then((r) => ({ ok: true as const, stdout: r.stdout, stderr: r.stderr }), (e: Error) => ({ ok: false as const, message: String(e.message) }));
}

/** The lines of a CLI output that say what went wrong (its errors and warnings), shortened. */
function gist(text: string): string {
    const lines = text.split("\n").map((l) => l.trim())
        .filter((l) => /error|warning|pending|locked|interrupted|cancel|killed/i.test(l) && !/^err\?:|pulumi:pulumi:Stack/.test(l));
    return [...new Set(lines)].slice(0, 12).map((l) => (l.length > 300 ? `${l.slice(0, 297)}...` : l)).join("\n    ");
}

/** The running up's processes: the CLI and its one provider, dynamic or native (looked up ahead, so that a kill is one syscall). */
function engineTree(): ReturnType<typeof engineProcesses> {
    const tree = engineProcesses();
    seen.push(...tree.all);
    if (tree.providers.length !== 1) throw new Error(`expected one provider process under the CLI: ${tree.all.map(show).join("; ")}`);
    return tree;
}

/** SIGKILLs the victim now; with the CLI, then its plugin (left running, reparented, otherwise). */
function killNow(victim: Victim, tree: ReturnType<typeof engineProcesses>): string {
    if (victim === "provider") {
        kill(tree.providers[0]);
        return `killed the provider ${show(tree.providers[0])}`;
    }
    kill(tree.cli);
    const rest = tree.all.filter((p) => p !== tree.cli && alive(p));
    for (const p of rest) kill(p);
    return `killed the CLI ${show(tree.cli)}, then its plugin processes ${rest.map(show).join(", ")}`;
}

/**
 * Resolves once the file backend's state file records `name` with an id. The engine's events come
 * before that: the resource's outputs event is sent before the state is written (seen: a CLI killed
 * after that event left the resource as a pending create), so the file itself is watched.
 */
function recordedInStateFile(name: string): { recorded: Promise<void>; close(): void } {
    const stacks = path.join(env.stateDir, ".pulumi", "stacks", "qualys-pm-e2e");
    const file = path.join(stacks, "test.json");
    let watcher: fs.FSWatcher | undefined;
    const recorded = new Promise<void>((resolve) => {
        const check = () => {
            try {
                const resources: { urn: string; id?: string }[] = JSON.parse(fs.readFileSync(file, "utf8")).checkpoint?.latest?.resources ?? [];
                if (resources.some((r) => r.urn.endsWith(`::${name}`) && r.id)) resolve();
            } catch {
                // not written yet, or being replaced: the next change event reads it again
            }
        };
        watcher = fs.watch(stacks, check);
        check();
    });
    return { recorded, close: () => watcher?.close() };
}

async function deployment() {
    return (await env.stack.exportStack()).deployment as { resources?: { urn: string; id?: string }[]; pending_operations?: { type: string; resource: { urn: string } }[] };
}

/**
 * Runs `pulumi up` with the seed's two jobs and kills the victim at `point` of the Linux job's create.
 * Resolves once the killed run has ended, with what the engine said.
 */
async function killedRun(point: Point, victim: Victim): Promise<void> {
    // The Linux create waits until the engine's state file records the Windows job.
    const gate = emulator.holdNext("create", "before-apply", isLinuxCreate);
    const windows = recordedInStateFile(WINDOWS);
    const run = outcome(env.stack.up());
    const ended = run.then((o) => {
        throw new Error(`the up ended before the kill point ${point}: ${o.ok ? "it succeeded" : o.message}`);
    });
    try {
        await Promise.race([Promise.all([gate.reached, windows.recorded]), ended]);
    } finally {
        windows.close();
    }

    const tree = engineTree();
    let killed: Promise<string>;
    if (point === "create-arrived") {
        killed = Promise.resolve(killNow(victim, tree)); // the gate is never released
    } else if (point === "enable-answered") {
        // Synchronously in the emulator, right after it handed the answer to the socket. The provider,
        // a process of its own, may still get its result to the engine first: then this up succeeds.
        const inHook = new Promise<string>((resolve, reject) =>
            emulator.onAnswered("status", 1, () => {
                try {
                    resolve(killNow(victim, tree));
                } catch (error) {
                    reject(error);
                }
            }, isEnable));
        gate.release();
        killed = Promise.race([inHook, ended]);
    } else {
        const hold = point === "create-stored" ? emulator.holdNext("create", "after-apply", isLinuxCreate)
            : emulator.holdNext("status", point === "enable-arrived" ? "before-apply" : "after-apply", isEnable);
        gate.release();
        killed = Promise.race([hold.reached, ended]).then(() => killNow(victim, tree));
    }
    story.push(`${victim} killed when ${POINTS.find(([p]) => p === point)![1]}: ${await killed}`);
    const result = await run;
    if (point !== "enable-answered") expect(result.ok).toBe(false);
    story.push(`  the killed up ${result.ok ? "SUCCEEDED: the engine had the provider's result before the kill" : `failed: ${gist(result.message)}`}`);
    for (const p of seen) await exited(p);

    const after = await deployment();
    const jobs = emulator.jobs();
    story.push(`  then Qualys holds ${jobs.map((j) => `${j.platform} ${j.id} ${j.status}`).join(", ")}; the state records ${(after.resources ?? []).filter((r) => r.urn.includes("DeploymentJob")).map((r) => `${r.urn.split("::").pop()} ${r.id}`).join(", ")}; pending operations: ${JSON.stringify((after.pending_operations ?? []).map((o) => `${o.type} ${o.resource.urn.split("::").pop()}`))}`);
}

/**
 * What a user does after a killed run, as the CLI and the provider advise, up to the next up that
 * succeeds or not. After a killed CLI: `pulumi cancel` for the stale lock. Then `pulumi up`: where
 * the killed run's job was stored but not recorded, the provider stops before any write, naming the
 * job and the way on, which the user takes (the pending create imported by refresh, or adoptJobId)
 * before the next up.
 */
async function nextUp(victim: Victim): Promise<Outcome> {
    if (victim === "CLI") {
        const locked = await outcome(env.stack.up());
        expect(locked).toMatchObject({ ok: false });
        const message = locked.ok ? "" : locked.message;
        story.push(`  next up: ${gist(message)}`);
        expect(message).toContain("the stack is currently locked by 1 lock(s)");
        expect(message).toContain("`pulumi cancel`");
        await env.stack.cancel();
        story.push("  ran `pulumi cancel`");
    }
    const mark = emulator.requests.length;
    const up = await outcome(env.stack.up());
    story.push(`  next up: ${up.ok ? "succeeded" : "failed"}; ${up.ok ? gist(up.stdout + up.stderr) || "no warning" : gist(up.message)}`);
    story.push(`  its requests: ${emulator.requests.slice(mark).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, "<id>")} ${r.status}`).join(", ")}`);
    if (up.ok) return up;
    await takeTheWayOn(up.message, mark);
    const after = await outcome(env.stack.up());
    story.push(`  then up: ${after.ok ? "succeeded" : `failed: ${gist(after.message)}`}`);
    return after;
}

/** The stop names the job the killed run stored; the way on it gives is taken, with no write before it. */
async function takeTheWayOn(message: string, mark: number): Promise<void> {
    const stored = emulator.jobs().find((j) => j.platform === "Linux")!;
    expect(message).toContain(`Qualys already holds a Linux job named "${linuxEnabled().name}": ${stored.id}`);
    expect(emulator.requests.slice(mark).filter((r) => WRITES.includes(r.route))).toEqual([]);
    // `pulumi refresh --import-pending-creates <urn> --import-pending-creates <id>` does not record
    // the job of a dynamic resource (v3.274.1: the refresh leaves the pending create unimported, and
    // the next up creates again), so the stop names adoptJobId for both kinds of kill.
    expect(message).toContain(`set \`adoptJobId: "${stored.id}"\` on this resource`);
    // Adoption writes nothing: the job is adopted as Qualys holds it, and an enable it still needs is
    // the next up's visible change.
    const held = stored.status === "Disabled" ? "Disabled" : "Enabled";
    declared[0].args = linuxEnabled({ adoptJobId: stored.id, status: held });
    const adopted = await outcome(env.stack.up());
    story.push(`  set adoptJobId: "${stored.id}" and status ${held} on ${LINUX}, as the stop says; that up ${adopted.ok ? "succeeded" : `failed: ${gist(adopted.message)}`}`);
    expect(adopted.ok).toBe(true);
    declared[0].args = linuxEnabled({ adoptJobId: stored.id });
}

/** Exactly one job per resource, its id in the state, enabled exactly as often as declared; no changes left. */
async function expectOneJobPerResource(victim: Victim): Promise<void> {
    const byPlatform = (platform: string) => emulator.jobs().filter((j) => j.platform === platform);
    expect({ linux: byPlatform("Linux").length, windows: byPlatform("Windows").length }).toEqual({ linux: 1, windows: 1 });
    const [linux, windows] = [byPlatform("Linux")[0], byPlatform("Windows")[0]];
    let state = await deployment();
    const idOf = (name: string) => state.resources?.find((r) => r.urn.endsWith(`::${name}`))?.id;
    expect({ [LINUX]: idOf(LINUX), [WINDOWS]: idOf(WINDOWS) }).toEqual({ [LINUX]: linux.id, [WINDOWS]: windows.id });
    const enables = emulator.enablesApplied();
    expect({ linux: enables[linux.id] ?? 0, windows: enables[windows.id] ?? 0 }).toEqual({ linux: 1, windows: 0 });
    expect({ linux: linux.status, windows: windows.status }).toEqual({ linux: "Enabled", windows: "Disabled" });

    if (victim === "CLI" && (state.pending_operations ?? []).length) {
        // The pending create the killed CLI left stays in the state, warned about on every up, until
        // a refresh clears it (the CLI's advice); the resource itself is recorded by now.
        await env.run(env.stack.refresh({ clearPendingCreates: true }));
        state = await deployment();
        story.push("  ran `pulumi refresh --clear-pending-creates`");
    }
    expect(state.pending_operations ?? []).toEqual([]);
    await env.run(env.stack.preview({ expectNoChanges: true }));
    expect({ [LINUX]: idOf(LINUX), [WINDOWS]: idOf(WINDOWS) }).toEqual({ [LINUX]: linux.id, [WINDOWS]: windows.id });
}

// Both faces: the rules are the core's, but each face is its own process the engine kills and restarts.
const FACES: Face[] = ["dynamic", "native"];
describeWithCli.each(FACES)("a pulumi up killed in the middle of a create, on the %s face", (face) => {
    jest.setTimeout(240_000);

    beforeAll(async () => {
        emulator = await startEmulator();
    });
    afterAll(() => emulator.close());

    beforeEach(async () => {
        emulator.reset();
        seen = [];
        story = [];
        declared = [
            { name: LINUX, args: linuxEnabled() },
            { name: WINDOWS, args: windowsReattempts() },
        ];
        const name = `${face}-${expect.getState().currentTestName!.replace(/^.*? face /, "").replace(/\W+/g, "-").slice(0, 40)}`;
        env = await emulatorStack(binDir!, name, emulator, programOf(() => declared, face), face);
    });
    afterEach(async () => {
        // The engine's orphans: whatever this test saw of it, and any engine process still below this one.
        const left = [...seen, ...descendants().filter((p) => isCli(p) || isDynamicProvider(p) || isNativeProvider(p))].filter(alive);
        for (const p of left) kill(p);
        if (left.length) story.push(`killed left-over engine processes: ${left.map(show).join(", ")}`);
        const name = path.basename(env.workDir);
        keepOutput(`e2e-killed-run-${name}.txt`, [expect.getState().currentTestName, ...story, "", ...env.output].join("\n"));
        console.log(`${expect.getState().currentTestName}\n  ${story.join("\n  ")}`);
        for (const file of (fs.readdirSync(env.stateDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"))) {
            keepOutput(`e2e-state-${name}-${path.basename(file)}`, fs.readFileSync(path.join(env.stateDir, file), "utf8"));
        }
        await env.cleanup();
    });

    const cases = (["provider", "CLI"] as Victim[]).flatMap((victim) => POINTS.map(([point, when]) => [victim, when, point] as const));
    test.each(cases)("with the %s killed when %s, the next up leaves exactly one job per resource, recorded, enabled as declared, and no changes", async (victim, _when, point) => {
        await killedRun(point, victim);
        const up = await nextUp(victim);
        expect(up).toMatchObject({ ok: true });
        await expectOneJobPerResource(victim);
    });

    // The engine's own way for a pending create records nothing on either face (CLI v3.274.1: the
    // refresh turns the pending create into a pending import, and the snapshot it writes drops it, with
    // no Read), so the stop's adoptJobId stays the way on, and the docs say so.
    test("with the CLI killed after the server stored the job, `pulumi refresh --import-pending-creates <urn> --import-pending-creates <id>` writes nothing and records nothing", async () => {
        await killedRun("create-stored", "CLI");
        await env.stack.cancel();
        const stored = emulator.jobs().find((j) => j.platform === "Linux")!;
        const pending = (await deployment()).pending_operations?.find((o) => o.resource.urn.endsWith(`::${LINUX}`));
        expect(pending?.type).toBe("creating");
        const mark = emulator.requests.length;
        await env.cli(["refresh", "--yes", "--skip-preview", "--import-pending-creates", pending!.resource.urn, "--import-pending-creates", stored.id]);
        expect(emulator.requests.slice(mark).filter((r) => WRITES.includes(r.route))).toEqual([]);
        const after = await deployment();
        story.push(`  ran \`pulumi refresh --import-pending-creates\`: the state records ${LINUX} as ${after.resources?.find((r) => r.urn.endsWith(`::${LINUX}`))?.id ?? "nothing"}`);
        expect(after.resources?.find((r) => r.urn.endsWith(`::${LINUX}`))).toBeUndefined();
        expect(emulator.jobs().filter((j) => j.platform === "Linux").map((j) => j.id)).toEqual([stored.id]);
    });

    test("a run killed after the server stored the job, then a changed program: the next up creates no second job, and stops before any write, naming the job", async () => {
        await killedRun("create-stored", "provider");
        const stored = emulator.jobs().find((j) => j.platform === "Linux")!;
        declared[0].args = linuxEnabled({ description: "changed after the killed run" });
        const mark = emulator.requests.length;
        const up = await outcome(env.stack.up());
        expect(up.ok).toBe(false);
        const message = up.ok ? "" : up.message;
        story.push(`  the changed program's up: ${gist(message)}`);
        expect(message).toContain(`Qualys already holds a Linux job named "${linuxEnabled().name}": ${stored.id} (Disabled, created by`);
        expect(emulator.jobs().filter((j) => j.platform === "Linux").map((j) => j.id)).toEqual([stored.id]);
        expect(emulator.requests.slice(mark).filter((r) => WRITES.includes(r.route))).toEqual([]);
        expect(emulator.enablesApplied()).toEqual({});
    });
});
