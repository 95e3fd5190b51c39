// What a generated program says of each job in its comments: what Qualys holds that the program
// does not manage (kept as it is by every update), what the next update would clear, and what
// Qualys reports (status, runs, who made and edited it). Server text is made safe for a comment.
import { ApiJob, DeploymentJobInputs, SERVER_OWNED, toRequest } from "../core/payload";
import { compare } from "./names";
import type { Platform } from "./types";

/** Fields Qualys stamps or computes on every job, and those the model writes whatever the program says: nothing to manage, nothing to report. */
const STAMPED = new Set([
    ...SERVER_OWNED,
    "id", "created", "updated", "triggerStatus", "jobCategory", "category", "subCategory", "jobSource", "schemaVersion", "recurring", "isRecurring", "monthlyRecurringType",
    "enableReattemptFailedPatches", "continueOnPatchFailure", "reattemptFailedPatches", "status", "deleted", "lastScheduleDateTime", "nextScheduleDateTime",
    "linkedJobReferenceCount",
]);
/** Fields reported by name below, with words rather than as a bare field. */
const NAMED = new Set(["linkedJobId", "chainedJobRule", "linkedToJob", "customPatchURLId", "customPatchUrlConfigured", "isAssetImported", "mitigationActionCount"]);

function isEmpty(value: unknown): boolean {
    if (value === undefined || value === null || value === "" || value === false) return true;
    if (Array.isArray(value)) return value.every(isEmpty);
    if (typeof value === "object") return Object.values(value as object).every(isEmpty);
    return false;
}

const modelledByPlatform = new Map<string, Set<string>>();
/** The top-level fields a request body carries (toRequest): the same for every job of a platform. */
function modelledFields(platform: Platform): Set<string> {
    let fields = modelledByPlatform.get(platform);
    if (!fields) modelledByPlatform.set(platform, (fields = new Set(Object.keys(toRequest({ name: "fields", platform })))));
    return fields;
}

/**
 * What the job holds that the program does not model: job chaining, actions other than Run Script,
 * a custom patch URL, fields of a newer API. An update reads the job and writes these back as they
 * are (payload.ts mergeIntoServerJob), so they are kept, but not managed.
 */
export function keptParts(job: ApiJob, row: ApiJob, inputs: DeploymentJobInputs): string[] {
    const parts: string[] = [];
    if (!isEmpty(job.linkedJobId)) parts.push(`job chaining (linkedJobId ${shortText(job.linkedJobId)})`);
    if (!isEmpty(job.chainedJobRule)) parts.push("a job chaining rule (chainedJobRule)");
    if (!isEmpty(job.linkedToJob)) parts.push(`a link to another job (linkedToJob ${shortText(job.linkedToJob)})`);
    for (const [key, when] of [["preDeployActions", "pre-deploy"], ["postDeployActions", "post-deploy"]] as const) {
        const foreign = (Array.isArray(job[key]) ? (job[key] as ApiJob[]) : []).filter((a) => (a?.action ?? "Run Script") !== "Run Script");
        for (const action of foreign) parts.push(`a ${when} "${shortText(action.action)}" action`);
    }
    if (!isEmpty(job.customPatchURLId)) parts.push(`a custom patch URL (customPatchURLId ${shortText(job.customPatchURLId)})`);
    else if (row.customPatchUrlConfigured === true) parts.push("a custom patch URL");
    if (job.isAssetImported === true) parts.push("assets imported from a file (isAssetImported)");
    const mitigations = Number(row.mitigationActionCount ?? job.mitigationActionCount ?? 0);
    if (mitigations > 0) parts.push(`${mitigations} mitigation action${mitigations > 1 ? "s" : ""}`);
    const modelled = modelledFields(inputs.platform);
    const others = Object.keys(job).filter((key) => !modelled.has(key) && !STAMPED.has(key) && !NAMED.has(key) && !isEmpty(job[key])).sort(compare);
    if (others.length) parts.push(`${others.length > 1 ? "fields" : "the field"} ${others.map(shortText).join(", ")}`);
    return parts;
}

/** What Qualys holds in a modelled field that the inputs cannot say: the next update writes it empty. */
export function clearedParts(job: ApiJob, inputs: DeploymentJobInputs): string[] {
    const parts: string[] = [];
    if (!inputs.isDynamicPatchesQQL) {
        for (const key of ["dynamicPatchesQQL", "additionalDynamicPatchesQQL"]) {
            if (!isEmpty(job[key])) parts.push(`${key} ${JSON.stringify(shortText(job[key]))} (ignored by Qualys while isDynamicPatchesQQL is false)`);
        }
    }
    if (inputs.scheduleType !== "On-demand" && inputs.timezoneType !== "SPECIFIC_TZ" && !isEmpty(job.timezone)) {
        parts.push(`timezone ${JSON.stringify(shortText(job.timezone))} (ignored by Qualys with timezoneType ${inputs.timezoneType ?? "unset"})`);
    }
    return parts;
}

// ---- what Qualys reports ------------------------------------------------------------------------

/** `2025-03-19 04:59 UTC` for epoch milliseconds; Qualys' own text for a string. */
function when(value: unknown): string | undefined {
    if (typeof value === "number" && Number.isFinite(value) && value > 0) {
        const iso = new Date(value).toISOString();
        return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
    }
    if (typeof value === "string" && value.trim()) return shortText(value);
    return undefined;
}

/** The job as Qualys reports it: status, last and next run, who made and edited it, and when. */
export function reportOf(job: ApiJob, row: ApiJob): string {
    const parts = [`status ${shortText(job.status ?? row.status ?? "not reported")}`];
    const last = when(row.lastScheduleDateTime ?? job.lastScheduleDateTime);
    const triggered = job.jobTriggerStatus ?? row.triggerStatus;
    parts.push(last ? `last run ${last}` : triggered ? "triggered (no run time reported)" : "no run reported");
    const next = when(row.nextScheduleDateTime ?? job.nextScheduleDateTime);
    if (next) parts.push(`next run ${next}`);
    for (const [label, stamp] of [["created", job.createdBy ?? row.created], ["updated", job.updatedBy ?? row.updated]] as const) {
        const date = when(stamp?.date);
        const user = typeof stamp?.user?.name === "string" ? shortText(stamp.user.name) : undefined;
        if (date || user) parts.push(`${label}${date ? ` ${date}` : ""}${user ? ` by ${user}` : ""}`);
    }
    return parts.join(", ");
}

/** Server text made safe for a one-line comment: no control, format or line-breaking characters, at most 80 characters. */
export function shortText(value: unknown): string {
    const text = String(value).replace(/[\p{C}\p{Zl}\p{Zp}]+/gu, " ").trim();
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
