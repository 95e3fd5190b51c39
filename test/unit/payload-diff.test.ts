import { diffJob, lockedRunOnceChanges } from "../../provider/diff";
import { fromApiJob, makeCacheAction, mergeIntoServerJob, normalizeInputs, toRequest } from "../../provider/payload";
import { generatedFiles } from "../../scripts/generate";
import * as fs from "node:fs";
import { seed } from "../helpers/fixtures";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";

describe("mapping inputs to the API", () => {
    test("the Linux toggle sends the MakeCache pre-deploy action exactly as the 3.5 notes do", () => {
        const body = toRequest(linuxMakeCache() as never);
        expect(body.preDeployActions).toEqual([seed("linux-create.request").preDeployActions[0]]);
        expect(body.preDeployActions).toEqual([makeCacheAction()]);
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

    test.each(["linux-create.request", "windows-create.request", "windows-update.request", "linux-update.request"])(
        "the inputs read from the seed's %s expand back to the same request, field for field",
        (name) => {
            const request = seed(name);
            const body = toRequest(fromApiJob(request));
            for (const [key, value] of Object.entries(body)) {
                if (key in request && !["recurring", "linkedJobId", "monthlyRecurringType", "additionalDynamicQQLType"].includes(key)) {
                    expect({ [key]: key === "postDeployment" ? { ...value, rebootOption: undefined, rebootCountdown: undefined, onComplete: undefined, rebootHonorOnUserLogin: undefined } : value })
                        .toEqual({ [key]: key === "postDeployment" ? { ...request[key], rebootOption: undefined, rebootCountdown: undefined, onComplete: undefined } : request[key] });
                }
            }
        },
    );

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
        expect(fromApiJob(get)).toEqual(normalizeInputs({ name: "Demo_Job_MakeCache", platform: "Linux", status: "Enabled", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true }));
    });

    test("fields a newer API adds are not drift", () => {
        const answer = { ...seed("windows-create.response"), somethingNew: { a: 1 }, anotherFlag: true };
        expect(diffJob(fromApiJob(seed("windows-create.request")), fromApiJob(answer)).changed).toEqual([]);
    });

    test("a custom script the server answers base64-encoded reads back as the text sent", () => {
        const inputs = windowsReattempts({ postDeployActions: [{ scriptType: "powershell", script: "Restart-Service wuauserv", description: "restart" }] });
        const answer = toRequest(inputs as never);
        answer.postDeployActions[0].script = Buffer.from("Restart-Service wuauserv").toString("base64");
        expect(diffJob(fromApiJob(answer, inputs as never), inputs).changed).toEqual([]);
    });

    test("asset lists are sets: another order is no change", () => {
        const a = windowsReattempts({ assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357", "08a028e6-7e1d-4dbf-b040-48d9059dee08"] });
        const b = windowsReattempts({ assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08", "ffb6aa16-f342-4f94-99c1-3ae941ce6357"] });
        expect(diffJob(a, b).changed).toEqual([]);
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
        expect(diffJob(linuxMakeCache(), { ...linuxMakeCache(), platform: "Windows" })).toEqual({ changed: ["platform"], replaces: ["platform"] });
    });
});

describe("run-once jobs are locked once enabled", () => {
    const enabled = windowsReattempts({ status: "Enabled" });
    test("an edit of an enabled On-demand job is refused with the property and why", () => {
        expect(lockedRunOnceChanges(enabled, { ...enabled, name: "renamed" })).toEqual([
            { property: "name", reason: expect.stringMatching(/^cannot change: this On-demand job was enabled/) },
        ]);
    });
    test("an enabled recurring job may be edited and disabled", () => {
        const weekly = windowsReattempts({ status: "Enabled", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"] });
        expect(lockedRunOnceChanges(weekly, { ...weekly, status: "Disabled", name: "x" })).toEqual([]);
    });
    test("a disabled On-demand job may be edited, then enabled", () => {
        const draft = windowsReattempts();
        expect(lockedRunOnceChanges(draft, { ...draft, status: "Enabled", description: "go" })).toEqual([]);
    });
    test("replacing an enabled On-demand job with an enabled one would patch again: refused, and the other edits are still locked", () => {
        const linux = linuxMakeCache({ status: "Enabled", description: "new", packageCacheUpdate: undefined, approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"] });
        expect(lockedRunOnceChanges(enabled, linux)).toEqual([
            { property: "platform", reason: expect.stringMatching(/^would start patching again: this edit replaces the enabled On-demand job with a new enabled On-demand job/) },
            ...["name", "description", "assetIds", "approvedPatches", "postDeployment", "reattemptFailedPatches"].map((property) => ({ property, reason: expect.stringMatching(/^cannot change/) })),
        ].sort((a, b) => (a.property === "platform" ? -1 : b.property === "platform" ? 1 : 0)));
    });
    test("replacing an enabled On-demand job with a Disabled one runs nothing: allowed", () => {
        expect(lockedRunOnceChanges(enabled, { ...enabled, platform: "Linux", reattemptFailedPatches: undefined, status: "Disabled" })).toEqual([]);
    });
    test("an enabled Weekly job turned into an enabled On-demand job would patch at once: refused", () => {
        const weekly = windowsReattempts({ status: "Enabled", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"] });
        expect(lockedRunOnceChanges(weekly, windowsReattempts({ status: "Enabled" }))).toEqual([
            { property: "scheduleType", reason: expect.stringContaining("turns the enabled Weekly job into an enabled On-demand job, which Qualys runs at once") },
        ]);
        expect(lockedRunOnceChanges(weekly, windowsReattempts({ status: "Disabled" }))).toEqual([]);
    });
});

describe("an update writes back what the model does not own", () => {
    const server = {
        ...toRequest(windowsReattempts() as never),
        id: "1ca9c211-6c0a-4855-ac49-f9d735b1563c",
        customerId: "8ac1558c-cbdf-c133-80c6-0fcf7d68e79c",
        createdBy: { user: null, date: 1 },
        linkedJobId: "5e2a3f0c-9d7b-4c1e-8a6f-2b4d6e8f0a1c",
        customPatchURLId: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
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

test("the generated input types and the README's input reference match the schema", () => {
    for (const [file, text] of generatedFiles()) {
        expect({ file, stale: fs.readFileSync(file, "utf8") !== text }).toEqual({ file, stale: false });
    }
});
