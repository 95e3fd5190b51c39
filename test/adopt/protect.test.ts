// Adoption next to a stack's own code, through the real Pulumi engine: a stack that already manages
// a job, a tenant with jobs made in the UI (one of them an Enabled On-demand job Qualys has locked),
// `qualys-pm-pulumi adopt --stack test` run in the project, and its program added to the stack's.
// The stack's own job is left out; `up` adopts the others writing nothing; each is protected, so
// `pulumi destroy` refuses to delete them; and the shipped guardrails pass the adopted program.
import * as fs from "node:fs";
import * as path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";
import type { DeploymentJobArgs } from "../../provider/dynamic/args.generated";
import { repoRoot } from "../helpers/root";
import { keepOutput } from "../helpers/secrets";
import { linuxMakeCache } from "../helpers/jobs";
import { PmEmulator, RequestRecord, startEmulator } from "../emulator/server";
import { EngineStack, engineStack, engineSuite } from "../e2e/cli";
import { keepAndRemove } from "../e2e/program";
import { CliRun, compiled, qualysEnv, spawnAdopt } from "./helpers";
import { seed, SeededJob, uuid } from "./tenant";

const { binDir, describeWithCli } = engineSuite("test/adopt/protect (adoption that protects, real Pulumi engine)");

const PACK_DIR = path.join(repoRoot(), "examples", "gitops", "policy");
const PACK = path.join(PACK_DIR, "pulumi-analyzer-qualys-guardrails");
const TYPE = "pulumi-nodejs:dynamic/qualys:DeploymentJob";

/** The stack's own job, declared in its code: it follows every guardrail. */
const OWN: DeploymentJobArgs = linuxMakeCache({ name: "Stack's own job", timeout: 4, timeoutUnit: "HOURS" });

/** Jobs made in the UI: two that follow the guardrails, and an Enabled On-demand job, run and locked, that follows none. */
const TENANT: SeededJob[] = [
    { id: uuid(0x5a1e, 1), inputs: { name: "RHEL critical", platform: "Linux", assetIds: [uuid(0xa55e, 1)], packageCacheUpdate: true, timeout: 4, timeoutUnit: "HOURS" } },
    {
        id: uuid(0x5a1e, 2),
        inputs: {
            name: "Windows monthly", platform: "Windows", assetIds: [uuid(0xa55e, 2)], approvedPatches: [uuid(0xba7c, 2)],
            reattemptFailedPatches: { noOfReattempts: 3, exponentialBackoffInterval: 10 }, timeout: 6, timeoutUnit: "HOURS",
        },
    },
    { id: uuid(0x5a1e, 3), inputs: { name: "Emergency patch", platform: "Linux", status: "Enabled", assetIds: [uuid(0xa55e, 3)], approvedPatches: [uuid(0xba7c, 3)] }, triggered: true },
];

let emulator: PmEmulator;
let env: EngineStack;
let adopted: string | undefined;
let adoptRun: CliRun;
let ownId: string;

const program: automation.PulumiFn = async () => {
    const { DeploymentJob } = require("qualys-pm-pulumi") as typeof import("../../provider/index");
    new DeploymentJob("own", OWN);
    if (adopted) compiled(adopted)(require);
};

function writes(requests: RequestRecord[]): string[] {
    return requests.filter((r) => !["auth", "list", "get"].includes(r.route)).map((r) => `${r.method} ${r.path}`);
}

async function outcome<T>(op: Promise<T>): Promise<{ ok: boolean; text: string }> {
    return op.then((r) => ({ ok: true, text: JSON.stringify(r) }), (error: Error) => ({ ok: false, text: String(error.message) }));
}

