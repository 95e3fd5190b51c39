// Windows: retry patches that failed, in the same job, after it completes (PM 3.5).
import { DeploymentJob } from "qualys-pm-pulumi";

const job = new DeploymentJob("win-retry", {
    name: "Windows cumulative update with retries",
    platform: "Windows",
    assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357"],
    approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477", "b91fca0e-2a07-3155-909c-fc50ba1863ed"],
    reattemptFailedPatches: { noOfReattempts: 3, exponentialBackoffInterval: 10 },
    postDeployment: {
        rebootCountdown: { interval: 15, intervalUnit: "MINUTES", userMessage: "Reboot countdown started" },
    },
});

export const jobId = job.id;
