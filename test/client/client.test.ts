import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { PmClient, QualysApiError } from "../../provider/core/client";
import { AdaptivePacer, Clock } from "../../provider/core/throttle";
import { fromApiJob, toRequest } from "../../provider/core/payload";
import { Scrubber } from "../../provider/core/scrub";
import { diffJob } from "../../provider/core/diff";
import { PmEmulator, startEmulator } from "../emulator/server";
import { expectNoSecret, keepOutput, secretForms, SPECIAL_PASSWORD } from "../helpers/secrets";
import { seed } from "../helpers/fixtures";

let emulator: PmEmulator;
beforeAll(async () => {
    emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const PASSWORD = "demo-password";
/** A well-formed job id that no emulator holds. */
const NO_SUCH_JOB = "00000000-0000-0000-0000-000000000000";
function client(extra: Partial<ConstructorParameters<typeof PmClient>[0]> = {}, clock?: Clock): PmClient {
    // A pacer of its own: the process-wide one would carry one test's 429s into the next.
    return new PmClient({ gatewayUrl: emulator.url, username: "demo-user", password: PASSWORD, backoffBaseMs: 5, ...extra }, { pacer: new AdaptivePacer(), clock });
}
/** A clock whose waits end at once, each recorded in `waits`; `during` runs in each wait. */
function instantClock(during: () => void = () => {}): Clock & { waits: number[] } {
    const waits: number[] = [];
    return {
        waits,
        now: () => Date.now(),
        sleep: async (ms) => {
            waits.push(ms);
            during();
        },
    };
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
        expect(emulator.requests.filter((r) => r.route === "auth")).toHaveLength(1);
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
        await c.getJob(NO_SUCH_JOB);
        emulator.expireTokens();
        await c.createJob(seed("windows-create.request"), () => true);
        expect(emulator.requests.map((r) => `${r.route} ${r.status}`)).toEqual(["auth 201", "get 404", "create 401", "auth 201", "create 201"]);
        expect(emulator.jobs()).toHaveLength(1);
    });

    test("a 503 from /auth is retried: fetching a token changes nothing", async () => {
        emulator.failNext("auth", 2, 503);
        expect(await client().getJob(NO_SUCH_JOB)).toBeUndefined();
        expect(emulator.counts()).toMatchObject({ auth: 3, get: 1 });
    });

    test("wrong credentials fail with advice and without the password", async () => {
        const error = await client({ password: "wrong-secret-pw" }).getJob(NO_SUCH_JOB).catch((e) => e);
        expect(error).toBeInstanceOf(QualysApiError);
        expect(error.message).toBe(
            "Qualys PM API rejected POST /auth (401): Authentication failed. Check qualys:username and qualys:password (or QUALYS_USERNAME / QUALYS_PASSWORD) and the gateway of your platform",
        );
        expectNoSecret([error.message, JSON.stringify(error), String(error.stack)], ["wrong-secret-pw"]);
    });
});

