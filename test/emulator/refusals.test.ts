// What the emulator refuses loudly, as Qualys does (rules.ts): a 400 in the PM API's JSON error
// shape, `{_error: {errorCode, message}}`, and nothing stored.
import type { PmEmulator } from "./server";
import { onTheWire, wire } from "../helpers/wire";
import { seed } from "../helpers/fixtures";

const wired = onTheWire();
let emulator: PmEmulator;
let token: string;
beforeEach(() => ({ emulator, token } = wired));

const JOB = { name: "rules", platform: "Windows", type: "Install", scheduleType: "On-demand", status: "Disabled" };
const call = (method: string, path: string, body?: unknown) => wire(emulator.url, method, path, { token, body });

/** A 400 in the PM error shape, with this message. */
function expectRefused(answer: { status: number; body: any }, message: string): void {
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ _error: { errorCode: "400", message, timestamp: expect.any(Number) } });
}

describe("a create or update body Qualys would refuse is refused, and nothing is stored", () => {
    const cases = [
        { name: "an unknown platform (Mac)", body: { ...JOB, platform: "Mac" }, message: "Invalid platform Mac: must be one of Windows, Linux" },
        { name: "a platform in lower case", body: { ...JOB, platform: "linux" }, message: "Invalid platform linux: must be one of Windows, Linux" },
        { name: "an unknown type", body: { ...JOB, type: "Uninstall" }, message: "Invalid type Uninstall: must be one of Install, Rollback" },
        ...["Once", "Daily", "Weekly", "Monthly"].map((scheduleType) => ({
            name: `a ${scheduleType} job without startDateTime`, body: { ...JOB, scheduleType }, message: `startDateTime is mandatory for a ${scheduleType} job`,
        })),
        { name: "an unknown top-level key", body: { ...JOB, rebootAfterwards: true }, message: 'Unrecognized field "rebootAfterwards"' },
        {
            name: "qualysdk's top-level reboot keys (the samples nest them in postDeployment)",
            body: { ...JOB, suppressReboots: false, rebootOption: {} },
            message: 'Unrecognized fields "suppressReboots", "rebootOption"',
        },
        { name: "a GET answer's server-owned key in a create", body: { ...JOB, id: "1ca9c211-6c0a-4855-ac49-f9d735b1563c" }, message: 'Unrecognized field "id"' },
    ];

    test.each(cases)("create: $name", async ({ body, message }) => {
        expectRefused(await call("POST", "/pm/v1/deploymentjob", body), message);
        expect(emulator.jobs()).toEqual([]);
    });

    test.each(cases.filter((c) => !c.name.includes("server-owned")))("update: $name, and the job stays as it was", async ({ body, message }) => {
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        const before = await call("GET", `/pm/v1/deploymentjob/${created.body.id}`);
        expectRefused(await call("PATCH", `/pm/v1/deploymentjob/update/${created.body.id}`, body), message);
        expect((await call("GET", `/pm/v1/deploymentjob/${created.body.id}`)).body).toEqual(before.body);
    });

    test("a refused unknown key never shows in a GET", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        await call("PATCH", `/pm/v1/deploymentjob/update/${created.body.id}`, { ...JOB, rebootAfterwards: true });
        expect(Object.keys((await call("GET", `/pm/v1/deploymentjob/${created.body.id}`)).body)).not.toContain("rebootAfterwards");
    });
});

