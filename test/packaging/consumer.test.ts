// The install path the README gives, as a user takes it: the release tarball (`npm pack`, which
// `npm run pack:release` runs) installed by path into a new default CommonJS Pulumi TypeScript
// project with `npm install ./qualys-pm-pulumi-<version>.tgz`, compiled there with its own tsc, and
// its program run through the real engine against the emulator (up, then destroy), with the
// guardrails policy pack copied into the project as examples/gitops tells (policy/, the tarball next
// to it) and installed with `npm ci --prefix policy`, as the GitOps workflow does.
//
// The program runs as an Automation API inline program in a process that loads the project's own
// @pulumi/pulumi (test/examples/run-example.ts): the Node.js language host is not built here. The CLI
// is this checkout's (.pulumi-cli/ or PATH); its dynamic-provider plugin must run the project's
// @pulumi/pulumi and the project's copy of the package, which a marker added to that copy shows.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PmEmulator, startEmulator } from "../emulator/server";
import { repoRoot } from "../helpers/root";
import { keepOutput } from "../helpers/secrets";
import { runNode } from "../helpers/run-node";
import { engineSuite } from "../e2e/cli";

const ROOT = repoRoot();
const { binDir } = engineSuite("test/packaging/consumer, the release tarball's program through the real Pulumi engine");
const rootManifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const rootLock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
/** The version this repository locks, so that npm finds it in the cache its own `npm ci` filled. */
const locked = (name: string): string => rootLock.packages[`node_modules/${name}`].version;
const TARBALL = `qualys-pm-pulumi-${rootManifest.version}.tgz`;

let project: string;
let emulator: PmEmulator;

/** npm in the project, preferring what the cache holds; what it printed is kept for the report and the leak scan. */
function npm(args: string[], name: string): string {
    const run = spawnSync("npm", [...args, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project, encoding: "utf8", timeout: 300_000 });
    keepOutput(`consumer-${name}.txt`, run.stdout + run.stderr);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    return run.stdout + run.stderr;
}

beforeAll(async () => {
    project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "qualys-consumer-")));
    emulator = await startEmulator();
    // dist/ was built by `npm test`'s pretest; --ignore-scripts packs it as it is.
    const [info] = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", project], { cwd: ROOT, encoding: "utf8" }));
    expect(info.filename).toBe(TARBALL);
    // What `pulumi new typescript` writes (CommonJS), its versions those of this repository's lockfile.
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: patch-jobs\nruntime:\n  name: nodejs\n  options:\n    packagemanager: npm\ndescription: Patch jobs from the release tarball\n");
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({
        name: "patch-jobs",
        main: "index.ts",
        devDependencies: { "@types/node": locked("@types/node"), typescript: locked("typescript") },
        dependencies: { "@pulumi/pulumi": locked("@pulumi/pulumi") },
    }, null, 2));
    fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({
        compilerOptions: { strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true, experimentalDecorators: true, pretty: true, noFallthroughCasesInSwitch: true, noImplicitReturns: true, forceConsistentCasingInFileNames: true },
        files: ["index.ts"],
    }));
    fs.writeFileSync(path.join(project, "index.ts"), [
        'import * as qualys from "qualys-pm-pulumi";',
        "",
        'const job = new qualys.DeploymentJob("packed-linux", {',
        '    name: "from the tarball",',
        '    platform: "Linux",',
        '    assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"],',
        "    packageCacheUpdate: true,",
        '    timeout: 4,',
        '    timeoutUnit: "HOURS",',
        "});",
        "export const jobId = job.id;",
        "",
    ].join("\n"));
}, 120_000);
afterAll(async () => {
    await emulator?.close();
    fs.rmSync(project, { recursive: true, force: true });
});

test("`npm install ./<tarball>` installs the package as a copy beside a single @pulumi/pulumi, and tsc compiles a program declaring a DeploymentJob", () => {
    npm(["install", `./${TARBALL}`], "install");
    const manifest = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8"));
    expect(manifest.dependencies["qualys-pm-pulumi"]).toBe(`file:${TARBALL}`);
    const installed = path.join(project, "node_modules", "qualys-pm-pulumi");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")).version).toBe(rootManifest.version);
    expect(fs.existsSync(path.join(installed, "node_modules", "@pulumi"))).toBe(false);
    // The command the package installs (bin) runs from the project, as `npx qualys-pm-pulumi` would start it.
    expect(execFileSync(path.join(project, "node_modules", ".bin", "qualys-pm-pulumi"), ["adopt", "--help"], { cwd: project, encoding: "utf8" })).toMatch(/^Usage: qualys-pm-pulumi adopt \[options\]\n/);
    execFileSync(process.execPath, [path.join(project, "node_modules", "typescript", "bin", "tsc"), "-p", project], { cwd: project, encoding: "utf8" });
    expect(fs.existsSync(path.join(project, "bin", "index.js"))).toBe(true);
}, 300_000);

