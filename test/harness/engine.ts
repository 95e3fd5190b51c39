// Plays the engine's side of the gRPC protocol against @pulumi/pulumi's own dynamic-provider server
// (`@pulumi/pulumi/cmd/dynamic-provider`, the process the engine starts for dynamic resources), with
// the inputs, `__provider` included, of a real program run under pulumi.runtime.setMocks.
//
// It decides nothing the engine decides: no plan, no diff of its own. What the engine would do is
// asserted through the real engine (test/e2e, test/lifecycle). This serves what the engine cannot
// be made to do on demand: a fault at an exact moment of an exact call sequence, many resources fast.
// A test names the sequence it sends:
//   checkAll   Check for each declared job
//   createAll  Check, then Create, for each declared job
//   diffAll    Check, then Diff, for each declared job (recorded)
//   updateAll  Check, Diff, then Update, for each declared job (recorded)
//   readAll    Read for each recorded job
//   deleteAll  Delete for each recorded job
// and the state file records what they return, so that sequences chain.
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../helpers/root";
import type { Declared } from "../helpers/jobs";
import * as pulumi from "@pulumi/pulumi";

/* eslint-disable @typescript-eslint/no-require-imports */
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");

const ROOT = repoRoot();
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const TYPE = "pulumi-nodejs:dynamic/qualys:DeploymentJob";

/** Each DeploymentJob's inputs as the SDK sends them (with `__provider`), by resource name. */
export type Captured = Map<string, Record<string, unknown>>;
type Inputs = Record<string, unknown>;

export interface StateEntry {
    urn: string;
    id: string;
    inputs: Inputs;
    outputs: Inputs;
}

/** The provider's Diff answer, as it gave it. */
export interface DiffAnswer {
    changes: boolean;
    replaces: string[];
}

export interface CheckFailed {
    name: string;
    failures: { property: string; reason: string }[];
}

export class CheckError extends Error {
    constructor(readonly failed: CheckFailed[]) {
        super(failed.map((f) => f.failures.map((x) => `${f.name}: ${x.property}: ${x.reason}`).join("\n")).join("\n"));
    }
}

/** Runs `new DeploymentJob(...)` for each declared job under mocks; returns the inputs the SDK sends. */
export function captureInputs(declared: Declared[]): Promise<Captured> {
    return captureProgram(() => {
        // Loaded by package name, as a user's program would: the provider stored in state requires it so.
        const { DeploymentJob } = require("qualys-pm-pulumi") as typeof import("../../provider/index");
        for (const d of declared) new DeploymentJob(d.name, d.args);
    });
}

