// Inputs <-> the PM API's job JSON. Pure functions: no HTTP, no Pulumi.
//
// `toRequest` (expand) writes the whole body the API takes, shaped as the 3.5 release notes' request
// samples. `fromApiJob` (flatten) reads an API job (a request body or any answer) back into the
// input shape, and `normalizeInputs` gives that shape one canonical form, so that what the server
// adds or rewrites is never a change (release_3_5_api.htm samples, copied in test/fixtures/seed):
//   - renamed fields: `suppressreboots` goes in, `suppressReboots` comes out;
//   - defaults filled in (reboot countdown and option, deferments, timezone of On-demand jobs, ...);
//   - `null` where `[]` or `""` went in, `-1` for "no timeout";
//   - the MakeCache pre-deploy action enriched, its empty `script` turned into a path or base64 text;
//   - `status: "Prepared"` for an enabled job that was triggered; fields this code does not know.
import type { DeploymentJobInputs } from "./inputs.generated";

export type { DeploymentJobInputs };
/** A job as the PM API writes or reads it. Loosely typed: the server adds fields between releases. */
export type ApiJob = Record<string, any>;

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** Run-once jobs: Qualys locks them once enabled (Enable_Disable_Jobs.htm). */
export const RUN_ONCE_SCHEDULES = ["On-demand", "Once"];

const deferment = { count: 3, interval: 1, intervalUnit: "HOURS" };
const message = { userMessage: "", description: "" };

/** What the server assumes for what the inputs leave out; toRequest sends them, normalizeInputs drops them. */
export const DEFAULTS = {
    type: "Install",
    status: "Disabled",
    scheduleType: "On-demand",
    filterType: "Any",
    exclusionFilterType: "Any",
    timeoutUnit: "HOURS",
    downloadRandomizeTime: 0,
    downloadRandomizeTimeUnit: "MINUTES",
    dynamicQQLType: 1,
    preDeployment: { ...message, deferment },
    duringDeployment: message,
    postDeployment: {
        suppressReboots: false,
        rebootHonorOnUserLogin: false,
        rebootOption: { ...message, deferment },
        rebootCountdown: { interval: 15, intervalUnit: "MINUTES", ...message },
        onComplete: { ...message, alwaysShowCompletedPrompt: false },
    },
} as const;

/** Inputs kept even at their default, so a reviewer always sees them in a plan. */
const ALWAYS_SHOWN = ["type", "status", "scheduleType"] as const;

/** Arrays whose order means nothing to Qualys: compared as sets. */
const ID_SETS = [
    "assetIds", "assetTagIds", "matchAllTagIds", "exclusionAssetIds", "exclusionTagIds", "approvedPatches", "coAuthorUserIds",
] as const;

/** The MakeCache pre-deploy action exactly as the 3.5 release notes send it. */
export function makeCacheAction(): ApiJob {
    return {
        action: "Run Script",
        params: { actionItem: "makecache Pre-Action", remediationScope: false, defaultScriptType: "MakeCache" },
        scriptType: "sh",
        script: "",
    };
}

function isMakeCache(action: ApiJob): boolean {
    return action?.params?.defaultScriptType === "MakeCache";
}

/** Run Script actions are the ones this model owns; any other kind of action is kept as Qualys holds it. */
function isRunScript(action: ApiJob): boolean {
    return (action?.action ?? "Run Script") === "Run Script";
}

