// How the server answers, as the PM 3.5 release notes' samples show it (copied in test/fixtures/seed):
// renamed fields, filled defaults, enriched pre-deploy actions, null for [], "Prepared" for a
// triggered enabled job. Pure functions of a stored job; the rules that store it are in state.ts.
import linuxGet from "../fixtures/seed/linux-get.response.json";
import resultsSummary from "../fixtures/seed/windows-results-summary.response.json";
import { MAKECACHE_PATH, type Job, type Outcome } from "./state";

/** Which answer a stored job appears in: they differ (seed samples). */
type Kind = "create" | "update" | "get";

/** The script text a GET returns for the MakeCache action (seed: Get Linux Deployment Job Details). */
const MAKECACHE_BASE64: string = (linuxGet as Job).preDeployActions[0].script;

/** The error body: the shape qualysdk reads (the docs do not show Qualys' own), stamped at `now`, the server's time. */
export function qualysError(errorCode: string, message: string, now: number) {
    return { _error: { errorCode, message, timestamp: now } };
}

/** A stored job as the server answers it: to a create, an update, or a GET (seed samples). */
export function present(job: Job, kind: Kind): Job {
    return {
        ...identityAndTargets(job, kind),
        ...schedule(job, kind),
        ...deployment(job, kind),
        ...execution(job, kind),
        // Fields a newer API has (chainedJobRule, ...): a server answers what it holds.
        ...Object.fromEntries(Object.entries(job).filter(([key]) => !PRESENTED.has(key) && !INTERNAL.has(key))),
    };
}

/**
 * The update answer: the 3.5 notes show the Windows update answering with the request echoed back,
 * its name the one stored (a server that normalises names answers the name it keeps).
 */
export function updateAnswer(job: Job, request: Job): unknown {
    return job.platform === "Windows" ? { ...request, name: job.name } : present(job, "update");
}

// present() in four consecutive slices, in the samples' key order.

function identityAndTargets(job: Job, kind: Kind): Job {
    const get = kind === "get";
    const triggered = job.status === "Enabled" && job.triggeredAt !== undefined;
    const list = (value: unknown[]) => (get && !value.length ? null : value);
    return {
        customerId: job.customerId,
        id: job.id,
        schemaVersion: "1.0",
        name: job.name,
        type: job.type,
        status: triggered && get && job.scheduleType === "On-demand" ? "Prepared" : job.status,
        assetIds: list(job.assetIds),
        assetTagIds: list(job.assetTagIds),
        matchAllTagIds: list(job.matchAllTagIds),
        exclusionTagIds: list(job.exclusionTagIds),
        exclusionAssetIds: list(job.exclusionAssetIds),
        coAuthorUserIds: list(job.coAuthorUserIds),
        approvedPatches: list(job.approvedPatches),
        disabledPatches: null,
        patchCount: job.approvedPatches.length,
    };
}

function schedule(job: Job, kind: Kind): Job {
    // On-demand jobs get a start stamp and UTC from the server, except in an update's answer.
    const serverTime = job.scheduleType === "On-demand" && kind !== "update";
    return {
        scheduleType: job.scheduleType,
        startDateTime: serverTime ? job.startStamp : job.startDateTime ?? null,
        recurring: job.recurring ?? false,
        recurringWeekDays: job.recurringWeekDays ?? "",
        dayOfMonth: job.dayOfMonth ?? null,
        recurringDayOfMonth: job.recurringDayOfMonth ?? null,
        recurringWeekDayOfMonth: job.recurringWeekDayOfMonth ?? null,
        timezoneType: serverTime ? "SPECIFIC_TZ" : job.timezoneType ?? null,
        timezone: serverTime ? "UTC" : job.timezone ?? null,
        timeout: job.timeout ?? -1,
        timeoutUnit: job.timeoutUnit ?? "HOURS",
    };
}