test("the guardrails policy pack, copied into the project with the tarball next to it, installs with `npm ci --prefix policy` and starts", () => {
    fs.cpSync(path.join(ROOT, "examples", "gitops", "policy"), path.join(project, "policy"), { recursive: true, filter: (src) => path.basename(src) !== "node_modules" });
    npm(["ci", "--prefix", "policy"], "policy-ci");
    const installed = path.join(project, "policy", "node_modules", "qualys-pm-pulumi");
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")).version).toBe(rootManifest.version);
    // The engine starts an executable pack and reads the port it prints (the address is never dialled).
    const started = spawnSync(path.join(project, "policy", "pulumi-analyzer-qualys-guardrails"), ["127.0.0.1:1"], { encoding: "utf8", timeout: 15_000, killSignal: "SIGKILL" });
    expect(started.stdout).toMatch(/^\d+\n/);
}, 300_000);

(binDir ? test : test.skip)("its program goes up with the policy pack and is destroyed through the real engine, the provider run from the project's own @pulumi/pulumi and package", async () => {
    expect(fs.existsSync(path.join(project, "bin", "index.js"))).toBe(true);
    expect(fs.existsSync(path.join(project, "policy", "node_modules"))).toBe(true);
    // The marker: the project's copy of the provider module records which process loaded it, and from where.
    const marker = path.join(project, "provider-loads.jsonl");
    const providerModule = execFileSync(process.execPath, ["-p", 'require.resolve("qualys-pm-pulumi/provider")'], { cwd: project, encoding: "utf8" }).trim();
    expect(providerModule.startsWith(path.join(project, "node_modules", "qualys-pm-pulumi") + path.sep)).toBe(true);
    fs.appendFileSync(providerModule, `\nrequire("node:fs").appendFileSync(${JSON.stringify(marker)}, JSON.stringify({ main: require.main && require.main.filename, module: __filename }) + "\\n");\n`);
    // The pack's patch-window rule set to advisory and narrower than the job's 4 hours: the preview warns, and passes.
    const policyConfig = JSON.parse(fs.readFileSync(path.join(project, "policy", "policy-config.json"), "utf8"));
    policyConfig["qualys-patch-window"] = { enforcementLevel: "advisory", maxHours: 2 };
    fs.writeFileSync(path.join(project, "policy-config.json"), JSON.stringify(policyConfig));
    const stateDir = path.join(project, ".state", "backend");
    fs.mkdirSync(stateDir, { recursive: true });
    const drive = async (op: "deploy" | "destroy") => {
        const run = await runNode([path.join(ROOT, "dist", "test", "examples", "run-example.js"), JSON.stringify({
            workDir: project,
            program: path.join(project, "bin", "index.js"),
            projectName: "patch-jobs",
            binDir,
            stateDir,
            op,
            policyPacks: [path.join(project, "policy", "pulumi-analyzer-qualys-guardrails")],
            policyPackConfigs: [path.join(project, "policy-config.json")],
            config: {
                "qualys:gatewayUrl": { value: emulator.url },
                "qualys:username": { value: "demo-user" },
                "qualys:password": { value: "demo-password", secret: true },
            },
        })], project);
        keepOutput(`consumer-${op}.txt`, run.stdout + run.stderr);
        expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
        const result = JSON.parse(run.stdout.trim().split("\n").pop()!);
        expect(result.sdk).toBe(path.join(project, "node_modules", "@pulumi", "pulumi"));
        return result;
    };

    const deployed = await drive("deploy");
    expect(deployed.preview.stdout).toContain("qualys-guardrails@v0.1.0");
    expect(deployed.preview.stdout).toContain('DeploymentJob "packed-linux" (Qualys job "from the tarball") breaks qualys-patch-window: has a patch window of 4 hours; at most 2 hours allowed');
    expect(deployed.up.changes).toEqual({ create: 2 });
    expect(emulator.jobs().map((j) => [j.id, j.name, j.preDeployActions[0].params.defaultScriptType])).toEqual([[deployed.up.outputs.jobId, "from the tarball", "MakeCache"]]);
    expect(deployed.again).toEqual({ same: 2 });
    const destroyed = await drive("destroy");
    expect(destroyed.destroy).toEqual({ delete: 2 });
    expect(emulator.jobs()).toEqual([]);

    // Every provider process (the engine's, started through the plugin of this checkout's CLI) ran the
    // project's dynamic-provider server and the project's copy of the package, not this checkout's.
    const loads = fs.readFileSync(marker, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { main: string; module: string });
    const providerProcesses = loads.filter((l) => l.main?.endsWith(path.join("cmd", "dynamic-provider", "index.js")));
    expect(providerProcesses.length).toBeGreaterThan(0);
    expect([...new Set(providerProcesses.map((l) => `${l.main} ${l.module}`))]).toEqual([
        `${path.join(project, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js")} ${providerModule}`,
    ]);
}, 300_000);
