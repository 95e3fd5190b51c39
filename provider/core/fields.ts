// The field table: one row per key of the PM API's job JSON. A row says which inputs it carries,
// what the server assumes when they are left out, how they go out (`out`), how they come back
// (`back`) and how they compare (`compare`). payload.ts builds the request from it, reads answers
// back through it, and canonical.ts takes the defaults and the comparisons from it. Adding a field
// is the schema (schema/deployment-job.schema.json) plus one row here.
// Sources: the 3.5 release notes' samples (test/fixtures/seed), and for each rewrite the sample that
// shows it: `suppressreboots` goes in and `suppressReboots` comes out; `null` comes back where `[]`
// or `""` went in; `-1` is "no timeout"; the MakeCache action's empty script comes back as a path
// or base64 text; On-demand jobs come back with a start time and a time zone the server chose.
import type { DeploymentJobInputs } from "./inputs.generated";
import { asStated } from "./names";

/** A job as the PM API writes or reads it. Loosely typed: the server adds fields between releases. */
export type ApiJob = Record<string, any>;
type Inputs = Partial<DeploymentJobInputs>;
type InputName = keyof DeploymentJobInputs;
/** An input's canonical form beyond dropping defaults and empties (it sees the other inputs too). */
type Compare = (value: unknown, inputs: Record<string, unknown>) => unknown;

export interface FieldRow {
    /** The key in the PM API's job JSON. */
    api: string;
    /** The inputs the row carries; none for a value the API takes that the model does not own. */
    inputs: InputName[];
    /** Per input, what the server assumes when it is left out: sent then, and dropped from canonical inputs. */
    defaults: Partial<Record<InputName, unknown>>;
    /** Inputs a plan shows even at their default, for reviewers. */
    shown: InputName[];
    /** Per input, how it compares (default: as a value, after dropping defaults and empties). */
    compare: Partial<Record<InputName, Compare>>;
    /** Only jobs of this platform carry the key. */
    platform?: "Linux" | "Windows";
    /** In an update, the value Qualys holds stays: the row fills the key only for a create. */
    keepServerValue?: true;
    /** Left out of the program, the input means "as Qualys holds it": its absence is no change. */
    keptWhenAbsent?: true;
    /** The value sent; undefined: the key is not sent. */
    out(job: Inputs): unknown;
    /** The inputs the key gives back (from a request body or any answer); `prior` is what the state holds. */
    back(api: ApiJob, prior?: Inputs): Partial<Record<InputName, unknown>>;
}

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
const deferment = { count: 3, interval: 1, intervalUnit: "HOURS" };
const message = { userMessage: "", description: "" };

interface FieldOptions {
    /** What the server assumes when the input is left out (sent then, and dropped when compared). */
    default?: unknown;
    /** What is sent when the input is left out, if not the default (`""`, `[]`, `null`, ...). */
    absent?: unknown;
    /** What the server assumes for each key of an object input left out (an object input with no default of its own). */
    nested?: Record<string, unknown>;
    shown?: true;
    platform?: "Linux" | "Windows";
    compare?: Compare;
    keptWhenAbsent?: true;
    /** The value sent, when not the input as given. */
    out?: (job: Inputs) => unknown;
    /** The input read back, when not the key's value as answered. */
    back?: (api: ApiJob, prior?: Inputs) => unknown;
}

/** A row carrying one input, under the same key in the API's JSON. */
function field(input: InputName, o: FieldOptions = {}): FieldRow {
    const absent = o.default !== undefined ? o.default : o.absent;
    return {
        api: input,
        inputs: [input],
        defaults: o.default !== undefined ? { [input]: o.default } : o.nested ? { [input]: o.nested } : {},
        shown: o.shown ? [input] : [],
        compare: o.compare ? { [input]: o.compare } : {},
        platform: o.platform,
        keptWhenAbsent: o.keptWhenAbsent,
        out: o.out ?? ((job) => job[input] ?? absent),
        back: (job, prior) => ({ [input]: o.back ? o.back(job, prior) : job[input] }),
    };
}

/** A key the API takes that no input carries: sent in every request; with `kept`, an update keeps Qualys' value instead. */
function filler(api: string, value: (job: Inputs) => unknown, kept?: "kept"): FieldRow {
    return { api, inputs: [], defaults: {}, shown: [], compare: {}, keepServerValue: kept ? true : undefined, out: value, back: () => ({}) };
}

/** Qualys compares ids ignoring case: kept lower case, sorted, once each, so order and case are no change. */
const idSet: Compare = (ids) => (Array.isArray(ids) ? [...new Set(ids.map((id) => (typeof id === "string" ? id.toLowerCase() : id)))].sort() : ids);
const ids = (input: InputName) => field(input, { absent: [], compare: idSet });