function deployment(job: Job, kind: Kind): Job {
    return {
        preDeployment: { userMessage: "", description: "", deferment: { count: 3, interval: 1, intervalUnit: "HOURS" }, ...job.preDeployment },
        duringDeployment: { userMessage: "", description: "", ...job.duringDeployment },
        // The update answer in the notes leaves alwaysShowCompletedPrompt out of onComplete.
        postDeployment: kind === "update"
            ? { ...job.postDeployment, onComplete: { userMessage: job.postDeployment.onComplete.userMessage, description: job.postDeployment.onComplete.description } }
            : job.postDeployment,
        description: job.description ?? "",
        createdBy: kind === "update" ? null : job.createdBy,
        updatedBy: job.updatedBy,
        deletedBy: kind === "update" ? null : { user: null, date: null },
        assetCount: null,
        opportunisticDownloads: job.opportunisticDownloads ?? false,
        filterType: job.filterType ?? "Any",
        exclusionFilterType: job.exclusionFilterType ?? "Any",
        taggedAssetCount: 0,
        minimizeWindow: job.minimizeWindow ?? false,
        dynamicPatchesQQL: job.dynamicPatchesQQL ?? "",
        isDynamicPatchesQQL: job.isDynamicPatchesQQL ?? false,
        dynamicQQLType: job.dynamicQQLType ?? 1,
        platform: job.platform,
        continueOnPatchFailure: job.continueOnPatchFailure ?? false,
        preDeployActions: actions(job.preDeployActions, kind, kind === "get" || job.platform === "Windows" ? "null" : "list"),
        postDeployActions: actions(job.postDeployActions, kind, kind === "update" ? "list" : "null"),
        applicableAssetCount: job.assetIds.length,
        monthlyRecurringType: job.monthlyRecurringType ?? null,
        patchTuesdayPlusXDays: job.patchTuesdayPlusXDays ?? null,
        recurringLastDayOfMonth: job.recurringLastDayOfMonth ?? false,
    };
}

function execution(job: Job, kind: Kind): Job {
    const get = kind === "get";
    const triggered = job.status === "Enabled" && job.triggeredAt !== undefined;
    return {
        jobCategory: kind === "update" ? null : 3,
        jobTriggerStatus: triggered && get ? 1 : null,
        completionPercent: null,
        totalAssetCount: null,
        assetResultReceivedCount: null,
        jobSource: 3,
        readOnly: false,
        notification: job.notification ?? null,
        // Job chaining is not modelled by the provider: answered as stored, so an update that lost it shows.
        linkedJobId: job.linkedJobId || null,
        linkedToJob: job.linkedToJob ?? null,
        linkedJobs: job.linkedJobs ?? null,
        jobStartCountdown: null,
        passwordAction: null,
        subCategory: "Patch",
        additionalDynamicQQLType: job.additionalDynamicQQLType || null,
        additionalDynamicPatchesQQL: job.additionalDynamicPatchesQQL || null,
        downloadRandomizeTime: job.downloadRandomizeTime ?? 0,
        downloadRandomizeTimeUnit: job.downloadRandomizeTimeUnit ?? "MINUTES",
        customPatchURLId: job.customPatchURLId ?? null,
        isVulnContext: job.platform === "Windows" && kind === "create" ? null : false,
        remediationQids: get || job.platform === "Windows" ? null : [],
        isAssetImported: false,
        hostIsolationConfig: null,
        quarantineAssetRequestNotification: null,
        enableReattemptFailedPatches: job.enableReattemptFailedPatches ?? null,
        reattemptFailedPatches: job.reattemptFailedPatches ?? null,
    };
}

/** Actions as answered: a GET gives scripts in base64 (MakeCache's the seed's text); no actions answer null or []. */
function actions(value: Job[], kind: Kind, empty: "null" | "list"): Job[] | null {
    const get = kind === "get";
    if (!value.length) return empty === "null" ? null : [];
    return value.map((a) => ({ ...a, script: get && a.script === MAKECACHE_PATH ? MAKECACHE_BASE64 : get && typeof a.script === "string" ? Buffer.from(a.script).toString("base64") : a.script }));
}