describe("what Qualys takes is taken", () => {
    test.each([
        { name: "the Linux create sample", sample: "linux-create.request" },
        { name: "the Windows create sample", sample: "windows-create.request" },
    ])("$name is created", async ({ sample }) => {
        expect((await call("POST", "/pm/v1/deploymentjob", seed(sample))).status).toBe(201);
    });

    test("a scheduled job with a start, and a Rollback job, are created", async () => {
        expect((await call("POST", "/pm/v1/deploymentjob", { ...JOB, scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: "1,0,0,0,0,0,0" })).status).toBe(201);
        expect((await call("POST", "/pm/v1/deploymentjob", { ...JOB, type: "Rollback" })).status).toBe(201);
    });

    test("an update sending a GET answer back with an edit is taken, as update_deployment_jobs.htm advises", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        const got = await call("GET", `/pm/v1/deploymentjob/${created.body.id}`);
        // Every top-level key of the answer goes back; postDeployment spelled as the notes' requests spell it.
        const edited = await call("PATCH", `/pm/v1/deploymentjob/update/${created.body.id}`, { ...got.body, postDeployment: { suppressreboots: false }, description: "edited" });
        expect(edited.status).toBe(200);
        expect((await call("GET", `/pm/v1/deploymentjob/${created.body.id}`)).body.description).toBe("edited");
    });

    test("an update may send back a key the server holds for the job (a newer API's field), and it is kept; a create may not", async () => {
        const id = emulator.seedJob({ ...JOB, maintenanceWindow: { id: 7 } });
        const edited = await call("PATCH", `/pm/v1/deploymentjob/update/${id}`, { ...JOB, maintenanceWindow: { id: 8 } });
        expect(edited.status).toBe(200);
        expect((await call("GET", `/pm/v1/deploymentjob/${id}`)).body.maintenanceWindow).toEqual({ id: 8 });
        expectRefused(await call("POST", "/pm/v1/deploymentjob", { ...JOB, maintenanceWindow: { id: 8 } }), 'Unrecognized field "maintenanceWindow"');
    });

    test("the emulator's own bookkeeping is not a key an update takes", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        expectRefused(await call("PATCH", `/pm/v1/deploymentjob/update/${created.body.id}`, { ...JOB, triggeredAt: 1 }), 'Unrecognized field "triggeredAt"');
    });
});

describe("list and results paging out of range is refused", () => {
    const list = (query: Record<string, string>) => call("GET", `/pm/v1/deploymentjobs/summary?${new URLSearchParams(query)}`);

    const cases: { name: string; query: Record<string, string>; message: string }[] = [
        { name: "pageSize 0", query: { platform: "Linux", pageSize: "0" }, message: "pageSize must be an integer from 1 to 10000 (got 0)" },
        { name: "pageSize 20000", query: { platform: "Linux", pageSize: "20000" }, message: "pageSize must be an integer from 1 to 10000 (got 20000)" },
        { name: "pageSize 1.5", query: { platform: "Linux", pageSize: "1.5" }, message: "pageSize must be an integer from 1 to 10000 (got 1.5)" },
        { name: "an empty pageSize", query: { platform: "Linux", pageSize: "" }, message: "pageSize must be an integer from 1 to 10000 (got )" },
        { name: "pageNumber -1", query: { platform: "Linux", pageNumber: "-1" }, message: "pageNumber must be an integer from 0 (got -1)" },
        { name: "platform Mac", query: { platform: "Mac" }, message: "Invalid platform Mac: must be one of Windows, Linux" },
        { name: "platform all (qualysdk sends Windows and Linux, one request each)", query: { platform: "all" }, message: "Invalid platform all: must be one of Windows, Linux" },
    ];
    test.each(cases)("list: $name", async ({ query, message }) => {
        expectRefused(await list(query), message);
    });

    test("list: pageSize 1 and 10000 are taken", async () => {
        expect((await list({ platform: "Linux", pageSize: "1" })).status).toBe(200);
        expect((await list({ platform: "Linux", pageSize: "10000" })).status).toBe(200);
    });

    test("results: a POST body with pageSize 0, and a GET with pageSize 20000, are refused", async () => {
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        const path = `/pm/v1/deploymentjob/${created.body.id}/deploymentjobresult/summary`;
        expectRefused(await call("POST", path, { pageSize: 0 }), "pageSize must be an integer from 1 to 10000 (got 0)");
        expectRefused(await call("GET", `${path}?pageSize=20000`), "pageSize must be an integer from 1 to 10000 (got 20000)");
    });
});
