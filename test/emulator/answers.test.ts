// Answers qualysdk 0.3.17 reads, checked on the wire: list rows, runs, and the results summary on
// both methods (test/qualysdk drives the same routes with qualysdk itself).
import type { PmEmulator } from "./server";
import { onTheWire, wire } from "../helpers/wire";

const wired = onTheWire();
let emulator: PmEmulator;
let token: string;
beforeEach(() => ({ emulator, token } = wired));

const JOB = { name: "answers", platform: "Linux", type: "Install", scheduleType: "Daily", startDateTime: "2030-1-6 02:00:00 AM", recurring: true, status: "Disabled", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"] };
const call = (method: string, path: string, body?: unknown) => wire(emulator.url, method, path, { token, body });
const rows = async () => (await call("GET", "/pm/v1/deploymentjobs/summary?platform=Linux")).body as Record<string, any>[];

/** The fields qualysdk 0.3.17's PMJob declares (qualysdk/pm/data_classes/Job.py): it builds one with PMJob(**row), so a row may hold no other key. */
const PMJOB_FIELDS = [
    "id", "name", "coAuthorUserIds", "subCategory", "dynamicQQLType", "matchAllTags", "type", "recurringWeekDays", "totalAssetCount", "isDynamicPatchesQQL",
    "assetCount", "customPatchUrlConfigured", "linkedJobReferenceCount", "created", "triggerStatus", "recurringDayOfMonth", "jobSource", "readOnly", "tags",
    "exclusionAssetIds", "scheduleType", "dayOfMonth", "disabledPatches", "filterType", "updated", "additionalQQLS", "status", "timezone",
    "exclusionFilterType", "nextScheduleDateTime", "platform", "mitigationActionCount", "isPriorityJob", "customerId", "exclusionTags", "taggedAssetCount",
    "patchCount", "applicableAssetCount", "patchTuesdayPlusXDays", "schemaVersion", "recurringLastDayOfMonth", "recurringWeekDayOfMonth", "isRecurring",
    "lastScheduleDateTime", "dynamicPatchesQQL", "startDateTime", "timezoneType", "deleted", "monthlyRecurringType", "completionPercent", "category",
    "linkedJobId", "assetResultReceivedCount", "isVulnContext", "isAssetImported", "remediationQids",
];

describe("list rows", () => {
    test("a job never edited has updated null (qualysdk crashes on {user: null, date: null}), and a created with who and when", async () => {
        await call("POST", "/pm/v1/deploymentjob", JOB);
        const [row] = await rows();
        expect(row.updated).toBeNull();
        expect(row.created).toEqual({ user: expect.objectContaining({ id: expect.any(String), name: expect.any(String) }), date: expect.any(Number) });
    });

    test("an edited job's row has updated with who and when", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        await call("PATCH", `/pm/v1/deploymentjob/update/${created.body.id}`, { ...JOB, description: "edited" });
        const [row] = await rows();
        expect(row.updated).toEqual({ user: expect.objectContaining({ id: expect.any(String), name: expect.any(String) }), date: expect.any(Number) });
    });

    test("a row holds only keys qualysdk's PMJob declares, and the id, name and platform the provider reads", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        const [row] = await rows();
        expect(Object.keys(row).filter((key) => !PMJOB_FIELDS.includes(key))).toEqual([]);
        expect(row).toMatchObject({ id: created.body.id, name: "answers", platform: "Linux" });
    });

    test("pages of two read from 0 hold five jobs in three pages, then an empty page", async () => {
        for (let i = 0; i < 5; i++) await call("POST", "/pm/v1/deploymentjob", { ...JOB, name: `job ${i}` });
        const page = async (n: number) => (await call("GET", `/pm/v1/deploymentjobs/summary?platform=Linux&pageSize=2&pageNumber=${n}`)).body.map((r: { name: string }) => r.name);
        expect([await page(0), await page(1), await page(2), await page(3)]).toEqual([["job 0", "job 1"], ["job 2", "job 3"], ["job 4"], []]);
    });
});

describe("runs", () => {
    test("a job never enabled has no runs", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        const runs = await call("GET", `/pm/v1/deploymentjob/${created.body.id}/runs`);
        expect(runs).toMatchObject({ status: 200, body: [] });
    });

    test("each enable of a recurring job adds a run, numbered from 1, with an ISO date and the job's time zone type", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", { ...JOB, timezoneType: "AGENT_TZ" });
        const id = created.body.id;
        for (const status of ["Enabled", "Disabled", "Enabled"]) await call("POST", `/pm/v1/deploymentjobs/update/status/${status}`, { ids: [id] });
        const runs = (await call("GET", `/pm/v1/deploymentjob/${id}/runs`)).body;
        expect(runs).toEqual([
            { jobInstanceId: 1, scheduledDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), timezoneType: "AGENT_TZ" },
            { jobInstanceId: 2, scheduledDateTime: expect.stringMatching(/Z$/), timezoneType: "AGENT_TZ" },
        ]);
    });

    test("an On-demand job created enabled has one run, in the server's SPECIFIC_TZ", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", { ...JOB, scheduleType: "On-demand", startDateTime: null, recurring: false, status: "Enabled" });
        expect((await call("GET", `/pm/v1/deploymentjob/${created.body.id}/runs`)).body).toEqual([{ jobInstanceId: 1, scheduledDateTime: expect.any(String), timezoneType: "SPECIFIC_TZ" }]);
    });

    test("the runs of a job that does not exist are a 404 in the PM error shape", async () => {
        const runs = await call("GET", "/pm/v1/deploymentjob/00000000-0000-0000-0000-000000000000/runs");
        expect(runs.status).toBe(404);
        expect(runs.body._error).toMatchObject({ errorCode: "404", message: "Deployment job 00000000-0000-0000-0000-000000000000 not found" });
    });
});

describe("the results summary", () => {
    const summary = (id: string) => `/pm/v1/deploymentjob/${id}/deploymentjobresult/summary`;

    test("is answered on GET (the 3.5 notes) and on a POST without a body (qualysdk) by default, alike", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        const get = await call("GET", summary(created.body.id));
        const post = await call("POST", summary(created.body.id));
        expect(get).toMatchObject({ status: 200, body: { id: created.body.id, name: "answers", assetCount: 1 } });
        expect(post.status).toBe(200);
        expect(post.body).toEqual(get.body);
    });

    test.each([
        { name: "GET only refuses POST", only: "GET" as const, refused: "POST" },
        { name: "POST only refuses GET", only: "POST" as const, refused: "GET" },
    ])("the option to answer one method: $name with a 405", async ({ only, refused }) => {
        emulator.options.resultsMethods = [only];
        try {
            const created = await call("POST", "/pm/v1/deploymentjob", JOB);
            expect((await call(only, summary(created.body.id))).status).toBe(200);
            const answer = await call(refused, summary(created.body.id));
            expect(answer.status).toBe(405);
            expect(answer.body._error).toMatchObject({ errorCode: "405", message: `Request method '${refused}' is not supported` });
        } finally {
            emulator.options.resultsMethods = ["GET", "POST"];
        }
    });
});
