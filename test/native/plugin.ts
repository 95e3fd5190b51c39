// The native plugin as the engine runs it: bin/pulumi-resource-qualys spawned with the engine's
// flags, its port read from the first line of stdout, and a client on @pulumi/pulumi's own generated
// definitions. Each call resolves to the answer as plain data, or rejects with the gRPC error (a
// partial create with `partial` = { id, properties }).
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "../helpers/root";
import { keepOutput } from "../helpers/secrets";

/* eslint-disable @typescript-eslint/no-require-imports */
const services = require("@pulumi/pulumi/proto/provider_grpc_pb");
const pb = require("@pulumi/pulumi/proto/provider_pb");
const statusPb = require("@pulumi/pulumi/proto/status_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

export const PLUGIN = path.join(repoRoot(), "bin", "pulumi-resource-qualys");
export const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
export const secret = (value: unknown) => ({ ...SECRET_SIG, value });
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Json = Record<string, any>;
/** A Struct of `value` as the engine would send it: undefined members left out, NaN and Infinity kept. */
function defined(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : defined(v)));
    if (!value || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, defined(v)]));
}
const struct = (value: object) => Struct.fromJavaScript(defined(value));

export class PluginProcess {
    private child?: ChildProcess;
    private client: any;
    /** Everything the plugin wrote: stdout's first line is the port, stderr its log. */
    readonly stdout: string[] = [];
    readonly stderr: string[] = [];

    constructor(private readonly env: NodeJS.ProcessEnv = {}) {}

    async start(args = ["--logtostderr", "-v=9", "--tracing", "127.0.0.1:1", "127.0.0.1:1"]): Promise<string> {
        const env = { ...process.env, QUALYS_GATEWAY_URL: "", QUALYS_USERNAME: "", QUALYS_PASSWORD: "", PULUMI_CONFIG: "", ...this.env };
        this.child = spawn(PLUGIN, args, { env, stdio: ["ignore", "pipe", "pipe"] });
        this.child.stderr!.on("data", (d) => this.stderr.push(String(d)));
        const port = await new Promise<string>((resolve, reject) => {
            let buffered = "";
            this.child!.stdout!.on("data", (d) => {
                buffered += String(d);
                this.stdout.push(String(d));
                if (buffered.includes("\n")) resolve(buffered.split("\n")[0]);
            });
            this.child!.on("exit", (code) => reject(new Error(`plugin exited with ${code}: ${this.stderr.join("")}`)));
        });
        // The engine's own limit (400 MB): Check answers a refused input with the input, however large.
        this.client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024, "grpc.max_send_message_length": 400 * 1024 * 1024 });
        return port;
    }

    async stop(name: string): Promise<void> {
        this.client?.close();
        const exited = new Promise((resolve) => this.child?.once("exit", resolve));
        this.child?.kill();
        await exited;
        keepOutput(`native-plugin-${name}.log`, [...this.stdout, ...this.stderr].join(""));
    }

    /** Resolves once the plugin's log holds `text` (the plugin's own word that it got there, not a guess at time). */
    logged(text: string): Promise<void> {
        return new Promise((resolve) => {
            const look = () => {
                if (!this.stderr.join("").includes(text)) return;
                this.child!.stderr!.off("data", look);
                resolve();
            };
            this.child!.stderr!.on("data", look);
            look();
        });
    }

    private rpc(method: string, request: unknown): Promise<any> {
        return new Promise((resolve, reject) => this.client[method](request, (error: any, response: any) => (error ? reject(withPartial(error)) : resolve(response))));
    }

    async pluginInfo(): Promise<string> {
        return (await this.rpc("getPluginInfo", new Empty())).getVersion();
    }
    async schema(): Promise<Json> {
        return JSON.parse((await this.rpc("getSchema", new pb.GetSchemaRequest())).getSchema());
    }
    async checkConfig(news: Json): Promise<{ inputs: Json; failures: Json[] }> {
        return checkAnswer(await this.rpc("checkConfig", new pb.CheckRequest().setUrn(urn("pulumi:providers:qualys", "default")).setNews(struct(news)).setOlds(struct({}))));
    }
    async diffConfig(olds: Json, news: Json): Promise<Json> {
        return diffAnswer(await this.rpc("diffConfig", new pb.DiffRequest().setOldInputs(struct(olds)).setOlds(struct(olds)).setNews(struct(news))));
    }
    async configure(args: Json, variables: Record<string, string> = {}): Promise<Json> {
        const req = new pb.ConfigureRequest().setArgs(struct(args)).setAcceptsecrets(true);
        for (const [k, v] of Object.entries(variables)) req.getVariablesMap().set(k, v);
        const res = await this.rpc("configure", req);
        return { acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview() };
    }
    async check(olds: Json, news: Json): Promise<{ inputs: Json; failures: Json[] }> {
        return checkAnswer(await this.rpc("check", new pb.CheckRequest().setUrn(urn()).setOlds(struct(olds)).setNews(struct(news))));
    }
    async diff(oldInputs: Json, news: Json, olds: Json = oldInputs): Promise<Json> {
        return diffAnswer(await this.rpc("diff", new pb.DiffRequest().setId("x").setUrn(urn()).setOldInputs(struct(oldInputs)).setOlds(struct(olds)).setNews(struct(news))));
    }
    async create(news: Json): Promise<{ id: string; properties: Json }> {
        const res = await this.rpc("create", new pb.CreateRequest().setUrn(urn()).setProperties(struct(news)));
        return { id: res.getId(), properties: res.getProperties().toJavaScript() };
    }
    async read(id: string, properties: Json = {}, inputs: Json = {}): Promise<{ id: string; properties?: Json; inputs?: Json }> {
        const res = await this.rpc("read", new pb.ReadRequest().setId(id).setUrn(urn()).setProperties(struct(properties)).setInputs(struct(inputs)));
        return { id: res.getId(), properties: res.getProperties()?.toJavaScript(), inputs: res.getInputs()?.toJavaScript() };
    }
    async update(id: string, olds: Json, news: Json): Promise<Json> {
        const res = await this.rpc("update", new pb.UpdateRequest().setId(id).setUrn(urn()).setOlds(struct(olds)).setNews(struct(news)).setOldInputs(struct(olds)));
        return res.getProperties().toJavaScript();
    }
    async delete(id: string, properties: Json = {}): Promise<void> {
        await this.rpc("delete", new pb.DeleteRequest().setId(id).setUrn(urn()).setProperties(struct(properties)));
    }
    async invoke(tok: string, args: Json): Promise<Json> {
        return (await this.rpc("invoke", new pb.InvokeRequest().setTok(tok).setArgs(struct(args)))).getReturn().toJavaScript();
    }
    async cancel(): Promise<void> {
        await this.rpc("cancel", new Empty());
    }
}

