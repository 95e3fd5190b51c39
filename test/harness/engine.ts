// Plays the Pulumi engine against @pulumi/pulumi's own dynamic-provider gRPC server
// (`@pulumi/pulumi/cmd/dynamic-provider`, the process the engine starts for dynamic resources).
// The inputs, `__provider` included, come from a real program run under pulumi.runtime.setMocks.
// It serves what the real engine (test/e2e) cannot be made to do on demand: a fault between two
// calls, an exact call sequence, many resources fast. Where the two disagree, the engine is right.
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../helpers/root";
import * as pulumi from "@pulumi/pulumi";
import type { DeploymentJobArgs } from "../../provider/inputs.generated";

/* eslint-disable @typescript-eslint/no-require-imports */
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");

const ROOT = repoRoot();
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const TYPE = "pulumi-nodejs:dynamic/qualys:DeploymentJob";

export interface Declared {
    name: string;
    args: DeploymentJobArgs;
    /** The `import` resource option: adopt this existing job id. */
    import?: string;
}

export interface StateEntry {
    urn: string;
    id: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

export interface PlanStep {
    name: string;
    op: "create" | "same" | "update" | "replace" | "delete" | "import";
    /** Inputs that differ, as the provider's Diff and the engine's input comparison report them. */
    changed: string[];
}

export interface CheckFailed {
    name: string;
    failures: { property: string; reason: string }[];
}

/** Runs `new DeploymentJob(...)` for each declared job under mocks; returns the inputs the SDK sends, with `__provider`. */
export function captureInputs(declared: Declared[]): Promise<Map<string, Record<string, unknown>>> {
    return captureProgram(() => {
        // Loaded by package name, as a user's program would: the provider stored in state requires it so.
        const { DeploymentJob } = require("qualys-pm-pulumi") as typeof import("../../provider/index");
        for (const d of declared) new DeploymentJob(d.name, d.args, d.import ? { import: d.import } : undefined);
    }, pulumi, declared.length);
}

/** Runs a program under mocks (as `pulumi up` would run it); returns each DeploymentJob's inputs, by name. */
export async function captureProgram(run: () => unknown, pulumiModule: typeof pulumi = pulumi, expected?: number): Promise<Map<string, Record<string, unknown>>> {
    const captured = new Map<string, Record<string, unknown>>();
    pulumiModule.runtime.setMocks(
        {
            newResource: (args) => {
                if (args.type.endsWith("DeploymentJob")) captured.set(args.name, args.inputs);
                return { id: `${args.name}-mock`, state: args.inputs };
            },
            call: () => ({}),
        },
        "qualys-pm-harness",
        "test",
        true,
    );
    run();
    // Registrations arrive asynchronously: wait for the expected count, or until none come for 60 ms.
    for (let i = 0, last = -1, quiet = 0; i < 500 && (expected === undefined ? quiet < 3 : captured.size < expected); i++) {
        await new Promise((r) => setTimeout(r, 20));
        quiet = captured.size === last && captured.size > 0 ? quiet + 1 : 0;
        last = captured.size;
    }
    return captured;
}

/** The same for a compiled program file, with the @pulumi/pulumi its project resolves. */
export function captureProgramFile(file: string): Promise<Map<string, Record<string, unknown>>> {
    return captureProgram(() => require(file), require(require.resolve("@pulumi/pulumi", { paths: [path.dirname(file)] })));
}

export interface EngineOptions {
    stateFile: string;
    /** Stack config handed to Configure, e.g. `{ "qualys:gatewayUrl": url }`. */
    config: Record<string, string>;
    /** Config keys that are secrets (sent wrapped as secrets, as the engine does). */
    secretKeys?: string[];
    /** Operations in flight at once during up, refresh and destroy (`pulumi up --parallel`). */
    parallel?: number;
    /** Extra environment for the provider process. */
    env?: NodeJS.ProcessEnv;
    /** Where the provider process runs (its `require("qualys-pm-pulumi/provider")` resolves from here). Default: the repo. */
    cwd?: string;
}

export class Engine {
    private process?: ChildProcess;
    private client?: any;
    /** What the provider process wrote to stderr (kept for the leak scan). */
    stderr = "";
    /** How long the last up's Create/Update/Replace calls took, without its Check and Diff (for the benchmark). */
    lastApplyMs = 0;
    /** gRPC calls made, in order: "Check j1", "Create j1", ... */
    readonly calls: string[] = [];

