// What the emulator refuses, loudly, as far as the docs and the 3.5 notes' samples say Qualys does:
// each rule returns the refusal's message, or undefined. No HTTP and no store: state.ts asks here
// before it stores, routes.ts before it pages; both give the message a 400 in the PM error shape.
import getLinux from "../fixtures/seed/linux-get.response.json";
import createLinux from "../fixtures/seed/linux-create.request.json";
import updateLinux from "../fixtures/seed/linux-update.request.json";
import getWindows from "../fixtures/seed/windows-get.response.json";
import createWindows from "../fixtures/seed/windows-create.request.json";
import updateWindows from "../fixtures/seed/windows-update.request.json";

type Job = Record<string, any>;

export const PLATFORMS = ["Windows", "Linux"];
/** Install, and Rollback (Windows, and Linux since PM 3.3: release_3_3_api.htm). */
export const TYPES = ["Install", "Rollback"];
export const SCHEDULES = ["On-demand", "Once", "Daily", "Weekly", "Monthly"];
/** The largest page qualysdk asks for (qualysdk/pm/base/page_limit.py: 1 to 10,000); Qualys' own bound is not documented. */
export const MAX_PAGE_SIZE = 10_000;

/**
 * The top-level keys a create takes: every key of the four requests in the 3.5 notes, and the
 * request fields the fact sheet (shared/qualys-pm-api.md, section 3) documents that those samples
 * leave out. Not among them: qualysdk's top-level `rebootOption`, `rebootCountdown` and
 * `suppressReboots` (the samples nest them in `postDeployment`; the fact sheet says follow those).
 */
export const CREATE_KEYS: ReadonlySet<string> = new Set([
    ...[createLinux, updateLinux, createWindows, updateWindows].flatMap((sample) => Object.keys(sample)),
    // customPatchURLId: update_deployment_jobs.htm; the download randomisation: qualysdk create_job.
    "customPatchURLId", "downloadRandomizeTime", "downloadRandomizeTimeUnit",
]);

/**
 * An update also takes what a GET answered: update_deployment_jobs.htm tells clients to send the
 * GET response back with their edits. What the server owns in it (ids, counts, who and when) is
 * taken and ignored.
 */
export const UPDATE_KEYS: ReadonlySet<string> = new Set([...CREATE_KEYS, ...Object.keys(getLinux), ...Object.keys(getWindows)]);

/** Why a create (or, with `keys` UPDATE_KEYS, an update) body is refused; undefined if it is not. */
export function invalidJob(body: Job | undefined, keys: ReadonlySet<string> = CREATE_KEYS): string | undefined {
    if (!body || typeof body !== "object" || Array.isArray(body)) return "Request body must be a deployment job";
    for (const key of ["name", "platform", "type", "scheduleType"]) {
        if (!body[key]) return `${key} is mandatory`;
    }
    const unknown = Object.keys(body).filter((key) => !keys.has(key));
    if (unknown.length) return `Unrecognized field${unknown.length > 1 ? "s" : ""} ${unknown.map((key) => JSON.stringify(key)).join(", ")}`;
    if (!PLATFORMS.includes(body.platform)) return invalidPlatform(body.platform);
    if (!TYPES.includes(body.type)) return `Invalid type ${body.type}: must be one of ${TYPES.join(", ")}`;
    // The 3.5 notes' requests spell it suppressreboots; the answers' spelling is refused, so a client that drifts shows.
    if (body.postDeployment && "suppressReboots" in body.postDeployment) return "Unrecognized field \"suppressReboots\" in postDeployment";
    if (!SCHEDULES.includes(body.scheduleType)) return `Invalid scheduleType ${body.scheduleType}: must be one of ${SCHEDULES.join(", ")}`;
    // create_deployment_job.htm: optional for On-demand, mandatory for every other schedule.
    if (body.scheduleType !== "On-demand" && !body.startDateTime) return `startDateTime is mandatory for a ${body.scheduleType} job`;
    return invalidReattempt(body) ?? invalidMakeCache(body) ?? (body.status === "Enabled" && !deployable(body) ? "An enabled job needs a patch, QQL or action and an asset or tag" : undefined);
}

export function invalidPlatform(platform: unknown): string {
    return `Invalid platform ${platform}: must be one of ${PLATFORMS.join(", ")}`;
}

/** Why a page size or number from a query or body is refused (absent ones take the defaults); undefined if neither is. */
export function invalidPaging(pageSize: unknown, pageNumber: unknown): string | undefined {
    if (pageSize !== undefined && pageSize !== null) {
        const size = Number(pageSize);
        if (String(pageSize).trim() === "" || !Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
            return `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE} (got ${pageSize})`;
        }
    }
    if (pageNumber !== undefined && pageNumber !== null) {
        const page = Number(pageNumber);
        if (String(pageNumber).trim() === "" || !Number.isInteger(page) || page < 0) return `pageNumber must be an integer from 0 (got ${pageNumber})`;
    }
    return undefined;
}

export function runOnce(job: Job): boolean {
    return job.scheduleType === "On-demand" || job.scheduleType === "Once";
}

/** To be enabled, a job needs a patch, a QQL or an action, and an asset or tag (Enable_Disable_Jobs.htm). */
export function deployable(job: Job): boolean {
    const hasWork = job.approvedPatches?.length || job.isDynamicPatchesQQL || job.preDeployActions?.length || job.postDeployActions?.length;
    const hasTarget = job.assetIds?.length || job.assetTagIds?.length || job.matchAllTagIds?.length;
    return Boolean(hasWork && hasTarget);
}

export function lockedProblem(job: Job): string | undefined {
    return runOnce(job) && job.status === "Enabled" ? `Run-once job ${job.name} cannot be edited once enabled` : undefined;
}

export function statusProblem(job: Job, target: "Enabled" | "Disabled"): string | undefined {
    if (target === "Disabled" && runOnce(job) && job.status === "Enabled") return `Run-once job ${job.name} cannot be disabled once enabled`;
    if (target === "Enabled" && !deployable(job)) return `Job ${job.name} needs a patch, QQL or action and an asset or tag to be enabled`;
    return undefined;
}

function invalidReattempt(body: Job): string | undefined {
    const reattempt = body.reattemptFailedPatches;
    if (!reattempt) return undefined;
    if (body.platform !== "Windows") return "reattemptFailedPatches is supported only for Windows jobs";
    if (!Number.isInteger(reattempt.noOfReattempts) || reattempt.noOfReattempts < 1 || reattempt.noOfReattempts > 5) {
        return "noOfReattempts must be between 1 and 5";
    }
    if (!Number.isInteger(reattempt.exponentialBackoffInterval) || reattempt.exponentialBackoffInterval < 1 || reattempt.exponentialBackoffInterval > 15) {
        return "exponentialBackoffInterval must be between 1 and 15";
    }
    return undefined;
}

function invalidMakeCache(body: Job): string | undefined {
    for (const action of body.preDeployActions ?? []) {
        if (action?.params?.defaultScriptType === "MakeCache") {
            if (body.platform !== "Linux") return "MakeCache pre-action is supported only for Linux jobs";
            if (String(action.script ?? "").trim() !== "") return "script must be empty for the MakeCache pre-action";
        }
    }
    return undefined;
}
