// The two switches of the server's own habits, seen through HTTP: a clock that is not this
// machine's (skewClock) and a server that normalises the names it stores (rewriteNames).
import type { PmEmulator } from "./server";
import { onTheWire, wire, wireToken } from "../helpers/wire";

const wired = onTheWire();
let emulator: PmEmulator;
let token: string;
beforeEach(() => ({ emulator, token } = wired));

const DAY = 24 * 3600 * 1000;
const JOB = { name: "clock", platform: "Linux", type: "Install", scheduleType: "On-demand", status: "Disabled", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"] };
const call = (method: string, path: string, body?: unknown) => wire(emulator.url, method, path, { token, body });

/** Runs `act` and returns what it returned with this machine's time just before and just after. */
async function timed<T>(act: () => Promise<T>): Promise<{ result: T; before: number; after: number }> {
    const before = Date.now();
    const result = await act();
    return { result, before, after: Date.now() };
}

/** The Date header's time must lie within [before, after] shifted by `skew`, to the header's second. */
function expectDateHeader(header: string | undefined, before: number, after: number, skew: number): void {
    const date = Date.parse(header ?? "");
    expect(date).toBeGreaterThanOrEqual(Math.floor((before + skew) / 1000) * 1000);
    expect(date).toBeLessThanOrEqual(after + skew);
}

describe("skewClock", () => {
    test("an unskewed server sends a Date header with this machine's time on every answer, errors included", async () => {
        const ok = await timed(() => call("GET", "/pm/v1/deploymentjobs/summary?platform=Linux"));
        expect(ok.result.status).toBe(200);
        expectDateHeader(ok.result.headers.date, ok.before, ok.after, 0);
        const missing = await timed(() => call("GET", "/pm/v1/deploymentjob/00000000-0000-0000-0000-000000000000"));
        expect(missing.result.status).toBe(404);
        expectDateHeader(missing.result.headers.date, missing.before, missing.after, 0);
    });

    test("a clock a day ahead stamps createdBy, the start stamp and the Date header a day ahead", async () => {
        emulator.skewClock(DAY);
        const { result, before, after } = await timed(() => call("POST", "/pm/v1/deploymentjob", JOB));
        expect(result.status).toBe(201);
        expect(result.body.createdBy.date).toBeGreaterThanOrEqual(before + DAY);
        expect(result.body.createdBy.date).toBeLessThanOrEqual(after + DAY);
        expectDateHeader(result.headers.date, before, after, DAY);
        // The On-demand start stamp is in Qualys' date style, to the second, in UTC.
        const stamp = /^(\d+)-(\d+)-(\d+) (\d\d):(\d\d):(\d\d) (AM|PM)$/.exec(result.body.startDateTime)!;
        const hours = (Number(stamp[4]) % 12) + (stamp[7] === "PM" ? 12 : 0);
        const stamped = Date.UTC(Number(stamp[1]), Number(stamp[2]) - 1, Number(stamp[3]), hours, Number(stamp[5]), Number(stamp[6]));
        expect(stamped).toBeGreaterThanOrEqual(Math.floor((before + DAY) / 1000) * 1000);
        expect(stamped).toBeLessThanOrEqual(after + DAY);
    });

    test("a clock an hour behind stamps updatedBy, the job's runs and the errors' timestamps an hour behind", async () => {
        emulator.skewClock(-3600_000);
        const created = await call("POST", "/pm/v1/deploymentjob", JOB);
        const id = created.body.id;
        const updated = await timed(() => call("PATCH", `/pm/v1/deploymentjob/update/${id}`, { ...JOB, description: "edited" }));
        const got = await call("GET", `/pm/v1/deploymentjob/${id}`);
        expect(got.body.updatedBy.date).toBeGreaterThanOrEqual(updated.before - 3600_000);
        expect(got.body.updatedBy.date).toBeLessThanOrEqual(updated.after - 3600_000);
        const enabled = await timed(() => call("POST", "/pm/v1/deploymentjobs/update/status/Enabled", { ids: [id] }));
        const runs = await call("GET", `/pm/v1/deploymentjob/${id}/runs`);
        expect(runs.body).toHaveLength(1);
        expect(Date.parse(runs.body[0].scheduledDateTime)).toBeGreaterThanOrEqual(enabled.before - 3600_000);
        expect(Date.parse(runs.body[0].scheduledDateTime)).toBeLessThanOrEqual(enabled.after - 3600_000);
        const refused = await timed(() => call("POST", "/pm/v1/deploymentjob", { ...JOB, platform: "Mac" }));
        expect(refused.result.status).toBe(400);
        expect(refused.result.body._error.timestamp).toBeGreaterThanOrEqual(refused.before - 3600_000);
        expect(refused.result.body._error.timestamp).toBeLessThanOrEqual(refused.after - 3600_000);
        expectDateHeader(refused.result.headers.date, refused.before, refused.after, -3600_000);
    });

    test("a skewed clock leaves the JWT valid: lifetimes run on this machine's clock", async () => {
        emulator.skewClock(5 * 3600_000);
        expect((await call("GET", "/pm/v1/deploymentjobs/summary?platform=Linux")).status).toBe(200);
    });

    test("reset() sets the server's clock right again", async () => {
        emulator.skewClock(DAY);
        emulator.reset();
        token = await wireToken(emulator.url);
        const { result, before, after } = await timed(() => call("POST", "/pm/v1/deploymentjob", JOB));
        expect(result.body.createdBy.date).toBeLessThanOrEqual(after);
        expect(result.body.createdBy.date).toBeGreaterThanOrEqual(before);
        expectDateHeader(result.headers.date, before, after, 0);
    });
});

describe("rewriteNames", () => {
    const escape = (name: string) => name.replace(/&/g, "&amp;");

    test("a created job's name is stored rewritten, and the create answer, the GET and the list row all say so", async () => {
        emulator.rewriteNames(escape);
        const created = await call("POST", "/pm/v1/deploymentjob", { ...JOB, name: "Patch & reboot" });
        expect(created.body.name).toBe("Patch &amp; reboot");
        expect((await call("GET", `/pm/v1/deploymentjob/${created.body.id}`)).body.name).toBe("Patch &amp; reboot");
        const rows = await call("GET", "/pm/v1/deploymentjobs/summary?platform=Linux");
        expect(rows.body.map((row: { name: string }) => row.name)).toEqual(["Patch &amp; reboot"]);
        expect(emulator.jobs().map((job) => job.name)).toEqual(["Patch &amp; reboot"]);
    });

    test.each([
        { name: "Linux, answered as stored", platform: "Linux" },
        { name: "Windows, answered with the request echoed, its name the one stored", platform: "Windows" },
    ])("an updated job's name is stored rewritten: $name", async ({ platform }) => {
        const created = await call("POST", "/pm/v1/deploymentjob", { ...JOB, platform });
        emulator.rewriteNames(escape);
        const updated = await call("PATCH", `/pm/v1/deploymentjob/update/${created.body.id}`, { ...JOB, platform, name: "R&D & ops" });
        expect(updated.status).toBe(200);
        expect(updated.body.name).toBe("R&amp;D &amp; ops");
        expect((await call("GET", `/pm/v1/deploymentjob/${created.body.id}`)).body.name).toBe("R&amp;D &amp; ops");
    });

    test("the name filter of the list matches the stored name, not the one sent", async () => {
        emulator.rewriteNames(escape);
        await call("POST", "/pm/v1/deploymentjob", { ...JOB, name: "A & B" });
        const filter = (name: string) => call("GET", `/pm/v1/deploymentjobs/summary?${new URLSearchParams({ platform: "Linux", filter: `name:"${name}"` })}`);
        expect((await filter("A & B")).body).toEqual([]);
        expect((await filter("A &amp; B")).body).toHaveLength(1);
    });

    test("undefined, or reset(), keeps names as sent", async () => {
        emulator.rewriteNames(escape);
        emulator.rewriteNames(undefined);
        expect((await call("POST", "/pm/v1/deploymentjob", { ...JOB, name: "A & B" })).body.name).toBe("A & B");
        emulator.rewriteNames(escape);
        emulator.reset();
        token = await wireToken(emulator.url);
        expect((await call("POST", "/pm/v1/deploymentjob", { ...JOB, name: "C & D" })).body.name).toBe("C & D");
    });
});
