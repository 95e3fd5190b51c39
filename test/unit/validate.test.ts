import jobSchema from "../../schema/deployment-job.schema.json";
import { checkSettings, resolveSettings } from "../../provider/core/settings";
import { CheckFailure, UNKNOWN, validateJobInputs } from "../../provider/core/validate";
import { fromApiJob } from "../../provider/core/payload";
import { seed } from "../helpers/fixtures";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";

const win = (extra: Record<string, unknown>) => ({ ...windowsReattempts(), ...extra }) as Record<string, unknown>;
const lin = (extra: Record<string, unknown>) => ({ ...linuxMakeCache(), ...extra }) as Record<string, unknown>;
const reattempt = (noOfReattempts: unknown, exponentialBackoffInterval: unknown = 5) => win({ reattemptFailedPatches: { noOfReattempts, exponentialBackoffInterval } });
const monthly = { scheduleType: "Monthly", startDateTime: "2030-1-6 02:00:00 AM" };
const without = (inputs: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== key));
const weekly = { scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM" };
const ID = "ffb6aa16-f342-4f94-99c1-3ae941ce6357";
const uuids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
/** Own keys named like Object.prototype's, as JSON.parse makes them (an object literal would set the prototype). */
const withKeys = (inputs: Record<string, unknown>, json: string) => ({ ...inputs, ...JSON.parse(json) }) as Record<string, unknown>;

interface Case {
    name: string;
    inputs: Record<string, unknown>;
    failures: CheckFailure[];
}

const cases: Case[] = [
    { name: "noOfReattempts 0", inputs: reattempt(0), failures: [{ property: "reattemptFailedPatches.noOfReattempts", reason: "must be between 1 and 5 (got 0)" }] },
    { name: "noOfReattempts 6", inputs: reattempt(6), failures: [{ property: "reattemptFailedPatches.noOfReattempts", reason: "must be between 1 and 5 (got 6)" }] },
    { name: "noOfReattempts 7", inputs: reattempt(7), failures: [{ property: "reattemptFailedPatches.noOfReattempts", reason: "must be between 1 and 5 (got 7)" }] },
    { name: "noOfReattempts 2.5", inputs: reattempt(2.5), failures: [{ property: "reattemptFailedPatches.noOfReattempts", reason: "must be an integer (got 2.5)" }] },
    { name: "noOfReattempts as a string", inputs: reattempt("3"), failures: [{ property: "reattemptFailedPatches.noOfReattempts", reason: 'must be an integer (got "3")' }] },
    { name: "exponentialBackoffInterval 0", inputs: reattempt(3, 0), failures: [{ property: "reattemptFailedPatches.exponentialBackoffInterval", reason: "must be between 1 and 15 (got 0)" }] },
    { name: "exponentialBackoffInterval 16", inputs: reattempt(3, 16), failures: [{ property: "reattemptFailedPatches.exponentialBackoffInterval", reason: "must be between 1 and 15 (got 16)" }] },
    { name: "exponentialBackoffInterval 1.5", inputs: reattempt(3, 1.5), failures: [{ property: "reattemptFailedPatches.exponentialBackoffInterval", reason: "must be an integer (got 1.5)" }] },
    { name: "exponentialBackoffInterval null", inputs: reattempt(3, null), failures: [{ property: "reattemptFailedPatches.exponentialBackoffInterval", reason: "must be an integer (got null)" }] },
    { name: "both reattempt bounds broken at once", inputs: reattempt(0, 16), failures: [
        { property: "reattemptFailedPatches.noOfReattempts", reason: "must be between 1 and 5 (got 0)" },
        { property: "reattemptFailedPatches.exponentialBackoffInterval", reason: "must be between 1 and 15 (got 16)" },
    ] },
    { name: "reattempts without noOfReattempts", inputs: win({ reattemptFailedPatches: { exponentialBackoffInterval: 3 } }), failures: [{ property: "reattemptFailedPatches.noOfReattempts", reason: "is required" }] },
    { name: "reattempts with an unknown field", inputs: win({ reattemptFailedPatches: { noOfReattempts: 1, exponentialBackoffInterval: 3, unit: "MINUTES" } }), failures: [{ property: "reattemptFailedPatches.unit", reason: "is not a property of reattemptFailedPatches" }] },
    { name: "the Linux toggle on a Windows job", inputs: win({ packageCacheUpdate: true }), failures: [{ property: "packageCacheUpdate", reason: "is only for Linux jobs (platform is Windows) (got true)" }] },
    { name: "the Linux toggle as a string", inputs: lin({ packageCacheUpdate: "yes" }), failures: [{ property: "packageCacheUpdate", reason: 'must be a boolean (got "yes")' }] },
    { name: "reattempts on a Linux job", inputs: lin({ reattemptFailedPatches: { noOfReattempts: 1, exponentialBackoffInterval: 1 } }), failures: [{ property: "reattemptFailedPatches", reason: 'is only for Windows jobs (platform is Linux) (got {"noOfReattempts":1,"exponentialBackoffInterval":1})' }] },
    { name: "opportunistic downloads on a Linux job", inputs: lin({ opportunisticDownloads: true }), failures: [{ property: "opportunisticDownloads", reason: "is only for Windows jobs (platform is Linux) (got true)" }] },
    { name: "continueOnPatchFailure on a Windows job", inputs: win({ continueOnPatchFailure: true }), failures: [{ property: "continueOnPatchFailure", reason: "is only for Linux jobs (platform is Windows) (got true)" }] },
    { name: "missing name", inputs: without(win({}), "name"), failures: [{ property: "name", reason: "is required" }] },
    { name: "empty name", inputs: win({ name: "" }), failures: [{ property: "name", reason: "must not be empty" }] },
    { name: "a name of 257 characters", inputs: win({ name: "x".repeat(257) }), failures: [{ property: "name", reason: "must be at most 256 characters long (got 257)" }] },
    { name: "a control character in the name", inputs: win({ name: "bad\u0007name" }), failures: [{ property: "name", reason: "must not contain control, invisible or bidi control characters (U+0007 at index 3)" }] },
    { name: "missing platform", inputs: without(win({}), "platform"), failures: [{ property: "platform", reason: "is required" }] },
    { name: "platform Mac", inputs: lin({ platform: "Mac" }), failures: [{ property: "platform", reason: 'must be one of Windows, Linux (got "Mac")' }] },
    { name: "platform in lower case", inputs: lin({ platform: "linux" }), failures: [{ property: "platform", reason: 'must be one of Windows, Linux (got "linux")' }] },
    { name: "an unknown property", inputs: win({ schedule: "daily" }), failures: [{ property: "schedule", reason: "is not a property of DeploymentJob" }] },
    { name: "the API's spelling suppressreboots", inputs: win({ postDeployment: { suppressreboots: true } }), failures: [{ property: "postDeployment.suppressreboots", reason: "is not a property of postDeployment; did you mean suppressReboots?" }] },
    { name: "status Prepared", inputs: win({ status: "Prepared" }), failures: [{ property: "status", reason: 'must be one of Enabled, Disabled (got "Prepared")' }] },
    { name: "type Uninstall", inputs: win({ type: "Uninstall" }), failures: [{ property: "type", reason: 'must be one of Install, Rollback (got "Uninstall")' }] },
    { name: "scheduleType OnDemand", inputs: win({ scheduleType: "OnDemand" }), failures: [{ property: "scheduleType", reason: 'must be one of On-demand, Once, Daily, Weekly, Monthly (got "OnDemand")' }] },
    { name: "filterType any", inputs: win({ filterType: "any" }), failures: [{ property: "filterType", reason: 'must be one of Any, All (got "any")' }] },
    { name: "timeoutUnit DAYS", inputs: win({ timeout: 2, timeoutUnit: "DAYS" }), failures: [{ property: "timeoutUnit", reason: 'must be one of HOURS, MINUTES (got "DAYS")' }] },
    { name: "no target at all", inputs: without(win({}), "assetIds"), failures: [{ property: "assetIds", reason: "at least one target is required: set assetIds, assetTagIds or matchAllTagIds" }] },
    { name: "an empty target list", inputs: win({ assetIds: [] }), failures: [{ property: "assetIds", reason: "at least one target is required: set assetIds, assetTagIds or matchAllTagIds" }] },
    { name: "an asset id that is not a UUID", inputs: win({ assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357", "host-1"] }), failures: [{ property: "assetIds[1]", reason: 'must be a UUID of 8-4-4-4-12 hex digits (got "host-1")' }] },
    { name: "a repeated patch id", inputs: win({ approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477", "444ba31a-0f94-3199-870e-ef8ab1a5a477"] }), failures: [{ property: "approvedPatches", reason: 'must not repeat an item (items 0 and 1 are both "444ba31a-0f94-3199-870e-ef8ab1a5a477")' }] },
    { name: "a dynamic QQL without the dynamic switch", inputs: win({ dynamicPatchesQQL: "vendorSeverity:Critical" }), failures: [{ property: "dynamicPatchesQQL", reason: 'applies only when isDynamicPatchesQQL is true (got "vendorSeverity:Critical")' }] },
    { name: "the dynamic switch without a QQL", inputs: win({ isDynamicPatchesQQL: true }), failures: [{ property: "dynamicPatchesQQL", reason: "is required when isDynamicPatchesQQL is true" }] },
    { name: "dynamicQQLType 3", inputs: win({ isDynamicPatchesQQL: true, dynamicPatchesQQL: "x:y", dynamicQQLType: 3 }), failures: [{ property: "dynamicQQLType", reason: "must be one of 1, 2 (got 3)" }] },
    { name: "an additional QQL without its type", inputs: win({ isDynamicPatchesQQL: true, dynamicPatchesQQL: "x:y", additionalDynamicPatchesQQL: "a:b" }), failures: [{ property: "additionalDynamicQQLType", reason: "is required when additionalDynamicPatchesQQL is set" }] },
    { name: "a start time on an On-demand job", inputs: win({ startDateTime: "2030-1-6 02:00:00 AM" }), failures: [{ property: "startDateTime", reason: 'applies only to scheduled jobs: an On-demand job starts when it is enabled (got "2030-1-6 02:00:00 AM")' }] },
    { name: "a scheduled job without a start", inputs: win({ scheduleType: "Once" }), failures: [{ property: "startDateTime", reason: "is required for scheduled jobs (scheduleType is not On-demand)" }] },
    { name: "an ISO start time", inputs: win({ scheduleType: "Once", startDateTime: "2030-01-06T02:00:00Z" }), failures: [{ property: "startDateTime", reason: 'must be a date in Qualys\' style, like 2025-3-19 04:59:17 AM (got "2030-01-06T02:00:00Z")' }] },
    { name: "a 24-hour start time", inputs: win({ scheduleType: "Once", startDateTime: "2030-1-6 14:00:00 PM" }), failures: [{ property: "startDateTime", reason: 'must be a date in Qualys\' style, like 2025-3-19 04:59:17 AM (got "2030-1-6 14:00:00 PM")' }] },
    { name: "weekdays on a Monthly job", inputs: win({ ...monthly, dayOfMonth: 1, recurringWeekDays: ["Monday"] }), failures: [{ property: "recurringWeekDays", reason: 'applies only to Weekly jobs (got ["Monday"])' }] },
    { name: "a Weekly job without weekdays", inputs: win({ scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM" }), failures: [{ property: "recurringWeekDays", reason: "is required for Weekly jobs" }] },
    { name: "a misspelt weekday", inputs: win({ scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Tues"] }), failures: [{ property: "recurringWeekDays[0]", reason: 'must be one of Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday (got "Tues")' }] },
    { name: "dayOfMonth on a Daily job", inputs: win({ scheduleType: "Daily", startDateTime: "2030-1-6 02:00:00 AM", dayOfMonth: 3 }), failures: [{ property: "dayOfMonth", reason: "applies only to Monthly jobs (got 3)" }] },
    { name: "a Monthly job with no day", inputs: win(monthly), failures: [{ property: "dayOfMonth", reason: "a Monthly job needs one of dayOfMonth, recurringLastDayOfMonth, recurringDayOfMonth with recurringWeekDayOfMonth, or patchTuesdayPlusXDays" }] },
    { name: "dayOfMonth 0", inputs: win({ ...monthly, dayOfMonth: 0 }), failures: [{ property: "dayOfMonth", reason: "must be between 1 and 31 (got 0)" }] },
    { name: "dayOfMonth 32", inputs: win({ ...monthly, dayOfMonth: 32 }), failures: [{ property: "dayOfMonth", reason: "must be between 1 and 31 (got 32)" }] },
    { name: "Patch Tuesday + 0 days", inputs: win({ ...monthly, patchTuesdayPlusXDays: 0 }), failures: [{ property: "patchTuesdayPlusXDays", reason: "must not be 0" }] },
    { name: "Patch Tuesday + 28 days", inputs: win({ ...monthly, patchTuesdayPlusXDays: 28 }), failures: [{ property: "patchTuesdayPlusXDays", reason: "must be between -27 and 27 (got 28)" }] },
    { name: "two monthly rules at once", inputs: win({ ...monthly, dayOfMonth: 3, patchTuesdayPlusXDays: 2 }), failures: [{ property: "patchTuesdayPlusXDays", reason: "cannot be combined with dayOfMonth: set one monthly rule (got 2)" }] },
    { name: "a week of the month without its day", inputs: win({ ...monthly, recurringDayOfMonth: 2 }), failures: [{ property: "recurringWeekDayOfMonth", reason: "is required when recurringDayOfMonth is set" }] },
    { name: "SPECIFIC_TZ without a time zone", inputs: win({ scheduleType: "Once", startDateTime: "2030-1-6 02:00:00 AM", timezoneType: "SPECIFIC_TZ" }), failures: [{ property: "timezone", reason: "is required when timezoneType is SPECIFIC_TZ" }] },
    { name: "an unknown time zone", inputs: win({ scheduleType: "Once", startDateTime: "2030-1-6 02:00:00 AM", timezoneType: "SPECIFIC_TZ", timezone: "Mars/Olympus" }), failures: [{ property: "timezone", reason: 'must be an IANA time zone such as UTC or America/New_York (got "Mars/Olympus")' }] },
    { name: "a patch window of 169 hours", inputs: win({ timeout: 169 }), failures: [{ property: "timeout", reason: "must be between 1 and 168 hours: the patch window cannot exceed 7 days (got 169)" }] },
    { name: "a patch window of 10081 minutes", inputs: win({ timeout: 10081, timeoutUnit: "MINUTES" }), failures: [{ property: "timeout", reason: "must be between 1 and 10080 (got 10081)" }] },
    { name: "a timeout unit without a timeout", inputs: win({ timeoutUnit: "MINUTES" }), failures: [{ property: "timeout", reason: "is required when timeoutUnit is set" }] },
    { name: "download spread of 3 hours", inputs: win({ downloadRandomizeTime: 3, downloadRandomizeTimeUnit: "HOURS" }), failures: [{ property: "downloadRandomizeTime", reason: "must be between 0 and 2 hours (got 3)" }] },
    { name: "an Enabled job with nothing to deploy", inputs: win({ approvedPatches: [], status: "Enabled" }), failures: [{ property: "status", reason: 'cannot be Enabled while the job has nothing to deploy, as Qualys refuses to enable it: set approvedPatches, a dynamic QQL, packageCacheUpdate or a pre- or post-deploy action (got "Enabled")' }] },
    { name: "six pre-deploy actions", inputs: win({ preDeployActions: Array.from({ length: 6 }, () => ({ scriptType: "powershell", script: "exit 0" })) }), failures: [{ property: "preDeployActions", reason: "must have at most 5 items (got 6)" }] },
    { name: "five pre-deploy actions besides the cache update", inputs: lin({ preDeployActions: Array.from({ length: 5 }, () => ({ scriptType: "sh", script: "true" })) }), failures: [{ property: "preDeployActions", reason: "must have at most 4 actions when packageCacheUpdate is on: the cache update is the fifth (got 5)" }] },
    { name: "an empty script", inputs: lin({ postDeployActions: [{ scriptType: "sh", script: "" }] }), failures: [{ property: "postDeployActions[0].script", reason: "must not be empty" }] },
    { name: "a script over 20480 characters", inputs: lin({ postDeployActions: [{ scriptType: "sh", script: "x".repeat(20481) }] }), failures: [{ property: "postDeployActions[0].script", reason: "must be at most 20480 characters long (got 20481)" }] },
    { name: "a notification with a bad address", inputs: win({ notification: { emails: ["ops@example.com", "not-an-address"] } }), failures: [{ property: "notification.emails[1]", reason: 'must be an e-mail address (got "not-an-address")' }] },
    { name: "a deferment count of 0", inputs: win({ preDeployment: { deferment: { count: 0 } } }), failures: [{ property: "preDeployment.deferment.count", reason: "must be between 1 and 99 (got 0)" }] },
    { name: "a reboot countdown unit in days", inputs: win({ postDeployment: { rebootCountdown: { intervalUnit: "DAYS" } } }), failures: [{ property: "postDeployment.rebootCountdown.intervalUnit", reason: 'must be one of MINUTES, HOURS (got "DAYS")' }] },
    { name: "adoptJobId that is not a UUID", inputs: win({ adoptJobId: "job-7" }), failures: [{ property: "adoptJobId", reason: 'must be a UUID of 8-4-4-4-12 hex digits (got "job-7")' }] },
    // Issue 17, hostile input: every list and free text bounded, ids bare and unique ignoring case.
    { name: "eight weekdays", inputs: win({ ...weekly, recurringWeekDays: [...DAYS, "Monday"] }), failures: [{ property: "recurringWeekDays", reason: "must have at most 7 items (got 8)" }] },
    { name: "5001 asset ids", inputs: win({ assetIds: uuids(5001) }), failures: [{ property: "assetIds", reason: "must have at most 5000 items (got 5001)" }] },
    { name: "1001 asset tags", inputs: win({ assetTagIds: uuids(1001) }), failures: [{ property: "assetTagIds", reason: "must have at most 1000 items (got 1001)" }] },
    { name: "101 co-authors", inputs: win({ coAuthorUserIds: uuids(101) }), failures: [{ property: "coAuthorUserIds", reason: "must have at most 100 items (got 101)" }] },
    { name: "an e-mail address of 255 characters", inputs: win({ notification: { emails: [`${"a".repeat(243)}@example.com`] } }), failures: [{ property: "notification.emails[0]", reason: "must be at most 254 characters long (got 255)" }] },
    { name: "a time zone of 65 characters", inputs: win({ scheduleType: "Once", startDateTime: "2030-1-6 02:00:00 AM", timezoneType: "SPECIFIC_TZ", timezone: "A".repeat(65) }), failures: [{ property: "timezone", reason: "must be at most 64 characters long (got 65)" }] },
    { name: "an asset id with a urn:uuid: prefix", inputs: win({ assetIds: [`urn:uuid:${ID}`] }), failures: [{ property: "assetIds[0]", reason: `must be a UUID of 8-4-4-4-12 hex digits (got "urn:uuid:${ID}")` }] },
    { name: "adoptJobId with a urn:uuid: prefix", inputs: win({ adoptJobId: `urn:uuid:${ID}` }), failures: [{ property: "adoptJobId", reason: `must be a UUID of 8-4-4-4-12 hex digits (got "urn:uuid:${ID}")` }] },
    { name: "an asset id repeated in upper case", inputs: win({ assetIds: [ID, "0b5c6bd5-3d8c-4a3c-9d6c-5b3f4f2a1e00", ID.toUpperCase()] }), failures: [{ property: "assetIds", reason: `must not repeat an id: items 0 and 2 differ only in case ("${ID}" and "${ID.toUpperCase()}"); ids are compared ignoring case` }] },
    { name: "a co-author repeated", inputs: win({ coAuthorUserIds: [ID, ID] }), failures: [{ property: "coAuthorUserIds", reason: `must not repeat an item (items 0 and 1 are both "${ID}")` }] },
    { name: "a timeout of NaN", inputs: win({ timeout: NaN }), failures: [{ property: "timeout", reason: "must be an integer (got NaN)" }] },
    { name: "noOfReattempts of Infinity", inputs: reattempt(Infinity), failures: [{ property: "reattemptFailedPatches.noOfReattempts", reason: "must be an integer (got Infinity)" }] },
    { name: "a day of the month of NaN on a Daily job", inputs: win({ scheduleType: "Daily", startDateTime: "2030-1-6 02:00:00 AM", dayOfMonth: NaN }), failures: [
        { property: "dayOfMonth", reason: "applies only to Monthly jobs (got NaN)" },
        { property: "dayOfMonth", reason: "must be an integer (got NaN)" },
    ] },
    { name: "a property named constructor", inputs: win({ constructor: 1 }), failures: [{ property: "constructor", reason: "is not a property of DeploymentJob" }] },
    { name: "a property named hasOwnProperty", inputs: win({ hasOwnProperty: true }), failures: [{ property: "hasOwnProperty", reason: "is not a property of DeploymentJob" }] },
    { name: "a property named toString", inputs: win({ toString: "x" }), failures: [{ property: "toString", reason: "is not a property of DeploymentJob" }] },
    { name: "a property named valueOf", inputs: win({ valueOf: 0 }), failures: [{ property: "valueOf", reason: "is not a property of DeploymentJob" }] },
    { name: "a property named __proto__", inputs: withKeys(win({}), '{"__proto__": {"status": "Enabled"}}'), failures: [{ property: "__proto__", reason: "is not a property of DeploymentJob" }] },
    { name: "a nested property named constructor", inputs: win({ postDeployment: { constructor: {} } }), failures: [{ property: "postDeployment.constructor", reason: "is not a property of postDeployment" }] },
    { name: "a nested property named __proto__", inputs: win({ preDeployment: JSON.parse('{"__proto__": 1}') }), failures: [{ property: "preDeployment.__proto__", reason: "is not a property of preDeployment" }] },
];

test("the table holds at least 40 invalid inputs", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
});

test.each(cases)("rejects $name with its property path and reason", ({ inputs, failures }) => {
    expect(validateJobInputs(inputs)).toEqual(failures);
});

test.each([
    "linux-create.request", "linux-update.request", "windows-create.request", "windows-update.request",
])("accepts the inputs of the seed's %s", (name) => {
    expect(validateJobInputs(fromApiJob(seed(name)) as unknown as Record<string, unknown>)).toEqual([]);
});

test.each(["Job ", " Job", "\u00a0Job", "Job\u3000"])("a name with white space at an end (%j) is refused: Qualys may trim it, and recovery matches names exactly", (name) => {
    const job = { name, platform: "Windows", assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357"], approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"] };
    expect(validateJobInputs(job)).toEqual([{ property: "name", reason: `must not start or end with white space: Qualys may trim it, and the name identifies the job when an interrupted create is recovered (got ${JSON.stringify(name)})` }]);
});

test("a download spread of 30 with no unit is 30 minutes, the default unit, and accepted", () => {
    const job = { name: "spread", platform: "Windows", assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357"], approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"], downloadRandomizeTime: 30 };
    expect(validateJobInputs(job)).toEqual([]);
});

test("accepts a monthly Patch Tuesday + 2 days job on asset tags with exclusions", () => {
    expect(validateJobInputs(win({
        assetIds: undefined, assetTagIds: ["236bdc33-a0c7-4baf-8ce3-fc89ad5302ce"], exclusionTagIds: ["6d1cd4b6-378d-4c95-ad47-f459882e7c35"],
        scheduleType: "Monthly", startDateTime: "2030-1-6 02:00:00 AM", timezoneType: "SPECIFIC_TZ", timezone: "America/New_York",
        patchTuesdayPlusXDays: 2, timeout: 6, status: "Enabled",
    }))).toEqual([]);
});

test("skips the rules of values still unknown at preview", () => {
    expect(validateJobInputs(win({ assetIds: UNKNOWN, reattemptFailedPatches: { noOfReattempts: UNKNOWN, exponentialBackoffInterval: 3 } }))).toEqual([]);
});

test("validating 10,000 inputs compiles the job schema once", () => {
    jest.isolateModules(() => {
        // A fresh ajv and a fresh validate module: the spy sees every compile of the module's life.
        const { default: Ajv } = require("ajv") as typeof import("ajv");
        const compile = jest.spyOn(Ajv.prototype, "compile");
        const fresh = require("../../provider/core/validate") as typeof import("../../provider/core/validate");
        let failures = fresh.validateJobInputs(reattempt(1)).length;
        for (let i = 0; i < 10_000; i++) failures += fresh.validateJobInputs(reattempt((i % 5) + 1, (i % 15) + 1)).length;
        expect(failures).toBe(0);
        // ajv-errors also compiles its keyword's own meta-schema: only the job schema's compiles count.
        const compiled = compile.mock.calls.filter(([schema]) => (schema as { $id?: string }).$id === jobSchema.$id).length;
        expect(compiled).toBe(1);
    });
});

const MB = 1 << 20;
const quoted = (char: string, length: number) => `"${char.repeat(60)}…" (${length} characters)`;

describe("hostile input (issue 17): a huge value is quoted by its start and its size", () => {
    test("a failure quotes at most 60 characters of a 1 MB value, then its length", () => {
        const failures = validateJobInputs(win({ dynamicPatchesQQL: "q".repeat(MB) }));
        expect(failures).toEqual([
            { property: "dynamicPatchesQQL", reason: `applies only when isDynamicPatchesQQL is true (got ${quoted("q", MB)})` },
            { property: "dynamicPatchesQQL", reason: `must be at most 4000 characters long (got ${MB})` },
        ]);
    });

    test("a failure quotes a 30,000-item list by its first items and its length", () => {
        const failures = validateJobInputs(win({ scheduleType: "Daily", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: Array(30_000).fill("Monday") }));
        expect(failures).toEqual([
            { property: "recurringWeekDays", reason: expect.stringMatching(/^applies only to Weekly jobs \(got \["Monday","Monday",.*…\] \(30000 items\)\)$/) },
            { property: "recurringWeekDays", reason: "must have at most 7 items (got 30000)" },
        ]);
        for (const f of failures) expect(f.reason.length).toBeLessThanOrEqual(200);
    });

    test("a 1 MB string where a number belongs is quoted in 60 characters", () => {
        expect(validateJobInputs(reattempt("7".repeat(MB)))).toEqual([
            { property: "reattemptFailedPatches.noOfReattempts", reason: `must be an integer (got ${quoted("7", MB)})` },
        ]);
    });

    test("a 1,000-level nested value is quoted in a few levels", () => {
        let deep: Record<string, unknown> = {};
        for (let i = 0; i < 1000; i++) deep = { a: deep };
        const [failure] = validateJobInputs(reattempt(deep));
        expect(failure.property).toBe("reattemptFailedPatches.noOfReattempts");
        expect(failure.reason).toMatch(/^must be an integer \(got \{"a":\{"a":.*…\}\)$/);
        expect(failure.reason.length).toBeLessThanOrEqual(200);
    });

});

describe("hostile input (issue 17): names and values are quoted short, invisible characters escaped", () => {
    test("an unknown property with a 1 MB name is named by its first 60 characters and its length", () => {
        expect(validateJobInputs(win({ ["k".repeat(MB)]: true }))).toEqual([
            { property: `${"k".repeat(60)}…(${MB} characters)`, reason: "is not a property of DeploymentJob" },
        ]);
    });

    test("a quoted value shows invisible and bidi characters escaped, as a reviewer cannot see them", () => {
        expect(validateJobInputs(win({ timezone: "\u202eUTC\u200b" }))).toEqual([
            { property: "timezone", reason: 'applies only to scheduled jobs: an On-demand job starts when it is enabled (got "\\u202eUTC\\u200b")' },
            { property: "timezone", reason: 'applies only when timezoneType is SPECIFIC_TZ (got "\\u202eUTC\\u200b")' },
            { property: "timezone", reason: 'must be an IANA time zone such as UTC or America/New_York (got "\\u202eUTC\\u200b")' },
        ]);
    });

    test("a value of invisible characters is quoted in 60 characters, its escapes included", () => {
        const failures = validateJobInputs(win({ description: "\u202e".repeat(MB), timezone: "\u{e0041}".repeat(1000) }));
        expect(failures.map((f) => f.property).sort()).toEqual(["description", "timezone", "timezone", "timezone"]);
        expect(failures[0].reason).toMatch(/^applies only to scheduled jobs: an On-demand job starts when it is enabled \(got "(\\u\{e0041\}){6}…" \(2000 characters\)\)$/);
        for (const f of failures) expect(f.reason.length).toBeLessThanOrEqual(200);
    });

    test("an unknown property named with bidi characters is named with them escaped", () => {
        expect(validateJobInputs(win({ ["\u202eevil".repeat(100)]: 1 }))).toEqual([
            { property: `${"\\u202eevil".repeat(6)}…(500 characters)`, reason: "is not a property of DeploymentJob" },
        ]);
    });

});

describe("hostile input (issue 17): many failures", () => {
    test("at most 20 failures are listed, then how many more there are", () => {
        const unknown = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`unknown${i}`, i]));
        const failures = validateJobInputs(win(unknown));
        expect(failures).toHaveLength(21);
        expect(failures.slice(0, 20).map((f) => f.property)).toEqual(Object.keys(unknown).slice(0, 20));
        expect(failures[20]).toEqual({ property: "", reason: "…and 5 more failures" });
    });

    test("10,000 unknown properties give one failure naming the first", () => {
        const unknown = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
        expect(validateJobInputs(win(unknown))).toEqual([
            { property: "k0", reason: "is not a property of DeploymentJob, nor are the 9999 other unknown properties given" },
        ]);
    });

    test("the invalid items of a long list are named one by one, the first 20 of them", () => {
        const assetIds = [...uuids(100), ...Array.from({ length: 30 }, (_, i) => `host-${i}`)];
        const failures = validateJobInputs(win({ assetIds }));
        expect(failures.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => ({ property: `assetIds[${100 + i}]`, reason: `must be a UUID of 8-4-4-4-12 hex digits (got "host-${i}")` })));
        expect(failures[20]).toEqual({ property: "", reason: "…and at least 1 more failure" });
    });

    test("an invalid item after 4,999 valid ones is named", () => {
        expect(validateJobInputs(win({ assetIds: [...uuids(4999), "host-1"] }))).toEqual([
            { property: "assetIds[4999]", reason: 'must be a UUID of 8-4-4-4-12 hex digits (got "host-1")' },
        ]);
    });

    test("an invalid script among actions is named with its own rule", () => {
        const actions = [{ scriptType: "sh", script: "true" }, { scriptType: "sh", script: "echo \u001b[2J" }];
        expect(validateJobInputs(lin({ postDeployActions: actions }))).toEqual([
            { property: "postDeployActions[1].script", reason: "must not contain control characters other than tab and line breaks, nor bidi controls (U+001B at index 5)" },
        ]);
    });

    test("ids in upper case are accepted, as Qualys compares ids ignoring case", () => {
        expect(validateJobInputs(win({ assetIds: [ID.toUpperCase()], adoptJobId: ID.toUpperCase() }))).toEqual([]);
    });
});

describe("hostile input (issue 17): invisible characters in a name", () => {
    const INVISIBLE: [string, string][] = [
        ["NUL", "\u0000"], ["BEL", "\u0007"], ["TAB", "\t"], ["LF", "\n"], ["ESC", "\u001b"], ["DEL", "\u007f"], ["PAD (C1)", "\u0080"], ["NEL (C1)", "\u0085"], ["CSI (C1)", "\u009b"],
        ["the Arabic letter mark U+061C", "\u061c"], ["a zero-width space U+200B", "\u200b"], ["a left-to-right mark U+200E", "\u200e"], ["a right-to-left mark U+200F", "\u200f"],
        ["a line separator U+2028", "\u2028"], ["a paragraph separator U+2029", "\u2029"], ["an LRE U+202A", "\u202a"], ["an RLE U+202B", "\u202b"], ["a PDF U+202C", "\u202c"],
        ["an LRO U+202D", "\u202d"], ["an RLO U+202E", "\u202e"], ["a word joiner U+2060", "\u2060"], ["an LRI U+2066", "\u2066"], ["an RLI U+2067", "\u2067"],
        ["an FSI U+2068", "\u2068"], ["a PDI U+2069", "\u2069"], ["a BOM U+FEFF", "\ufeff"], ["the tag U+E0001", "\u{e0001}"], ["the tag U+E0041", "\u{e0041}"], ["the cancel tag U+E007F", "\u{e007f}"],
    ];
    test.each(INVISIBLE)("a name with %s is refused, naming the character and where it is", (_, char) => {
        const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
        expect(validateJobInputs(win({ name: `job${char}x` }))).toEqual([
            { property: "name", reason: `must not contain control, invisible or bidi control characters (${code} at index 3)` },
        ]);
    });

    test("a name keeps the joiners U+200C and U+200D that emoji and some scripts need", () => {
        for (const name of ["👩\u200d💻 patching", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0915\u094d\u200d\u0937 servers"]) {
            expect(validateJobInputs(win({ name }))).toEqual([]);
        }
    });

});

describe("hostile input (issue 17): controls and bidi characters in texts", () => {
    const TEXT_FIELDS = [
        "description", "preDeployment.userMessage", "preDeployment.description", "duringDeployment.userMessage", "postDeployment.rebootOption.description",
        "postDeployment.rebootCountdown.userMessage", "postDeployment.onComplete.userMessage", "postDeployActions.0.description", "postDeployActions.0.script",
    ];
    const setText = (path: string, text: string) => {
        const inputs = lin({ postDeployActions: [{ scriptType: "sh", script: "true" }] }) as Record<string, any>;
        const keys = path.split(".");
        let node = inputs;
        for (const key of keys.slice(0, -1)) node = node[key] ??= {};
        node[keys[keys.length - 1]] = text;
        return inputs;
    };
    const TEXT_REFUSED: [string, string][] = [
        ["NUL", "\u0000"], ["BEL", "\u0007"], ["a vertical tab", "\u000b"], ["ESC", "\u001b"], ["DEL", "\u007f"], ["NEL (C1)", "\u0085"],
        ["an LRE U+202A", "\u202a"], ["an RLO U+202E", "\u202e"], ["an LRI U+2066", "\u2066"], ["a PDI U+2069", "\u2069"],
    ];
    test.each(TEXT_REFUSED)("a message with %s is refused, naming the character and where it is", (_, char) => {
        const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
        expect(validateJobInputs(setText("preDeployment.userMessage", `Hi ${char}there`))).toEqual([
            { property: "preDeployment.userMessage", reason: `must not contain control characters other than tab and line breaks, nor bidi controls (${code} at index 3)` },
        ]);
    });

    test.each(TEXT_FIELDS)("%s refuses an ANSI escape", (path) => {
        const property = path.replace(/\.(\d+)\./, "[$1].");
        expect(validateJobInputs(setText(path, "ok\u001b[31m"))).toEqual([
            { property, reason: "must not contain control characters other than tab and line breaks, nor bidi controls (U+001B at index 2)" },
        ]);
    });

    test.each(TEXT_FIELDS)("%s keeps tabs and line breaks", (path) => {
        expect(validateJobInputs(setText(path, "line one\r\n\tline two\nline three"))).toEqual([]);
    });

    test("the dynamic QQL refuses a bidi override", () => {
        expect(validateJobInputs(win({ isDynamicPatchesQQL: true, dynamicPatchesQQL: "vendorSeverity:\u202eCritical" }))).toEqual([
            { property: "dynamicPatchesQQL", reason: "must not contain control characters other than tab and line breaks, nor bidi controls (U+202E at index 15)" },
        ]);
    });
});

describe("provider settings, as stack config and the environment give them (strings)", () => {
    const required = { QUALYS_GATEWAY_URL: "https://gateway.qg2.apps.qualys.com", QUALYS_USERNAME: "demo-user", QUALYS_PASSWORD: "hunter2-secret" };
    const fromEnv = (env: Record<string, string>) => resolveSettings(() => undefined, { ...required, ...env });
    const refusal = (lines: string[]) => `Qualys provider settings are incomplete or wrong:\n  ${lines.join("\n  ")}`;
    const messageOf = (run: () => unknown) => {
        try {
            run();
        } catch (e) {
            return (e as Error).message;
        }
        return undefined;
    };

    test("numbers and booleans written as strings are read as numbers and booleans", () => {
        expect(fromEnv({ QUALYS_REQUEST_TIMEOUT_MS: "500", QUALYS_MAX_RETRIES: " 3 ", QUALYS_ADAPTIVE_PACING: "False" })).toEqual({
            gatewayUrl: "https://gateway.qg2.apps.qualys.com", username: "demo-user", password: "hunter2-secret", requestTimeoutMs: 500, maxRetries: 3, adaptivePacing: false,
        });
    });

    test("a setting that is not a whole number, or out of range, is refused naming the setting, the rule, the value and where to set it", () => {
        expect(messageOf(() => fromEnv({ QUALYS_MAX_RETRIES: "2.5", QUALYS_REQUEST_TIMEOUT_MS: "10" }))).toBe(refusal([
            "qualys:requestTimeoutMs must be between 100 and 600000 (got 10): set qualys:requestTimeoutMs (pulumi config set) or QUALYS_REQUEST_TIMEOUT_MS",
            'qualys:maxRetries must be an integer (got "2.5"): set qualys:maxRetries (pulumi config set) or QUALYS_MAX_RETRIES',
        ]));
    });

    test("Infinity, 1e400 and hex are not whole numbers: refused, never taken for a number within bounds", () => {
        expect(messageOf(() => fromEnv({ QUALYS_REQUEST_TIMEOUT_MS: "Infinity", QUALYS_MAX_RETRIES: "1e400", QUALYS_MAX_RESPONSE_BYTES: "0x100000" }))).toBe(refusal([
            'qualys:requestTimeoutMs must be an integer (got "Infinity"): set qualys:requestTimeoutMs (pulumi config set) or QUALYS_REQUEST_TIMEOUT_MS',
            'qualys:maxRetries must be an integer (got "1e400"): set qualys:maxRetries (pulumi config set) or QUALYS_MAX_RETRIES',
            'qualys:maxResponseBytes must be an integer (got "0x100000"): set qualys:maxResponseBytes (pulumi config set) or QUALYS_MAX_RESPONSE_BYTES',
        ]));
    });

    test("a missing setting is named with where to set it", () => {
        expect(messageOf(() => resolveSettings(() => undefined, { QUALYS_GATEWAY_URL: required.QUALYS_GATEWAY_URL, QUALYS_USERNAME: "demo-user" }))).toBe(refusal([
            "qualys:password is required: set qualys:password (pulumi config set --secret) or QUALYS_PASSWORD",
        ]));
    });

    test("read from the environment only (the adopt command), a failure names the environment variable and no stack config", () => {
        expect(checkSettings({}, { QUALYS_GATEWAY_URL: "https://gw.example/pm/v1", QUALYS_PASSWORD: "hunter2-secret" }, "environment")).toEqual([
            { property: "QUALYS_USERNAME", reason: "is required" },
            { property: "QUALYS_GATEWAY_URL", reason: "https://gw.example/pm/v1 has a path; use its origin https://gw.example" },
        ]);
    });

    test("the password is never quoted, even when it has the wrong type", () => {
        const lookup = (key: string) => (key === "qualys:password" ? { value: "hunter2-secret" } : undefined);
        const message = messageOf(() => resolveSettings(lookup, { QUALYS_GATEWAY_URL: required.QUALYS_GATEWAY_URL, QUALYS_USERNAME: "demo-user" }));
        expect(message).toBe(refusal(["qualys:password must be a string: set qualys:password (pulumi config set --secret) or QUALYS_PASSWORD"]));
    });
});
