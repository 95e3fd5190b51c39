// The plugin tarball as a user installs it: `npm run plugin:pack`, then `pulumi plugin install
// resource qualys <version> --file pulumi-resource-qualys-v<version>.tar.gz` into a fresh PULUMI_HOME,
// then a YAML project outside this checkout with no `plugins:` entry, ambient plugins ignored and
// automatic acquisition off, so the engine can find `qualys` only in that plugin cache: up, a no-op
// preview, destroy, against the emulator. A module hook given to the plugin's Node records every file
// the plugin processes load, which must all lie in the plugin cache, none in this checkout.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PmEmulator, startEmulator } from "../emulator/server";
import { repoRoot } from "../helpers/root";
import { YamlProject, yamlEngineSuite } from "../native/yaml-project";

const ROOT = repoRoot();
const { binDir, describeWithYaml } = yamlEngineSuite("test/packaging/plugin-install (the plugin tarball through `pulumi plugin install` and the real engine)");
const { version, scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const TARBALL = path.join(ROOT, `pulumi-resource-qualys-v${version}.tar.gz`);

/** Runs in every Node process the plugin starts (NODE_OPTIONS): the path of each module file it resolves. */
const HOOK = `const fs = require("node:fs"), { fileURLToPath } = require("node:url"), log = process.env.QUALYS_LOADS_LOG;
fs.appendFileSync(log, process.argv[1] + "\\n");
require("node:module").registerHooks({ resolve(specifier, context, next) {
    const found = next(specifier, context);
    if (found.url.startsWith("file:")) fs.appendFileSync(log, fileURLToPath(found.url) + "\\n");
    return found;
} });
`;

describeWithYaml("the plugin tarball installed into the plugin cache, through the real engine", () => {
    jest.setTimeout(240_000);
    let emulator: PmEmulator;
    let base: string;
    let home: string;
    let installed: string;
    let project: YamlProject;
    let loads: string;

    beforeAll(async () => {
        emulator = await startEmulator();
        base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "qualys-plugin-install-")));
        home = path.join(base, "home");
        installed = path.join(home, "plugins", `resource-qualys-v${version}`);
        loads = path.join(base, "loads.txt");
        fs.writeFileSync(path.join(base, "hook.js"), HOOK);
        project = new YamlProject(binDir!, "plugin-cache", {
            pluginCache: home,
            env: { QUALYS_LOADS_LOG: loads, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require=${path.join(base, "hook.js")}` },
        });
        project.write({ resources: { nightly: { type: "qualys:pm:DeploymentJob", properties: { name: "From the plugin cache", platform: "Linux", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true } } } });
    });
    afterAll(async () => {
        project?.remove();
        await emulator?.close();
        fs.rmSync(base, { recursive: true, force: true });
    });

    test("npm run plugin:pack writes the tarball: the launcher at its root, the packed package and its dependencies, no symlink, no PulumiPlugin.yaml", () => {
        // What `npm run plugin:pack` runs after the build (dist/ was built by `npm test`'s pretest).
        expect(scripts["plugin:pack"]).toBe("npm run build && node dist/scripts/plugin-pack.js");
        const printed = execFileSync(process.execPath, [path.join(ROOT, "dist", "scripts", "plugin-pack.js")], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
        expect(printed).toMatch(new RegExp(`^${TARBALL.replace(/[.\\]/g, "\\$&")}: \\d+\\.\\d MB\\n$`));
        const listing = execFileSync("tar", ["-tvzf", TARBALL], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).trim().split("\n");
        const names = listing.map((line) => line.split(/\s+/).slice(5).join(" "));
        expect(names.filter((n) => !n.slice(0, -1).includes("/"))).toEqual(["node_modules/", "package-lock.json", "package.json", "pulumi-resource-qualys"]);
        expect(listing.find((line) => line.endsWith(" pulumi-resource-qualys"))).toMatch(/^-rwxr-xr-x /);
        expect(listing.filter((line) => line.startsWith("l"))).toEqual([]);
        for (const needed of ["node_modules/qualys-pm-pulumi/dist/provider/native/main.js", "node_modules/@pulumi/pulumi/package.json", "node_modules/got/package.json"]) expect(names).toContain(needed);
        expect(names.filter((n) => n.includes("node_modules/.bin/") || n.endsWith("PulumiPlugin.yaml"))).toEqual([]);
    }, 300_000);

    test("`pulumi plugin install resource qualys <version> --file <tarball>` puts it in the plugin cache, and `pulumi plugin ls` lists it", async () => {
        await project.cli(["plugin", "install", "resource", "qualys", version, "--file", TARBALL], false);
        expect(fs.statSync(path.join(installed, "pulumi-resource-qualys")).mode & 0o111).toBe(0o111);
        const { stdout } = await project.cli(["plugin", "ls", "--json"], false);
        expect(JSON.parse(stdout).map((p: { name: string; kind: string; version: string }) => [p.kind, p.name, p.version])).toEqual([["resource", "qualys", version]]);
    });

    test("a project with no `plugins:` entry goes up through the cached plugin: the job exists in Qualys with its declared name", async () => {
        expect(fs.readFileSync(path.join(project.dir, "Pulumi.yaml"), "utf8")).not.toContain("plugins");
        await project.init(emulator.url, "demo-password");
        await project.cli(["up", "--yes"]);
        expect(emulator.jobs().map((j) => [j.name, j.platform])).toEqual([["From the plugin cache", "Linux"]]);
    });

    test("a second preview plans no change", async () => {
        expect(await project.plan()).toEqual({ steps: {}, summary: { same: 2 } });
        await project.cli(["preview", "--expect-no-changes"]);
    });

    test("every file the plugin processes loaded, from the launcher on, is in the plugin cache, none in this checkout", () => {
        const files = [...new Set(fs.readFileSync(loads, "utf8").trim().split("\n"))];
        expect(files).toContain(path.join(installed, "pulumi-resource-qualys"));
        expect(files).toContain(path.join(installed, "node_modules", "qualys-pm-pulumi", "dist", "provider", "native", "main.js"));
        expect(files).toContain(path.join(installed, "node_modules", "@pulumi", "pulumi", "proto", "provider_grpc_pb.js"));
        expect(files.filter((f) => !f.startsWith(installed + path.sep))).toEqual([]);
    });

    test("destroy removes the job", async () => {
        await project.cli(["destroy", "--yes"]);
        expect(emulator.jobs()).toEqual([]);
    });

    test("`--file <folder>` of the unpacked tarball installs the same files", async () => {
        const folder = path.join(base, "unpacked");
        fs.mkdirSync(folder);
        execFileSync("tar", ["-xzf", TARBALL, "-C", folder]);
        const other = path.join(base, "home-from-folder");
        execFileSync(path.join(binDir!, "pulumi"), ["plugin", "install", "resource", "qualys", version, "--file", folder], {
            cwd: base, env: { ...process.env, PULUMI_HOME: other, PULUMI_SKIP_UPDATE_CHECK: "true" }, encoding: "utf8", stdio: "pipe", timeout: 120_000,
        });
        const tree = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => `${f} ${fs.statSync(path.join(dir, f)).mode & 0o111}`).sort();
        expect(tree(path.join(other, "plugins", `resource-qualys-v${version}`))).toEqual(tree(installed));
    });
});
