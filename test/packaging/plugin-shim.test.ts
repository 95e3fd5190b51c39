// The dynamic-provider plugin that scripts/install-pulumi.sh writes beside the CLI it builds
// (pulumi-resource-pulumi-nodejs, from scripts/dynamic-provider-shim.sh). The engine starts it in the
// program's project folder; it must run that project's @pulumi/pulumi, so that one CLI on PATH serves
// every project, and fall back to the building checkout's copy only when the project has none.
// Here on a stand-in layout (a fake `pulumi` and fake dynamic-provider servers that say who they are);
// test/packaging/consumer.test.ts shows the same through the real engine.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../helpers/root";

const ROOT = repoRoot();
const pinned = /PULUMI_CLI_VERSION:-([\d.]+)/.exec(fs.readFileSync(path.join(ROOT, "scripts", "install-pulumi.sh"), "utf8"))![1];

let base: string;
let shim: string;

/** A folder with node_modules/@pulumi/pulumi whose dynamic-provider server prints `who` and its arguments. */
function withDynamicProvider(dir: string, who: string): string {
    const server = path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider");
    fs.mkdirSync(server, { recursive: true });
    fs.writeFileSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), JSON.stringify({ name: "@pulumi/pulumi", version: "0.0.0-stand-in" }));
    fs.writeFileSync(path.join(server, "index.js"), `console.log(JSON.stringify({ who: ${JSON.stringify(who)}, args: process.argv.slice(2) }));\n`);
    return dir;
}

function runShim(cwd: string): { ran: { who: string; args: string[] }; stderr: string } {
    const run = spawnSync(shim, ["127.0.0.1:0"], { cwd, encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(0);
    return { ran: JSON.parse(run.stdout), stderr: run.stderr };
}

beforeAll(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "qualys-shim-")));
    // A checkout that built its CLI earlier, with the old shim: the installer's reuse branch must rewrite it.
    const checkout = withDynamicProvider(path.join(base, "checkout"), "checkout");
    fs.mkdirSync(path.join(checkout, "scripts"));
    for (const script of ["install-pulumi.sh", "dynamic-provider-shim.sh"]) fs.copyFileSync(path.join(ROOT, "scripts", script), path.join(checkout, "scripts", script));
    const bin = path.join(checkout, ".pulumi-cli", `v${pinned}`, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho v${pinned}\n`, { mode: 0o755 });
    shim = path.join(bin, "pulumi-resource-pulumi-nodejs");
    fs.writeFileSync(shim, '#!/usr/bin/env bash\nexec node "$(dirname "$0")/../../../node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js" "$@"\n', { mode: 0o755 });
    const out = execFileSync("bash", [path.join(checkout, "scripts", "install-pulumi.sh")], { encoding: "utf8", env: { ...process.env, PULUMI_CLI_VERSION: "" } });
    expect(out).toContain("nothing to build");
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

test("reusing an earlier build, the installer rewrites the plugin with the shim of scripts/", () => {
    expect(fs.readFileSync(shim, "utf8")).toBe(fs.readFileSync(path.join(ROOT, "scripts", "dynamic-provider-shim.sh"), "utf8"));
    expect(fs.statSync(shim).mode & 0o111).toBe(0o111);
});

test("started in a project folder, the plugin runs that project's dynamic-provider server, quietly, with the engine's arguments", () => {
    const project = withDynamicProvider(path.join(base, "project"), "project");
    expect(runShim(project)).toEqual({ ran: { who: "project", args: ["127.0.0.1:0"] }, stderr: "" });
});

test("started in a subfolder of a project, the plugin finds the project's @pulumi/pulumi as require would", () => {
    const sub = path.join(withDynamicProvider(path.join(base, "nested"), "nested"), "infra", "prod");
    fs.mkdirSync(sub, { recursive: true });
    expect(runShim(sub).ran.who).toBe("nested");
});

test("started in a folder without @pulumi/pulumi, the plugin runs the building checkout's and says so on stderr", () => {
    const empty = path.join(base, "empty");
    fs.mkdirSync(empty);
    expect(spawnSync(process.execPath, ["-e", 'require.resolve("@pulumi/pulumi", { paths: [process.cwd()] })'], { cwd: empty }).status).not.toBe(0);
    expect(runShim(empty)).toEqual({
        ran: { who: "checkout", args: ["127.0.0.1:0"] },
        stderr: `pulumi-resource-pulumi-nodejs: no @pulumi/pulumi found from ${empty}; running the dynamic-provider server of ${path.join(base, "checkout")}, the checkout that built this CLI\n`,
    });
});