describe("retries", () => {
    test("a 429 with Retry-After is tried again and succeeds (how long it waits: test/unit/retry)", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        emulator.failNext("get", 1, 429, { headers: { "retry-after": "0" } });
        expect((await c.getJob(created.id))?.id).toBe(created.id);
        expect(emulator.counts().get).toBe(2);
    });

    test("a 429 with no header at all is backed off and succeeds", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        emulator.failNext("get", 2, 429);
        expect((await c.getJob(created.id))?.id).toBe(created.id);
        expect(emulator.counts().get).toBe(3);
    });

    test("a 429 on a create POST is retried: it was refused, not run", async () => {
        const c = client();
        emulator.failNext("create", 1, 429, { headers: { "x-ratelimit-towait-sec": "0" } });
        await c.createJob(seed("windows-create.request"), () => true);
        expect(emulator.counts().create).toBe(2);
        expect(emulator.jobs()).toHaveLength(1);
    });

    test("a wait longer than maxRetryAfter fails at once, saying how long", async () => {
        emulator.failNext("get", 1, 429, { headers: { "retry-after": "3600" } });
        const error = await client().getJob(NO_SUCH_JOB).catch((e) => e);
        expect(error.message).toBe(
            `Qualys PM API rejected GET /pm/v1/deploymentjob/${NO_SUCH_JOB} (429): Injected failure 429; Qualys asks to wait 3600 s, longer than the 60 s this provider waits. Rate limited: retry later, or lower \`pulumi up --parallel\``,
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

    test("a POST applied but not answered before the client's timeout is found by the lookup, not created twice", async () => {
        // A timeout no answered request reaches on a loaded machine; the held one always does.
        const c = client({ requestTimeoutMs: 2000 });
        // Never released: the client gives up on it, and then the emulator never answers it.
        emulator.holdNext("create", "after-apply");
        const body = toRequest(fromApiJob(seed("windows-create.request")));
        const job = await c.createJob(body, ours(body));
        expect(emulator.jobs()).toHaveLength(1);
        expect(job.id).toBe(emulator.jobs()[0].id);
        expect(emulator.counts()).toMatchObject({ create: 1, list: 1, get: 1 });
    });

    test("a POST the server stores only while the client waits out one request timeout is found on the second look", async () => {
        const body = toRequest(fromApiJob(seed("windows-create.request")));
        // The slow server finishes the POST while the client waits: the job appears then.
        const clock = instantClock(() => emulator.seedJob(body));
        const c = client({ requestTimeoutMs: 2000 }, clock);
        // Held before it is stored, never released: the client gives up, and the emulator drops it unapplied.
        emulator.holdNext("create", "before-apply");
        const job = await c.createJob(body, ours(body));
        expect(clock.waits).toEqual([2000]);
        expect(emulator.jobs()).toHaveLength(1);
        expect(job.id).toBe(emulator.jobs()[0].id);
        expect(emulator.counts()).toMatchObject({ create: 1, list: 2, get: 1 });
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
        // The wait of one request timeout before the second look, and the backoff, end at once.
        const c = client({ requestTimeoutMs: 2000 }, instantClock());
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
        const error = await client({ maxRetries: 2 }).getJob(NO_SUCH_JOB).catch((e) => e);
        expect(error.message).toBe(`Qualys PM API failed GET /pm/v1/deploymentjob/${NO_SUCH_JOB} (502) after 3 attempts: an HTML page titled "502 Bad Gateway" (a proxy's or gateway's error page?)`);
    });

    test("a truncated JSON answer is an error, not a crash", async () => {
        const c = client();
        const created = await c.createJob(seed("windows-create.request"), () => true);
        emulator.corruptNext("get", 1, "truncated-json");
        const error = await c.getJob(created.id).catch((e) => e);
        expect(error).toBeInstanceOf(QualysApiError);
        expect(error.message).toMatch(/^Qualys PM API's answer to GET \/pm\/v1\/deploymentjob\/[-0-9a-f]+ \(200\) cannot be used: the answer is not JSON: /);
    });

    test("a GET not answered within the timeout is sent again", async () => {
        const c = client({ requestTimeoutMs: 2000 });
        const created = await c.createJob(seed("windows-create.request"), () => true);
        // Never released: the first GET times out, and the emulator never answers it.
        emulator.holdNext("get", "before-apply");
        expect((await c.getJob(created.id))?.id).toBe(created.id);
        expect(emulator.requests.filter((r) => r.route === "get").map((r) => r.status)).toEqual([0, 200]);
    });

    test("a 404 on GET means the job is gone", async () => {
        expect(await client().getJob(NO_SUCH_JOB)).toBeUndefined();
    });

    test("deleting a job already gone counts as deleted", async () => {
        await expect(client().deleteJob(NO_SUCH_JOB)).resolves.toBeUndefined();
    });
});

/** A loopback gateway with its own answers; /auth goes to `auth` (an emulator) when given, else a fixed token. */
async function hostileGateway(answer: (req: http.IncomingMessage, res: http.ServerResponse, token: string, seen: string[]) => void, auth?: PmEmulator) {
    const seen: string[] = [];
    const server = http.createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        seen.push(`${req.method} ${req.url}`);
        if (req.url === "/auth") {
            if (!auth) return void res.writeHead(201, { "content-type": "text/plain" }).end("eyJhbGciOiJIUzI1NiJ9.e30.fixed-test-token");
            const upstream = http.request(`${auth.url}/auth`, { method: "POST", headers: { "content-type": String(req.headers["content-type"]) } }, (reply) => {
                res.writeHead(reply.statusCode!, reply.headers);
                reply.pipe(res);
            });
            return void upstream.end(Buffer.concat(chunks));
        }
        answer(req, res, String(req.headers.authorization ?? "").replace(/^Bearer /, ""), seen);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        close: () => (server.closeAllConnections(), new Promise<void>((resolve) => server.close(() => resolve()))),
    };
}

describe("errors stay free of secrets, in every form a server may echo them", () => {
    // The special-character password is a real user of an emulator: the JWT it gets is real too,
    // and logged for the leak scan, which also sees the errors kept below.
    let authority: PmEmulator;
    beforeAll(async () => {
        authority = await startEmulator({ users: { "special-user": SPECIAL_PASSWORD } });
    });
    afterAll(() => authority.close());
    const special = (url: string, extra: Partial<ConstructorParameters<typeof PmClient>[0]> = {}) =>
        new PmClient({ gatewayUrl: url, username: "special-user", password: SPECIAL_PASSWORD, maxRetries: 1, backoffBaseMs: 1, ...extra }, { pacer: new AdaptivePacer() });

    const ENCODINGS: [string, (secret: string) => string][] = [
        ["raw", (s) => s],
        ["encodeURIComponent", encodeURIComponent],
        ["form-encoded (+ for space)", (s) => new URLSearchParams({ s }).toString().slice(2)],
        ["JSON-escaped", (s) => JSON.stringify(s).slice(1, -1)],
        ["base64", (s) => Buffer.from(s).toString("base64")],
        ["base64url", (s) => Buffer.from(s).toString("base64url")],
    ];
    const BODIES: [string, number, (text: string) => [string, string]][] = [
        // The errorCode too: the error keeps it (detail.errorCode), so it is the server's text in the error.
        ["a JSON _error.message and errorCode in a 400", 400, (text) => ["application/json", JSON.stringify({ _error: { errorCode: text, message: text } })]],
        ["plain text in a 502", 502, (text) => ["text/plain", text]],
        ["an HTML page's title in a 503", 503, (text) => ["text/html", `<html><head><title>${text}</title></head><body>denied</body></html>`]],
    ];
    const cases = ENCODINGS.flatMap(([encoding, encode]) => BODIES.map(([body, status, render]) => [encoding, body, encode, status, render] as const));

    test.each(cases)("a password and a JWT echoed %s in %s are scrubbed from the error", async (encoding, body, encode, status, render) => {
        let token = "";
        const gateway = await hostileGateway((_req, res, used) => {
            token = used;
            const [type, text] = render(`login of special-user with ${encode(SPECIAL_PASSWORD)} refused; session ${encode(token)} ended; Basic ${encode(`special-user:${SPECIAL_PASSWORD}`)}`);
            res.writeHead(status, { "content-type": type }).end(text);
        }, authority);
        try {
            const error = await special(gateway.url).getJob(NO_SUCH_JOB).catch((e) => e);
            expect(error).toBeInstanceOf(QualysApiError);
            expect(error.status).toBe(status);
            expect(error.apiMessage).toMatch(/login of special-user with \*\*\* refused; session \*\*\* ended; Basic /);
            expect(token).not.toBe("");
            const texts = [error.message, error.apiMessage, JSON.stringify(error), inspect(error), String(error.stack)];
            keepOutput(`hostile-gateway-echo-${encoding}-${status}.txt`, texts.join("\n"));
            expectNoSecret(texts, [SPECIAL_PASSWORD, token]);
        } finally {
            await gateway.close();
        }
    });

    test("a password echoed where the message is cut leaves no prefix of it behind", async () => {
        let body = "";
        const gateway = await hostileGateway((_req, res) => void res.writeHead(400, { "content-type": "text/plain" }).end(body), authority);
        try {
            const c = special(gateway.url, { maxRetries: 0 });
            const messages: string[] = [];
            for (const form of [SPECIAL_PASSWORD, encodeURIComponent(SPECIAL_PASSWORD)]) {
                // The secret starts anywhere from well before the cut (300 characters) to just after it.
                for (let at = 250; at <= 301; at++) {
                    body = `${"x".repeat(at)}${form}${" and then some".repeat(30)}`;
                    const error = await c.getJob(NO_SUCH_JOB).catch((e) => e);
                    expect(error.apiMessage.length).toBeLessThanOrEqual(300);
                    messages.push(error.message);
                }
            }
            keepOutput("hostile-gateway-cut.txt", messages.join("\n"));
            for (const message of messages) {
                for (const form of secretForms(SPECIAL_PASSWORD)) expect(message).not.toContain(form.slice(0, 4));
            }
        } finally {
            await gateway.close();
        }
    });

    test("a cut never ends in the first characters of a secret, even one the text holds only in part", () => {
        const scrubber = new Scrubber();
        scrubber.add(SPECIAL_PASSWORD);
        // A server that cut the password itself, where the message is cut: the scrub cannot recognise
        // it whole. The cut (at 297 characters, then "...") would leave its first 4 to 9 characters.
        for (let at = 288; at <= 293; at++) {
            const cut = scrubber.bounded(`${"x".repeat(at)}${SPECIAL_PASSWORD.slice(0, 10)}${"y".repeat(100)}`, 300);
            expect(cut).toMatch(/^x+\.\.\.$/);
        }
    });

    test("a 1 MB error body gives a short message, whatever its shape", async () => {
        const huge = "an error that goes on and on ".repeat(36_200);
        const bodies = [JSON.stringify({ _error: { errorCode: "500", message: huge } }), huge, `<html><head><title>${huge}</title></head></html>`];
        let next = 0;
        const gateway = await hostileGateway((_req, res) => void res.writeHead(400, { "content-type": "text/plain" }).end(bodies[next++]));
        try {
            for (const _ of bodies) {
                const error = await client({ gatewayUrl: gateway.url, maxRetries: 0 }).getJob(NO_SUCH_JOB).catch((e) => e);
                expect(error).toBeInstanceOf(QualysApiError);
                expect(error.message).toMatch(/^Qualys PM API rejected GET \/pm\/v1\/deploymentjob\/[-0-9a-f]+ \(400\): .*an error that goes on and on /);
                expect(error.message.length).toBeLessThan(500);
            }
        } finally {
            await gateway.close();
        }
    });
});

describe("paging is bounded", () => {
    const row = (n: number) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, name: `job ${n}`, platform: "Windows" });
    /** A job list served by `page(n)`; after 1000 requests it answers [] so that an unbounded client still ends. */
    async function listGateway(page: (pageNumber: number) => [number, unknown]) {
        return hostileGateway((req, res, _token, seen) => {
            const pageNumber = Number(new URL(req.url!, "http://gateway").searchParams.get("pageNumber"));
            const [status, body] = listRequests(seen) > 1000 ? [200, []] : page(pageNumber);
            res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        });
    }
    const listRequests = (seen: string[]) => seen.filter((r) => r.startsWith("GET /pm/v1/deploymentjobs/summary")).length;

    test("a server that ignores pageNumber is caught on the second page, not asked again and again", async () => {
        const gateway = await listGateway(() => [200, [row(1), row(2)]]);
        try {
            const error = await client({ gatewayUrl: gateway.url }).listJobs({ platform: "Windows", pageSize: 2 }).catch((e) => e);
            expect(error).toBeInstanceOf(QualysApiError);
            expect(error.message).toBe(
                "Qualys PM API's answer to GET /pm/v1/deploymentjobs/summary (200) cannot be used: page 1 lists only jobs already listed on earlier pages: the server seems to ignore pageNumber, so the list cannot be read to its end",
            );
            expect(listRequests(gateway.seen)).toBe(2);
        } finally {
            await gateway.close();
        }
    });

    test("paging stops at the cap of 200 pages, with an error naming it", async () => {
        const gateway = await listGateway((n) => [200, [row(2 * n), row(2 * n + 1)]]);
        try {
            const error = await client({ gatewayUrl: gateway.url }).listJobs({ platform: "Windows", pageSize: 2 }).catch((e) => e);
            expect(error.message).toBe(
                "Qualys PM API's answer to GET /pm/v1/deploymentjobs/summary (200) cannot be used: the job list goes on past 200 pages of 2 jobs, the most this client reads; narrow the filter",
            );
            expect(listRequests(gateway.seen)).toBe(200);
        } finally {
            await gateway.close();
        }
    });

    test("an empty page ends the list", async () => {
        const gateway = await listGateway((n) => [200, n < 2 ? [row(2 * n), row(2 * n + 1)] : []]);
        try {
            const jobs = await client({ gatewayUrl: gateway.url }).listJobs({ platform: "Windows", pageSize: 2 });
            expect(jobs.map((j) => j.name)).toEqual(["job 0", "job 1", "job 2", "job 3"]);
            expect(listRequests(gateway.seen)).toBe(3);
        } finally {
            await gateway.close();
        }
    });

    test("the PM API's page-depth error 2501 ends the list with what was collected, as qualysdk does", async () => {
        const depth = { _error: { errorCode: "2501", message: "Requested page is beyond the allowed limit", timestamp: 1 } };
        const gateway = await listGateway((n) => (n < 2 ? [200, [row(2 * n), row(2 * n + 1)]] : [400, depth]));
        try {
            const jobs = await client({ gatewayUrl: gateway.url }).listJobs({ platform: "Windows", pageSize: 2 });
            expect(jobs).toHaveLength(4);
            expect(listRequests(gateway.seen)).toBe(3);
        } finally {
            await gateway.close();
        }
    });

    const JOB = "1ca9c211-6c0a-4855-ac49-f9d735b1563c";
    const RESULTS = `/pm/v1/deploymentjob/${JOB}/deploymentjobresult/summary`;
    const asset = (n: number) => ({ asset: { id: `asset-${n}`, name: `asset ${n}` }, jobInstanceId: 1, status: "Success" });
    /** A results summary answering page n of its own paging with `answer(n)`, counting `assetCount` assets. */
    async function resultsGateway(assetCount: number, answer: (page: number) => unknown[]) {
        return hostileGateway((req, res) => {
            const page = Number(new URL(req.url ?? "/", "http://x").searchParams.get("pageNumber"));
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: JOB, name: "results", assetCount, assets: answer(page) }));
        });
    }
    const resultRequests = (seen: string[]) => seen.filter((r) => r.startsWith(`GET ${RESULTS}`)).length;
    const ids = (summary: Record<string, any>) => (summary.assets as { asset: { id: string } }[]).map((a) => a.asset.id);

    test("a results summary holding results for fewer assets than it counts says how many have reported, as information, not an error", async () => {
        const gateway = await resultsGateway(3, (page) => (page === 0 ? [asset(1), asset(2)] : []));
        try {
            const summary = await client({ gatewayUrl: gateway.url }).getJobResultsSummary(JOB, 2);
            expect({ assetCount: summary.assetCount, assetsReported: summary.assetsReported, ids: ids(summary) }).toEqual({ assetCount: 3, assetsReported: 2, ids: ["asset-1", "asset-2"] });
        } finally {
            await gateway.close();
        }
    });

    test("a results summary of a job not yet run (assetCount 1, no asset results) is an empty result: nothing has reported", async () => {
        const gateway = await resultsGateway(1, () => []);
        try {
            const summary = await client({ gatewayUrl: gateway.url }).getJobResultsSummary(JOB);
            expect({ assetCount: summary.assetCount, assetsReported: summary.assetsReported, assets: summary.assets }).toEqual({ assetCount: 1, assetsReported: 0, assets: [] });
        } finally {
            await gateway.close();
        }
    });

    test("a results summary sent whole on every page, past the page size asked, holds each asset once", async () => {
        const gateway = await resultsGateway(3, () => [asset(1), asset(2), asset(3)]);
        try {
            const summary = await client({ gatewayUrl: gateway.url }).getJobResultsSummary(JOB, 2);
            expect(summary).toMatchObject({ id: JOB, name: "results" });
            expect(ids(summary)).toEqual(["asset-1", "asset-2", "asset-3"]);
            expect(resultRequests(gateway.seen)).toBe(2);
        } finally {
            await gateway.close();
        }
    });

    test("a gateway paging results by a larger page size of its own is read to its end", async () => {
        const all = Array.from({ length: 7 }, (_, n) => asset(n));
        const gateway = await resultsGateway(7, (page) => all.slice(page * 3, page * 3 + 3));
        try {
            const summary = await client({ gatewayUrl: gateway.url }).getJobResultsSummary(JOB, 2);
            expect(ids(summary)).toEqual(all.map((a) => a.asset.id));
        } finally {
            await gateway.close();
        }
    });

    test("another 400 on a page is still an error", async () => {
        const gateway = await listGateway(() => [400, { _error: { errorCode: "400", message: "Invalid filter" } }]);
        try {
            const error = await client({ gatewayUrl: gateway.url }).listJobs({ platform: "Windows", filter: "name:(" }).catch((e) => e);
            expect(error.message).toMatch(/^Qualys PM API rejected GET \/pm\/v1\/deploymentjobs\/summary\?.* \(400\): Invalid filter$/);
        } finally {
            await gateway.close();
        }
    });
});

