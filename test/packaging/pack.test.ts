// The package as a user gets it: `npm pack`, installed into a fresh default Pulumi TypeScript
// project (CommonJS), compiled there, and run under the harness against the emulator, with the
// provider process resolving the packed copy by name. test/packaging/consumer.test.ts takes the
// README's install path instead: `npm install` of the tarball, and the real engine.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../emulator/server";
import { captureProgramFile, Engine } from "../harness/engine";
import { repoRoot } from "../helpers/root";

const ROOT = repoRoot();
let project: string;
let tarball: string;

beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-pack-"));
    // dist/ was built by `npm test`'s pretest; --ignore-scripts packs it as it is.
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", project], { cwd: ROOT, encoding: "utf8" });
    const [info] = JSON.parse(out);
    tarball = path.join(project, info.filename);
    packedFiles = info.files.map((f: { path: string }) => f.path);
}, 120_000);
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

let packedFiles: string[] = [];

test("the tarball holds the compiled provider with its type declarations, the schemas, the native plugin's bin/, README, LICENSE and CHANGELOG, and nothing else", () => {
    const top = ["CHANGELOG.md", "LICENSE", "README.md", "package.json"];
    const outside = packedFiles.filter((f) => !top.includes(f) && !/^(bin\/pulumi-resource-qualys(\.cmd)?|dist\/provider\/.+\.(js|d\.ts)|dist\/schema\/[^/]+\.json|schema\/[^/]+\.json)$/.test(f));
    expect(outside).toEqual([]);
    for (const needed of ["schema/qualys.schema.json", "bin/pulumi-resource-qualys", "dist/provider/native/main.js"]) expect(packedFiles).toContain(needed);
    expect(packedFiles.filter((f) => top.includes(f)).sort()).toEqual(top);
    expect(packedFiles.filter((f) => /^(\.ci|scripts|test|examples|dist\/test|dist\/scripts|dist\/examples)\//.test(f) || f.endsWith(".map") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
});

test("every entry point package.json names is in the tarball: main, types, bin and each export", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const targets = (value: unknown): string[] => (typeof value === "string" ? [value] : Object.values(value as object).flatMap(targets));
    const entries = [manifest.main, manifest.types, ...Object.values(manifest.bin), ...targets(manifest.exports)].map((f: string) => f.replace(/^\.\//, ""));
    const missing = entries.filter((f) => (f.includes("*") ? !packedFiles.some((p) => p.startsWith(f.slice(0, f.indexOf("*")))) : !packedFiles.includes(f)));
    expect(missing).toEqual([]);
});

test("the tarball's LICENSE is the full Apache-2.0 text that package.json declares, as the Apache Software Foundation publishes it", () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).license).toBe("Apache-2.0");
    expect(packedFiles).toContain("LICENSE");
    // The SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt (the file other packages ship verbatim, e.g. long's).
    const digest = createHash("sha256").update(fs.readFileSync(path.join(ROOT, "LICENSE"))).digest("hex");
    expect(digest).toBe("cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30");
});