/** Expands inputs into the whole job body the create POST and the update PATCH take. */
export function toRequest(raw: DeploymentJobInputs): ApiJob {
    const job = normalizeInputs(raw);
    const schedule = job.scheduleType ?? DEFAULTS.scheduleType;
    const monthly = schedule === "Monthly";
    const post = job.postDeployment ?? {};
    const customActions = (actions: DeploymentJobInputs["preDeployActions"]) =>
        (actions ?? []).map((a) => ({
            action: "Run Script",
            params: { actionItem: a.description ?? "", remediationScope: false },
            scriptType: a.scriptType,
            script: a.script,
        }));
    const body: ApiJob = {
        name: job.name,
        description: job.description ?? "",
        platform: job.platform,
        type: job.type ?? DEFAULTS.type,
        status: job.status ?? DEFAULTS.status,
        schemaVersion: "1.0",
        // Every request in the 3.5 notes sends 2 (answers say 3); its meaning is not documented.
        jobSource: 2,
        assetIds: job.assetIds ?? [],
        assetTagIds: job.assetTagIds ?? [],
        matchAllTagIds: job.matchAllTagIds ?? [],
        exclusionAssetIds: job.exclusionAssetIds ?? [],
        exclusionTagIds: job.exclusionTagIds ?? [],
        filterType: job.filterType ?? DEFAULTS.filterType,
        exclusionFilterType: job.exclusionFilterType ?? DEFAULTS.exclusionFilterType,
        isAssetImported: false,
        coAuthorUserIds: job.coAuthorUserIds ?? [],
        approvedPatches: job.approvedPatches ?? [],
        isDynamicPatchesQQL: job.isDynamicPatchesQQL ?? false,
        dynamicPatchesQQL: job.dynamicPatchesQQL ?? "",
        dynamicQQLType: job.dynamicQQLType ?? DEFAULTS.dynamicQQLType,
        additionalDynamicPatchesQQL: job.additionalDynamicPatchesQQL ?? "",
        additionalDynamicQQLType: job.additionalDynamicQQLType === undefined ? "" : String(job.additionalDynamicQQLType),
        linkedJobId: "",
        scheduleType: schedule,
        recurring: ["Daily", "Weekly", "Monthly"].includes(schedule),
        startDateTime: job.startDateTime ?? null,
        timezoneType: job.timezoneType ?? null,
        timezone: job.timezone ?? null,
        recurringWeekDays: job.recurringWeekDays ? WEEKDAYS.map((d) => (job.recurringWeekDays!.includes(d) ? "1" : "0")).join(",") : "",
        dayOfMonth: job.dayOfMonth ?? null,
        recurringLastDayOfMonth: job.recurringLastDayOfMonth ?? false,
        recurringDayOfMonth: job.recurringDayOfMonth ?? null,
        recurringWeekDayOfMonth: job.recurringWeekDayOfMonth ?? null,
        monthlyRecurringType: monthly ? (job.patchTuesdayPlusXDays !== undefined ? 1 : 0) : null,
        patchTuesdayPlusXDays: job.patchTuesdayPlusXDays ?? null,
        timeout: job.timeout ?? -1,
        timeoutUnit: job.timeoutUnit ?? DEFAULTS.timeoutUnit,
        downloadRandomizeTime: job.downloadRandomizeTime ?? DEFAULTS.downloadRandomizeTime,
        downloadRandomizeTimeUnit: job.downloadRandomizeTimeUnit ?? DEFAULTS.downloadRandomizeTimeUnit,
        preDeployment: merge(DEFAULTS.preDeployment, job.preDeployment),
        duringDeployment: merge(DEFAULTS.duringDeployment, job.duringDeployment),
        postDeployment: {
            // The API takes the lower-case spelling and answers with `suppressReboots` (seed samples).
            suppressreboots: post.suppressReboots ?? false,
            rebootHonorOnUserLogin: post.rebootHonorOnUserLogin ?? false,
            rebootOption: merge(DEFAULTS.postDeployment.rebootOption, post.rebootOption),
            rebootCountdown: merge(DEFAULTS.postDeployment.rebootCountdown, post.rebootCountdown),
            onComplete: merge(DEFAULTS.postDeployment.onComplete, post.onComplete),
        },
        opportunisticDownloads: job.opportunisticDownloads ?? false,
        minimizeWindow: job.minimizeWindow ?? false,
        preDeployActions: [...(job.packageCacheUpdate ? [makeCacheAction()] : []), ...customActions(job.preDeployActions)],
        postDeployActions: customActions(job.postDeployActions),
        notification: job.notification
            ? {
                  notificationTypes: { email: true },
                  notificationConfigs: {
                      recipientEmails: job.notification.emails.join(","),
                      ...(job.notification.completedPercentage !== undefined ? { completedPercentage: job.notification.completedPercentage } : {}),
                  },
                  notificationEvents: { onJobStart: job.notification.onJobStart ?? false, onJobComplete: job.notification.onJobComplete ?? false },
              }
            : null,
    };
    if (job.platform === "Linux") body.continueOnPatchFailure = job.continueOnPatchFailure ?? false;
    if (job.platform === "Windows") {
        body.enableReattemptFailedPatches = job.reattemptFailedPatches !== undefined;
        body.reattemptFailedPatches = job.reattemptFailedPatches ?? null;
    }
    return body;
}

/** What Qualys computes or stamps on a job: never written back in an update. */
const SERVER_OWNED = [
    "customerId", "createdBy", "updatedBy", "deletedBy", "patchCount", "applicableAssetCount", "assetCount", "taggedAssetCount",
    "jobTriggerStatus", "completionPercent", "totalAssetCount", "assetResultReceivedCount", "readOnly", "jobStartCountdown", "linkedJobs",
    "disabledPatches",
];

