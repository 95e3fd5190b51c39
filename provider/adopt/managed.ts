// The jobs a stack already manages, from its state: what `pulumi stack export` prints (run in the
// project for --stack, or saved to a file for --stack-export), or a file backend's state file. The
// adopted program is meant to sit next to the stack's own code, where a second DeploymentJob of
// the same job, or of the same job name and platform, or a second resource of the same name, would
// fail the next preview: so those jobs are left out, and those names are taken.
import { execFile } from "node:child_process";
import { RESOURCE_TYPE } from "./types";

export interface ManagedJobs {
    /** Where the state was read, for messages: `stack dev` or a file name. */
    source: string;
    /** The resource name of each job id the stack records (ids lower-case). */
    byId: Map<string, string>;
    /** The resource name of each job name and platform the stack declares (`Linux\u0000name`). */
    byJobName: Map<string, string>;
    /** Every resource name the stack uses for a DeploymentJob. */
    resourceNames: Set<string>;
}

export const NO_MANAGED_JOBS: ManagedJobs = { source: "", byId: new Map(), byJobName: new Map(), resourceNames: new Set() };

export function jobNameKey(platform: string, name: string): string {
    return `${platform}\u0000${name}`;
}

type StateResource = { type?: unknown; urn?: unknown; id?: unknown; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };

/** The DeploymentJobs of a stack export (`deployment.resources`) or state file (`checkpoint.latest.resources`). */
export function managedJobsOf(text: string, source: string): ManagedJobs {
    let document: { deployment?: { resources?: unknown }; checkpoint?: { latest?: { resources?: unknown } } };
    try {
        document = JSON.parse(text);
    } catch (error) {
        throw new Error(`${source} is not JSON (${(error as Error).message}): give the output of pulumi stack export`);
    }
    // A stack that was never updated has no resources yet.
    const resources = document?.deployment ? (document.deployment.resources ?? []) : document?.checkpoint ? (document.checkpoint.latest?.resources ?? []) : undefined;
    if (!Array.isArray(resources)) throw new Error(`${source} is neither a stack export (pulumi stack export) nor a state file: it has no deployment.resources`);
    const managed: ManagedJobs = { source, byId: new Map(), byJobName: new Map(), resourceNames: new Set() };
    for (const resource of resources as StateResource[]) {
        if (resource?.type !== RESOURCE_TYPE || typeof resource.urn !== "string") continue;
        const resourceName = resource.urn.split("::").pop()!;
        managed.resourceNames.add(resourceName);
        if (typeof resource.id === "string" && resource.id) managed.byId.set(resource.id.toLowerCase(), resourceName);
        const name = resource.inputs?.name ?? resource.outputs?.name;
        const platform = resource.inputs?.platform ?? resource.outputs?.platform;
        // A secret name is encrypted in the export: it cannot be compared.
        if (typeof name === "string" && typeof platform === "string") managed.byJobName.set(jobNameKey(platform, name), resourceName);
    }
    return managed;
}

/**
 * `pulumi stack export --stack <stack>` in `cwd` (the project), with `env` (its backend login and
 * passphrase): the state as the CLI gives it, secrets left encrypted (no --show-secrets).
 */
export function exportStack(stack: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("pulumi", ["stack", "export", "--stack", stack, "--non-interactive"], { cwd, env, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
            if (!error) return resolve(stdout);
            const said = String(stderr || error.message).trim().split("\n").slice(-3).join(" ").slice(0, 400);
            const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
            reject(new Error(missing
                ? "--stack runs the pulumi CLI, which is not on PATH: install it, or save the state with pulumi stack export --file <file> and give --stack-export <file>"
                : `pulumi stack export --stack ${stack} failed in ${cwd}: ${said}`));
        });
    });
}
