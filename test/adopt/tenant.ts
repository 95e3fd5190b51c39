// A tenant "made in the Qualys UI" for `qualys-pm-pulumi adopt`: jobs of mixed shapes seeded
// straight into the emulator (request-shaped bodies from toRequest, plus the fields a UI job may
// carry that the provider does not model), with deterministic ids. Shared by test/adopt and
// scripts/bench-adopt.ts.
import type { DeploymentJobInputs } from "../../provider/core/inputs.generated";
import { canonicalInputs, toRequest } from "../../provider/core/payload";
import type { Job, PmEmulator } from "../emulator/server";

/** A deterministic UUID: `n` numbers within a family, first (as random UUIDs differ from the start), `kind` tells families apart. */
export function uuid(kind: number, n: number): string {
    return `${n.toString(16).padStart(8, "0")}-${kind.toString(16).padStart(4, "0")}-4000-8000-${kind.toString(16).padStart(12, "0")}`;
}

const ASSET = 0xa55e;
const TAG = 0x7a9;
const PATCH = 0xba7c;
const USER = 0x05e2;
const JOB = 0x10b;

export interface SeededJob {
    id: string;
    inputs: DeploymentJobInputs;
    /** Fields the provider does not model, merged into the seeded body. */
    extra?: Job;
    /** Enabled and triggered: Qualys reports it "Prepared". */
    triggered?: boolean;
}

const START = (i: number) => `2026-${1 + (i % 12)}-${1 + (i % 27)} ${String(1 + (i % 12)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00 ${i % 2 ? "PM" : "AM"}`;
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** The i-th job of the mixed tenant: ten shapes in turn. */
export function mixedJob(i: number): SeededJob {
    const id = uuid(JOB, i);
    const assets = [uuid(ASSET, i), uuid(ASSET, i + 1)];
    const patches = [uuid(PATCH, i % 17), uuid(PATCH, 100 + (i % 5))];
    const linux = i % 2 === 0;
    let inputs: DeploymentJobInputs;
    let triggered = false;
    switch (i % 10) {
        case 0: // Linux cache update, with a dynamic QQL
            inputs = {
                name: `RHEL cache refresh ${i}`, platform: "Linux", assetIds: assets, packageCacheUpdate: true,
                isDynamicPatchesQQL: true, dynamicPatchesQQL: "vendorSeverity:Critical", ...(i % 20 === 0 ? { continueOnPatchFailure: true } : {}),
            };
            break;
        case 1: // Windows reattempts
            inputs = {
                name: `Windows reattempts ${i}`, platform: "Windows", assetIds: assets, approvedPatches: patches,
                reattemptFailedPatches: { noOfReattempts: 1 + (i % 5), exponentialBackoffInterval: 1 + (i % 15) }, opportunisticDownloads: i % 3 === 0,
            };
            break;
        case 2: // Weekly, in a given time zone, with a patch window
            inputs = {
                name: `Weekly "servers" ${i}`, platform: linux ? "Linux" : "Windows", scheduleType: "Weekly", startDateTime: START(i),
                timezoneType: "SPECIFIC_TZ", timezone: "America/New_York", recurringWeekDays: [DAYS[i % 7], DAYS[(i + 3) % 7]],
                assetIds: assets, approvedPatches: patches, timeout: 1 + (i % 8), timeoutUnit: "HOURS",
            };
            break;
        case 3: // Monthly on a day of the month, agents' time zone
            inputs = {
                name: `Déploiement mensuel «critique» ${i}`, platform: "Windows", scheduleType: "Monthly", startDateTime: START(i), timezoneType: "AGENT_TZ",
                dayOfMonth: 1 + (i % 28), assetIds: assets, approvedPatches: patches, downloadRandomizeTime: 30, downloadRandomizeTimeUnit: "MINUTES",
            };
            break;
        case 4: // Patch Tuesday offsets, before and after
            inputs = {
                name: `Patch Tuesday ${i % 8 < 4 ? "+" : "-"}${1 + (i % 5)}`, platform: i % 8 < 4 ? "Windows" : "Linux", scheduleType: "Monthly", startDateTime: START(i),
                patchTuesdayPlusXDays: (i % 8 < 4 ? 1 : -1) * (1 + (i % 5)), assetTagIds: [uuid(TAG, i % 9)], approvedPatches: patches,
            };
            // Distinct names: the offset alone repeats.
            inputs.name = `${inputs.name} (wave ${i})`;
            break;
        case 5: // Tag targeting with exclusions
            inputs = {
                name: `Tagged fleet ${i}`, platform: linux ? "Linux" : "Windows", assetTagIds: [uuid(TAG, i % 7), uuid(TAG, 7 + (i % 3))], filterType: "All",
                matchAllTagIds: [uuid(TAG, 20)], exclusionTagIds: [uuid(TAG, 30 + (i % 2))], exclusionFilterType: "All", exclusionAssetIds: [uuid(ASSET, 9000 + i)],
                isDynamicPatchesQQL: true, dynamicPatchesQQL: `vendorSeverity:Critical and appFamily:"Browser ${i}"`, dynamicQQLType: 2,
                additionalDynamicPatchesQQL: "isSecurity:true", additionalDynamicQQLType: 1,
            };
            break;
        case 6: // Notifications
            inputs = {
                name: `Notify ops ${i}`, platform: linux ? "Linux" : "Windows", assetIds: assets, approvedPatches: patches,
                notification: { emails: [`ops${i}@example.com`, "secops@example.com"], onJobStart: true, onJobComplete: i % 4 === 0, completedPercentage: 10 * (1 + (i % 9)) },
            };
            break;
        case 7: // Enabled run-once jobs, half of them triggered
            inputs = {
                name: `Emergency patch ${i}`, platform: linux ? "Linux" : "Windows", status: "Enabled", assetIds: assets, approvedPatches: patches,
                ...(i % 4 === 1 ? { scheduleType: "Once", startDateTime: START(i), timezoneType: "SPECIFIC_TZ", timezone: "UTC" } : {}),
            } as DeploymentJobInputs;
            triggered = i % 4 === 3;
            break;
        case 8: // Disabled drafts; the same name on both platforms every 20 jobs
            inputs = { name: `Draft ${Math.floor(i / 20)}`, platform: i % 20 === 8 ? "Linux" : "Windows", assetIds: [assets[0]], description: "started in the UI" };
            break;
        default: // Daily, with messages, deferments, reboot settings, scripts and co-authors
            inputs = {
                name: `Daily workstation care ${i}`, platform: linux ? "Linux" : "Windows", scheduleType: "Daily", startDateTime: START(i), timezoneType: "AGENT_TZ",
                ...(linux ? {} : { type: "Rollback" as const, minimizeWindow: true }),
                assetIds: assets, approvedPatches: patches, coAuthorUserIds: [uuid(USER, i % 4)],
                preDeployment: { userMessage: "Patching starts soon", description: "Heads-up", deferment: { count: 2, interval: 30, intervalUnit: "MINUTES" } },
                duringDeployment: { userMessage: "Patching in progress" },
                postDeployment: {
                    suppressReboots: i % 3 === 0, rebootHonorOnUserLogin: true,
                    rebootCountdown: { interval: 5, intervalUnit: "MINUTES", userMessage: "Rebooting", description: "Reboot" },
                    onComplete: { userMessage: "Done", alwaysShowCompletedPrompt: true },
                },
                preDeployActions: [{ description: "stop agent cache", scriptType: linux ? "sh" : "powershell", script: linux ? "systemctl stop foo\necho 'ok'" : "Stop-Service Foo" }],
                postDeployActions: [{ scriptType: linux ? "sh" : "bat", script: linux ? "systemctl start foo" : "echo done" }],
            };
    }
    return { id, inputs, triggered };
}