/** Request fields toRequest fills without modelling them; in an update, Qualys' values stay. */
const NOT_MODELLED_FILLERS = ["linkedJobId", "isAssetImported"];

/**
 * The PATCH body of an update: the job as Qualys holds it now, with the modelled fields of `request`
 * written over it. An update takes the whole job, so everything this model does not own (job
 * chaining, other kinds of actions, a custom patch URL, fields of a newer API) goes back unchanged.
 */
export function mergeIntoServerJob(server: ApiJob, request: ApiJob): ApiJob {
    const base = Object.fromEntries(Object.entries(server).filter(([key]) => !SERVER_OWNED.includes(key)));
    const own = Object.fromEntries(Object.entries(request).filter(([key]) => !(NOT_MODELLED_FILLERS.includes(key) && key in base)));
    const body = overlay(base, own);
    body.preDeployActions = keepForeignActions(server.preDeployActions, request.preDeployActions);
    body.postDeployActions = keepForeignActions(server.postDeployActions, request.postDeployActions);
    return body;
}

/** `over` written onto `base`, nested objects merged; a key of `over` replaces its other spellings in `base` (`suppressreboots` / `suppressReboots`). */
function overlay(base: ApiJob, over: ApiJob): ApiJob {
    const out: ApiJob = { ...base };
    for (const [key, value] of Object.entries(over)) {
        for (const other of Object.keys(out)) if (other !== key && other.toLowerCase() === key.toLowerCase()) delete out[other];
        const prior = out[key];
        out[key] = isPlainObject(prior) && isPlainObject(value) ? overlay(prior, value) : value;
    }
    return out;
}

function isPlainObject(value: unknown): value is ApiJob {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The modelled (Run Script) actions in the slots Qualys had them in; any other action stays in its place. */
function keepForeignActions(server: ApiJob[] | null | undefined, modelled: ApiJob[]): ApiJob[] {
    const mine = [...modelled];
    const out: ApiJob[] = [];
    for (const action of server ?? []) {
        if (!isRunScript(action)) out.push(action);
        else if (mine.length) out.push(mine.shift()!);
    }
    return [...out, ...mine];
}

function merge<T extends object>(defaults: T, given: object | undefined): T {
    const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const [key, value] of Object.entries(given ?? {})) {
        const base = (defaults as Record<string, unknown>)[key];
        out[key] = base && typeof base === "object" ? merge(base, value as object) : value;
    }
    return out as T;
}

/**
 * Flattens an API job (request body or answer) into inputs. `prior`, the inputs last recorded, lets
 * a script the server answers base64-encoded be recognised as the text that was sent.
 */
