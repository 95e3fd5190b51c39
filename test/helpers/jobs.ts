// The seed's two jobs as DeploymentJob inputs (test/fixtures/seed, 3.5 release notes), with
// the status left out so that declaring them deploys nothing.
import type { DeploymentJobArgs } from "../../provider/dynamic/args.generated";

/** A `new DeploymentJob(name, args)` of a test's program. */
export interface Declared {
    name: string;
    args: DeploymentJobArgs;
    /** The `import` resource option (which cannot serve a dynamic resource: test/e2e shows it). */
    import?: string;
    /** Old names of this resource (`aliases: [{ name }]`). */
    aliases?: string[];
    /** Names of resources declared before this one that it depends on (`dependsOn`). */
    dependsOn?: string[];
    /** The `deleteBeforeReplace` resource option. */
    deleteBeforeReplace?: boolean;
}

export function linuxMakeCache(extra: Partial<DeploymentJobArgs> = {}): DeploymentJobArgs {
    return { name: "Demo_MakeCache", platform: "Linux", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true, ...extra };
}

export function windowsReattempts(extra: Partial<DeploymentJobArgs> = {}): DeploymentJobArgs {
    return {
        name: "TestAPI_CreateJobNew222",
        platform: "Windows",
        assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357"],
        approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477", "b91fca0e-2a07-3155-909c-fc50ba1863ed"],
        postDeployment: {
            rebootCountdown: {
                userMessage: "Reboot countdown started",
                description: "The system reboot is initiated. It will reboot automatically after the timer countdown.",
            },
        },
        reattemptFailedPatches: { noOfReattempts: 5, exponentialBackoffInterval: 15 },
        ...extra,
    };
}