    constructor(private readonly options: EngineOptions) {}

    async start(): Promise<void> {
        const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");
        this.process = spawn(process.execPath, [script, "127.0.0.1:0"], { cwd: this.options.cwd ?? ROOT, env: { ...process.env, ...this.options.env }, stdio: ["ignore", "pipe", "pipe"] });
        this.process.stderr!.on("data", (d) => (this.stderr += d.toString()));
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            this.process!.stdout!.on("data", (d) => {
                out += d.toString();
                const line = out.split("\n")[0].trim();
                if (/^\d+$/.test(line) && out.includes("\n")) resolve(line);
            });
            this.process!.on("exit", (code) => reject(new Error(`dynamic-provider exited (${code}): ${this.stderr}`)));
        });
        this.client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        await this.configure();
        this.fresh = true;
    }

    /** The provider process's pid (for its memory figures). */
    get pid(): number | undefined {
        return this.process?.pid;
    }

    async stop(): Promise<void> {
        this.client?.close();
        this.process?.kill();
    }

    /**
     * The engine starts a provider process for each operation (and the dynamic-provider server
     * configures a provider once per process), so each operation after the first gets a new one:
     * what the provider knows of one run (the jobs its resources hold, its JWT) never leaks into the
     * next. `restart()` does it ahead of time (the benchmark times operations without the start-up).
     */
    private async newRun(): Promise<void> {
        if (this.fresh) {
            this.fresh = false;
            return;
        }
        await this.restart();
        this.fresh = false;
    }

    /** A new provider process, Configured, that the next operation uses. */
    async restart(): Promise<void> {
        await this.stop();
        await this.start();
    }

    /** No operation has used the current provider process yet. */
    private fresh = false;

    /** Configure as the engine does: the stack's config as args, secrets wrapped, and as variables. */
    private async configure(): Promise<void> {
        const req = new provproto.ConfigureRequest();
        const secret = new Set(this.options.secretKeys ?? []);
        const args: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(this.options.config)) {
            args[key] = secret.has(key) ? { [SECRET_SIG]: SECRET_VALUE, value } : value;
            req.getVariablesMap().set(key, value);
        }
        req.setArgs(structproto.Struct.fromJavaScript(args));
        req.setAcceptsecrets(true);
        await this.rpc("configure", req);
    }

    private rpc(method: string, req: unknown): Promise<any> {
        return new Promise((resolve, reject) => this.client[method](req, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res))));
    }

    private urn(name: string): string {
        return `urn:pulumi:test::qualys-pm-harness::${TYPE}::${name}`;
    }

    // ---- single calls ---------------------------------------------------------------------------

    async check(name: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        this.calls.push(`Check ${name}`);
        const req = new provproto.CheckRequest();
        req.setUrn(this.urn(name));
        req.setOlds(structproto.Struct.fromJavaScript(olds));
        req.setNews(structproto.Struct.fromJavaScript(news));
        const res = await this.rpc("check", req);
        return {
            inputs: res.getInputs().toJavaScript() as Record<string, unknown>,
            failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    async diff(name: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        this.calls.push(`Diff ${name}`);
        const req = new provproto.DiffRequest();
        req.setId(id);
        req.setUrn(this.urn(name));
        req.setOlds(structproto.Struct.fromJavaScript(olds));
        req.setNews(structproto.Struct.fromJavaScript(news));
        const res = await this.rpc("diff", req);
        return { changes: res.getChanges() === provproto.DiffResponse.DiffChanges.DIFF_SOME, replaces: res.getReplacesList() as string[] };
    }

    async create(name: string, inputs: Record<string, unknown>): Promise<{ id: string; outputs: Record<string, unknown> }> {
        this.calls.push(`Create ${name}`);
        const req = new provproto.CreateRequest();
        req.setUrn(this.urn(name));
        req.setProperties(structproto.Struct.fromJavaScript(inputs));
        const res = await this.rpc("create", req).catch((e) => Promise.reject(partialCreate(e)));
        return { id: res.getId(), outputs: res.getProperties().toJavaScript() };
    }

    async read(name: string, id: string, props: Record<string, unknown> | undefined, inputs: Record<string, unknown>) {
        this.calls.push(`Read ${name}`);
        const req = new provproto.ReadRequest();
        req.setId(id);
        req.setUrn(this.urn(name));
        if (props) req.setProperties(structproto.Struct.fromJavaScript(props));
        req.setInputs(structproto.Struct.fromJavaScript(inputs));
        const res = await this.rpc("read", req);
        return {
            id: res.getId() as string,
            outputs: res.getProperties()?.toJavaScript() ?? {},
            inputs: res.getInputs()?.toJavaScript() as Record<string, unknown> | undefined,
        };
    }

    async update(name: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        this.calls.push(`Update ${name}`);
        const req = new provproto.UpdateRequest();
        req.setId(id);
        req.setUrn(this.urn(name));
        req.setOlds(structproto.Struct.fromJavaScript(olds));
        req.setNews(structproto.Struct.fromJavaScript(news));
        const res = await this.rpc("update", req);
        return res.getProperties().toJavaScript() as Record<string, unknown>;
    }

    async delete(name: string, id: string, outputs: Record<string, unknown>) {
        this.calls.push(`Delete ${name}`);
        const req = new provproto.DeleteRequest();
        req.setId(id);
        req.setUrn(this.urn(name));
        req.setProperties(structproto.Struct.fromJavaScript(outputs));
        await this.rpc("delete", req);
    }

    // ---- the engine's operations ------------------------------------------------------------------

    readState(): Record<string, StateEntry> {
        return fs.existsSync(this.options.stateFile) ? JSON.parse(fs.readFileSync(this.options.stateFile, "utf8")).resources : {};
    }

    private writeState(resources: Record<string, StateEntry>): void {
        fs.mkdirSync(path.dirname(this.options.stateFile), { recursive: true });
        fs.writeFileSync(this.options.stateFile, JSON.stringify({ resources }, null, 2));
    }

    /** Check and Diff every declared job; no Create, Update or Delete. Throws CheckError on failures. */
    async preview(declared: Declared[], captured?: Map<string, Record<string, unknown>>): Promise<PlanStep[]> {
        await this.newRun();
        const inputs = captured ?? (await captureInputs(declared));
        const state = this.readState();
        const steps = await this.pool(declared, async (d) => this.plan(d, inputs.get(d.name)!, state[d.name]));
        return [...steps.map((s) => s.step), ...Object.keys(state).filter((n) => !declared.some((d) => d.name === n)).map((name) => ({ name, op: "delete" as const, changed: [] }))];
    }

    private async plan(d: Declared, news: Record<string, unknown>, old: StateEntry | undefined) {
        if (d.import && !old) {
            // The import option: the real engine's Read reaches the dynamic provider without `__provider`
            // (test/e2e shows it fails with "code must be a string, not undefined", pulumi#16175), so
            // the harness sends no properties and no inputs, and fails the same way.
            const read = await this.read(d.name, d.import, undefined, {});
            if (!read.id) throw new Error(`${d.name}: job ${d.import} to import does not exist`);
            const imported = read.inputs ?? read.outputs;
            const checked = await this.checked(d.name, imported, news);
            const diff = await this.diff(d.name, d.import, read.outputs, checked);
            return { step: { name: d.name, op: "import" as const, changed: diff.changes ? changedKeys(read.inputs ?? read.outputs, checked) : [] }, checked, read };
        }
        const checked = await this.checked(d.name, old?.inputs ?? {}, news);
        if (!old) return { step: { name: d.name, op: "create" as const, changed: [] }, checked };
        const diff = await this.diff(d.name, old.id, old.outputs, checked);
        const op = !diff.changes ? "same" : diff.replaces.length ? "replace" : "update";
        return { step: { name: d.name, op, changed: diff.changes ? changedInputs(old, checked) : [] } as PlanStep, checked };
    }

    private async checked(name: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, unknown>> {
        const { inputs, failures } = await this.check(name, olds, news);
        if (failures.length) throw new CheckError([{ name, failures }]);
        return inputs;
    }

    /** Preview, then apply: Create, Update, Replace (create before delete), Delete of removed jobs. */
    async up(declared: Declared[], captured?: Map<string, Record<string, unknown>>): Promise<PlanStep[]> {
        await this.newRun();
        const inputs = captured ?? (await captureInputs(declared));
        const state = this.readState();
        const planned = await this.pool(declared, async (d) => this.plan(d, inputs.get(d.name)!, state[d.name]));
        const failures: Error[] = [];
        const applyStarted = process.hrtime.bigint();
        await this.pool(planned, async ({ step, checked, read }) => {
            const old = state[step.name];
            try {
                if (step.op === "import") {
                    if (step.changed.length) throw new Error(`${step.name}: inputs to import do not match the existing job: ${step.changed.join(", ")}`);
                    state[step.name] = { urn: this.urn(step.name), id: read!.id, inputs: checked, outputs: read!.outputs };
                } else if (step.op === "create") {
                    const { id, outputs } = await this.create(step.name, checked);
                    state[step.name] = { urn: this.urn(step.name), id, inputs: checked, outputs };
                } else if (step.op === "update") {
                    state[step.name] = { ...old, inputs: checked, outputs: await this.update(step.name, old.id, old.outputs, checked) };
                } else if (step.op === "replace") {
                    const { id, outputs } = await this.create(step.name, checked);
                    state[step.name] = { urn: old.urn, id, inputs: checked, outputs };
                    await this.delete(step.name, old.id, old.outputs);
                }
            } catch (error) {
                const partial = (error as { partial?: { id: string; properties: Record<string, unknown> } }).partial;
                // A partially created job is recorded, as the engine does with ErrorResourceInitFailed.
                if (partial) state[step.name] = { urn: this.urn(step.name), id: partial.id, inputs: checked, outputs: partial.properties };
                failures.push(error as Error);
            }
        });
        this.lastApplyMs = Number(process.hrtime.bigint() - applyStarted) / 1e6;
        const removed = Object.keys(state).filter((n) => !declared.some((d) => d.name === n));
        await this.pool(removed, async (name) => {
            await this.delete(name, state[name].id, state[name].outputs);
            delete state[name];
        });
        this.writeState(state);
        if (failures.length) throw failures[0];
        return [...planned.map((p) => p.step), ...removed.map((name) => ({ name, op: "delete" as const, changed: [] }))];
    }

    /** Read every job; record new outputs and inputs; drop jobs that are gone. Returns the jobs whose inputs changed. */
    async refresh(): Promise<string[]> {
        await this.newRun();
        const state = this.readState();
        const drifted: string[] = [];
        await this.pool(Object.keys(state), async (name) => {
            const entry = state[name];
            const read = await this.read(name, entry.id, entry.outputs, entry.inputs);
            if (!read.id) {
                delete state[name];
                drifted.push(name);
                return;
            }
            const inputs = read.inputs ?? entry.inputs;
            if (changedKeys(entry.inputs, inputs).length) drifted.push(name);
            state[name] = { ...entry, inputs, outputs: read.outputs };
        });
        this.writeState(state);
        return drifted.sort();
    }

    async destroy(): Promise<void> {
        await this.newRun();
        const state = this.readState();
        await this.pool(Object.keys(state), async (name) => {
            await this.delete(name, state[name].id, state[name].outputs);
            delete state[name];
        });
        this.writeState(state);
    }

    private async pool<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
        const results: R[] = new Array(items.length);
        let next = 0;
        const lanes = Array.from({ length: Math.min(this.options.parallel ?? 10, items.length) }, async () => {
            while (next < items.length) {
                const i = next++;
                results[i] = await work(items[i]);
            }
        });
        await Promise.all(lanes);
        return results;
    }
}

export class CheckError extends Error {
    constructor(readonly failed: CheckFailed[]) {
        super(failed.map((f) => f.failures.map((x) => `${f.name}: ${x.property}: ${x.reason}`).join("\n")).join("\n"));
    }
}

/** Top-level inputs that differ, ignoring `__provider` (what `pulumi preview --diff` lists). */
export function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    keys.delete("__provider");
    return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** Inputs that differ; after a partial create the recorded outputs, not the inputs, hold what the job is. */
function changedInputs(old: StateEntry, checked: Record<string, unknown>): string[] {
    const byInputs = changedKeys(old.inputs, checked);
    if (byInputs.length) return byInputs;
    const recorded = Object.fromEntries(Object.keys({ ...old.inputs, ...checked }).map((k) => [k, old.outputs[k]]));
    return changedKeys(recorded, checked);
}

/** The dynamic provider turns an error carrying `id` into ErrorResourceInitFailed in the gRPC status details. */
function partialCreate(error: any): Error {
    const details = error?.metadata?.get?.("grpc-status-details-bin")?.[0];
    if (!details) return error;
    const statusproto = require("@pulumi/pulumi/proto/status_pb");
    const status = statusproto.Status.deserializeBinary(details);
    const any = status.getDetailsList()[0];
    const init = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue());
    return Object.assign(new Error(error.details ?? error.message), {
        partial: { id: init.getId(), properties: init.getProperties()?.toJavaScript() ?? {} },
    });
}
