// The examples as someone who cloned the repository runs them: each installs qualys-pm-pulumi from
// the repository itself (`file:../..`, packed as npm would publish it, so the example holds one
// copy of @pulumi/pulumi), with `npm ci --offline` (its lockfile pins what the root's lockfile
// pins, so nothing is downloaded), compiles with its own TypeScript, and its program runs through
// the real Pulumi engine against the emulator: preview, up, a preview expecting no change, destroy.
// The policy pack depends on the release tarball instead: test/packaging/consumer.test.ts installs a
// copy of it in a user's project and runs it there.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PmEmulator, startEmulator } from "../emulator/server";
import { repoRoot } from "../helpers/root";
import { keepOutput } from "../helpers/secrets";
import { runNode } from "../helpers/run-node";
import { engineSuite } from "../e2e/cli";

const ROOT = repoRoot();
const EXAMPLES = path.join(ROOT, "examples");
const { binDir } = engineSuite("test/examples, the programs through the real Pulumi engine");

/** Example folders with a Pulumi program and a package.json; and every example package (the policy pack too). */
const programs = fs.readdirSync(EXAMPLES).filter((d) => fs.existsSync(path.join(EXAMPLES, d, "Pulumi.yaml")) && fs.existsSync(path.join(EXAMPLES, d, "package.json")));
const packages = [...programs, "gitops/policy"];
const rootLock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
const rootManifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** npm ci in the example, offline; removes the install afterwards when the example had none. */
function install(dir: string): () => void {
    const hadModules = fs.existsSync(path.join(dir, "node_modules"));
    execFileSync("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
    return () => {
        if (!hadModules) fs.rmSync(path.join(dir, "node_modules"), { recursive: true, force: true });
    };
}

test("there are examples with programs: the Linux cache update, Patch Tuesday, the Windows reattempts", () => {
    expect(programs.sort()).toEqual(["linux-package-cache", "patch-tuesday", "windows-reattempts"]);
});

describe.each(packages)("examples/%s", (example) => {
    const dir = path.join(EXAMPLES, example);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8"));

    if (example === "gitops/policy") {
        test("depends on the release tarball next to its folder, as it will be in the repository it is copied to (not on the registry, where the package is not published)", () => {
            expect(manifest.dependencies["qualys-pm-pulumi"]).toBe(`file:../qualys-pm-pulumi-${rootManifest.version}.tgz`);
            // Each build packs another tarball; an integrity in the lockfile would make npm ci install a cached older one.
            expect(lock.packages["node_modules/qualys-pm-pulumi"].integrity).toBeUndefined();
        });
    } else {
        test("depends on qualys-pm-pulumi from this repository, installed as a packed copy (not from the registry, where it is not published)", () => {
            expect(manifest.dependencies["qualys-pm-pulumi"]).toBe(`file:${path.relative(dir, ROOT)}`);
            expect(fs.readFileSync(path.join(dir, ".npmrc"), "utf8")).toMatch(/^install-links=true$/m);
        });
    }

    test("its lockfile pins only what the root's lockfile pins, and the package's current dependencies (scripts/lock-examples.sh rewrites it)", () => {
        const differing = Object.entries(lock.packages as Record<string, { version?: string; integrity?: string }>)
            .filter(([key]) => key !== "" && key !== "node_modules/qualys-pm-pulumi")
            .filter(([key, entry]) => rootLock.packages[key]?.version !== entry.version || rootLock.packages[key]?.integrity !== entry.integrity)
            .map(([key, entry]) => `${key}@${entry.version}`);
        expect(differing).toEqual([]);
        const packed = lock.packages["node_modules/qualys-pm-pulumi"];
        expect(packed.resolved).toBe(manifest.dependencies["qualys-pm-pulumi"]);
        expect(packed.dependencies).toEqual(rootManifest.dependencies);
        expect(packed.peerDependencies).toEqual(rootManifest.peerDependencies);
    });
});

describe.each(programs)("examples/%s, installed and run", (example) => {
    const dir = path.join(EXAMPLES, example);
    const projectName = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))![1];
    let emulator: PmEmulator;
    let work: string;
    let uninstall: () => void = () => undefined;

    beforeAll(async () => {
        emulator = await startEmulator();
        work = fs.mkdtempSync(path.join(os.tmpdir(), `qualys-example-${example}-`));
    });
    afterAll(async () => {
        uninstall();
        await emulator.close();
        fs.rmSync(work, { recursive: true, force: true });
    });

    test("npm ci --offline installs the package as a copy of this repository's build, with a single @pulumi/pulumi, and the program compiles with the example's TypeScript", () => {
        uninstall = install(dir);
        const installed = path.join(dir, "node_modules", "qualys-pm-pulumi");
        expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
        expect(fs.existsSync(path.join(installed, "dist", "provider", "index.js"))).toBe(true);
        expect(JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")).version).toBe(rootManifest.version);
        expect(fs.existsSync(path.join(installed, "node_modules"))).toBe(false);
        // The program's directory for the engine: the example's node_modules, and the compiled program.
        fs.symlinkSync(path.join(dir, "node_modules"), path.join(work, "node_modules"), "dir");
        execFileSync(process.execPath, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", dir, "--outDir", path.join(work, "bin")], { cwd: dir, encoding: "utf8" });
        expect(fs.existsSync(path.join(work, "bin", "index.js"))).toBe(true);
    }, 300_000);

    (binDir ? test : test.skip)("its program previews, creates its job in Qualys, shows no change on a second preview, and destroys it, through the real engine", async () => {
        expect(fs.existsSync(path.join(work, "bin", "index.js"))).toBe(true);
        const stateDir = path.join(work, "state");
        fs.mkdirSync(stateDir);
        // Started asynchronously: the emulator answers from this process's event loop.
        const drive = async (op: "deploy" | "destroy") => {
            const run = await runNode([path.join(ROOT, "dist", "test", "examples", "run-example.js"), JSON.stringify({
                workDir: work,
                program: path.join(work, "bin", "index.js"),
                projectName,
                binDir,
                stateDir,
                op,
                config: {
                    "qualys:gatewayUrl": { value: emulator.url },
                    "qualys:username": { value: "demo-user" },
                    "qualys:password": { value: "demo-password", secret: true },
                },
            })], work);
            keepOutput(`example-${example}-${op}.txt`, run.stdout + run.stderr);
            expect(run.stderr.split("\n").filter((l) => /error/i.test(l))).toEqual([]);
            expect(run.status).toBe(0);
            const result = JSON.parse(run.stdout.trim().split("\n").pop()!);
            // The program ran on the example's own SDK, not the repository's.
            expect(fs.realpathSync(result.sdk)).toBe(fs.realpathSync(path.join(dir, "node_modules", "@pulumi", "pulumi")));
            return result;
        };
        const deployed = await drive("deploy");
        expect(deployed.preview.changes).toEqual({ create: 2 });
        expect(deployed.preview.stdout).toContain("+ pulumi-nodejs:dynamic/qualys:DeploymentJob: (create)");
        expect(deployed.up.changes).toEqual({ create: 2 });
        expect(emulator.jobs().map((j) => j.id)).toEqual([deployed.up.outputs.jobId]);
        expect(deployed.again).toEqual({ same: 2 });
        const destroyed = await drive("destroy");
        expect(destroyed.destroy).toEqual({ delete: 2 });
        expect(emulator.jobs()).toEqual([]);
    }, 300_000);
});