export function fromApiJob(api: ApiJob, prior?: Partial<DeploymentJobInputs>): DeploymentJobInputs {
    const schedule: string = api.scheduleType ?? DEFAULTS.scheduleType;
    const post = api.postDeployment ?? {};
    const preActions: ApiJob[] = api.preDeployActions ?? [];
    const toAction = (a: ApiJob, priorAction?: { script?: string }) => ({
        description: a.params?.actionItem || undefined,
        scriptType: a.scriptType,
        script: decodeScript(a.script, priorAction?.script),
    });
    const notification = api.notification?.notificationConfigs?.recipientEmails
        ? {
              emails: String(api.notification.notificationConfigs.recipientEmails).split(",").map((e: string) => e.trim()).filter(Boolean),
              onJobStart: api.notification.notificationEvents?.onJobStart,
              onJobComplete: api.notification.notificationEvents?.onJobComplete,
              completedPercentage: api.notification.notificationConfigs.completedPercentage ?? undefined,
          }
        : undefined;
    const scheduled = schedule !== "On-demand";
    const inputs: Record<string, unknown> = {
        name: api.name,
        description: api.description,
        platform: api.platform,
        type: api.type,
        status: api.status === undefined ? undefined : api.status === "Disabled" ? "Disabled" : "Enabled",
        scheduleType: schedule,
        // The server stamps a start time and a time zone on On-demand jobs: theirs, not the user's.
        startDateTime: scheduled ? api.startDateTime : undefined,
        timezoneType: scheduled ? api.timezoneType : undefined,
        timezone: scheduled && api.timezoneType === "SPECIFIC_TZ" ? api.timezone : undefined,
        recurringWeekDays: typeof api.recurringWeekDays === "string" && api.recurringWeekDays.includes("1")
            ? WEEKDAYS.filter((_, i) => api.recurringWeekDays.split(",")[i]?.trim() === "1")
            : undefined,
        dayOfMonth: toNumber(api.dayOfMonth),
        recurringLastDayOfMonth: api.recurringLastDayOfMonth,
        recurringDayOfMonth: toNumber(api.recurringDayOfMonth),
        recurringWeekDayOfMonth: toNumber(api.recurringWeekDayOfMonth),
        patchTuesdayPlusXDays: toNumber(api.patchTuesdayPlusXDays),
        timeout: api.timeout === -1 ? undefined : toNumber(api.timeout),
        timeoutUnit: api.timeout === -1 ? undefined : api.timeoutUnit,
        downloadRandomizeTime: toNumber(api.downloadRandomizeTime),
        downloadRandomizeTimeUnit: api.downloadRandomizeTime ? api.downloadRandomizeTimeUnit : undefined,
        assetIds: api.assetIds,
        assetTagIds: api.assetTagIds,
        matchAllTagIds: api.matchAllTagIds,
        filterType: api.filterType,
        exclusionAssetIds: api.exclusionAssetIds,
        exclusionTagIds: api.exclusionTagIds,
        exclusionFilterType: api.exclusionFilterType,
        approvedPatches: api.approvedPatches,
        isDynamicPatchesQQL: api.isDynamicPatchesQQL,
        dynamicPatchesQQL: api.isDynamicPatchesQQL ? api.dynamicPatchesQQL : undefined,
        dynamicQQLType: api.isDynamicPatchesQQL ? toNumber(api.dynamicQQLType) : undefined,
        additionalDynamicPatchesQQL: api.isDynamicPatchesQQL ? api.additionalDynamicPatchesQQL : undefined,
        additionalDynamicQQLType: api.isDynamicPatchesQQL && api.additionalDynamicPatchesQQL ? toNumber(api.additionalDynamicQQLType) : undefined,
        preDeployment: pick(api.preDeployment, ["userMessage", "description", "deferment"]),
        duringDeployment: pick(api.duringDeployment, ["userMessage", "description"]),
        postDeployment: {
            suppressReboots: post.suppressReboots ?? post.suppressreboots,
            rebootHonorOnUserLogin: post.rebootHonorOnUserLogin,
            rebootOption: pick(post.rebootOption, ["userMessage", "description", "deferment"]),
            rebootCountdown: pick(post.rebootCountdown, ["interval", "intervalUnit", "userMessage", "description"]),
            onComplete: pick(post.onComplete, ["userMessage", "description", "alwaysShowCompletedPrompt"]),
        },
        opportunisticDownloads: api.opportunisticDownloads,
        minimizeWindow: api.minimizeWindow,
        continueOnPatchFailure: api.continueOnPatchFailure,
        coAuthorUserIds: api.coAuthorUserIds,
        notification,
        packageCacheUpdate: preActions.some(isMakeCache),
        preDeployActions: preActions.filter((a) => isRunScript(a) && !isMakeCache(a)).map((a, i) => toAction(a, prior?.preDeployActions?.[i])),
        postDeployActions: ((api.postDeployActions ?? []) as ApiJob[]).filter(isRunScript).map((a, i) => toAction(a, prior?.postDeployActions?.[i])),
        reattemptFailedPatches: api.enableReattemptFailedPatches && api.reattemptFailedPatches
            ? {
                  noOfReattempts: toNumber(api.reattemptFailedPatches.noOfReattempts),
                  exponentialBackoffInterval: toNumber(api.reattemptFailedPatches.exponentialBackoffInterval),
              }
            : undefined,
    };
    return normalizeInputs(inputs as unknown as DeploymentJobInputs);
}

function pick(value: ApiJob | null | undefined, keys: string[]): ApiJob | undefined {
    if (!value) return undefined;
    return Object.fromEntries(keys.filter((k) => k in value).map((k) => [k, value[k]]));
}

function toNumber(value: unknown): number | undefined {
    if (value === null || value === undefined || value === "") return undefined;
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
}

/** The server answers a script with its text base64-encoded (seed GET samples); recover the text. */
function decodeScript(script: unknown, priorScript?: string): string {
    const text = typeof script === "string" ? script : "";
    if (priorScript !== undefined && (text === priorScript || text === Buffer.from(priorScript, "utf8").toString("base64"))) return priorScript;
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0 && text.length >= 8) {
        const decoded = Buffer.from(text, "base64").toString("utf8");
        if (Buffer.from(decoded, "utf8").toString("base64") === text && !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(decoded)) return decoded;
    }
    return text;
}

