import { PmClient, QualysApiError } from "../../provider/client";
import { fromApiJob, toRequest } from "../../provider/payload";
import { diffJob } from "../../provider/diff";
import { PmEmulator, startEmulator } from "../emulator/server";
import { expectNoSecret } from "../helpers/secrets";
import { seed } from "../helpers/fixtures";

let emulator: PmEmulator;
beforeAll(async () => {
    emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const PASSWORD = "demo-password";
function client(extra: Partial<ConstructorParameters<typeof PmClient>[0]> = {}): PmClient {
    return new PmClient({ gatewayUrl: emulator.url, username: "demo-user", password: PASSWORD, backoffBaseMs: 5, ...extra });
}
const ours = (body: Record<string, unknown>) => (job: Record<string, unknown>) => diffJob(fromApiJob(job), fromApiJob(body)).changed.length === 0;

// Fields that depend on time or generated ids, and so differ from the seed's samples.
const VARYING = ["id", "customerId", "createdBy", "updatedBy", "startDateTime"];
function comparable(job: Record<string, any>): Record<string, any> {
    const copy = JSON.parse(JSON.stringify(job));
    for (const key of VARYING) delete copy[key];
    for (const action of [...(copy.preDeployActions ?? []), ...(copy.postDeployActions ?? [])]) delete action.actionId;
    return copy;
}

describe("the emulator answers as the 3.5 release notes show", () => {
    test.each([
        ["Linux create", "linux-create.request", "linux-create.response"],
        ["Windows create", "windows-create.request", "windows-create.response"],
    ] as const)("%s: the seed's request is accepted and answered field for field", async (_name, request, response) => {
        const answer = await client().createJob(seed(request), ours(seed(request)));
        const expected = comparable(seed(response));
        // A job created Enabled is triggered at once; only a later GET says "Prepared".
        expect(comparable(answer)).toEqual({ ...expected, applicableAssetCount: expected.applicableAssetCount });
    });

    test("Linux update: the seed's request is accepted and answered field for field", async () => {
        const c = client();
        const created = await c.createJob({ ...seed("linux-update.request"), status: "Disabled" }, () => true);
        const answer = await c.updateJob(created.id, seed("linux-update.request"));
        const expected = comparable(seed("linux-update.response"));
        expect(comparable(answer)).toEqual(expected);
    });

    test("a GET reports a triggered enabled On-demand job as Prepared, with base64 script and null for []", async () => {
        const c = client();
        const created = await c.createJob(seed("linux-create.request"), () => true);
        const got = await c.getJob(created.id);
        expect(comparable(got!)).toEqual({ ...comparable(seed("linux-get.response")), name: "Demo_MakeCache", updatedBy: undefined });
    });

    test("Windows update answers with the request echoed, as the notes show, and the client reads the job back", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        const job = await c.updateJob(created.id, seed("windows-update.request"));
        expect(job.id).toBe(created.id);
        expect(job.reattemptFailedPatches).toEqual({ noOfReattempts: 4, exponentialBackoffInterval: 10 });
        expect(emulator.counts()).toMatchObject({ create: 1, update: 1, get: 1 });
    });

    test("the results summary is served for a known job", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        const summary = await c.getJobResultsSummary(created.id);
        expect(summary).toMatchObject({ id: created.id, name: "TestAPI_CreateJobNew222", assetCount: 1 });
        expect(summary.assets[0].asset.additionalFields).toEqual({ failedPatchRetryNumber: 1, totalAvailableFailedPatchRetries: 3 });
    });
});

