// The fault matrix: each fault under up, refresh or destroy, through Pulumi's dynamic-provider
// server (test/harness) against the emulator. Whatever happens, afterwards Qualys holds exactly
// the jobs the state records: none twice, none orphaned, none lost.
import * as fs from "node:fs";
import * as path from "node:path";
import { PmEmulator, RouteName, startEmulator } from "../emulator/server";
import { Declared, Engine } from "../harness/engine";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { keepOutput, OUTPUT_DIR } from "../helpers/secrets";

let emulator: PmEmulator;
let engine: Engine;
const rows: string[] = [];

beforeAll(async () => {
    emulator = await startEmulator();
});
afterAll(async () => {
    await emulator.close();
    const table = ["| fault | operation | outcome | jobs on the server | jobs in state |", "|---|---|---|---|---|", ...rows].join("\n");
    keepOutput("fault-matrix.md", table);
    console.log(table);
});

async function freshEngine(extraEnv: NodeJS.ProcessEnv = {}): Promise<Engine> {
    const name = expect.getState().currentTestName!.replace(/\W+/g, "_").slice(0, 70);
    const stateFile = path.join(OUTPUT_DIR, `faults-${name}.json`);
    fs.rmSync(stateFile, { force: true });
    const e = new Engine({
        stateFile,
        config: { "qualys:gatewayUrl": emulator.url, "qualys:username": "demo-user", "qualys:password": "demo-password" },
        secretKeys: ["qualys:password"],
        env: { QUALYS_MAX_RETRIES: "5", ...extraEnv },
    });
    await e.start();
    return e;
}

beforeEach(() => emulator.reset());
afterEach(async () => {
    keepOutput(`faults-stderr-${expect.getState().currentTestName!.replace(/\W+/g, "_").slice(0, 70)}.txt`, engine.stderr);
    await engine.stop();
});

const program = (n = 2): Declared[] =>
    Array.from({ length: n }, (_, i) => ({ name: `job-${i}`, args: i % 2 ? windowsReattempts({ name: `win ${i}` }) : linuxMakeCache({ name: `linux ${i}` }) }));

/** Qualys and the state agree: the same ids, no name twice. Returns [server, state] counts. */
function expectConsistent(): [number, number] {
    const server = emulator.jobs();
    const state = engine.readState();
    expect(new Set(server.map((j) => j.id))).toEqual(new Set(Object.values(state).map((e) => e.id)));
    expect(new Set(server.map((j) => j.name)).size).toBe(server.length);
    return [server.length, Object.keys(state).length];
}

async function run(fault: string, operation: string, act: () => Promise<unknown>): Promise<string> {
    const outcome = await act().then(() => "succeeded", (e: Error & { details?: string }) => `failed: ${(e.details ?? e.message).split("\n")[0]}`);
    const [server, state] = expectConsistent();
    rows.push(`| ${fault} | ${operation} | ${outcome.replace(/\|/g, "\\|")} | ${server} | ${state} |`);
    return outcome;
}