describeWithCli("adoption next to a stack's own code, through the real Pulumi engine", () => {
    jest.setTimeout(300_000);

    beforeAll(async () => {
        emulator = await startEmulator();
        seed(emulator, TENANT);
        env = await engineStack(binDir!, "adopt-protect", program, {
            "qualys:gatewayUrl": { value: emulator.url },
            "qualys:username": { value: "demo-user" },
            "qualys:password": { value: "demo-password", secret: true },
        });
        env.stack.workspace.envVars.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
        await env.run(env.stack.up());
        ownId = emulator.jobs().find((j) => j.name === OWN.name)!.id;
        // The command as a user runs it in the project: the CLI on PATH, logged in to the stack's backend.
        const cliEnv = { ...env.stack.workspace.envVars, ...qualysEnv(emulator.url) };
        adoptRun = await spawnAdopt(["--stack", "test", "--out", "adopted.ts"], cliEnv, env.workDir);
        keepOutput("adopt-protect-stderr.txt", adoptRun.stderr);
        adopted = fs.readFileSync(path.join(env.workDir, "adopted.ts"), "utf8");
    });
    afterAll(async () => {
        await keepAndRemove(env, "adopt-protect");
        await emulator.close();
    });

    test("adopt --stack leaves out the job the stack manages, by name, and writes each other job protected", () => {
        expect(adoptRun.status).toBe(0);
        expect(adoptRun.stderr).toContain(`adopt: left out Linux job ${ownId} "Stack's own job": managed by stack test as DeploymentJob "own"`);
        expect(adoptRun.stderr).toMatch(/^adopt: 3 of 4 jobs listed \(Linux 3, Windows 1\) written; 1 left out \(the stack manages them\)/m);
        expect(adopted).toContain("// Left out: 1 job stack test already manages (the command named each one); their resource names are not reused.");
        expect(adopted).not.toContain(ownId);
        expect(adopted!.match(/^new DeploymentJob\(/gm)).toHaveLength(3);
        expect(adopted!.match(/\}, \{ protect: true \}\);$/gm)).toHaveLength(3);
    });

    test("up adopts the three jobs writing nothing to Qualys, and records them protected; the locked job as Qualys holds it", async () => {
        const mark = emulator.requests.length;
        const up = await env.run(env.stack.up());
        expect(up.summary.resourceChanges).toEqual({ same: 2, create: 3 });
        expect(writes(emulator.requests.slice(mark))).toEqual([]);
        const resources = (await env.stack.exportStack()).deployment.resources.filter((r: { type: string }) => r.type === TYPE);
        const protectedIds = resources.filter((r: { protect?: boolean }) => r.protect === true).map((r: { id: string }) => r.id).sort();
        expect(protectedIds).toEqual(TENANT.map((j) => j.id).sort());
        expect(resources.find((r: { id: string }) => r.id === ownId).protect ?? false).toBe(false);
        const locked = resources.find((r: { id: string }) => r.id === TENANT[2].id);
        expect(locked.inputs).toMatchObject({ status: "Enabled", adoptJobId: TENANT[2].id });
    });

    test("the shipped guardrails pass the adopted program, the locked Enabled On-demand job included", async () => {
        const mark = emulator.requests.length;
        const preview = await outcome(env.run(env.stack.preview({ policyPacks: [PACK], policyPackConfigs: [path.join(PACK_DIR, "policy-config.json")] })));
        expect(preview.text).not.toContain("breaks qualys-");
        expect(preview.ok).toBe(true);
        expect(emulator.requests.slice(mark)).toEqual([]);
    });

    test("destroy refuses to delete the protected jobs, and Qualys keeps them", async () => {
        const destroyed = await outcome(env.run(env.stack.destroy()));
        expect(destroyed.ok).toBe(false);
        expect(destroyed.text).toMatch(/cannot be deleted\s+because it is protected/);
        const deleted = emulator.requests.filter((r) => r.method === "DELETE").map((r) => r.path);
        for (const job of TENANT) {
            expect(deleted.some((p) => p.includes(job.id))).toBe(false);
            expect(emulator.jobs().some((j) => j.id === job.id)).toBe(true);
        }
        const recorded = (await env.stack.exportStack()).deployment.resources.filter((r: { type: string }) => r.type === TYPE).map((r: { id: string }) => r.id);
        expect(recorded).toEqual(expect.arrayContaining(TENANT.map((j) => j.id)));
    });
});