/** Every field present() writes itself. */
const PRESENTED = new Set([
    "customerId", "id", "schemaVersion", "name", "type", "status", "assetIds", "assetTagIds", "matchAllTagIds", "exclusionTagIds", "exclusionAssetIds",
    "coAuthorUserIds", "approvedPatches", "disabledPatches", "patchCount", "scheduleType", "startDateTime", "recurring", "recurringWeekDays", "dayOfMonth",
    "recurringDayOfMonth", "recurringWeekDayOfMonth", "timezoneType", "timezone", "timeout", "timeoutUnit", "preDeployment", "duringDeployment",
    "postDeployment", "description", "createdBy", "updatedBy", "deletedBy", "assetCount", "opportunisticDownloads", "filterType", "exclusionFilterType",
    "taggedAssetCount", "minimizeWindow", "dynamicPatchesQQL", "isDynamicPatchesQQL", "dynamicQQLType", "platform", "continueOnPatchFailure",
    "preDeployActions", "postDeployActions", "applicableAssetCount", "monthlyRecurringType", "patchTuesdayPlusXDays", "recurringLastDayOfMonth",
    "jobCategory", "jobTriggerStatus", "completionPercent", "totalAssetCount", "assetResultReceivedCount", "jobSource", "readOnly", "notification",
    "linkedJobId", "linkedToJob", "linkedJobs", "jobStartCountdown", "passwordAction", "subCategory", "additionalDynamicQQLType",
    "additionalDynamicPatchesQQL", "downloadRandomizeTime", "downloadRandomizeTimeUnit", "customPatchURLId", "isVulnContext", "remediationQids",
    "isAssetImported", "hostIsolationConfig", "quarantineAssetRequestNotification", "enableReattemptFailedPatches", "reattemptFailedPatches",
]);
/** The emulator's bookkeeping, and request fields the samples never show in an answer. */
const INTERNAL = new Set(["triggeredAt", "startStamp", "assetFilePath", "deleted", "chainedJobRule"]);

/**
 * A job-list row as qualysdk 0.3.17 reads one (qualysdk/pm/data_classes/Job.py): `created` and
 * `updated`, not `createdBy`/`updatedBy`, and only keys its PMJob class declares (it builds one
 * with `PMJob(**row)`, so any other key is a TypeError). It parses `created` and `updated` when
 * they are truthy, reading `date / 1000` and `user.get("name")`, so `{user: null, date: null}` (a
 * GET's `updatedBy` for a job never edited) would crash it on every such job of a real tenant:
 * rows give `updated: null` until the job is edited. No sample of a row exists. The provider
 * (the client's jobsNamed and listJobs, the adopt command) reads `id`, `name` and `platform` of a row.
 */
export function summaryOf(job: Job): Job {
    return {
        id: job.id,
        name: job.name,
        platform: job.platform,
        type: job.type,
        status: job.status,
        scheduleType: job.scheduleType,
        customerId: job.customerId,
        created: job.createdBy,
        updated: job.updatedBy?.date ? job.updatedBy : null,
        triggerStatus: job.triggeredAt === undefined ? null : 1,
        jobSource: 3,
        isRecurring: job.recurring ?? false,
    };
}

/** A row of a bulk answer (status change, delete): success, or a missing job. */
export function outcomeRow({ id, job }: Outcome): Job {
    return job ? { id, name: job.name, status: "success" } : { id, name: null, status: "failed", message: "Job not found" };
}

/** One page (from 0) of a job's results summary: the seed's asset result repeated `assetCount` times. */
export function resultsPage(job: Job, assetCount: number, page: number, size: number): Job {
    const assets = Array.from({ length: assetCount }, (_, i) => ({
        ...resultsSummary.assets[0],
        asset: { ...resultsSummary.assets[0].asset, id: `${String(i).padStart(8, "0")}-0000-4000-8000-000000000000`, name: `asset-${i}` },
    }));
    return { ...resultsSummary, id: job.id, name: job.name, createdOn: job.createdBy.date, patchCount: job.approvedPatches.length, assetCount: assets.length, assets: assets.slice(page * size, (page + 1) * size) };
}
