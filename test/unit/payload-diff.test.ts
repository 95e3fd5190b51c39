import { diffJob, INPUT_KEYS, lockedRunOnceChanges } from "../../provider/core/diff";
import { canonicalInputs, fromApiJob, mergeIntoServerJob, requestBody, toRequest } from "../../provider/core/payload";
import { prune } from "../../provider/core/canonical";
import type { DeploymentJobArgs } from "../../provider/dynamic/args.generated";
import { validateJobInputs } from "../../provider/core/validate";
import { provider } from "../../provider/dynamic/provider";
import { FIELDS } from "../../provider/core/fields";
import { generatedFiles } from "../../scripts/generate";
import * as fs from "node:fs";
import { seed } from "../helpers/fixtures";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";

/** A program's inputs as check makes them. */
const checked = (args: DeploymentJobArgs) => canonicalInputs(args as never);

describe("mapping inputs to the API", () => {
    test("the Linux toggle sends the MakeCache pre-deploy action exactly as the 3.5 notes do", () => {
        const body = toRequest(linuxMakeCache() as never);
        expect(body.preDeployActions).toEqual([seed("linux-create.request").preDeployActions[0]]);
    });

    test("reattempts send enableReattemptFailedPatches true with both numbers", () => {
        const body = toRequest(windowsReattempts({ reattemptFailedPatches: { noOfReattempts: 3, exponentialBackoffInterval: 10 } }) as never);
        expect(body).toMatchObject({ enableReattemptFailedPatches: true, reattemptFailedPatches: { noOfReattempts: 3, exponentialBackoffInterval: 10 } });
    });

    test("a Windows job without reattempts turns them off", () => {
        const body = toRequest({ ...windowsReattempts(), reattemptFailedPatches: undefined } as never);
        expect(body).toMatchObject({ enableReattemptFailedPatches: false, reattemptFailedPatches: null });
    });

    test("reboot suppression goes out under the API's lower-case name", () => {
        expect(toRequest(windowsReattempts({ postDeployment: { suppressReboots: true } }) as never).postDeployment.suppressreboots).toBe(true);
    });

    test("a weekly schedule becomes the 7-slot string, Sunday first", () => {
        const body = toRequest(windowsReattempts({ scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Tuesday", "Sunday"] }) as never);
        expect(body).toMatchObject({ recurringWeekDays: "1,0,1,0,0,0,0", recurring: true });
        expect(fromApiJob(body).recurringWeekDays).toEqual(["Sunday", "Tuesday"]);
    });

    test("Patch Tuesday + N days is sent as a Patch Tuesday based monthly schedule", () => {
        const body = toRequest(windowsReattempts({ scheduleType: "Monthly", startDateTime: "2030-1-6 02:00:00 AM", patchTuesdayPlusXDays: 2 }) as never);
        expect(body).toMatchObject({ monthlyRecurringType: 1, patchTuesdayPlusXDays: 2, recurring: true });
    });
});

describe("round trip: the server's answers are no change", () => {
    test.each([
        ["linux-create.request", "linux-create.response"],
        ["linux-update.request", "linux-update.response"],
        ["linux-update.request", "linux-get.response"],
        ["windows-create.request", "windows-create.response"],
        ["windows-update.request", "windows-update.response"],
    ])("%s against %s diffs as no change", (request, response) => {
        expect(diffJob(fromApiJob(seed(request)), fromApiJob(seed(response)))).toEqual({ changed: [], replaces: [] });
    });

    test("renames, defaults, base64 script, Prepared and null-for-[] are absorbed (ignored fields: every server-owned one)", () => {
        const get = seed("linux-get.response");
        expect(get).toMatchObject({ status: "Prepared", assetTagIds: null, postDeployment: { suppressReboots: false } });
        expect(fromApiJob(get)).toEqual(canonicalInputs({ name: "Demo_Job_MakeCache", platform: "Linux", status: "Enabled", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true }));
    });

    test("fields a newer API adds are not drift", () => {
        const answer = { ...seed("windows-create.response"), somethingNew: { a: 1 }, anotherFlag: true };
        expect(diffJob(fromApiJob(seed("windows-create.request")), fromApiJob(answer)).changed).toEqual([]);
    });

    test("a custom script the server answers base64-encoded reads back as the text sent", () => {
        const inputs = windowsReattempts({ postDeployActions: [{ scriptType: "powershell", script: "Restart-Service wuauserv", description: "restart" }] });
        const answer = toRequest(inputs as never);
        answer.postDeployActions[0].script = Buffer.from("Restart-Service wuauserv").toString("base64");
        expect(diffJob(fromApiJob(answer, inputs as never), checked(inputs)).changed).toEqual([]);
    });

    test("asset lists are sets: another order is no change", () => {
        const a = windowsReattempts({ assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357", "08a028e6-7e1d-4dbf-b040-48d9059dee08"] });
        const b = windowsReattempts({ assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08", "ffb6aa16-f342-4f94-99c1-3ae941ce6357"] });
        expect(diffJob(checked(a), checked(b)).changed).toEqual([]);
    });
});

describe("edits made in the Qualys UI diff as exactly that property", () => {
    const answer = () => seed("windows-create.response");
    test("noOfReattempts 5 to 1", () => {
        const edited = { ...answer(), reattemptFailedPatches: { noOfReattempts: 1, exponentialBackoffInterval: 15 } };
        expect(diffJob(fromApiJob(seed("windows-create.request")), fromApiJob(edited))).toEqual({ changed: ["reattemptFailedPatches"], replaces: [] });
    });
    test("the MakeCache action removed", () => {
        const edited = { ...seed("linux-get.response"), preDeployActions: null };
        expect(diffJob(fromApiJob(seed("linux-update.request")), fromApiJob(edited))).toEqual({ changed: ["packageCacheUpdate"], replaces: [] });
    });
    test("the job disabled", () => {
        const edited = { ...seed("linux-get.response"), status: "Disabled" };
        expect(diffJob(fromApiJob(seed("linux-update.request")), fromApiJob(edited))).toEqual({ changed: ["status"], replaces: [] });
    });
    test("a new platform replaces the job", () => {
        expect(diffJob(checked(linuxMakeCache()), checked({ ...linuxMakeCache(), platform: "Windows" }))).toEqual({ changed: ["platform"], replaces: ["platform"] });
    });
});

describe("run-once jobs are locked once enabled", () => {
    const enabled = checked(windowsReattempts({ status: "Enabled" }));
    test("an edit of an enabled On-demand job is refused with the property and why", () => {
        expect(lockedRunOnceChanges(enabled, checked({ ...enabled, name: "renamed" }))).toEqual([
            { property: "name", reason: expect.stringMatching(/^cannot change: this On-demand job was enabled/) },
        ]);
    });
    test("an enabled recurring job may be edited and disabled", () => {
        const weekly = checked(windowsReattempts({ status: "Enabled", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"] }));
        expect(lockedRunOnceChanges(weekly, checked({ ...weekly, status: "Disabled", name: "x" }))).toEqual([]);
    });
    test("a disabled On-demand job may be edited, then enabled", () => {
        const draft = checked(windowsReattempts());
        expect(lockedRunOnceChanges(draft, checked({ ...draft, status: "Enabled", description: "go" }))).toEqual([]);
    });
    test("replacing an enabled On-demand job with an enabled one would patch again: refused, and the other edits are still locked", () => {
        const linux = linuxMakeCache({ status: "Enabled", description: "new", packageCacheUpdate: undefined, approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"] });
        expect(lockedRunOnceChanges(enabled, checked(linux))).toEqual([
            { property: "platform", reason: expect.stringMatching(/^would start patching again: this edit replaces the enabled On-demand job with a new enabled On-demand job/) },
            ...["name", "description", "assetIds", "approvedPatches", "postDeployment", "reattemptFailedPatches"].map((property) => ({ property, reason: expect.stringMatching(/^cannot change/) })),
        ].sort((a, b) => (a.property === "platform" ? -1 : b.property === "platform" ? 1 : 0)));
    });
    test("replacing an enabled On-demand job with a Disabled one runs nothing: allowed", () => {
        expect(lockedRunOnceChanges(enabled, checked({ ...enabled, platform: "Linux", reattemptFailedPatches: undefined, status: "Disabled" }))).toEqual([]);
    });
    test("an enabled Weekly job turned into an enabled On-demand job would patch at once: refused", () => {
        const weekly = checked(windowsReattempts({ status: "Enabled", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"] }));
        expect(lockedRunOnceChanges(weekly, checked(windowsReattempts({ status: "Enabled" })))).toEqual([
            { property: "scheduleType", reason: expect.stringContaining("turns the enabled Weekly job into an enabled On-demand job, which Qualys runs at once") },
        ]);
        expect(lockedRunOnceChanges(weekly, checked(windowsReattempts({ status: "Disabled" })))).toEqual([]);
    });
});

describe("an update writes back what the model does not own", () => {
    const server = {
        ...toRequest(windowsReattempts() as never),
        id: "1ca9c211-6c0a-4855-ac49-f9d735b1563c",
        customerId: "8ac1558c-cbdf-c133-80c6-0fcf7d68e79c",
        createdBy: { user: null, date: 1 },
        linkedJobId: "5e2a3f0c-9d7b-4c1e-8a6f-2b4d6e8f0a1c",
        customPatchURLId: 4242,
        postDeployment: { ...toRequest(windowsReattempts() as never).postDeployment, suppressreboots: undefined, suppressReboots: true, futureFlag: 1 },
        postDeployActions: [
            { action: "Install Software", params: { softwareId: "s1" } },
            { action: "Run Script", params: { actionItem: "old" }, scriptType: "ps1", script: "b2xk" },
        ],
    };
    const request = toRequest(windowsReattempts({ postDeployActions: [{ description: "new", scriptType: "powershell", script: "Write-Host hi" }] }) as never);
    const body = mergeIntoServerJob(server, request);
    test("unmodelled fields and other kinds of action stay as Qualys holds them, in place", () => {
        expect(body).toMatchObject({ linkedJobId: server.linkedJobId, customPatchURLId: server.customPatchURLId, id: server.id });
        expect(body.postDeployActions).toEqual([server.postDeployActions[0], request.postDeployActions[0]]);
        expect(body.postDeployment.futureFlag).toBe(1);
    });
    test("the modelled fields are the program's, and a renamed field is sent once, in the request's spelling", () => {
        expect(body.reattemptFailedPatches).toEqual(request.reattemptFailedPatches);
        expect(body.postDeployment).not.toHaveProperty("suppressReboots");
        expect(body.postDeployment.suppressreboots).toBe(false);
    });
    test("what Qualys computes or stamps is not written back", () => {
        expect(body).not.toHaveProperty("customerId");
        expect(body).not.toHaveProperty("createdBy");
    });
});

test("the generated input types and the reference page match the schema", () => {
    for (const [file, text] of generatedFiles()) {
        expect({ file, stale: fs.readFileSync(file, "utf8") !== text }).toEqual({ file, stale: false });
    }
});

// The mapping out and back through the same rows: what the server rewrites on the way is pinned by
// seed-round-trip.test.ts (every leaf of the 3.5 samples), and the emulator's answers by test/e2e.
describe("every input survives the mapping out to a request and back", () => {
    /** Each schedule's own fields, one variant each. */
    const SCHEDULES: Record<string, Partial<DeploymentJobArgs>> = {
        "Monthly by week": { scheduleType: "Monthly", recurringDayOfMonth: 2, recurringWeekDayOfMonth: 3 },
        "Monthly after Patch Tuesday": { scheduleType: "Monthly", patchTuesdayPlusXDays: -2 },
        "Monthly by day": { scheduleType: "Monthly", dayOfMonth: 15 },
        "Monthly on the last day": { scheduleType: "Monthly", recurringLastDayOfMonth: true },
        Weekly: { scheduleType: "Weekly", recurringWeekDays: ["Friday", "Monday"] },
    };
    const everyField = (platform: "Linux" | "Windows", schedule: string): DeploymentJobArgs => ({
        name: "every field", description: "all set", platform, type: "Rollback", status: "Enabled",
        startDateTime: "2030-01-06 02:00:00 AM", timezoneType: "SPECIFIC_TZ", timezone: "Europe/Paris", ...SCHEDULES[schedule],
        timeout: 90, timeoutUnit: "MINUTES", downloadRandomizeTime: 2, downloadRandomizeTimeUnit: "HOURS",
        assetIds: ["08A028E6-7E1D-4DBF-B040-48D9059DEE08"], assetTagIds: ["6d1cd4b6-378d-4c95-ad47-f459882e7c35"], matchAllTagIds: ["e8acf5ba-577f-47b7-80a8-8888704d9117"],
        filterType: "All", exclusionAssetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357"], exclusionTagIds: ["ce1e4d6a-7119-4177-9bcc-0b31c39aad1b"], exclusionFilterType: "All",
        approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"], isDynamicPatchesQQL: true, dynamicPatchesQQL: "vendorSeverity:Critical", dynamicQQLType: 2,
        additionalDynamicPatchesQQL: "isSecurity:true", additionalDynamicQQLType: 1, customPatchURLId: 7,
        preDeployment: { userMessage: "before", description: "Heads up", deferment: { count: 2, interval: 30, intervalUnit: "MINUTES" } },
        duringDeployment: { userMessage: "during", description: "Patching" },
        postDeployment: {
            suppressReboots: true, rebootHonorOnUserLogin: true,
            rebootOption: { userMessage: "reboot?", description: "Reboot", deferment: { count: 1, interval: 2, intervalUnit: "HOURS" } },
            rebootCountdown: { interval: 5, intervalUnit: "HOURS", userMessage: "soon", description: "Countdown" },
            onComplete: { userMessage: "done", description: "Done", alwaysShowCompletedPrompt: true },
        },
        minimizeWindow: true, coAuthorUserIds: ["9ea81ebb-1830-5f23-8389-2921ae95238f"],
        notification: { emails: ["ops@example.com", "sec@example.com"], onJobStart: true, onJobComplete: true, completedPercentage: 80 },
        preDeployActions: [{ description: "stop app", scriptType: "sh", script: "systemctl stop app" }],
        postDeployActions: [{ description: "start app", scriptType: "sh", script: "systemctl start app" }],
        ...(platform === "Linux"
            ? { packageCacheUpdate: true, continueOnPatchFailure: true }
            : { reattemptFailedPatches: { noOfReattempts: 3, exponentialBackoffInterval: 7 }, opportunisticDownloads: true }),
    });

    const cases = (["Linux", "Windows"] as const).flatMap((platform) => Object.keys(SCHEDULES).map((schedule) => [platform, schedule] as const));

    test.each(cases)("a valid %s job with every input set (%s) reads back as the same canonical inputs", (platform, schedule) => {
        expect(validateJobInputs(everyField(platform, schedule) as never)).toEqual([]);
        const inputs = checked(everyField(platform, schedule));
        expect(fromApiJob(requestBody(inputs), inputs)).toEqual(inputs);
    });

    test("together they cover every input of the schema but adoptJobId (a new field needs its row to pass)", () => {
        const covered = new Set(cases.flatMap(([platform, schedule]) => Object.keys(checked(everyField(platform, schedule)))));
        expect(INPUT_KEYS.filter((k) => !covered.has(k))).toEqual(["adoptJobId"]);
    });

    test("customPatchURLId is sent when declared and read back then; left out, Qualys' value stays and is no drift", () => {
        const declared = checked(windowsReattempts({ customPatchURLId: 7 }));
        expect(requestBody(declared).customPatchURLId).toBe(7);
        expect(fromApiJob({ ...requestBody(declared), customPatchURLId: 9 }, declared).customPatchURLId).toBe(9);
        const plain = checked(windowsReattempts());
        expect(requestBody(plain)).not.toHaveProperty("customPatchURLId");
        const server = { ...requestBody(plain), customPatchURLId: 9 };
        expect(diffJob(fromApiJob(server, plain), plain).changed).toEqual([]);
        expect(mergeIntoServerJob(server, requestBody({ ...plain, description: "edited" } as never)).customPatchURLId).toBe(9);
    });

    test("removing customPatchURLId from the program is no change, also on an enabled On-demand job: Qualys keeps it", () => {
        const declared = checked(windowsReattempts({ status: "Enabled", customPatchURLId: 7 }));
        const removed = checked(windowsReattempts({ status: "Enabled" }));
        expect(diffJob(declared, removed).changed).toEqual([]);
        expect(lockedRunOnceChanges(declared, removed)).toEqual([]);
        expect(diffJob(declared, checked(windowsReattempts({ status: "Enabled", customPatchURLId: 8 }))).changed).toEqual(["customPatchURLId"]);
    });

    test("every input of the schema but adoptJobId is carried by exactly one row of the field table", () => {
        const carriers = (input: string) => FIELDS.filter((row) => (row.inputs as string[]).includes(input)).map((row) => row.api);
        expect(INPUT_KEYS.filter((k) => carriers(k).length !== 1).map((k) => `${k}: ${carriers(k).join(", ") || "no row"}`)).toEqual(["adoptJobId: no row"]);
    });
});

describe("a state written without this provider's check", () => {
    // `pulumi import --file` records the file's inputs as given (test/adopt/engine.test.ts), and
    // refresh diffs them: what they spell out at the server's default is no change.
    const recorded = { ...windowsReattempts({ downloadRandomizeTime: 30, downloadRandomizeTimeUnit: "MINUTES" }), __provider: "code" };
    test("diffs as no change against the same job made canonical", async () => {
        const news = checked(windowsReattempts({ downloadRandomizeTime: 30 }));
        expect(await provider.diff!("1ca9c211-6c0a-4855-ac49-f9d735b1563c", recorded as never, news)).toMatchObject({ changes: false });
    });
    test("is no change either when the engine hands it as the new side (refresh diffs the recorded inputs against the job read)", async () => {
        const read = checked(windowsReattempts({ downloadRandomizeTime: 30 }));
        expect(await provider.diff!("1ca9c211-6c0a-4855-ac49-f9d735b1563c", read as never, recorded as never)).toMatchObject({ changes: false });
    });
    test("still shows a real change", async () => {
        const news = checked(windowsReattempts({ downloadRandomizeTime: 45 }));
        expect(await provider.diff!("1ca9c211-6c0a-4855-ac49-f9d735b1563c", recorded as never, news)).toMatchObject({ changes: true });
    });
});

describe("the canonical form drops a value only where it is the row's default", () => {
    test("a false whose default is false is dropped, a false whose default is true is kept, and a false with no default is kept", () => {
        expect(prune({ off: false, on: false, free: false, nested: { off: false, on: false } }, { off: false, on: true, nested: { off: false, on: true } }))
            .toEqual({ on: false, free: false, nested: { on: false } });
    });

    test("every boolean input has a default of false today, so a declared false is no change", () => {
        const declared = canonicalInputs({ ...(linuxMakeCache() as object), minimizeWindow: false, continueOnPatchFailure: false, isDynamicPatchesQQL: false, recurringLastDayOfMonth: false, opportunisticDownloads: false, packageCacheUpdate: false, postDeployment: { suppressReboots: false } } as never);
        const left = canonicalInputs({ ...(linuxMakeCache() as object), packageCacheUpdate: undefined } as never);
        expect(declared).toEqual(left);
    });
});
