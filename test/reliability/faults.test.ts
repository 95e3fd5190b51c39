// The fault matrix: each fault at an exact moment of the calls an up, a refresh or a destroy sends,
// through Pulumi's dynamic-provider server (test/harness, its scripted sequences) against the
// emulator. Whatever happens, afterwards Qualys holds exactly the jobs the state records: none
// twice, none orphaned, none lost. What the engine plans around these calls (a partially created job
// recorded, a rename's create before its delete) is asserted through the real engine, in test/e2e.
import * as fs from "node:fs";
import * as path from "node:path";
import { PmEmulator, RouteName, startEmulator } from "../emulator/server";
import { Engine, EngineOptions } from "../harness/engine";
import { Declared, linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { DeploymentJobInputs, toRequest } from "../../provider/core/payload";
import { keepOutput, OUTPUT_DIR } from "../helpers/secrets";

let emulator: PmEmulator;
let engine: Engine;
const rows: string[] = [];

beforeAll(async () => {
    emulator = await startEmulator();
});
afterAll(async () => {
    await emulator.close();
    const table = ["| fault | operation | outcome | jobs on the server | jobs in state | enables applied (most for one job) |", "|---|---|---|---|---|---|", ...rows].join("\n");
    keepOutput("fault-matrix.md", table);
    console.log(table);
});

const testName = () => expect.getState().currentTestName!.replace(/\W+/g, "_").slice(0, 70);

async function freshEngine(extraEnv: NodeJS.ProcessEnv = {}, gatewayUrl = emulator.url, options: Partial<EngineOptions> = {}): Promise<Engine> {
    const stateFile = path.join(OUTPUT_DIR, `harness-state-faults-${testName()}.json`);
    fs.rmSync(stateFile, { force: true });
    const e = new Engine({
        stateFile,
        config: { "qualys:gatewayUrl": gatewayUrl, "qualys:username": "demo-user", "qualys:password": "demo-password" },
        secretKeys: ["qualys:password"],
        env: { QUALYS_MAX_RETRIES: "5", ...extraEnv },
        ...options,
    });
    await e.start();
    return e;
}

beforeEach(() => emulator.reset());
afterEach(async () => {
    keepOutput(`harness-stderr-faults-${testName()}.txt`, engine.stderr);
    await engine.stop();
});

const program = (n = 2): Declared[] =>
    Array.from({ length: n }, (_, i) => ({ name: `job-${i}`, args: i % 2 ? windowsReattempts({ name: `win ${i}` }) : linuxMakeCache({ name: `linux ${i}` }) }));

/** Qualys and the state agree: the same ids, no name twice. Returns [server, state] counts. Jobs
 * made outside Pulumi (`outside`) are left out of the comparison. */
function expectConsistent(outside: string[] = []): [number, number] {
    const server = emulator.jobs().filter((j) => !outside.includes(j.id));
    const state = engine.readState();
    expect(new Set(server.map((j) => j.id))).toEqual(new Set(Object.values(state).map((e) => e.id)));
    expect(new Set(server.map((j) => j.name)).size).toBe(server.length);
    return [server.length, Object.keys(state).length];
}

async function run(fault: string, operation: string, act: () => Promise<unknown>, outside: string[] = []): Promise<string> {
    const outcome = await act().then(() => "succeeded", (e: Error & { details?: string }) => `failed: ${e.details ?? e.message}`);
    const [server, state] = expectConsistent(outside);
    const enables = Math.max(0, ...Object.values(emulator.enablesApplied()));
    expect(enables).toBeLessThanOrEqual(1);
    rows.push(`| ${fault} | ${operation} | ${outcome.split("\n")[0].replace(/\|/g, "\\|").slice(0, 220)} | ${server} | ${state} | ${enables} |`);
    return outcome;
}

describe.each([429, 500, 502, 503, 504])("a burst of %i answers", (status) => {
    test.each(["create", "get", "delete"] as RouteName[])("on %s is ridden out", async (route) => {
        // After a gateway's 502 or 504 to a create, the lookup waits one request timeout for a job the PM service may still make.
        engine = await freshEngine(route === "create" ? { QUALYS_REQUEST_TIMEOUT_MS: "1000" } : {});
        if (route !== "create") await engine.createAll(program());
        emulator.failNext(route, 3, status, status === 429 ? { headers: { "retry-after": "0" } } : {});
        const op = route === "create" ? () => engine.createAll(program()) : route === "get" ? () => engine.readAll() : () => engine.deleteAll();
        expect(await run(`${status} ×3`, route === "create" ? "up" : route === "get" ? "refresh" : "destroy", op)).toBe("succeeded");
    });
});

test.each([
    ["create", "dropAfterApply", "up"],
    ["create", "dropBeforeApply", "up"],
    ["update", "dropAfterApply", "up (update)"],
    ["update", "dropBeforeApply", "up (update)"],
    ["delete", "dropAfterApply", "destroy"],
    ["delete", "dropBeforeApply", "destroy"],
] as const)("a connection dropped on %s (%s) ends with one job per resource", async (route, fault, operation) => {
    engine = await freshEngine({ QUALYS_REQUEST_TIMEOUT_MS: "3000" });
    if (route !== "create") await engine.createAll(program());
    emulator[fault](route);
    const act = route === "create" ? () => engine.createAll(program()) : route === "update" ? () => engine.updateAll(program().map((d) => ({ ...d, args: { ...d.args, description: "changed" } }))) : () => engine.deleteAll();
    expect(await run(`connection dropped ${fault === "dropAfterApply" ? "after" : "before"} the server applied ${route}`, operation, act)).toBe("succeeded");
    if (route === "create") expect(emulator.jobs()).toHaveLength(2);
    if (route === "update") expect(emulator.jobs().every((j) => j.description === "changed")).toBe(true);
    if (route === "delete") expect(emulator.jobs()).toEqual([]);
});

test("an answer that never comes before the timeout: a GET is retried, a POST is looked up, not sent twice", async () => {
    // Long enough that no answered request times out on a loaded machine; the held ones always do.
    engine = await freshEngine({ QUALYS_REQUEST_TIMEOUT_MS: "3000" });
    // Held after the server applied it, never answered: the client's timeout fires, with no race.
    emulator.holdNext("create", "after-apply");
    expect(await run("answer slower than the timeout", "up", () => engine.createAll(program()))).toBe("succeeded");
    expect(emulator.jobs()).toHaveLength(2);
    expect(emulator.counts().create).toBe(2);
    emulator.holdNext("get", "after-apply");
    const mark = emulator.requests.length;
    expect(await run("answer slower than the timeout", "refresh", () => engine.readAll())).toBe("succeeded");
    // One GET per job, and the held one sent again.
    expect(emulator.requests.slice(mark).filter((r) => r.route === "get")).toHaveLength(3);
});

test("truncated JSON in a create's answer: the job is found and recorded, not created twice", async () => {
    engine = await freshEngine();
    emulator.corruptNext("create", 1, "truncated-json");
    expect(await run("truncated JSON answer to create", "up", () => engine.createAll(program()))).toBe("succeeded");
    expect(emulator.jobs()).toHaveLength(2);
});

test("a proxy's HTML error page on refresh is retried", async () => {
    engine = await freshEngine();
    await engine.createAll(program());
    emulator.corruptNext("get", 1, "html");
    expect(await run("HTML error page (502) from a proxy", "refresh", () => engine.readAll())).toBe("succeeded");
});

test("truncated JSON in a refresh's answer fails the refresh with a clear message and loses nothing", async () => {
    engine = await freshEngine();
    await engine.createAll(program());
    emulator.corruptNext("get", 1, "truncated-json");
    const outcome = await run("truncated JSON answer to GET", "refresh", () => engine.readAll());
    expect(outcome).toMatch(/^failed: .*Qualys PM API's answer to GET \/pm\/v1\/deploymentjob\/[-0-9a-f]+ \(200\) cannot be used: the answer is not JSON/);
    expect(emulator.jobs()).toHaveLength(2);
});

test("the token expiring in the middle of an up of 100 jobs", async () => {
    engine = await freshEngine();
    emulator.onNth("create", 50, () => emulator.expireTokens());
    expect(await run("token expires at the 50th create", "up of 100 jobs", () => engine.createAll(program(100)))).toBe("succeeded");
    expect(emulator.jobs()).toHaveLength(100);
    expect(emulator.counts().auth).toBe(2);
});

test("a job deleted outside Pulumi: 404 on refresh drops it, and on destroy counts as deleted", async () => {
    engine = await freshEngine();
    await engine.createAll(program());
    const [first, second] = emulator.jobs();
    emulator.state.jobs.delete(first.id);
    expect(await run("404 (job deleted in the UI)", "refresh", () => engine.readAll())).toBe("succeeded");
    emulator.state.jobs.delete(second.id);
    expect(await run("404 (job deleted in the UI)", "destroy", () => engine.deleteAll())).toBe("succeeded");
});

test("100 jobs created at once against a rate limit of 10 requests per second", async () => {
    emulator.options.rateLimitPerSecond = 10;
    try {
        engine = await freshEngine();
        expect(await run("rate limit 10/s, 429 with Retry-After: 1", "up of 100 jobs", () => engine.createAll(program(100)))).toBe("succeeded");
        expect(emulator.jobs()).toHaveLength(100);
    } finally {
        emulator.options.rateLimitPerSecond = 0;
    }
}, 120_000);

test("a create refused with a 400 leaves nothing behind", async () => {
    engine = await freshEngine();
    emulator.failNext("create", 1, 400, { body: { _error: { errorCode: "400", message: "Invalid asset" } } });
    expect(await run("400 on create", "up", () => engine.createAll(program(1)))).toBe("failed: Qualys PM API rejected POST /pm/v1/deploymentjob (400): Invalid asset");
});

// ---- exactly once: nothing lost, nothing twice ---------------------------------------------------

const enabledLinux = (): Declared[] => [{ name: "enabled", args: linuxMakeCache({ name: "enabled linux", status: "Enabled" }) }];

test.each([
    ["an HTML page", { body: "<html><head><title>404 Not Found</title></head><body>nginx</body></html>", headers: { "content-type": "text/html" } }],
    ["plain text", { body: "Not Found", headers: { "content-type": "text/plain" } }],
    ["JSON that is not the PM API's error shape", { body: { message: "no route" } }],
])("a 404 that is %s is an error on refresh, and the job stays in the state", async (kind, answer) => {
    engine = await freshEngine();
    await engine.createAll(program());
    emulator.failNext("get", 1, 404, answer);
    const outcome = await run(`404 as ${kind} (a proxy's)`, "refresh", () => engine.readAll());
    expect(outcome).toMatch(/^failed: Qualys PM API rejected GET \/pm\/v1\/deploymentjob\/[-0-9a-f]+ \(404\)/);
    expect(Object.keys(engine.readState())).toHaveLength(2);
});

test.each([
    ["200 with an _error body", 200, { _error: { errorCode: "500", message: "internal" } }],
    ["an empty list", 200, []],
    ["204 and no body", 204, undefined],
    ["a list without this job's id", 200, [{ id: "00000000-0000-4000-8000-000000000000", status: "success" }]],
])("a delete answered with %s is an error, and the job stays in Qualys and in the state", async (kind, status, body) => {
    engine = await freshEngine();
    await engine.createAll(program(1));
    emulator.failNext("delete", 1, status, body === undefined ? {} : { body });
    const outcome = await run(`delete answered ${kind}`, "destroy", () => engine.deleteAll());
    expect(outcome).toMatch(/^failed: Qualys PM API did not confirm DELETE \/pm\/v1\/deploymentjobs: .*is still in Qualys/);
    expect(emulator.jobs()).toHaveLength(1);
});

test("a delete answered with a failed entry for a job that is still there is an error", async () => {
    engine = await freshEngine();
    await engine.createAll(program(1));
    const id = emulator.jobs()[0].id;
    emulator.failNext("delete", 1, 200, { body: [{ id, name: "linux 0", status: "failed", message: "Job is running" }] });
    expect(await run("delete answered with a failed entry", "destroy", () => engine.deleteAll())).toMatch(/Job is running; job .* is still in Qualys/);
});

test.each([
    ["200 with an _error body", 200, { _error: { errorCode: "500", message: "internal" } }],
    ["an empty list", 200, []],
    ["204 and no body", 204, undefined],
    ["a failed entry", 200, "failed"],
])("an enable answered with %s leaves the job recorded as Disabled, and the next up enables it once", async (kind, status, body) => {
    engine = await freshEngine();
    // A failed entry names the job, whose id is known only once it was created: the fault is set as the enable arrives.
    emulator.onNth("status", 1, () =>
        emulator.failNext("status", 1, status, body === "failed" ? { body: [{ id: emulator.jobs()[0].id, status: "failed", message: "not now" }] } : body === undefined ? {} : { body }),
    );
    const outcome = await run(`enable answered ${kind}`, "up", () => engine.createAll(enabledLinux()));
    expect(outcome).toMatch(/^failed: job [-0-9a-f]+ was created but enabling it failed: Qualys PM API did not confirm POST \/pm\/v1\/deploymentjobs\/update\/status\/Enabled/);
    expect(engine.readState().enabled.outputs.status).toBe("Disabled");
    expect(emulator.jobs()[0].status).toBe("Disabled");
    // The next up: the engine updates the recorded job (test/e2e shows it), the harness sends the same calls.
    expect(await run(`next up after an enable answered ${kind}`, "up", () => engine.updateAll(enabledLinux()))).toBe("succeeded");
    expect(emulator.enablesApplied()).toEqual({ [emulator.jobs()[0].id]: 1 });
});

test("a job recorded after a failed enable can be destroyed straight away: its record carries the provider code", async () => {
    engine = await freshEngine();
    emulator.failNext("status", 1, 200, { body: [] });
    expect(await run("enable answered an empty list", "up", () => engine.createAll(enabledLinux()))).toMatch(/^failed: job .* was created but enabling it failed/);
    expect(await run("destroy right after an enable answered an empty list", "destroy", () => engine.deleteAll())).toBe("succeeded");
    expect(emulator.jobs()).toEqual([]);
    expect(emulator.enablesApplied()).toEqual({});
});

test.each([
    ["applied, then the connection dropped", "dropAfterApply", 1],
    ["dropped before the server applied it", "dropBeforeApply", 2],
] as const)("an enable %s is followed by a read, and the job is enabled exactly once", async (kind, fault, sent) => {
    engine = await freshEngine({ QUALYS_REQUEST_TIMEOUT_MS: "3000" });
    emulator[fault]("status");
    expect(await run(`enable ${kind}`, "up", () => engine.createAll(enabledLinux()))).toBe("succeeded");
    const [job] = emulator.jobs();
    expect(emulator.enablesApplied()).toEqual({ [job.id]: 1 });
    expect(emulator.requests.filter((r) => r.route === "status")).toHaveLength(sent);
    expect(engine.readState().enabled.outputs.status).toBe("Enabled");
});

test("an enable answered 503 three times is read before each new try and applied once", async () => {
    engine = await freshEngine();
    emulator.failNext("status", 3, 503);
    expect(await run("503 ×3 on enable", "up", () => engine.createAll(enabledLinux()))).toBe("succeeded");
    expect(Object.values(emulator.enablesApplied())).toEqual([1]);
    const routes = emulator.requests.filter((r) => ["status", "get"].includes(r.route)).map((r) => r.route);
    expect(routes).toEqual(["status", "get", "status", "get", "status", "get", "status"]);
});

test("an up after a failed enable reads the job first, and does not enable again a job Qualys already enabled", async () => {
    engine = await freshEngine();
    emulator.failNext("status", 1, 400, { body: { _error: { errorCode: "400", message: "cannot enable now" } } });
    await engine.createAll(enabledLinux()).catch(() => undefined);
    const [job] = emulator.jobs();
    // As if the enable had gone through after all, or someone enabled the job in the UI.
    emulator.editJob(job.id, (j) => (j.status = "Enabled"));
    const mark = emulator.requests.length;
    expect(await run("enable failed, job enabled meanwhile", "up", () => engine.updateAll(enabledLinux()))).toBe("succeeded");
    expect(emulator.requests.slice(mark).map((r) => r.route).filter((r) => r !== "auth")).toEqual(["get"]);
    expect(engine.readState().enabled.outputs.status).toBe("Enabled");
});

test("a job of the declared name left by a killed run stops the next up before any write, naming it; adoptJobId records it as Qualys holds it, and the enable is the next up's own change, applied once", async () => {
    engine = await freshEngine();
    const declared = enabledLinux();
    // What a run killed between the create and the enable leaves: the job, Disabled, in no state.
    const id = emulator.seedJob(toRequest({ ...(declared[0].args as DeploymentJobInputs), status: "Disabled" }));
    const stopped = await run("job left by a killed run (Disabled)", "up", () => engine.createAll(declared), [id]);
    expect(stopped).toContain(`Qualys already holds a Linux job named "enabled linux": ${id} (Disabled, created by "emulator_user" on `);
    expect(stopped).toContain(`set \`adoptJobId: "${id}"\` on this resource`);
    expect(emulator.requests.filter((r) => ["create", "update", "status", "delete"].includes(r.route))).toEqual([]);

    // Adopted as Qualys holds it (Disabled): adoption writes nothing.
    const asHeld: Declared[] = [{ ...declared[0], args: { ...declared[0].args, adoptJobId: id, status: "Disabled" } }];
    const refused = await run("adoptJobId with the status the program wants, not Qualys'", "up", () => engine.createAll([{ ...declared[0], args: { ...declared[0].args, adoptJobId: id } }]), [id]);
    expect(refused).toContain(`adoptJobId: job ${id} is Disabled in Qualys and the program declares it Enabled; adoption writes nothing`);
    expect(await run("the same up with adoptJobId and status as Qualys holds it", "up", () => engine.createAll(asHeld))).toBe("succeeded");
    expect(emulator.jobs().map((j) => j.id)).toEqual([id]);
    expect(engine.readState().enabled.id).toBe(id);
    expect(emulator.counts().create).toBeUndefined();
    expect(emulator.enablesApplied()).toEqual({});
    // The enable is a change of its own, in the next up.
    expect(await run("then status Enabled", "up (update)", () => engine.updateAll([{ ...declared[0], args: { ...declared[0].args, adoptJobId: id } }]))).toBe("succeeded");
    expect(emulator.enablesApplied()).toEqual({ [id]: 1 });
});

test("a job of the same name that differs from the program stops the create, naming it, and nothing is written", async () => {
    engine = await freshEngine();
    const declared = enabledLinux();
    const id = emulator.seedJob(toRequest({ ...(declared[0].args as DeploymentJobInputs), status: "Disabled", description: "made in the UI" }));
    const outcome = await run("a job of the same name, made outside Pulumi, differs", "up", () => engine.createAll(declared), [id]);
    expect(outcome).toContain(`Qualys already holds a Linux job named "enabled linux": ${id} (Disabled, created by "emulator_user" on `);
    expect(emulator.requests.filter((r) => ["create", "update", "status", "delete"].includes(r.route))).toEqual([]);
});

test.each([
    ["/auth answers 503", () => emulator.failNext("auth", 10, 503), "POST /auth"],
    ["the gateway refuses the connection", undefined, "ECONNREFUSED"],
])("a create whose POST never left (%s) does not say the job may have been created", async (kind, fault, expected) => {
    // Port 1 on loopback: nothing listens there.
    engine = await freshEngine({ QUALYS_MAX_RETRIES: fault ? "1" : "0" }, fault ? emulator.url : "http://127.0.0.1:1");
    fault?.();
    const error = await run(`${kind}: the create POST never left`, "up", () => engine.createAll(program(1)));
    expect(error).toContain(expected);
    expect(error).not.toMatch(/may have been created/);
    expect(emulator.counts().create).toBeUndefined();
    expect(engine.readState()).toEqual({});
});

test("a create whose POST was answered 503 and whose lookup failed says the job may have been created", async () => {
    engine = await freshEngine({ QUALYS_MAX_RETRIES: "0" });
    emulator.failNext("create", 1, 503);
    // The index listed before the POST answers; the lookup after the 503 does not.
    emulator.onNth("create", 1, () => emulator.failNext("list", 5, 500));
    const error = await run("create answered 503, lookup failed", "up", () => engine.createAll(program(1)));
    expect(error).toMatch(/may have been created; looking for it failed/);
});

// ---- found by an attack from outside ---------------------------------------------------------

test("an edit of another input keeps the status someone set in Qualys since the last refresh: no enable, no disable", async () => {
    engine = await freshEngine();
    const weekly = (description: string): Declared[] => [{ name: "weekly", args: linuxMakeCache({ name: "weekly linux", status: "Enabled", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"], description }) }];
    await engine.createAll(weekly("first"));
    const [job] = emulator.jobs();
    // An operator stops the patching in the Qualys UI.
    emulator.editJob(job.id, (j) => (j.status = "Disabled"));
    expect(await run("job disabled in Qualys, then another input edited", "up", () => engine.updateAll(weekly("second")))).toBe("succeeded");
    expect(emulator.state.jobs.get(job.id)).toMatchObject({ status: "Disabled", description: "second" });
    expect(emulator.enablesApplied()).toEqual({ [job.id]: 1 });
    expect(emulator.requests.filter((r) => r.route === "status")).toHaveLength(1);
});

test("a create answered with another resource's job is refused before anything is enabled or recorded", async () => {
    // One at a time: job a is created and recorded before the create of b is answered with it.
    engine = await freshEngine({}, emulator.url, { parallel: 1 });
    emulator.onNth("create", 2, () => emulator.failNext("create", 1, 201, { body: { id: emulator.jobs()[0].id, name: "job a", platform: "Linux" } }));
    const declared: Declared[] = [{ name: "a", args: linuxMakeCache({ name: "job a" }) }, { name: "b", args: linuxMakeCache({ name: "job b", status: "Enabled" }) }];
    const outcome = await run("create answered with another resource's job", "up", () => engine.createAll(declared));
    const [a] = emulator.jobs();
    expect(outcome).toContain(`Qualys answered the create of "job b" with job ${a.id}`);
    expect(emulator.enablesApplied()).toEqual({});
    expect(engine.readState().b).toBeUndefined();
});