/**
 * The canonical form of inputs, used by check, read and diff alike: values equal to the server's
 * default, empty strings and lists, `false` and `null` are dropped (they mean the same to Qualys);
 * id lists are sorted; Qualys dates lose their zero padding as the server does. Type, status and
 * schedule stay, at their defaults too, for reviewers. Values unknown at preview pass through.
 */
export function normalizeInputs<T extends Partial<DeploymentJobInputs>>(inputs: T): T {
    const out = (prune(inputs, DEFAULTS) ?? {}) as Record<string, unknown>;
    // Qualys compares ids ignoring case: they are kept in lower case, so a case change is no change.
    const lower = (id: unknown) => (typeof id === "string" ? id.toLowerCase() : id);
    for (const key of ID_SETS) {
        if (Array.isArray(out[key])) out[key] = [...new Set((out[key] as unknown[]).map(lower))].sort();
    }
    if (out.adoptJobId !== undefined) out.adoptJobId = lower(out.adoptJobId);
    if (Array.isArray(out.recurringWeekDays)) {
        out.recurringWeekDays = WEEKDAYS.filter((d) => (out.recurringWeekDays as string[]).includes(d));
    }
    if (typeof out.startDateTime === "string") out.startDateTime = canonicalDate(out.startDateTime);
    // A unit without its amount means nothing (an amount of 0 or "no timeout" was pruned).
    if (out.timeout === undefined) delete out.timeoutUnit;
    if (out.downloadRandomizeTime === undefined) delete out.downloadRandomizeTimeUnit;
    if (out.notification && typeof out.notification === "object") {
        const n = out.notification as { emails?: unknown };
        if (Array.isArray(n.emails)) n.emails = [...new Set(n.emails as string[])].sort();
    }
    for (const key of ALWAYS_SHOWN) {
        if (out[key] === undefined) out[key] = DEFAULTS[key];
    }
    return out as T;
}

function prune(value: unknown, defaults: unknown): unknown {
    if (value === null || value === undefined || value === "" || value === false) return undefined;
    if (Array.isArray(value)) {
        const items = value.map((v) => (v && typeof v === "object" ? prune(v, undefined) : v)).filter((v) => v !== undefined);
        return items.length ? items : undefined;
    }
    if (typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [key, v] of Object.entries(value as object)) {
            const d = defaults && typeof defaults === "object" ? (defaults as Record<string, unknown>)[key] : undefined;
            if (d !== undefined && typeof d !== "object" && v === d && !(ALWAYS_SHOWN as readonly string[]).includes(key)) continue;
            const pruned = prune(v, d);
            if (pruned !== undefined) out[key] = pruned;
        }
        return Object.keys(out).length ? out : undefined;
    }
    return value;
}

function canonicalDate(value: string): string {
    const m = /^(\d{4})-0?(\d{1,2})-0?(\d{1,2}) 0?(\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/.exec(value);
    return m ? `${m[1]}-${Number(m[2])}-${Number(m[3])} ${m[4].padStart(2, "0")}:${m[5]}:${m[6]} ${m[7]}` : value;
}

/** Server-owned facts about a job, exposed as outputs of the resource. */
export interface ServerFacts {
    /** The job's status as Qualys reports it, e.g. `Prepared` for a triggered enabled job. */
    serverStatus: string | null;
    customerId: string | null;
    createdBy: string | null;
    createdAt: number | null;
    updatedBy: string | null;
    updatedAt: number | null;
    jobTriggerStatus: number | null;
    applicableAssetCount: number | null;
    patchCount: number | null;
}

export function serverFacts(api: ApiJob): ServerFacts {
    return {
        serverStatus: api.status ?? null,
        customerId: api.customerId ?? null,
        createdBy: api.createdBy?.user?.name ?? null,
        createdAt: api.createdBy?.date ?? null,
        updatedBy: api.updatedBy?.user?.name ?? null,
        updatedAt: api.updatedBy?.date ?? null,
        jobTriggerStatus: api.jobTriggerStatus ?? null,
        applicableAssetCount: api.applicableAssetCount ?? null,
        patchCount: api.patchCount ?? null,
    };
}

export const FACT_KEYS: (keyof ServerFacts)[] = [
    "serverStatus", "customerId", "createdBy", "createdAt", "updatedBy", "updatedAt", "jobTriggerStatus", "applicableAssetCount", "patchCount",
];

/** The server facts recorded in a resource's outputs. */
export function factsOf(outputs: object): ServerFacts {
    const record = outputs as Record<string, unknown>;
    return Object.fromEntries(FACT_KEYS.map((k) => [k, record[k] ?? null])) as unknown as ServerFacts;
}