describe("authentication", () => {
    test("50 concurrent calls cause exactly one /auth", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        await Promise.all(Array.from({ length: 50 }, () => c.getJob(created.id)));
        expect(emulator.counts().auth).toBe(1);
        expect(c.authCount).toBe(1);
    });

    test("a token that expires mid-run is renewed once and the calls succeed", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        emulator.expireTokens();
        const jobs = await Promise.all(Array.from({ length: 20 }, () => c.getJob(created.id)));
        expect(jobs.every((j) => j?.id === created.id)).toBe(true);
        expect(emulator.counts().auth).toBe(2);
    });

    test("a create POST refused with 401 is sent again once, with a fresh token", async () => {
        const c = client();
        await c.getJob("warm-up");
        emulator.expireTokens();
        await c.createJob(seed("windows-create.request"), () => true);
        expect(emulator.requests.map((r) => `${r.route} ${r.status}`)).toEqual(["auth 201", "get 404", "create 401", "auth 201", "create 201"]);
        expect(emulator.jobs()).toHaveLength(1);
    });

    test("a 503 from /auth is retried: fetching a token changes nothing", async () => {
        emulator.failNext("auth", 2, 503);
        expect(await client().getJob("none")).toBeUndefined();
        expect(emulator.counts()).toMatchObject({ auth: 3, get: 1 });
    });

    test("wrong credentials fail with advice and without the password", async () => {
        const error = await client({ password: "wrong-secret-pw" }).getJob("x").catch((e) => e);
        expect(error).toBeInstanceOf(QualysApiError);
        expect(error.message).toBe(
            "Qualys PM API rejected POST /auth (401): Authentication failed. Check qualys:username and qualys:password (or QUALYS_USERNAME / QUALYS_PASSWORD) and the gateway of your platform",
        );
        expectNoSecret([error.message, JSON.stringify(error), String(error.stack)], ["wrong-secret-pw"]);
    });
});

describe("retries", () => {
    test("a 429 with Retry-After: 1 is waited out and succeeds", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        emulator.failNext("get", 1, 429, { headers: { "retry-after": "1" } });
        const started = Date.now();
        expect((await c.getJob(created.id))?.id).toBe(created.id);
        expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });

    test("a 429 with no header at all is backed off and succeeds", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        emulator.failNext("get", 2, 429);
        expect((await c.getJob(created.id))?.id).toBe(created.id);
        expect(emulator.counts().get).toBe(3);
    });

    test("X-RateLimit-ToWait-Sec is honoured, and a 429 on a create POST is retried: it was refused, not run", async () => {
        const c = client({ retryAfterUnitMs: 10 });
        emulator.failNext("create", 1, 429, { headers: { "x-ratelimit-towait-sec": "2" } });
        await c.createJob(seed("windows-create.request"), () => true);
        expect(emulator.counts().create).toBe(2);
        expect(emulator.jobs()).toHaveLength(1);
    });

    test("a wait longer than maxRetryAfter fails at once, saying how long", async () => {
        emulator.failNext("get", 1, 429, { headers: { "retry-after": "3600" } });
        const error = await client().getJob("any").catch((e) => e);
        expect(error.message).toBe(
            "Qualys PM API rejected GET /pm/v1/deploymentjob/any (429): Injected failure 429; Qualys asks to wait 3600 s, longer than the 60 s this provider waits. Rate limited: retry later, or lower `pulumi up --parallel`",
        );
        expect(emulator.counts().get).toBe(1);
    });

    test("three 503s and then a 200 succeed", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        emulator.failNext("get", 3, 503);
        expect((await c.getJob(created.id))?.id).toBe(created.id);
        expect(emulator.counts().get).toBe(4);
    });

    test("a POST answered after the client's timeout is found on the second look, not created twice", async () => {
        const c = client({ requestTimeoutMs: 300 });
        emulator.delayNext("create", 1, 450);
        const body = toRequest(fromApiJob(seed("windows-create.request")));
        const job = await c.createJob(body, ours(body));
        expect(emulator.jobs()).toHaveLength(1);
        expect(job.id).toBe(emulator.jobs()[0].id);
        expect(emulator.counts()).toMatchObject({ create: 1, list: 2 });
    });

    test("a POST whose connection drops after the job was created ends with exactly one job, which the client returns", async () => {
        const c = client();
        emulator.dropAfterApply("create");
        const body = toRequest(fromApiJob(seed("windows-create.request")));
        const job = await c.createJob(body, ours(body));
        expect(emulator.jobs()).toHaveLength(1);
        expect(job.id).toBe(emulator.jobs()[0].id);
        expect(emulator.counts()).toMatchObject({ create: 1, list: 1, get: 1 });
    });

    test("a POST dropped before the server applied it is sent again once the lookup finds nothing", async () => {
        const c = client({ requestTimeoutMs: 200 });
        emulator.dropBeforeApply("create");
        const body = toRequest(fromApiJob(seed("windows-create.request")));
        await c.createJob(body, ours(body));
        expect(emulator.jobs()).toHaveLength(1);
        expect(emulator.counts()).toMatchObject({ create: 2, list: 2 });
    });

    test("an uncertain POST does not adopt a same-named job with other content", async () => {
        const c = client();
        const body = toRequest(fromApiJob(seed("windows-create.request")));
        emulator.seedJob({ ...body, approvedPatches: [] });
        emulator.failNext("create", 1, 502);
        const job = await c.createJob(body, ours(body));
        expect(emulator.jobs()).toHaveLength(2);
        expect(job.approvedPatches).toHaveLength(2);
    });

    test("a create POST is not retried on a 400", async () => {
        const bad = { ...seed("windows-create.request"), reattemptFailedPatches: { noOfReattempts: 6, exponentialBackoffInterval: 15 } };
        const error = await client().createJob(bad, () => true).catch((e) => e);
        expect(error.message).toBe("Qualys PM API rejected POST /pm/v1/deploymentjob (400): noOfReattempts must be between 1 and 5");
        expect(emulator.counts().create).toBe(1);
    });
});

