// `qualys-pm-pulumi adopt` next to a stack's own code, without the engine: the jobs a stack export
// (or a file backend's state file) records are left out unread, their resource names are not
// reused, a job of the same name and platform is skipped naming the stack's resource; every
// resource is protected unless --no-protect says otherwise.
import * as fs from "node:fs";
import * as path from "node:path";
import { managedJobsOf } from "../../provider/adopt/managed";
import { PmEmulator, startEmulator } from "../emulator/server";
import { projectDir, qualysEnv, runAdopt } from "./helpers";
import { seed, SeededJob, uuid } from "./tenant";

const TYPE = "pulumi-nodejs:dynamic/qualys:DeploymentJob";
const job = (n: number, name: string, platform: "Linux" | "Windows" = "Linux"): SeededJob => ({
    id: uuid(0x5e7, n),
    inputs: { name, platform, assetIds: [uuid(0xa55e, n)], approvedPatches: [uuid(0xba7c, n)] },
});
const MANAGED = job(1, "RHEL critical");
const TENANT = [MANAGED, job(2, "Windows monthly", "Windows"), job(3, "Web servers"), job(4, "Web servers", "Windows"), job(5, "RHEL critical", "Windows")];

/** A stack export recording MANAGED as "rhel", and a Windows job "Web servers" under the resource name "web-servers". */
function stackExport(): object {
    const resource = (name: string, id: string, inputs: object) => ({ urn: `urn:pulumi:dev::patching::${TYPE}::${name}`, type: TYPE, id, inputs, outputs: inputs });
    return {
        version: 3,
        deployment: {
            resources: [
                { urn: "urn:pulumi:dev::patching::pulumi:pulumi:Stack::patching-dev", type: "pulumi:pulumi:Stack" },
                resource("rhel", MANAGED.id.toUpperCase(), { name: "RHEL critical", platform: "Linux" }),
                resource("web-servers", uuid(0x5e7, 99), { name: "Web servers", platform: "Windows" }),
            ],
        },
    };
}

let emulator: PmEmulator;
let dir: string;

beforeAll(async () => {
    emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
    emulator.reset();
    seed(emulator, TENANT);
    dir = projectDir("qualys-adopt-managed-");
    fs.writeFileSync(path.join(dir, "stack.json"), JSON.stringify(stackExport()));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test("a job the stack export records is left out unread, and said so; a job of a name the stack declares on that platform is skipped naming its resource", async () => {
    const run = await runAdopt(["--stack-export", "stack.json", "--out", "jobs.ts"], qualysEnv(emulator.url), { cwd: dir });
    expect(run.stderr).toContain(`adopt: left out Linux job ${MANAGED.id} "RHEL critical": managed by stack.json as DeploymentJob "rhel"\n`);
    expect(run.stderr).toContain(
        `adopt: skipped Windows job ${TENANT[3].id} "Web servers": stack.json declares a Windows job of the same name (DeploymentJob "web-servers"), ` +
            "and a program holds one DeploymentJob per job name and platform; rename one of them in Qualys and run adopt again\n",
    );
    expect(run.status).toBe(3);
    // The managed job is never read: one read per other job.
    expect(emulator.requests.filter((r) => r.route === "get").map((r) => r.path).sort()).toEqual(TENANT.slice(1).map((j) => `/pm/v1/deploymentjob/${j.id}`).sort());
    const program = fs.readFileSync(path.join(dir, "jobs.ts"), "utf8");
    expect(program).not.toContain(MANAGED.id);
    expect(program).toContain("// Left out: 1 job stack.json already manages (the command named each one); their resource names are not reused.");
    // "rhel" and "web-servers" are the stack's: the Windows "RHEL critical" keeps its plain slug, the Linux "Web servers" takes the id suffix.
    expect(program.match(/^new DeploymentJob\("[^"]+"/gm)).toEqual([
        'new DeploymentJob("web-servers-00000003"',
        'new DeploymentJob("rhel-critical"',
        'new DeploymentJob("windows-monthly"',
    ]);
});

test("every resource is written with protect: true, and --no-protect leaves it off, saying so in the program's header", async () => {
    const protectedRun = await runAdopt(["--out", "protected.ts"], qualysEnv(emulator.url), { cwd: dir });
    const protectedProgram = fs.readFileSync(path.join(dir, "protected.ts"), "utf8");
    expect(protectedRun.status).toBe(0);
    expect(protectedProgram.match(/^new DeploymentJob\(/gm)).toHaveLength(TENANT.length);
    expect(protectedProgram.match(/\}, \{ protect: true \}\);$/gm)).toHaveLength(TENANT.length);
    expect(protectedProgram).toContain("// Each is protected (protect: true), as `pulumi import` protects what it imports");
    await runAdopt(["--out", "open.ts", "--no-protect"], qualysEnv(emulator.url), { cwd: dir });
    const open = fs.readFileSync(path.join(dir, "open.ts"), "utf8");
    expect(open).not.toContain("protect");
    expect(open.match(/^\}\);$/gm)).toHaveLength(TENANT.length);
});

test("in a project folder without --stack or --stack-export, adopt says how to leave out the stack's own jobs", async () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: patching\nruntime: nodejs\n");
    const run = await runAdopt(["--out", "jobs.ts"], qualysEnv(emulator.url), { cwd: dir });
    expect(run.stderr).toContain("adopt: this folder holds a Pulumi project: give --stack <name> (or --stack-export <file>) to leave out the jobs that stack already manages\n");
});

test("--stack and --stack-export together are a wrong command line; a file that is no stack export fails before any request", async () => {
    const both = await runAdopt(["--stack", "dev", "--stack-export", "stack.json"], qualysEnv(emulator.url), { cwd: dir });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("qualys-pm-pulumi adopt: --stack and --stack-export name the same thing: give one\n");
    fs.writeFileSync(path.join(dir, "other.json"), JSON.stringify({ resources: [] }));
    const wrong = await runAdopt(["--stack-export", "other.json"], qualysEnv(emulator.url), { cwd: dir });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain("qualys-pm-pulumi adopt: nothing written: other.json is neither a stack export (pulumi stack export) nor a state file: it has no deployment.resources\n");
    expect(emulator.requests).toEqual([]);
});

test("a file backend's state file is read as a stack export; a stack never updated manages nothing", () => {
    const state = { version: 3, checkpoint: { stack: "dev", latest: (stackExport() as { deployment: object }).deployment } };
    const managed = managedJobsOf(JSON.stringify(state), "dev.json");
    expect([...managed.byId]).toEqual([[MANAGED.id, "rhel"], [uuid(0x5e7, 99), "web-servers"]]);
    expect([...managed.resourceNames]).toEqual(["rhel", "web-servers"]);
    expect(managedJobsOf(JSON.stringify({ version: 3, checkpoint: { stack: "dev" } }), "new.json").byId.size).toBe(0);
    expect(managedJobsOf(JSON.stringify({ version: 3, deployment: { manifest: {} } }), "new.json").byId.size).toBe(0);
});
