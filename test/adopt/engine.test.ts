// `qualys-pm-pulumi adopt` round trip through the real Pulumi engine (Automation API, file backend):
// a tenant of 200 jobs of mixed shapes made "in the UI", the real command run on it, and what it
// wrote run as a program (adoptJobId) and as a `pulumi import --file` file. Needs the Pulumi CLI
// (PATH or .pulumi-cli/); without it this suite says SKIPPED by name and never passes silently.
import * as fs from "node:fs";
import * as path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { PmEmulator, RequestRecord, startEmulator } from "../emulator/server";
import { EngineStack, engineStack, engineSuite } from "../e2e/cli";
import { keepOutput } from "../helpers/secrets";
import { CliRun, compiled, projectDir, qualysEnv, spawnAdopt, stubLanguageHost } from "./helpers";
import { mixedJob, seed, SeededJob, unadoptableJobs, unmanagedJobs } from "./tenant";

const { binDir, describeWithCli } = engineSuite("test/adopt/engine (adopt round trip through the real Pulumi engine)");

const JOBS = 200;
let emulator: PmEmulator;
let dir: string;
let adopt: CliRun;
let program: string;
let seeded: SeededJob[];
const stacks: EngineStack[] = [];

function writes(requests: RequestRecord[]): string[] {
    return requests.filter((r) => !["auth", "list", "get"].includes(r.route)).map((r) => `${r.method} ${r.path}`);
}

/**
 * A stack whose inline program is the generated program, compiled as a user's project would, with
 * its work dir in the project folder `adopt` wrote to, outside the repo's shared .test-output.
 */
async function stackFor(name: string): Promise<EngineStack> {
    const run = compiled(program);
    const workDir = path.join(dir, name);
    fs.mkdirSync(workDir);
    const env = await engineStack(binDir!, name, async () => void run(require), {
        "qualys:gatewayUrl": { value: emulator.url },
        "qualys:username": { value: "demo-user" },
        "qualys:password": { value: "demo-password", secret: true },
    }, { projectName: "qualys-pm-adopted", workDir });
    stacks.push(env);
    return env;
}

type Recorded = { id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> };
function recorded(deployment: automation.Deployment): Recorded[] {
    return deployment.deployment.resources.filter((r: { type: string }) => r.type === "pulumi-nodejs:dynamic/qualys:DeploymentJob");
}

describeWithCli("qualys-pm-pulumi adopt through the real Pulumi engine", () => {
    jest.setTimeout(300_000);

    beforeAll(async () => {
        emulator = await startEmulator();
        seeded = [...Array.from({ length: JOBS - unmanagedJobs().length }, (_, i) => mixedJob(i)), ...unmanagedJobs()];
        seed(emulator, [...seeded, ...unadoptableJobs()]);
        dir = projectDir("qualys-adopt-e2e-");
        adopt = await spawnAdopt(["--out", "index.ts", "--import-file", "jobs.import.json"], qualysEnv(emulator.url), dir);
        keepOutput("adopt-e2e-stderr.txt", adopt.stderr);
        program = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
    });
    afterAll(async () => {
        for (const env of stacks) {
            // What the CLI printed and the state it wrote (secrets encrypted), for the suite's leak scan.
            keepOutput(`adopt-e2e-output-${path.basename(env.workDir)}.txt`, env.output.join("\n"));
            for (const file of (fs.readdirSync(env.stateDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"))) {
                keepOutput(`adopt-e2e-state-${path.basename(env.workDir)}-${path.basename(file)}`, fs.readFileSync(path.join(env.stateDir, file), "utf8"));
            }
            await env.cleanup();
        }
        fs.rmSync(dir, { recursive: true, force: true });
        await emulator.close();
    });

    test(`adopt reads a tenant of ${JOBS + 3} jobs once each, writes nothing, and exits 3 naming the 3 it cannot represent`, () => {
        expect(adopt.status).toBe(3);
        expect(adopt.stderr.match(/^adopt: skipped .*$/gm)).toHaveLength(3);
        expect(adopt.stderr).toMatch(new RegExp(`^adopt: ${JOBS} of ${JOBS + 3} jobs listed \\(Linux \\d+, Windows \\d+\\) written; 4 keep parts`, "m"));
        expect(emulator.counts()).toEqual({ auth: 1, list: 3, get: JOBS + 3 });
        expect(program.match(/^new DeploymentJob\(/gm)).toHaveLength(JOBS);
    });

    test(`the generated program adopts all ${JOBS} jobs: up writes nothing to Qualys, and preview expects no changes right after it and after a refresh`, async () => {
        const env = await stackFor("adopt-program");
        let mark = emulator.requests.length;
        const up = await env.run(env.stack.up());
        expect(up.summary.resourceChanges).toEqual({ create: JOBS + 1 });
        const during = emulator.requests.slice(mark);
        expect(writes(during)).toEqual([]);
        // One read per job: the adoption's check that the job is what the program declares.
        expect(during.filter((r) => r.route === "get")).toHaveLength(JOBS);
        expect(recorded(await env.stack.exportStack()).map((r) => r.id).sort()).toEqual(seeded.map((j) => j.id).sort());

        mark = emulator.requests.length;
        await env.run(env.stack.preview({ expectNoChanges: true }));
        expect(emulator.requests.slice(mark)).toEqual([]);

        mark = emulator.requests.length;
        await env.run(env.stack.refresh({ expectNoChanges: true }));
        await env.run(env.stack.preview({ expectNoChanges: true }));
        const refreshed = emulator.requests.slice(mark);
        expect(writes(refreshed)).toEqual([]);
        expect(refreshed.filter((r) => r.route === "get")).toHaveLength(JOBS);
    });

    test("pulumi import --file with adopt's import file records every job without a request to Qualys; the program then previews with no changes, and a refresh finds none", async () => {
        const file = JSON.parse(fs.readFileSync(path.join(dir, "jobs.import.json"), "utf8"));
        expect(file.resources).toHaveLength(JOBS);
        const env = await stackFor("adopt-import");
        // `pulumi import` asks the project's language host which packages the program needs; this
        // machine's CLI build has no pulumi-language-nodejs, so a stand-in answers "none".
        const workspace = env.stack.workspace as automation.LocalWorkspace;
        workspace.envVars.PATH = `${path.dirname(stubLanguageHost(dir))}${path.delimiter}${workspace.envVars.PATH}`;
        let mark = emulator.requests.length;
        const imported = await env.run(env.stack.import({ resources: file.resources, generateCode: false, protect: false }));
        expect(imported.summary.resourceChanges).toEqual({ create: 1, import: JOBS });
        // The provider's check, which the import runs on the file's inputs, found nothing to warn about.
        expect(imported.stdout).not.toContain("failed to validate");
        // No Read, no Configure-time request: the outputs in the file are what is recorded.
        expect(emulator.requests.slice(mark)).toEqual([]);
        const state = recorded(await env.stack.exportStack());
        expect(state.map((r) => r.id).sort()).toEqual(seeded.map((j) => j.id).sort());

        mark = emulator.requests.length;
        await env.run(env.stack.preview({ expectNoChanges: true }));
        expect(emulator.requests.slice(mark)).toEqual([]);
        // Refresh runs each job's recorded __provider: the one the import file carried works.
        mark = emulator.requests.length;
        await env.run(env.stack.refresh({ expectNoChanges: true }));
        expect(emulator.requests.slice(mark).filter((r) => r.route === "get")).toHaveLength(JOBS);
        expect(writes(emulator.requests.slice(mark))).toEqual([]);
    });
});