describe("errors a person can act on", () => {
    test("a 400 on update names method, path, status and the API's message, and no secret", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        const bad = { ...seed("windows-update.request"), reattemptFailedPatches: { noOfReattempts: 4, exponentialBackoffInterval: 16 } };
        const error = await c.updateJob(created.id, bad).catch((e) => e);
        expect(error).toMatchObject({ method: "PATCH", status: 400, apiMessage: "exponentialBackoffInterval must be between 1 and 15", attempts: 1 });
        expect(error.message).toBe(`Qualys PM API rejected PATCH /pm/v1/deploymentjob/update/${created.id} (400): exponentialBackoffInterval must be between 1 and 15`);
        const token = emulator.requests.find((r) => r.route === "update")!.authorization!.replace("Bearer ", "");
        expectNoSecret([error.message, JSON.stringify(error), String(error.stack), require("node:util").inspect(error)], [PASSWORD, token]);
    });

    test("an HTML error page from a proxy is named as such", async () => {
        emulator.corruptNext("get", 6, "html");
        const error = await client({ maxRetries: 2 }).getJob("abc").catch((e) => e);
        expect(error.message).toBe('Qualys PM API failed GET /pm/v1/deploymentjob/abc (502) after 3 attempts: an HTML page titled "502 Bad Gateway" (a proxy\'s or gateway\'s error page?)');
    });

    test("a truncated JSON answer is an error, not a crash", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        emulator.corruptNext("get", 1, "truncated-json");
        const error = await c.getJob(created.id).catch((e) => e);
        expect(error).toBeInstanceOf(QualysApiError);
        expect(error.message).toMatch(/^Qualys PM API rejected GET \/pm\/v1\/deploymentjob\/[-0-9a-f]+ \(200\): the answer is not JSON: /);
    });

    test("a slow answer past the timeout is retried for a GET", async () => {
        const c = client({ requestTimeoutMs: 300 });
        const created = await c.createJob(seed("windows-create.request"), () => true);
        emulator.delayNext("get", 1, 1000);
        expect((await c.getJob(created.id))?.id).toBe(created.id);
    });

    test("a 404 on GET means the job is gone", async () => {
        expect(await client().getJob("00000000-0000-0000-0000-000000000000")).toBeUndefined();
    });

    test("deleting a job already gone counts as deleted", async () => {
        await expect(client().deleteJob("00000000-0000-0000-0000-000000000000")).resolves.toBeUndefined();
    });
});