/** Jobs carrying what the schema does not model (kept on update), and one value the next update clears. */
export function unmanagedJobs(): (SeededJob & { kept: RegExp[] })[] {
    const base = (n: number, name: string): DeploymentJobInputs => ({ name, platform: "Windows", assetIds: [uuid(ASSET, 5000 + n)], approvedPatches: [uuid(PATCH, 5000 + n)] });
    return [
        { id: uuid(JOB, 900_001), inputs: base(1, "Chained after the baseline"), extra: { linkedJobId: uuid(JOB, 0) }, kept: [/job chaining \(linkedJobId 00000000-010b-4000-8000-00000000010b\)/] },
        {
            id: uuid(JOB, 900_002), inputs: base(2, "Installs software first"),
            extra: { preDeployActions: [{ action: "Install Software", params: { actionItem: "7-Zip", remediationScope: false }, scriptType: null, script: null }] },
            kept: [/a pre-deploy "Install Software" action/],
        },
        { id: uuid(JOB, 900_003), inputs: base(3, "Custom patch URL"), extra: { customPatchURLId: 4242 }, kept: [/a custom patch URL \(customPatchURLId 4242\)/] },
        { id: uuid(JOB, 900_004), inputs: base(4, "Newer API field"), extra: { maintenanceWindowPolicy: { id: 7, name: "night" } }, kept: [/the field maintenanceWindowPolicy/] },
        { id: uuid(JOB, 900_005), inputs: base(5, "QQL switched off"), extra: { dynamicPatchesQQL: "vendorSeverity:Low" }, kept: [] },
    ];
}

/** Jobs the provider cannot represent, and the words of their reason. */
export function unadoptableJobs(): (SeededJob & { reason: RegExp })[] {
    return [
        { id: uuid(JOB, 990_001), inputs: { name: "Untargeted draft", platform: "Linux" } as DeploymentJobInputs, reason: /at least one target is required/ },
        {
            id: uuid(JOB, 990_002), inputs: { name: "Nine reattempts", platform: "Windows", assetIds: [uuid(ASSET, 1)], approvedPatches: [uuid(PATCH, 1)] },
            extra: { enableReattemptFailedPatches: true, reattemptFailedPatches: { noOfReattempts: 9, exponentialBackoffInterval: 15 } },
            reason: /reattemptFailedPatches\.noOfReattempts must be between 1 and 5 \(got 9\)/,
        },
        // Seeded after "Windows reattempts 1", so that one, older, keeps the name.
        { id: uuid(JOB, 990_003), inputs: mixedJob(1).inputs, reason: /job 00000001-010b-4000-8000-00000000010b \(resource "windows-reattempts-1"\) is an older Windows job of the same name/ },
    ];
}

/** Seeds `jobs` in order, one millisecond of creation time apart; marks the triggered ones as run. */
export function seed(emulator: PmEmulator, jobs: SeededJob[]): void {
    const now = Date.now();
    jobs.forEach((job, n) => {
        const id = emulator.seedJob({ ...toRequest(job.inputs), ...job.extra, id: job.id });
        const stored = emulator.state.jobs.get(id)!;
        stored.createdBy = { ...stored.createdBy, date: now - jobs.length + n };
        if (job.triggered) stored.triggeredAt = now;
    });
}

/** What the program must declare for a seeded job: its canonical inputs and adoptJobId. */
export function expectedArgs(job: SeededJob): Record<string, unknown> {
    return { ...canonicalInputs(job.inputs), adoptJobId: job.id };
}
