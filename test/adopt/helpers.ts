// Running `qualys-pm-pulumi adopt` in tests: in this process (main, with captured streams) or as the
// real command (node on the compiled bin, as npx would start it); and running what it wrote.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { main } from "../../provider/adopt/cli";
import { repoRoot } from "../helpers/root";

export const ROOT = repoRoot();
export const BIN = path.join(ROOT, JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).bin["qualys-pm-pulumi"]);

export interface CliRun {
    status: number;
    stdout: string;
    stderr: string;
}

export function qualysEnv(url: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { QUALYS_GATEWAY_URL: url, QUALYS_USERNAME: "demo-user", QUALYS_PASSWORD: "demo-password", ...extra };
}

/** main() in this process, its streams captured. */
export async function runAdopt(args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string; tty?: boolean } = {}): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const status = await main(["adopt", ...args], {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text), isTTY: options.tty ?? false },
        env,
        cwd: options.cwd ?? os.tmpdir(),
    });
    return { status, stdout, stderr };
}

/** The real command: node on the package's bin file, in a child process (the emulator keeps answering meanwhile). */
export function spawnAdopt(args: string[], env: NodeJS.ProcessEnv, cwd: string = ROOT): Promise<CliRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, "adopt", ...args], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
    });
}

/** A folder outside the repo whose node_modules is the repo's, so `qualys-pm-pulumi` resolves as in a user's project. */
export function projectDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

/** Type-checks a program as the default Pulumi TypeScript template compiles it (strict, CommonJS); returns the diagnostics. */
export function typeCheck(dir: string, file: string): string[] {
    const program = ts.createProgram([path.join(dir, file)], {
        strict: true, noEmit: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
        noImplicitReturns: true, noFallthroughCasesInSwitch: true, forceConsistentCasingInFileNames: true, skipLibCheck: true, types: ["node"],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

/** The program compiled to CommonJS, as a function that runs it with the given `require`. */
export function compiled(source: string): (require: NodeRequire) => void {
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    const run = new Function("exports", "require", "module", js);
    return (req) => {
        const module = { exports: {} };
        run(module.exports, req, module);
    };
}

/**
 * A stand-in for `pulumi-language-nodejs`, written into `dir`: `pulumi import` loads the project's
 * language host to list the packages the program needs (engine/plugins.go gatherPackagesFromProgram),
 * even with --generate-code=false, and this machine's CLI build has none (scripts/install-pulumi.sh).
 * It answers what the real host answers for a project whose only dependency is this package: no
 * packages, no plugins. It never runs the program; every other call is left unimplemented.
 */
export function stubLanguageHost(dir: string): string {
    const file = path.join(dir, "pulumi-language-nodejs");
    const module = (name: string) => JSON.stringify(path.join(ROOT, "node_modules", name));
    fs.writeFileSync(file, [
        "#!/usr/bin/env node",
        `const grpc = require(${module("@grpc/grpc-js")});`,
        `const language = require(${module("@pulumi/pulumi/proto/language_pb")});`,
        `const services = require(${module("@pulumi/pulumi/proto/language_grpc_pb")});`,
        `const plugin = require(${module("@pulumi/pulumi/proto/plugin_pb")});`,
        "const server = new grpc.Server();",
        "server.addService(services.LanguageRuntimeService, {",
        "    getRequiredPackages: (call, done) => done(null, new language.GetRequiredPackagesResponse()),",
        "    getRequiredPlugins: (call, done) => done(null, new language.GetRequiredPluginsResponse()),",
        "    getPluginInfo: (call, done) => { const info = new plugin.PluginInfo(); info.setVersion('3.274.1'); done(null, info); },",
        "});",
        "server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {",
        "    if (error) { console.error(error); process.exit(1); }",
        "    process.stdout.write(`${port}\\n`);",
        "});",
        "",
    ].join("\n"));
    fs.chmodSync(file, 0o755);
    return file;
}