function urn(type = "qualys:pm:DeploymentJob", name = "job") {
    return `urn:pulumi:test::native::${type}::${name}`;
}

function checkAnswer(res: any) {
    return { inputs: res.getInputs()?.toJavaScript() ?? {}, failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })) };
}

const KINDS = ["ADD", "ADD_REPLACE", "DELETE", "DELETE_REPLACE", "UPDATE", "UPDATE_REPLACE"];
const CHANGES = ["DIFF_UNKNOWN", "DIFF_NONE", "DIFF_SOME"];

function diffAnswer(res: any): Json {
    return {
        changes: CHANGES[res.getChanges()],
        diffs: res.getDiffsList(),
        replaces: res.getReplacesList(),
        hasDetailedDiff: res.getHasdetaileddiff(),
        detailedDiff: detailed(res.getDetaileddiffMap()),
    };
}

function detailed(map: any): Record<string, string> {
    const out: Record<string, string> = {};
    map.forEach((diff: any, key: string) => (out[key] = KINDS[diff.getKind()] + (diff.getInputdiff() ? "" : " (outputs)")));
    return out;
}

/** An ErrorResourceInitFailed in the status details (how the engine learns of a partial create). */
function withPartial(error: any): Error {
    const details = error?.metadata?.get?.("grpc-status-details-bin")?.[0];
    if (!details) return error;
    const status = statusPb.Status.deserializeBinary(details);
    const init = pb.ErrorResourceInitFailed.deserializeBinary(status.getDetailsList()[0].getValue());
    return Object.assign(new Error(error.details ?? error.message), { partial: { id: init.getId(), properties: init.getProperties()?.toJavaScript() ?? {}, reasons: init.getReasonsList() } });
}
