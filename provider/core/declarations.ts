// One job per resource, as far as one run's declarations show. Two resources naming the same Qualys
// job (platform and name, or the same adoptJobId) would share it, and deleting one would delete the
// other's job. A face keeps one Declarations per run it sees: the dynamic face per program run (its
// resource monitor), the native plugin per process (the engine starts one per operation). The second
// resource is refused at Check, before any request. A refusal only, never a reason to take a job.
import { UNKNOWN } from "./unknown";

export interface Declared {
    platform?: unknown;
    name?: unknown;
    adoptJobId?: unknown;
}

/** A key only for values known now: at preview a name may be another resource's output. */
function keysOf({ platform, name, adoptJobId }: Declared): string[] {
    const known = (value: unknown): value is string => typeof value === "string" && value !== UNKNOWN;
    return [
        ...(known(platform) && known(name) ? [`job "${name}" on ${platform}`] : []),
        ...(known(adoptJobId) ? [`adoptJobId ${adoptJobId.toLowerCase()}`] : []),
    ];
}

export class Declarations {
    /** Per job key, the resource that declared it first: its identity (a URN on the native face) and its name. */
    private readonly holders = new Map<string, { resource: string; label: string }>();

    /**
     * The refusal when another resource of this run declared the same job; otherwise undefined, and the
     * job is noted as `resource`'s. `label` is how a message names the resource (its name in the program).
     */
    declare(resource: string, job: Declared, label = resource): string | undefined {
        const keys = keysOf(job);
        for (const key of keys) {
            const holder = this.holders.get(key);
            if (holder !== undefined && holder.resource !== resource) {
                return `DeploymentJob "${label}" and DeploymentJob "${holder.label}" both declare the Qualys ${key}; each job belongs to one resource ` +
                    "(destroying one would delete the other's job): give one of them another job name";
            }
        }
        for (const key of keys) this.holders.set(key, { resource, label });
        return undefined;
    }
}