test("installed into a default Pulumi TypeScript project, a program type-checks, compiles and runs its jobs through the provider server", async () => {
    // Installed without the network: the tarball unpacked into node_modules, its dependencies
    // (and @pulumi/pulumi, typescript) linked from this repo's node_modules.
    const modules = path.join(project, "node_modules");
    fs.mkdirSync(path.join(modules, "qualys-pm-pulumi"), { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", path.join(modules, "qualys-pm-pulumi"), "--strip-components=1"]);
    const manifest = JSON.parse(fs.readFileSync(path.join(modules, "qualys-pm-pulumi", "package.json"), "utf8"));
    for (const dep of [...Object.keys(manifest.dependencies), "@pulumi/pulumi", "typescript", "@types/node"]) {
        fs.mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(modules, dep), "dir");
    }
    // The files `pulumi new typescript` writes.
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: patch-jobs\nruntime:\n  name: nodejs\n  options:\n    packagemanager: npm\ndescription: A minimal TypeScript Pulumi program\n");
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "patch-jobs", main: "index.ts", devDependencies: { "@types/node": "^18", typescript: "^5.0.0" }, dependencies: { "@pulumi/pulumi": "^3.113.0", "qualys-pm-pulumi": "file:" + path.basename(tarball) } }));
    fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({
        compilerOptions: { strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true, experimentalDecorators: true, pretty: true, noFallthroughCasesInSwitch: true, noImplicitReturns: true, forceConsistentCasingInFileNames: true },
        files: ["index.ts"],
    }));
    fs.writeFileSync(path.join(project, "index.ts"), [
        'import * as qualys from "qualys-pm-pulumi";',
        'const job = new qualys.DeploymentJob("packed-linux", { name: "from the tarball", platform: "Linux", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true });',
        "const results: qualys.DeploymentJobResults | undefined = undefined;",
        "export const jobId = job.id;",
        "export const noResultsYet = results === undefined;",
    ].join("\n"));
    execFileSync(process.execPath, [path.join(modules, "typescript", "bin", "tsc"), "-p", project], { cwd: project, encoding: "utf8" });

    const emulator = await startEmulator();
    const engine = new Engine({
        stateFile: path.join(project, "state.json"),
        config: { "qualys:gatewayUrl": emulator.url, "qualys:username": "demo-user", "qualys:password": "demo-password" },
        secretKeys: ["qualys:password"],
        cwd: project,
    });
    try {
        await engine.start();
        const captured = await captureProgramFile(path.join(project, "bin", "index.js"));
        await engine.createAll(captured);
        expect(Object.keys(engine.readState())).toEqual(["packed-linux"]);
        expect(emulator.jobs()).toHaveLength(1);
        expect(emulator.jobs()[0].preDeployActions[0].params.defaultScriptType).toBe("MakeCache");
        expect(fs.realpathSync(path.join(modules, "qualys-pm-pulumi"))).not.toBe(ROOT);
        await engine.deleteAll();
        expect(emulator.jobs()).toEqual([]);
    } finally {
        await engine.stop();
        await emulator.close();
    }
}, 120_000);

test("the examples type-check against the package as a CommonJS Pulumi program sees it", () => {
    // examples/tsconfig.json is the default Pulumi TypeScript template's (module commonjs, node resolution).
    expect(() => execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(ROOT, "examples", "tsconfig.json")], { cwd: ROOT, encoding: "utf8" })).not.toThrow();
}, 120_000);

test("installed with only its peer @pulumi/pulumi beside it, the package's bin/pulumi-resource-qualys is an executable plugin that starts and prints its port", async () => {
    // What a YAML user gets from `npm install qualys-pm-pulumi`: npm 7+ installs the peer @pulumi/pulumi
    // (which brings @grpc/grpc-js and google-protobuf) at the top of node_modules, next to the package.
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-pack-yaml-"));
    try {
        const modules = path.join(project, "node_modules");
        fs.mkdirSync(path.join(modules, "qualys-pm-pulumi"), { recursive: true });
        execFileSync("tar", ["-xzf", tarball, "-C", path.join(modules, "qualys-pm-pulumi"), "--strip-components=1"]);
        const manifest = JSON.parse(fs.readFileSync(path.join(modules, "qualys-pm-pulumi", "package.json"), "utf8"));
        expect(manifest.bin["pulumi-resource-qualys"]).toBe("bin/pulumi-resource-qualys");
        expect(manifest.peerDependencies["@pulumi/pulumi"]).toBeDefined();
        expect(manifest.peerDependenciesMeta?.["@pulumi/pulumi"]?.optional).toBeUndefined();
        for (const dep of [...Object.keys(manifest.dependencies), "@pulumi/pulumi"]) {
            fs.mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
            fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(modules, dep), "dir");
        }
        const plugin = path.join(modules, "qualys-pm-pulumi", "bin", "pulumi-resource-qualys");
        expect(fs.statSync(plugin).mode & 0o111).not.toBe(0);
        const child = spawn(plugin, ["--logtostderr", "-v=9"], { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
        const firstLine = await new Promise<string>((resolve, reject) => {
            let out = "";
            child.stdout.on("data", (d) => ((out += String(d)), out.includes("\n") && resolve(out.split("\n")[0])));
            child.on("exit", (code) => reject(new Error(`the plugin exited with ${code}`)));
        });
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill();
        await exited;
        expect(firstLine).toMatch(/^\d+$/);
    } finally {
        fs.rmSync(project, { recursive: true, force: true });
    }
}, 60_000);
