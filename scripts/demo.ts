// `npm run demo`: the repo's Pulumi program (examples/demo) against the PM API emulator on
// loopback: preview, up, an edit made "in the Qualys UI", refresh showing the drift, a preview
// proposing to restore it, destroy. Uses the real Pulumi engine when a CLI is found (Automation
// API, file backend in a temp folder); otherwise says so and sends the engine's calls to Pulumi's
// dynamic-provider server through the test harness, showing the provider's answers.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, PmEmulator } from "../test/emulator/server";
import { engineStack, findPulumiCli } from "../test/e2e/cli";
import { captureProgram, Engine } from "../test/harness/engine";
import { demoProgram } from "../examples/demo/program";
import { repoRoot } from "../test/helpers/root";

const CONFIG = (url: string) => ({
    "qualys:gatewayUrl": { value: url },
    "qualys:username": { value: "demo-user" },
    "qualys:password": { value: "demo-password", secret: true },
});

function step(n: number, text: string): void {
    console.log(`\n\x1b[1m== ${n}. ${text}\x1b[0m`);
}

function editInQualysUi(emulator: PmEmulator): void {
    const windows = emulator.jobs().find((j) => j.platform === "Windows")!;
    console.log(`job ${windows.id} "${windows.name}": noOfReattempts ${windows.reattemptFailedPatches.noOfReattempts} -> 1, edited outside Pulumi`);
    emulator.editJob(windows.id, (job) => (job.reattemptFailedPatches = { ...job.reattemptFailedPatches, noOfReattempts: 1 }));
}

function jobsOnServer(emulator: PmEmulator): string {
    return emulator.jobs().map((j) => `${j.platform} "${j.name}" (${j.status})`).join(", ") || "none";
}

async function withEngine(binDir: string, emulator: PmEmulator): Promise<void> {
    console.log(`Pulumi CLI: ${binDir} (real engine, local file backend)`);
    const env = await engineStack(binDir, "demo", async () => demoProgram(), CONFIG(emulator.url), { projectName: "qualys-pm-demo" });
    try {
        step(1, "pulumi preview --diff");
        console.log((await env.stack.preview({ diff: true })).stdout);
        step(2, "pulumi up");
        console.log((await env.stack.up()).stdout);
        console.log(`jobs in Qualys: ${jobsOnServer(emulator)}`);
        step(3, "someone edits a job in the Qualys UI");
        editInQualysUi(emulator);
        step(4, "pulumi refresh: the drift is recorded");
        console.log((await env.stack.refresh({ diff: true } as never)).stdout);
        step(5, "pulumi preview --diff: proposes to restore the declared job");
        console.log((await env.stack.preview({ diff: true })).stdout);
        step(6, "pulumi destroy --remove: the jobs, then the stack itself");
        // The CLI's destroy ends by advising `pulumi stack rm test`, which remove: true has the
        // Automation API run right after it: that advice is left out, and what was done is said.
        const destroyed = (await env.stack.destroy({ remove: true })).stdout;
        console.log(destroyed.replace(/\n[^\n]*have been deleted, but the history and configuration[^\n]*\n[^\n]*pulumi stack rm[^\n]*/, ""));
        console.log(`jobs in Qualys: ${jobsOnServer(emulator)}`);
        console.log("stack test removed (pulumi stack rm test), its history and configuration with it");
    } finally {
        await env.cleanup();
        fs.rmSync(env.workDir, { recursive: true, force: true });
    }
    console.log("Nothing is left behind: the demo's state folder (a temp dir) and project folder are deleted too.");
}

async function withHarness(emulator: PmEmulator): Promise<void> {
    console.log("No Pulumi CLI found (npm run pulumi:install builds one where Go is present):");
    console.log("sending the engine's calls to @pulumi/pulumi's dynamic-provider server through test/harness instead;");
    console.log("what the plan would be is the engine's to say, so the provider's own answers are shown.");
    const stateFile = path.join(os.tmpdir(), `qualys-demo-${process.pid}.json`);
    const engine = new Engine({
        stateFile,
        config: Object.fromEntries(Object.entries(CONFIG(emulator.url)).map(([k, v]) => [k, v.value])),
        secretKeys: ["qualys:password"],
    });
    // The same program as the engine path, run under mocks to get what the SDK would send.
    const program = await captureProgram(() => demoProgram());
    await engine.start();
    try {
        step(1, "preview: Check for each job");
        console.log(`  accepted: ${[...(await engine.checkAll(program)).keys()].join(", ")}`);
        step(2, "up: Check, then Create, for each job");
        await engine.createAll(program);
        console.log(`jobs in Qualys: ${jobsOnServer(emulator)}`);
        step(3, "someone edits a job in the Qualys UI");
        editInQualysUi(emulator);
        step(4, "refresh: Read for each job records what Qualys holds");
        await engine.readAll();
        const windows = engine.readState()["windows-reattempts"];
        console.log(`  windows-reattempts is recorded with reattemptFailedPatches ${JSON.stringify(windows.inputs.reattemptFailedPatches)}`);
        step(5, "preview: the provider's Diff of each job against the program");
        for (const [name, diff] of Object.entries(await engine.diffAll(program))) console.log(`  ${name}: ${diff.changes ? "changes (the next up restores the declared job)" : "no changes"}`);
        step(6, "destroy: Delete for each job");
        await engine.deleteAll();
        console.log(`jobs in Qualys: ${jobsOnServer(emulator)}`);
    } finally {
        await engine.stop();
        fs.rmSync(stateFile, { force: true });
    }
}

/** Says so when the node running the demo is older than package.json's engines (it runs there all the same). */
function noteOldNode(): void {
    const supported: string = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")).engines.node;
    if (Number(process.versions.node.split(".")[0]) >= Number(/\d+/.exec(supported)![0])) return;
    console.log(`Node ${process.version} on PATH is older than the supported ${supported}; the demo runs on it all the same (npm test runs on Node 22 from .tools/).`);
}

async function main(): Promise<void> {
    noteOldNode();
    const emulator = await startEmulator();
    console.log(`Qualys PM API emulator on ${emulator.url}`);
    try {
        const binDir = process.env.DEMO_WITHOUT_CLI ? undefined : findPulumiCli();
        await (binDir ? withEngine(binDir, emulator) : withHarness(emulator));
    } finally {
        await emulator.close();
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
