// Monthly, two days after Patch Tuesday, on tagged servers except those tagged as excluded,
// in a 6-hour window. A recurring job: it may be enabled and disabled at will.
import { DeploymentJob } from "qualys-pm-pulumi";

const job = new DeploymentJob("patch-tuesday-plus-2", {
    name: "Servers: Patch Tuesday + 2 days",
    platform: "Windows",
    assetTagIds: ["236bdc33-a0c7-4baf-8ce3-fc89ad5302ce"],
    filterType: "Any",
    exclusionTagIds: ["6d1cd4b6-378d-4c95-ad47-f459882e7c35"],
    isDynamicPatchesQQL: true,
    dynamicPatchesQQL: "isSecurity:true and vendorSeverity:[Critical, Important]",
    scheduleType: "Monthly",
    patchTuesdayPlusXDays: 2,
    startDateTime: "2026-12-10 02:00:00 AM",
    timezoneType: "SPECIFIC_TZ",
    timezone: "America/New_York",
    timeout: 6,
    timeoutUnit: "HOURS",
    status: "Enabled",
    notification: { emails: ["patching@example.com"], onJobComplete: true },
});

export const jobId = job.id;
