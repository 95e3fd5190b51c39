// The demo's program (also the repo root's Pulumi.yaml program): the seed's two jobs.
import { DeploymentJob } from "qualys-pm-pulumi";

export function demoProgram(): Record<string, unknown> {
    const linux = new DeploymentJob("linux-makecache", {
        name: "Demo_MakeCache",
        platform: "Linux",
        assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"],
        packageCacheUpdate: true,
    });
    const windows = new DeploymentJob("windows-reattempts", {
        name: "TestAPI_CreateJobNew222",
        platform: "Windows",
        assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357"],
        approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477", "b91fca0e-2a07-3155-909c-fc50ba1863ed"],
        reattemptFailedPatches: { noOfReattempts: 5, exponentialBackoffInterval: 15 },
    });
    return { linuxJobId: linux.id, windowsJobId: windows.id };
}
