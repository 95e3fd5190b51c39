// Finds the Pulumi CLI (on PATH, or built by scripts/install-pulumi.sh into .pulumi-cli/) and sets
// up Automation API stacks for it: a local file backend in a temp folder, a passphrase secrets
// provider, no update check, nothing beyond loopback.
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../helpers/root";
import * as automation from "@pulumi/pulumi/automation";

const ROOT = repoRoot();

/** The folder holding `pulumi` and the dynamic-provider plugin shim, or undefined when there is no CLI. */
export function findPulumiCli(): string | undefined {
    const built = path.join(ROOT, ".pulumi-cli");
    const candidates = fs.existsSync(built)
        ? fs.readdirSync(built).sort().reverse().map((v) => path.join(built, v, "bin"))
        : [];
    for (const dir of [...candidates, ...(process.env.PATH ?? "").split(path.delimiter)]) {
        if (fs.existsSync(path.join(dir, "pulumi")) && fs.existsSync(path.join(dir, "pulumi-resource-pulumi-nodejs"))) return dir;
    }
    return undefined;
}

/**
 * What an engine suite needs first: the CLI, and `describe`, or `describe.skip` once the suite has
 * said by name that it is SKIPPED (it never passes without the engine).
 */
export function engineSuite(suite: string): { binDir: string | undefined; describeWithCli: jest.Describe } {
    // Set by .ci/run, with the reason, for its run on a second Node: the engine suites run on one.
    const elsewhere = process.env.QUALYS_SKIP_ENGINE_SUITES;
    const binDir = elsewhere ? undefined : findPulumiCli();
    if (elsewhere) console.warn(`SKIPPED: ${suite}: ${elsewhere}`);
    else if (!binDir) console.warn(`SKIPPED: ${suite}: no Pulumi CLI on PATH or in .pulumi-cli/; run \`npm run pulumi:install\``);
    return { binDir, describeWithCli: binDir ? describe : describe.skip };
}

export interface EngineStack {
    stack: automation.Stack;
    workDir: string;
    /** The file backend's folder: the state as the engine writes it, secrets encrypted. */
    stateDir: string;
    /** Everything the CLI printed in this stack's operations (kept for the leak scan). */
    output: string[];
    /** Runs the CLI itself in the stack's folder, with its backend and passphrase, for what the Automation API has no option for. */
    cli(args: string[]): Promise<{ stdout: string; stderr: string }>;
    run<T extends { stdout: string; stderr: string }>(op: Promise<T>): Promise<T>;
    cleanup(): Promise<void>;
}

/** Which provider serves the program's DeploymentJobs: the dynamic one, or the native plugin `qualys`. */
export type Face = "dynamic" | "native";

export interface StackOptions {
    projectName?: string;
    /** Where the program's project lives; by default in the repo's .test-output, so the provider process finds this package by name. */
    workDir?: string;
    /** "native": Pulumi.yaml names this repository's bin/ as the plugin `qualys`, as a user's project does. */
    face?: Face;
}

/** The `plugins:` entry of a project whose DeploymentJobs the native plugin serves. */
export const NATIVE_PLUGINS = { providers: [{ name: "qualys", path: path.join(ROOT, "bin") }] };

/** A fresh stack for an inline program, in a work dir inside the repo so the provider process finds this package by name. */
export async function engineStack(
    binDir: string,
    name: string,
    program: automation.PulumiFn,
    config: Record<string, { value: string; secret?: boolean }>,
    { projectName = "qualys-pm-e2e", workDir: workDirIn, face = "dynamic" }: StackOptions = {},
): Promise<EngineStack> {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), `qualys-e2e-${name}-`));
    const workDir = workDirIn ?? path.join(ROOT, ".test-output", "e2e", `${name}-${path.basename(base)}`);
    fs.mkdirSync(workDir, { recursive: true });
    fs.mkdirSync(path.join(base, "state"));
    const envVars = {
        PULUMI_BACKEND_URL: `file://${path.join(base, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
        PULUMI_HOME: path.join(base, "home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
    };
    const pulumiCommand = await automation.PulumiCommand.get({ root: path.dirname(binDir), skipVersionCheck: true });
    const stack = await automation.LocalWorkspace.createOrSelectStack(
        { projectName, stackName: "test", program },
        { workDir, envVars, pulumiCommand, projectSettings: projectSettings(projectName, envVars.PULUMI_BACKEND_URL, face) },
    );
    await stack.setAllConfig(config);
    const output: string[] = [];
    return {
        stack,
        workDir,
        stateDir: path.join(base, "state"),
        output,
        cli(args) {
            return new Promise((resolve, reject) => {
                execFile(path.join(binDir, "pulumi"), [...args, "--stack", "test", "--non-interactive", "--color", "never"],
                    { cwd: workDir, env: { ...process.env, ...envVars }, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
                        output.push(stdout, stderr);
                        if (error) reject(Object.assign(new Error(`pulumi ${args.join(" ")} failed: ${stdout}\n${stderr}`), { stdout, stderr }));
                        else resolve({ stdout, stderr });
                    });
            });
        },
        async run(op) {
            try {
                const result = await op;
                output.push(result.stdout, result.stderr);
                return result;
            } catch (error) {
                output.push(String((error as Error).message));
                throw error;
            }
        },
        async cleanup() {
            fs.rmSync(base, { recursive: true, force: true });
        },
    };
}

/** Pulumi.yaml as Automation API writes it (it writes every key given, `plugins:` too, though its type lacks it). */
function projectSettings(name: string, backendUrl: string, face: Face): automation.ProjectSettings {
    const plugins = face === "native" ? { plugins: NATIVE_PLUGINS } : {};
    return { name, runtime: "nodejs", backend: { url: backendUrl }, ...plugins } as automation.ProjectSettings;
}

/** `pulumi about` of the CLI in binDir, on a file backend in a temp folder, offline. */
export function cliAbout(binDir: string): string {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-about-"));
    try {
        return execFileSync(path.join(binDir, "pulumi"), ["about"], {
            cwd: home,
            encoding: "utf8",
            env: { PATH: process.env.PATH, PULUMI_HOME: home, PULUMI_BACKEND_URL: `file://${home}`, PULUMI_SKIP_UPDATE_CHECK: "true" },
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 60_000,
        });
    } finally {
        fs.rmSync(home, { recursive: true, force: true });
    }
}

/** `pulumi version` of the CLI in binDir. */
export function cliVersion(binDir: string): string {
    return execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
}