/** Runs a program under mocks (as `pulumi up` would run it); returns each DeploymentJob's inputs, by name. */
export async function captureProgram(run: () => unknown, pulumiModule: typeof pulumi = pulumi): Promise<Captured> {
    const captured: Captured = new Map();
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
    await run();
    // Every registration is an RPC the SDK keeps count of: done when its queue has drained
    // (waitForRPCs is what the public disconnect() awaits, without disconnecting; marked @internal).
    await (pulumiModule.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    return captured;
}

/** The same for a compiled program file, with the @pulumi/pulumi its project resolves. */
export function captureProgramFile(file: string): Promise<Captured> {
    return captureProgram(() => require(file), require(require.resolve("@pulumi/pulumi", { paths: [path.dirname(file)] })));
}

export interface EngineOptions {
    stateFile: string;
    /** Stack config handed to Configure, e.g. `{ "qualys:gatewayUrl": url }`. */
    config: Record<string, string>;
    /** Config keys that are secrets (sent wrapped as secrets, as the engine does). */
    secretKeys?: string[];
    /** Calls in flight at once within a sequence (`pulumi up --parallel`). Default 10. */
    parallel?: number;
    /** Extra environment for the provider process. */
    env?: NodeJS.ProcessEnv;
    /** Where the provider process runs (its `require("qualys-pm-pulumi/provider")` resolves from here). Default: the repo. */
    cwd?: string;
    /** Which face serves the calls: the dynamic-provider server (default), or the native plugin bin/pulumi-resource-qualys. */
    face?: Face;
}

export type Face = "dynamic" | "native";
let defaultFace: Face = "dynamic";

/** The face every Engine of this test file talks to unless its options say otherwise (a suite run again on the native plugin). */
export function useFace(face: Face): void {
    defaultFace = face;
}

/** The dynamic-provider process and the single RPC calls the engine makes to it. */
class ProviderProcess {
    private process?: ChildProcess;
    private client?: any;
    /** What the provider process wrote to stderr (kept for the leak scan). */
    stderr = "";

    constructor(protected readonly options: EngineOptions) {}

    protected get face(): Face {
        return this.options.face ?? defaultFace;
    }

    /** Starts the provider process and Configures it. */
    async start(): Promise<void> {
        const script = this.face === "native" ? path.join(ROOT, "bin", "pulumi-resource-qualys") : require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");
        this.process = spawn(process.execPath, [script, "127.0.0.1:0"], { cwd: this.options.cwd ?? ROOT, env: { ...process.env, ...this.options.env }, stdio: ["ignore", "pipe", "pipe"] });
        this.process.stderr!.on("data", (d) => (this.stderr += d.toString()));
        const port = await new Promise<string>((resolve, reject) => {
            let out = "";
            this.process!.stdout!.on("data", (d) => {
                out += d.toString();
                const line = out.split("\n")[0].trim();
                if (/^\d+$/.test(line) && out.includes("\n")) resolve(line);
            });
            this.process!.on("exit", (code) => reject(new Error(`${this.face === "native" ? "pulumi-resource-qualys" : "dynamic-provider"} exited (${code}): ${this.stderr}`)));
        });
        this.client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        await this.configure();
    }

    /** The provider process's pid (for its memory figures). */
    get pid(): number | undefined {
        return this.process?.pid;
    }

    async stop(): Promise<void> {
        this.client?.close();
        this.process?.kill();
    }

    /** Configure as the engine does: the stack's config as args, secrets wrapped, and as variables. */
    private async configure(): Promise<void> {
        const req = new provproto.ConfigureRequest();
        const secret = new Set(this.options.secretKeys ?? []);
        const args: Inputs = {};
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

    protected urn(name: string): string {
        return `urn:pulumi:test::qualys-pm-harness::${TYPE}::${name}`;
    }

    /** A request carrying the resource's urn, and its id when given. */
    private request(kind: string, name: string, id?: string): any {
        const req = new provproto[kind]();
        req.setUrn(this.urn(name));
        if (id !== undefined) req.setId(id);
        return req;
    }

    async check(name: string, olds: Inputs, news: Inputs): Promise<{ inputs: Inputs; failures: CheckFailed["failures"] }> {
        const req = this.request("CheckRequest", name);
        // A native resource has no serialized provider among its inputs.
        const given = this.face === "native" ? Object.fromEntries(Object.entries(news).filter(([k]) => k !== "__provider")) : news;
        req.setOlds(structproto.Struct.fromJavaScript(olds));
        req.setNews(structproto.Struct.fromJavaScript(given));
        const res = await this.rpc("check", req);
        return {
            inputs: res.getInputs().toJavaScript(),
            failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    async diff(name: string, id: string, olds: Inputs, news: Inputs): Promise<DiffAnswer> {
        const req = this.request("DiffRequest", name, id);
        req.setOlds(structproto.Struct.fromJavaScript(olds));
        req.setNews(structproto.Struct.fromJavaScript(news));
        const res = await this.rpc("diff", req);
        return { changes: res.getChanges() === provproto.DiffResponse.DiffChanges.DIFF_SOME, replaces: res.getReplacesList() };
    }

    /** Rejects with an error carrying `partial` ({ id, properties }) when the provider reported a partially created job. */
    async create(name: string, inputs: Inputs): Promise<{ id: string; outputs: Inputs }> {
        const req = this.request("CreateRequest", name);
        req.setProperties(structproto.Struct.fromJavaScript(inputs));
        const res = await this.rpc("create", req).catch((e) => Promise.reject(withPartialCreate(e)));
        return { id: res.getId(), outputs: res.getProperties().toJavaScript() };
    }

    async read(name: string, id: string, props: Inputs, inputs: Inputs): Promise<{ id: string; outputs: Inputs; inputs?: Inputs }> {
        const req = this.request("ReadRequest", name, id);
        req.setProperties(structproto.Struct.fromJavaScript(props));
        req.setInputs(structproto.Struct.fromJavaScript(inputs));
        const res = await this.rpc("read", req);
        return { id: res.getId(), outputs: res.getProperties()?.toJavaScript() ?? {}, inputs: res.getInputs()?.toJavaScript() };
    }

    async update(name: string, id: string, olds: Inputs, news: Inputs): Promise<Inputs> {
        const req = this.request("UpdateRequest", name, id);
        req.setOlds(structproto.Struct.fromJavaScript(olds));
        req.setNews(structproto.Struct.fromJavaScript(news));
        return (await this.rpc("update", req)).getProperties().toJavaScript();
    }

    async delete(name: string, id: string, outputs: Inputs): Promise<void> {
        const req = this.request("DeleteRequest", name, id);
        req.setProperties(structproto.Struct.fromJavaScript(outputs));
        await this.rpc("delete", req);
    }
}

/** The single calls, and the scripted sequences of them with a state file between sequences. */
export class Engine extends ProviderProcess {
    /** How long the last createAll's Create calls took, its Checks left out (for the benchmark). */
    lastCreateMs = 0;
    /** No sequence has used the current provider process yet. */
    private fresh = false;

    override async start(): Promise<void> {
        await super.start();
        this.fresh = true;
    }

    /** A new provider process, Configured, that the next sequence uses (the benchmark starts it before its clock). */
    async restart(): Promise<void> {
        await this.stop();
        await this.start();
    }

    /**
     * The engine starts a provider process for each operation, and the dynamic-provider server
     * configures a provider once per process: so each sequence after the first gets a new one, and
     * what the provider knows of one run (the jobs its resources hold, its JWT) never leaks into the next.
     */
    private async newRun(): Promise<void> {
        if (!this.fresh) await this.restart();
        this.fresh = false;
    }

    readState(): Record<string, StateEntry> {
        return fs.existsSync(this.options.stateFile) ? JSON.parse(fs.readFileSync(this.options.stateFile, "utf8")).resources : {};
    }

    private writeState(resources: Record<string, StateEntry>): void {
        fs.mkdirSync(path.dirname(this.options.stateFile), { recursive: true });
        fs.writeFileSync(this.options.stateFile, JSON.stringify({ resources }, null, 2));
    }

    /** Check for each declared job, its recorded inputs as olds; the checked inputs by name, or a CheckError naming every failure. */
    async checkAll(program: Declared[] | Captured): Promise<Captured> {
        await this.newRun();
        const state = this.readState();
        return this.checkEach(await inputsOf(program), (name) => state[name]?.inputs ?? {});
    }

    /** Check, then Create, for each declared job (none recorded yet). Throws CheckError before any Create if a Check fails. */
    async createAll(program: Declared[] | Captured): Promise<void> {
        await this.newRun();
        const state = this.readState();
        const news = await inputsOf(program);
        const recorded = [...news.keys()].filter((name) => state[name]);
        if (recorded.length) throw new Error(`createAll: ${recorded.join(", ")} recorded already`);
        const checked = await this.checkEach(news, () => ({}));
        const started = process.hrtime.bigint();
        const failures = await this.each([...checked], async ([name, inputs]) => {
            try {
                const { id, outputs } = await this.create(name, inputs);
                state[name] = { urn: this.urn(name), id, inputs, outputs };
            } catch (error) {
                // The engine records a job whose Create failed with ErrorResourceInitFailed (what the
                // dynamic-provider server sends for an error carrying `id`, grpcResponseFromError):
                // the checked inputs, and the error's properties as outputs. test/e2e shows it with the real engine.
                const partial = (error as { partial?: { id: string; properties: Inputs } }).partial;
                if (partial) state[name] = { urn: this.urn(name), id: partial.id, inputs, outputs: partial.properties };
                throw error;
            }
        });
        this.lastCreateMs = Number(process.hrtime.bigint() - started) / 1e6;
        this.finish(state, failures);
    }

    /** Check, then Diff, for each declared job (each recorded); the provider's answers by name. */
    diffAll(program: Declared[] | Captured): Promise<Record<string, DiffAnswer>> {
        return this.diffEach(program, false);
    }

    /** Check, Diff, then Update, for each declared job (each recorded), whatever Diff answers; Diff's answers by name. */
    updateAll(program: Declared[] | Captured): Promise<Record<string, DiffAnswer>> {
        return this.diffEach(program, true);
    }

    private async diffEach(program: Declared[] | Captured, update: boolean): Promise<Record<string, DiffAnswer>> {
        await this.newRun();
        const news = await inputsOf(program);
        const state = this.recorded(news);
        const checked = await this.checkEach(news, (name) => state[name].inputs);
        const answers: Record<string, DiffAnswer> = {};
        const failures = await this.each([...checked], async ([name, inputs]) => {
            const old = state[name];
            answers[name] = await this.diff(name, old.id, old.outputs, inputs);
            if (update) state[name] = { ...old, inputs, outputs: await this.update(name, old.id, old.outputs, inputs) };
        });
        this.finish(update ? state : undefined, failures);
        return answers;
    }

    /** Read for each recorded job; records what it answers. */
    async readAll(): Promise<void> {
        await this.newRun();
        const state = this.readState();
        const failures = await this.each(Object.entries(state), async ([name, entry]) => {
            const read = await this.read(name, entry.id, entry.outputs, entry.inputs);
            // A Read answered with no id is a job that is gone: the engine drops it from the state on refresh.
            if (!read.id) delete state[name];
            else state[name] = { ...entry, inputs: read.inputs ?? entry.inputs, outputs: read.outputs };
        });
        this.finish(state, failures);
    }

    /** Delete for each recorded job; drops each from the state once its Delete succeeded. */
    async deleteAll(): Promise<void> {
        await this.newRun();
        const state = this.readState();
        const failures = await this.each(Object.entries(state), async ([name, entry]) => {
            await this.delete(name, entry.id, entry.outputs);
            delete state[name];
        });
        this.finish(state, failures);
    }

    /** The state, after checking that it records every job of `news`. */
    private recorded(news: Captured): Record<string, StateEntry> {
        const state = this.readState();
        const missing = [...news.keys()].filter((name) => !state[name]);
        if (missing.length) throw new Error(`${missing.join(", ")} not recorded: createAll first`);
        return state;
    }

    /** Check for each job, `olds` being its recorded inputs; the checked inputs, or a CheckError naming every failure. */
    private async checkEach(news: Captured, olds: (name: string) => Inputs): Promise<Captured> {
        const checked: Captured = new Map();
        const failed: CheckFailed[] = [];
        const errors = await this.each([...news], async ([name, inputs]) => {
            const { inputs: accepted, failures } = await this.check(name, olds(name), inputs);
            if (failures.length) failed.push({ name, failures });
            checked.set(name, accepted);
        });
        this.finish(undefined, errors);
        if (failed.length) throw new CheckError(failed);
        // In the program's order, whatever order the answers came in.
        return new Map([...news.keys()].map((name) => [name, checked.get(name)!]));
    }

    /** Writes the state (when given), then throws the first failure, if any. */
    private finish(state: Record<string, StateEntry> | undefined, failures: Error[]): void {
        if (state) this.writeState(state);
        if (failures.length) throw failures[0];
    }

    /** Runs `work` on every item, `parallel` at a time; every item runs even when one fails. Returns the failures. */
    private async each<T>(items: T[], work: (item: T) => Promise<void>): Promise<Error[]> {
        const failures: Error[] = [];
        let next = 0;
        const lanes = Array.from({ length: Math.min(this.options.parallel ?? 10, items.length) }, async () => {
            while (next < items.length) await work(items[next++]).catch((e: Error) => void failures.push(e));
        });
        await Promise.all(lanes);
        return failures;
    }
}

function inputsOf(program: Declared[] | Captured): Promise<Captured> {
    return program instanceof Map ? Promise.resolve(program) : captureInputs(program);
}

/** The dynamic provider turns an error carrying `id` into ErrorResourceInitFailed in the gRPC status details. */
function withPartialCreate(error: any): Error {
    const details = error?.metadata?.get?.("grpc-status-details-bin")?.[0];
    if (!details) return error;
    const statusproto = require("@pulumi/pulumi/proto/status_pb");
    const status = statusproto.Status.deserializeBinary(details);
    const init = provproto.ErrorResourceInitFailed.deserializeBinary(status.getDetailsList()[0].getValue());
    return Object.assign(new Error(error.details ?? error.message), {
        partial: { id: init.getId(), properties: init.getProperties()?.toJavaScript() ?? {} },
    });
}