function toNumber(value: unknown): number | undefined {
    if (value === null || value === undefined || value === "") return undefined;
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
}

const scheduleOf = (job: Inputs) => job.scheduleType ?? "On-demand";
/** The server stamps a start time and a time zone on On-demand jobs: theirs, not the user's. */
const scheduled = (api: ApiJob) => (api.scheduleType ?? "On-demand") !== "On-demand";
const dynamic = (api: ApiJob) => Boolean(api.isDynamicPatchesQQL);

/** Qualys dates lose their zero padding as the server writes them (seed: `2025-3-19 04:59:17 AM`). */
const qualysDate: Compare = (value) => {
    const m = typeof value === "string" ? /^(\d{4})-0?(\d{1,2})-0?(\d{1,2}) 0?(\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/.exec(value) : null;
    return m ? `${m[1]}-${Number(m[2])}-${Number(m[3])} ${m[4].padStart(2, "0")}:${m[5]}:${m[6]} ${m[7]}` : value;
};
/** Days in week order; a list holding a value still unknown at preview is left as it is. */
const weekOrder: Compare = (days) => (Array.isArray(days) && days.every((d) => (WEEKDAYS as readonly unknown[]).includes(d)) ? WEEKDAYS.filter((d) => days.includes(d)) : days);
/** A unit without its amount means nothing (an amount of 0, or "no timeout", was dropped). */
const unitOf = (amount: InputName): Compare => (unit, inputs) => (inputs[amount] === undefined ? undefined : unit);

const SCHEDULE: FieldRow[] = [
    field("scheduleType", { default: "On-demand", shown: true }),
    filler("recurring", (job) => ["Daily", "Weekly", "Monthly"].includes(scheduleOf(job))),
    field("startDateTime", { absent: null, compare: qualysDate, back: (api) => (scheduled(api) ? api.startDateTime : undefined) }),
    field("timezoneType", { absent: null, back: (api) => (scheduled(api) ? api.timezoneType : undefined) }),
    field("timezone", { absent: null, back: (api) => (scheduled(api) && api.timezoneType === "SPECIFIC_TZ" ? api.timezone : undefined) }),
    field("recurringWeekDays", {
        compare: weekOrder,
        // Seven slots, Sunday first: "0,1,0,0,0,0,0" is Monday.
        out: (job) => (job.recurringWeekDays ? WEEKDAYS.map((d) => (job.recurringWeekDays!.includes(d) ? "1" : "0")).join(",") : ""),
        back: (api) => (typeof api.recurringWeekDays === "string" ? WEEKDAYS.filter((_, i) => api.recurringWeekDays.split(",")[i]?.trim() === "1") : undefined),
    }),
    field("dayOfMonth", { absent: null, back: (api) => toNumber(api.dayOfMonth) }),
    field("recurringLastDayOfMonth", { default: false }),
    field("recurringDayOfMonth", { absent: null, back: (api) => toNumber(api.recurringDayOfMonth) }),
    field("recurringWeekDayOfMonth", { absent: null, back: (api) => toNumber(api.recurringWeekDayOfMonth) }),
    filler("monthlyRecurringType", (job) => (scheduleOf(job) === "Monthly" ? (job.patchTuesdayPlusXDays !== undefined ? 1 : 0) : null)),
    field("patchTuesdayPlusXDays", { absent: null, back: (api) => toNumber(api.patchTuesdayPlusXDays) }),
    field("timeout", { absent: -1, back: (api) => (api.timeout === -1 ? undefined : toNumber(api.timeout)) }),
    field("timeoutUnit", { default: "HOURS", compare: unitOf("timeout"), back: (api) => (api.timeout === -1 ? undefined : api.timeoutUnit) }),
    field("downloadRandomizeTime", { default: 0, back: (api) => toNumber(api.downloadRandomizeTime) }),
    field("downloadRandomizeTimeUnit", { default: "MINUTES", compare: unitOf("downloadRandomizeTime"), back: (api) => (api.downloadRandomizeTime ? api.downloadRandomizeTimeUnit : undefined) }),
];

const TARGETS: FieldRow[] = [
    ids("assetIds"),
    ids("assetTagIds"),
    ids("matchAllTagIds"),
    ids("exclusionAssetIds"),
    ids("exclusionTagIds"),
    field("filterType", { default: "Any" }),
    field("exclusionFilterType", { default: "Any" }),
    filler("isAssetImported", () => false, "kept"),
];

const PATCHES: FieldRow[] = [
    ids("approvedPatches"),
    field("isDynamicPatchesQQL", { default: false }),
    field("dynamicPatchesQQL", { absent: "", back: (api) => (dynamic(api) ? api.dynamicPatchesQQL : undefined) }),
    field("dynamicQQLType", { default: 1, back: (api) => (dynamic(api) ? toNumber(api.dynamicQQLType) : undefined) }),
    field("additionalDynamicPatchesQQL", { absent: "", back: (api) => (dynamic(api) ? api.additionalDynamicPatchesQQL : undefined) }),
    field("additionalDynamicQQLType", {
        // Sent as a string, `""` when unused (seed request samples).
        out: (job) => (job.additionalDynamicQQLType === undefined ? "" : String(job.additionalDynamicQQLType)),
        back: (api) => (dynamic(api) && api.additionalDynamicPatchesQQL ? toNumber(api.additionalDynamicQQLType) : undefined),
    }),
    // Documented for updates as an integer (update_deployment_jobs.htm). Left out, Qualys keeps what
    // it holds and removing it is no change; a refresh reads it only when the state holds it: a custom
    // patch URL set in the UI is never lost by an edit of another input.
    field("customPatchURLId", {
        keptWhenAbsent: true,
        back: (api, prior) => (prior?.customPatchURLId !== undefined ? toNumber(api.customPatchURLId) : undefined),
    }),
];

/** `given` written over `defaults`, nested objects merged: the server's full shape with the user's values. */
function withDefaults<T extends object>(defaults: T, given: object | undefined): T {
    const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
    for (const [key, value] of Object.entries(given ?? {})) {
        const base = (defaults as Record<string, unknown>)[key];
        out[key] = base && typeof base === "object" ? withDefaults(base, value as object) : value;
    }
    return out as T;
}

function pick(value: ApiJob | null | undefined, keys: string[]): ApiJob | undefined {
    if (!value) return undefined;
    return Object.fromEntries(keys.filter((k) => k in value).map((k) => [k, value[k]]));
}

const POST_DEPLOYMENT = {
    suppressReboots: false,
    rebootHonorOnUserLogin: false,
    rebootOption: { ...message, deferment },
    rebootCountdown: { interval: 15, intervalUnit: "MINUTES", ...message },
    onComplete: { ...message, alwaysShowCompletedPrompt: false },
};

/** What the user sees around a deployment, and who is told. */
const NOTICES: FieldRow[] = [
    field("preDeployment", {
        default: { ...message, deferment },
        out: (job) => withDefaults({ ...message, deferment }, job.preDeployment),
        back: (api) => pick(api.preDeployment, ["userMessage", "description", "deferment"]),
    }),
    field("duringDeployment", {
        default: message,
        out: (job) => withDefaults(message, job.duringDeployment),
        back: (api) => pick(api.duringDeployment, ["userMessage", "description"]),
    }),
    field("postDeployment", { default: POST_DEPLOYMENT, out: postDeploymentOut, back: postDeploymentBack }),
    field("notification", { absent: null, nested: { onJobStart: false, onJobComplete: false }, out: notificationOut, back: notificationBack, compare: emailSet }),
];

function postDeploymentOut(job: Inputs): ApiJob {
    const post = job.postDeployment ?? {};
    return {
        // The API takes the lower-case spelling and answers with `suppressReboots` (seed samples).
        suppressreboots: post.suppressReboots ?? false,
        rebootHonorOnUserLogin: post.rebootHonorOnUserLogin ?? false,
        rebootOption: withDefaults(POST_DEPLOYMENT.rebootOption, post.rebootOption),
        rebootCountdown: withDefaults(POST_DEPLOYMENT.rebootCountdown, post.rebootCountdown),
        onComplete: withDefaults(POST_DEPLOYMENT.onComplete, post.onComplete),
    };
}

function postDeploymentBack(api: ApiJob): ApiJob {
    const post = api.postDeployment ?? {};
    return {
        suppressReboots: post.suppressReboots ?? post.suppressreboots,
        rebootHonorOnUserLogin: post.rebootHonorOnUserLogin,
        rebootOption: pick(post.rebootOption, ["userMessage", "description", "deferment"]),
        rebootCountdown: pick(post.rebootCountdown, ["interval", "intervalUnit", "userMessage", "description"]),
        onComplete: pick(post.onComplete, ["userMessage", "description", "alwaysShowCompletedPrompt"]),
    };
}

function notificationOut(job: Inputs): ApiJob | null {
    const n = job.notification;
    if (!n) return null;
    const percentage = n.completedPercentage !== undefined ? { completedPercentage: n.completedPercentage } : {};
    return {
        notificationTypes: { email: true },
        notificationConfigs: { recipientEmails: n.emails.join(","), ...percentage },
        notificationEvents: { onJobStart: n.onJobStart ?? false, onJobComplete: n.onJobComplete ?? false },
    };
}

function notificationBack(api: ApiJob): ApiJob | undefined {
    const n = api.notification;
    if (!n?.notificationConfigs?.recipientEmails) return undefined;
    return {
        emails: String(n.notificationConfigs.recipientEmails).split(",").map((e: string) => e.trim()).filter(Boolean),
        onJobStart: n.notificationEvents?.onJobStart,
        onJobComplete: n.notificationEvents?.onJobComplete,
        completedPercentage: n.notificationConfigs.completedPercentage ?? undefined,
    };
}

/** The order of e-mail recipients means nothing, nor does naming one twice. */
function emailSet(notification: unknown): unknown {
    const n = notification as { emails?: unknown } | undefined;
    return n && typeof n === "object" && Array.isArray(n.emails) ? { ...n, emails: [...new Set(n.emails as string[])].sort() } : notification;
}

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
export function isRunScript(action: ApiJob): boolean {
    return (action?.action ?? "Run Script") === "Run Script";
}

type Action = { description?: string; scriptType: string; script: string };

function actionsOut(actions: Action[] | undefined): ApiJob[] {
    return (actions ?? []).map((a) => ({ action: "Run Script", params: { actionItem: a.description ?? "", remediationScope: false }, scriptType: a.scriptType, script: a.script }));
}

function actionsBack(actions: ApiJob[] | null | undefined, prior: Action[] | undefined): Action[] {
    return (actions ?? []).filter((a) => isRunScript(a) && !isMakeCache(a)).map((a, i) => ({
        description: a.params?.actionItem || undefined,
        scriptType: a.scriptType,
        script: decodeScript(a.script, prior?.[i]?.script),
    }));
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

/** Scripts run before and after deployment; the Linux package-cache update is one of the pre-deploy actions. */
const ACTIONS: FieldRow[] = [
    {
        api: "preDeployActions",
        inputs: ["packageCacheUpdate", "preDeployActions"],
        defaults: { packageCacheUpdate: false },
        shown: [],
        compare: {},
        out: (job) => [...(job.packageCacheUpdate ? [makeCacheAction()] : []), ...actionsOut(job.preDeployActions)],
        back: (api, prior) => ({
            packageCacheUpdate: (api.preDeployActions ?? []).some(isMakeCache),
            preDeployActions: actionsBack(api.preDeployActions, prior?.preDeployActions),
        }),
    },
    field("postDeployActions", { out: (job) => actionsOut(job.postDeployActions), back: (api, prior) => actionsBack(api.postDeployActions, prior?.postDeployActions) }),
];

/** Every key of the job JSON this model writes, in the order of the 3.5 request samples. */
export const FIELDS: FieldRow[] = [
    field("name", { back: (api, prior) => asStated(api.name, prior?.name) }),
    field("description", { absent: "", back: (api, prior) => asStated(api.description, prior?.description) }),
    field("platform"),
    field("type", { default: "Install", shown: true }),
    field("status", { default: "Disabled", shown: true, back: (api) => (api.status === undefined ? undefined : api.status === "Disabled" ? "Disabled" : "Enabled") }),
    filler("schemaVersion", () => "1.0"),
    // Every request in the 3.5 notes sends 2 (answers say 3); its meaning is not documented.
    filler("jobSource", () => 2),
    ...TARGETS,
    ids("coAuthorUserIds"),
    ...PATCHES,
    filler("linkedJobId", () => "", "kept"),
    ...SCHEDULE,
    ...NOTICES,
    field("opportunisticDownloads", { default: false }),
    field("minimizeWindow", { default: false }),
    ...ACTIONS,
    field("continueOnPatchFailure", { default: false, platform: "Linux" }),
    filler("enableReattemptFailedPatches", (job) => (job.platform === "Windows" ? job.reattemptFailedPatches !== undefined : undefined)),
    field("reattemptFailedPatches", {
        absent: null,
        platform: "Windows",
        back: (api) => (api.enableReattemptFailedPatches && api.reattemptFailedPatches
            ? { noOfReattempts: toNumber(api.reattemptFailedPatches.noOfReattempts), exponentialBackoffInterval: toNumber(api.reattemptFailedPatches.exponentialBackoffInterval) }
            : undefined),
    }),
];