describe.each([429, 500, 502, 503, 504])("a burst of %i answers", (status) => {
    test.each(["create", "get", "delete"] as RouteName[])("on %s is ridden out", async (route) => {
        engine = await freshEngine();
        if (route !== "create") await engine.up(program());
        emulator.failNext(route, 3, status, status === 429 ? { headers: { "retry-after": "0" } } : {});
        const op = route === "create" ? () => engine.up(program()) : route === "get" ? () => engine.refresh() : () => engine.destroy();
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
    engine = await freshEngine({ QUALYS_REQUEST_TIMEOUT_MS: "500" });
    if (route !== "create") await engine.up(program());
    emulator[fault](route);
    const act = route === "create" ? () => engine.up(program()) : route === "update" ? () => engine.up(program().map((d) => ({ ...d, args: { ...d.args, description: "changed" } }))) : () => engine.destroy();
    expect(await run(`connection dropped ${fault === "dropAfterApply" ? "after" : "before"} the server applied ${route}`, operation, act)).toBe("succeeded");
    if (route === "create") expect(emulator.jobs()).toHaveLength(2);
    if (route === "update") expect(emulator.jobs().every((j) => j.description === "changed")).toBe(true);
    if (route === "delete") expect(emulator.jobs()).toEqual([]);
});

test("an answer slower than the timeout: a GET is retried, a POST is looked up, not sent twice", async () => {
    engine = await freshEngine({ QUALYS_REQUEST_TIMEOUT_MS: "300" });
    emulator.delayNext("create", 1, 450);
    expect(await run("answer slower than the timeout", "up", () => engine.up(program()))).toBe("succeeded");
    expect(emulator.jobs()).toHaveLength(2);
    emulator.delayNext("get", 1, 450);
    expect(await run("answer slower than the timeout", "refresh", () => engine.refresh())).toBe("succeeded");
});

test("truncated JSON in a create's answer: the job is found and recorded, not created twice", async () => {
    engine = await freshEngine();
    emulator.corruptNext("create", 1, "truncated-json");
    expect(await run("truncated JSON answer to create", "up", () => engine.up(program()))).toBe("succeeded");
    expect(emulator.jobs()).toHaveLength(2);
});

test("a proxy's HTML error page on refresh is retried", async () => {
    engine = await freshEngine();
    await engine.up(program());
    emulator.corruptNext("get", 1, "html");
    expect(await run("HTML error page (502) from a proxy", "refresh", () => engine.refresh())).toBe("succeeded");
});

test("truncated JSON in a refresh's answer fails the refresh with a clear message and loses nothing", async () => {
    engine = await freshEngine();
    await engine.up(program());
    emulator.corruptNext("get", 1, "truncated-json");
    const outcome = await run("truncated JSON answer to GET", "refresh", () => engine.refresh());
    expect(outcome).toMatch(/^failed: .*Qualys PM API rejected GET \/pm\/v1\/deploymentjob\/[-0-9a-f]+ \(200\): the answer is not JSON/);
    expect(emulator.jobs()).toHaveLength(2);
});

test("the token expiring in the middle of an up of 100 jobs", async () => {
    engine = await freshEngine();
    emulator.onNth("create", 50, () => emulator.expireTokens());
    expect(await run("token expires at the 50th create", "up of 100 jobs", () => engine.up(program(100)))).toBe("succeeded");
    expect(emulator.jobs()).toHaveLength(100);
    expect(emulator.counts().auth).toBe(2);
});

test("a job deleted outside Pulumi: 404 on refresh drops it, and on destroy counts as deleted", async () => {
    engine = await freshEngine();
    await engine.up(program());
    const [first, second] = emulator.jobs();
    emulator.state.jobs.delete(first.id);
    expect(await run("404 (job deleted in the UI)", "refresh", () => engine.refresh())).toBe("succeeded");
    emulator.state.jobs.delete(second.id);
    expect(await run("404 (job deleted in the UI)", "destroy", () => engine.destroy())).toBe("succeeded");
});

test("100 jobs created at once against a rate limit of 10 requests per second", async () => {
    emulator.options.rateLimitPerSecond = 10;
    try {
        engine = await freshEngine();
        expect(await run("rate limit 10/s, 429 with Retry-After: 1", "up of 100 jobs", () => engine.up(program(100)))).toBe("succeeded");
        expect(emulator.jobs()).toHaveLength(100);
    } finally {
        emulator.options.rateLimitPerSecond = 0;
    }
}, 120_000);

test("a create refused with a 400 leaves nothing behind", async () => {
    engine = await freshEngine();
    emulator.failNext("create", 1, 400, { body: { _error: { errorCode: "400", message: "Invalid asset" } } });
    expect(await run("400 on create", "up", () => engine.up(program(1)))).toBe("failed: Qualys PM API rejected POST /pm/v1/deploymentjob (400): Invalid asset");
});