describe("the API facts that can still be checked", () => {
    const windows = () => toRequest(fromApiJob(seed("windows-create.request")));

    test.each([["GET"], ["POST"]] as const)("the results summary is read from a gateway that takes only %s, every page of it", async (method) => {
        emulator.options.resultsMethods = [method];
        emulator.options.resultAssets = 250;
        try {
            const c = client();
            const job = await c.createJob(windows(), () => true);
            const summary = await c.getJobResultsSummary(job.id);
            expect(summary.assets).toHaveLength(250);
            expect(new Set(summary.assets.map((a: { asset: { id: string } }) => a.asset.id)).size).toBe(250);
            const asked = emulator.requests.filter((r) => r.route === "results").map((r) => `${r.method} ${r.status}`);
            // GET first, as the notes say; a POST-only gateway answers it 405 once, then POST is kept.
            expect(asked).toEqual(method === "GET" ? ["GET 200", "GET 200", "GET 200"] : ["GET 405", "POST 200", "POST 200", "POST 200"]);
        } finally {
            emulator.options.resultsMethods = ["GET", "POST"];
            emulator.options.resultAssets = 1;
        }
    });

    test("every request sends jobSource 2, as all four requests in the notes do", async () => {
        const c = client();
        const job = await c.createJob(windows(), () => true);
        await c.updateJob(job.id, { ...windows(), description: "changed" });
        expect(emulator.requests.filter((r) => ["create", "update"].includes(r.route)).map((r) => (r.body as { jobSource?: number }).jobSource)).toEqual([2, 2]);
    });

    test("the emulator refuses the answers' spelling suppressReboots in a request, as a client drifting from the notes would send", async () => {
        const body = windows();
        body.postDeployment = { ...body.postDeployment, suppressReboots: true };
        delete body.postDeployment.suppressreboots;
        const error = await client().createJob(body, () => true).catch((e) => e);
        expect(error.message).toContain('(400): Unrecognized field "suppressReboots" in postDeployment');
    });

    test("job-list rows carry created and updated, as qualysdk reads them; a create found after a lost answer is read, not judged by its row", async () => {
        const c = client({ requestTimeoutMs: 2000 });
        emulator.dropAfterApply("create");
        const body = windows();
        const job = await c.createJob(body, ours(body));
        const row = (await c.listJobs({ platform: "Windows" }))[0];
        expect(row).toMatchObject({ id: job.id, created: { date: expect.any(Number) } });
        expect(row).not.toHaveProperty("createdBy");
        expect(emulator.jobs()).toHaveLength(1);
        expect(emulator.counts()).toMatchObject({ create: 1, get: 1 });
    });
});
