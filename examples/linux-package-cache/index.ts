// Linux: refresh the package manager's cache before patching (Qualys' Linux Package Cache Update,
// the MakeCache pre-deploy action of PM 3.5), then deploy the critical patches a QQL selects.
import { DeploymentJob } from "qualys-pm-pulumi";

const job = new DeploymentJob("rhel-critical", {
    name: "RHEL critical patches, cache refreshed",
    platform: "Linux",
    assetTagIds: ["236bdc33-a0c7-4baf-8ce3-fc89ad5302ce"],
    isDynamicPatchesQQL: true,
    dynamicPatchesQQL: "vendorSeverity:Critical",
    packageCacheUpdate: true,
    continueOnPatchFailure: true,
    // Left Disabled: nothing runs until you set status: "Enabled" (an On-demand job then patches at once).
});

export const jobId = job.id;
