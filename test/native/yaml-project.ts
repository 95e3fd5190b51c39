// A Pulumi YAML project run by the real CLI and pulumi-language-yaml, whose provider `qualys` is
// this package's plugin, found as a user's project finds it: `plugins: providers: [{name: qualys,
// path: node_modules/qualys-pm-pulumi/bin}]` in Pulumi.yaml, node_modules/qualys-pm-pulumi being
// this repository (or, for test/packaging/plugin-install, the plugin cache). Local file backend,
// passphrase secrets, nothing downloaded.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { repoRoot } from "../helpers/root";
import { keepOutput } from "../helpers/secrets";
import { engineSuite } from "../e2e/cli";

const ROOT = repoRoot();

/** The CLI folder when it also holds pulumi-language-yaml; a suite without it says SKIPPED by name. */
export function yamlEngineSuite(suite: string): { binDir: string | undefined; describeWithYaml: jest.Describe } {
    const { binDir } = engineSuite(suite);
    const yaml = binDir && fs.existsSync(path.join(binDir, "pulumi-language-yaml"));
    if (binDir && !yaml) console.warn(`SKIPPED: ${suite}: no pulumi-language-yaml next to ${binDir}/pulumi; run \`npm run pulumi-yaml:install\``);
    return { binDir, describeWithYaml: yaml ? describe : describe.skip };
}

export interface Step {
    op: string;
    detailedDiff?: Record<string, { kind: string; inputDiff: boolean }>;
}

export const PLUGINS = { providers: [{ name: "qualys", path: "node_modules/qualys-pm-pulumi/bin" }] };

export class YamlProject {
    readonly dir: string;
    private readonly base: string;
    private readonly env: NodeJS.ProcessEnv;
    /** Everything the CLI printed (kept for the leak scan). */
    readonly output: string[] = [];

    /** With `pluginCache`, the project is outside the checkout and names no plugin: the engine finds
     * `qualys` in that PULUMI_HOME's plugin cache or nowhere. `env` is added to the CLI's environment. */
    constructor(private readonly binDir: string, readonly name: string, private readonly options: { pluginCache?: string; env?: NodeJS.ProcessEnv } = {}) {
        this.base = fs.mkdtempSync(path.join(os.tmpdir(), `qualys-yaml-${name}-`));
        this.dir = options.pluginCache ? path.join(this.base, "project") : path.join(ROOT, ".test-output", "native-yaml", `${name}-${path.basename(this.base)}`);
        fs.mkdirSync(path.join(this.dir, "node_modules"), { recursive: true });
        if (!options.pluginCache) fs.symlinkSync(ROOT, path.join(this.dir, "node_modules", "qualys-pm-pulumi"), "dir");
        fs.mkdirSync(path.join(this.base, "state"));
        // No folder holding a pulumi-resource-qualys (this checkout's bin/, say) on PATH.
        const pathDirs = (process.env.PATH ?? "").split(path.delimiter).filter((d) => !fs.existsSync(path.join(d, "pulumi-resource-qualys")));
        this.env = {
            ...process.env,
            PATH: [binDir, ...pathDirs].join(path.delimiter),
            PULUMI_BACKEND_URL: `file://${path.join(this.base, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "native-yaml-passphrase",
            PULUMI_HOME: options.pluginCache ?? path.join(this.base, "home"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            // The plugin is found through Pulumi.yaml (or the plugin cache) only; one on PATH would be a different test.
            PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
            QUALYS_GATEWAY_URL: "", QUALYS_USERNAME: "", QUALYS_PASSWORD: "",
            ...options.env,
        };
    }

    /** Writes Pulumi.yaml: this project's header and `body` (resources, outputs). */
    write(body: Record<string, unknown>): void {
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), YAML.stringify({ name: "patch-jobs", runtime: "yaml", ...(this.options.pluginCache ? {} : { plugins: PLUGINS }), ...body }));
    }

    /** `pulumi <args>` in the project, on its stack `test`. */
    cli(args: string[], stack = true): Promise<{ stdout: string; stderr: string }> {
        const full = [...args, ...(stack ? ["--stack", "test"] : []), "--non-interactive", "--color", "never"];
        return new Promise((resolve, reject) => {
            execFile(path.join(this.binDir, "pulumi"), full, { cwd: this.dir, env: this.env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
                // The value of `config set --secret <key> <value>` is not written down.
                const shown = full.map((arg, i) => (full[i - 2] === "--secret" ? "[secret]" : arg));
                this.output.push(`$ pulumi ${shown.join(" ")}\n${stdout}\n${stderr}`);
                if (error) reject(Object.assign(new Error(`pulumi ${shown.join(" ")} failed: ${stdout}\n${stderr}`), { stdout, stderr }));
                else resolve({ stdout, stderr });
            });
        });
    }

    /** A new stack `test` whose `qualys:` config names `gatewayUrl`, the password a secret. */
    async init(gatewayUrl: string, password: string): Promise<void> {
        await this.cli(["stack", "init", "test"], false);
        await this.cli(["config", "set", "qualys:gatewayUrl", gatewayUrl]);
        await this.cli(["config", "set", "qualys:username", "demo-user"]);
        await this.cli(["config", "set", "--secret", "qualys:password", password]);
    }

    /** What `pulumi preview --json` plans: the steps that change something, by resource name, and the count per op. */
    async plan(): Promise<{ steps: Record<string, Step>; summary: Record<string, number> }> {
        const { stdout } = await this.cli(["preview", "--json"]);
        const preview = JSON.parse(stdout) as { steps: (Step & { urn: string })[]; changeSummary: Record<string, number> };
        const steps = preview.steps.filter((s) => !s.urn.includes("pulumi:pulumi:Stack")).map((s) => [s.urn.split("::").pop()!, { op: s.op, detailedDiff: s.detailedDiff }]);
        return { steps: Object.fromEntries(steps), summary: preview.changeSummary };
    }

    /** The stack's state as the engine wrote it (secrets encrypted). */
    stateText(): string {
        const files = (fs.readdirSync(path.join(this.base, "state"), { recursive: true }) as string[]).filter((f) => f.endsWith("test.json"));
        return files.map((f) => fs.readFileSync(path.join(this.base, "state", f), "utf8")).join("\n");
    }

    /** Keeps the CLI's output and the state for the leak scan, then removes the project. */
    remove(): void {
        keepOutput(`native-yaml-${this.name}-output.txt`, this.output.join("\n"));
        keepOutput(`native-yaml-${this.name}-state.json`, this.stateText());
        fs.rmSync(this.base, { recursive: true, force: true });
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
