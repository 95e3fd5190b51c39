// What the engine suites (test/e2e, test/lifecycle) share: an inline program of declared jobs, a
// stack for it whose provider settings point at the emulator, and what the engine says of an
// operation, read from its own events and state.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as automation from "@pulumi/pulumi/automation";
import type { DeploymentJobArgs } from "../../provider";
import type { PmEmulator } from "../emulator/server";
import type { Declared } from "../helpers/jobs";
import { keepOutput } from "../helpers/secrets";
import { EngineStack, engineStack, Face } from "./cli";

export const PASSWORD = "demo-password";

/** An inline program declaring what `jobs()` returns when the engine runs it, on one face; it exports each job's id. */
export function programOf(jobs: () => Declared[], face: Face = "dynamic"): automation.PulumiFn {
    return async () => {
        const Job = face === "native" ? NativeJob : (require("qualys-pm-pulumi") as typeof import("../../provider/index")).DeploymentJob;
        const ids: Record<string, unknown> = {};
        const made: Record<string, pulumi.CustomResource> = {};
        for (const d of jobs()) {
            const opts = { import: d.import, aliases: d.aliases?.map((name) => ({ name })), dependsOn: d.dependsOn?.map((name) => made[name]), deleteBeforeReplace: d.deleteBeforeReplace };
            made[d.name] = new Job(d.name, d.args, opts);
            ids[d.name] = made[d.name].id;
        }
        return ids;
    };
}

/** The native plugin's resource as the generated SDKs register it: its type token, the inputs, and the server's facts as outputs. */
class NativeJob extends pulumi.CustomResource {
    constructor(name: string, args: DeploymentJobArgs, opts?: pulumi.CustomResourceOptions) {
        super("qualys:pm:DeploymentJob", name, { ...args, serverStatus: undefined, customerId: undefined }, opts);
    }
}

/** A fresh stack for `program`, its `qualys:` config naming the emulator (the password a secret); a native program's project names the plugin. */
export function emulatorStack(binDir: string, name: string, emulator: PmEmulator, program: automation.PulumiFn, face: Face = "dynamic"): Promise<EngineStack> {
    return engineStack(binDir, name, program, {
        "qualys:gatewayUrl": { value: emulator.url },
        "qualys:username": { value: "demo-user" },
        "qualys:password": { value: PASSWORD, secret: true },
    }, { face });
}

/** Keeps what the CLI printed and the state the engine wrote (secrets encrypted) for the leak scan, then removes the stack. */
export async function keepAndRemove(env: EngineStack, prefix: string): Promise<void> {
    const name = path.basename(env.workDir);
    keepOutput(`${prefix}-output-${name}.txt`, env.output.join("\n"));
    for (const file of (fs.readdirSync(env.stateDir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"))) {
        keepOutput(`${prefix}-state-${name}-${path.basename(file)}`, fs.readFileSync(path.join(env.stateDir, file), "utf8"));
    }
    await env.cleanup();
}

/** An onEvent callback that collects the engine's events into `list`. */
export function events(list: automation.EngineEvent[]): (event: automation.EngineEvent) => void {
    return (event) => list.push(event);
}

export interface Step {
    /** The first op the engine reports for the resource. */
    op: string;
    /** The inputs that op changes: what `preview --diff` shows. */
    diffs: string[];
    /** Every op, in order (a replacement is three). */
    ops: string[];
}

/** Per resource name, the steps of an operation, from the engine's own events. */
export function stepsOf(list: automation.EngineEvent[]): Record<string, Step> {
    const out: Record<string, Step> = {};
    for (const e of list) {
        const m = e.resourcePreEvent?.metadata;
        if (!m || !m.urn.includes("DeploymentJob")) continue;
        const step = (out[m.urn.split("::").pop()!] ??= { op: m.op, diffs: changedInputs(m.old?.inputs ?? {}, m.new?.inputs ?? {}), ops: [] });
        step.ops.push(m.op);
    }
    return out;
}

/**
 * The top-level inputs that differ. The Node dynamic provider returns no property list with its
 * Diff (no detailedDiff), so the engine's own `diffs` is empty; `preview --diff` compares the old
 * and new inputs, as this does (the serialized provider left out).
 */
function changedInputs(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    keys.delete("__provider");
    return [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

export interface RecordedJob {
    urn: string;
    id: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
}

/** The DeploymentJobs the engine's state records (`stack export --show-secrets`), by resource name. */
export async function recordedJobs(env: EngineStack): Promise<Record<string, RecordedJob>> {
    const resources: RecordedJob[] = (await env.stack.exportStack()).deployment.resources ?? [];
    return Object.fromEntries(resources.filter((r) => r.urn.includes("DeploymentJob")).map((r) => [r.urn.split("::").pop()!, r]));
}

/** The requests the emulator got since `mark`, but /auth, as "METHOD route". */
export function requestsSince(emulator: PmEmulator, mark: number): string[] {
    return emulator.requests.slice(mark).filter((r) => r.route !== "auth").map((r) => `${r.method} ${r.route}`);
}
