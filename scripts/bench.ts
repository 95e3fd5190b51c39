// `npm run bench`: what the provider costs, measured against floors in the same run, printed as one
// table of ratios. Uses @pulumi/pulumi's dynamic-provider server (through test/harness) and the PM
// API emulator on loopback. A script that prints figures, never a timed test.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator } from "../test/emulator/server";
import { captureInputs, Engine } from "../test/harness/engine";
import type { Declared } from "../test/helpers/jobs";
import { toRequest } from "../provider/core/payload";

/** `pulumi up --parallel` default: 4 per core, 8 on this 2-core machine (the CLI's own --help says so). */
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 4 * os.cpus().length);
const LATENCY_MS = 20;
const SIZES = (process.env.BENCH_SIZES ?? "100,1000").split(",").map(Number);

/** The floor for the provider path: a dynamic provider that returns its inputs unchanged. */
class Trivial extends pulumi.dynamic.Resource {
    constructor(name: string, props: Record<string, unknown>) {
        super(
            {
                async check(_olds: unknown, news: unknown) {
                    return { inputs: news };
                },
                async diff() {
                    return { changes: false };
                },
                async create(inputs: unknown) {
                    return { id: "trivial", outs: inputs };
                },
            },
            name,
            props,
        );
    }
}

/**
 * The floor for up, refresh and destroy through the same server: a bare dynamic provider making
 * the same HTTP calls with got and nothing else (no validation, mapping, retries or JWT handling).
 * What separates it from ours is this provider's own cost; what separates it from raw got is the
 * dynamic-provider path (gRPC, the serialized provider, the engine's bookkeeping).
 */
class BareHttp extends pulumi.dynamic.Resource {
    constructor(name: string, props: { url: string; token: string; body: unknown }) {
        super(
            {
                async check(_olds: unknown, news: unknown) {
                    return { inputs: news };
                },
                async diff() {
                    return { changes: false };
                },
                async create(inputs: any) {
                    const { got } = await import("got");
                    const job = await got.post(`${inputs.url}/pm/v1/deploymentjob`, { json: inputs.body, headers: { authorization: `Bearer ${inputs.token}` } }).json<{ id: string }>();
                    return { id: job.id, outs: inputs };
                },
                async read(id: string, props: any) {
                    const { got } = await import("got");
                    await got.get(`${props.url}/pm/v1/deploymentjob/${id}`, { headers: { authorization: `Bearer ${props.token}` } }).json();
                    return { id, props };
                },
                async delete(id: string, props: any) {
                    const { got } = await import("got");
                    await got.delete(`${props.url}/pm/v1/deploymentjobs`, { json: { ids: [id] }, headers: { authorization: `Bearer ${props.token}` } });
                },
            },
            name,
            props,
        );
    }
}

function jobs(n: number): Declared[] {
    return Array.from({ length: n }, (_, i) => ({
        name: `job-${i}`,
        args: {
            name: `bench job ${i}`,
            platform: i % 2 ? "Windows" : "Linux",
            assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357"],
            ...(i % 2 ? { approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"], reattemptFailedPatches: { noOfReattempts: 3, exponentialBackoffInterval: 10 } } : { packageCacheUpdate: true }),
        },
    }));
}

async function captureTrivial(n: number, bare?: { url: string; token: string }): Promise<Map<string, Record<string, unknown>>> {
    const captured = new Map<string, Record<string, unknown>>();
    pulumi.runtime.setMocks({ newResource: (a) => (captured.set(a.name, a.inputs), { id: a.name, state: a.inputs }), call: () => ({}) }, "bench", "bench", true);
    const declared = jobs(n);
    const resources = declared.map((d) =>
        bare ? new BareHttp(d.name, { ...bare, body: toRequest(d.args as never) }) : new Trivial(d.name, d.args as unknown as Record<string, unknown>));
    await Promise.all(resources.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
    while (captured.size < n) await new Promise((r) => setTimeout(r, 10));
    return captured;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
    const started = process.hrtime.bigint();
    const result = await work();
    return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

function peakRssMb(pid: number | undefined): number {
    if (!pid) return NaN;
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Raw got calls, same emulator, same parallelism: the floor for up, refresh and destroy. */
async function rawGot(url: string, n: number): Promise<{ create: number; get: number; del: number }> {
    const { got } = await import("got");
    const token = await got.post(`${url}/auth`, { form: { username: "demo-user", password: "demo-password", token: "true" } }).text();
    const http = got.extend({ prefixUrl: url, headers: { authorization: `Bearer ${token}` }, responseType: "json" });
    const bodies = jobs(n).map((d) => toRequest(d.args as never));
    const ids: string[] = new Array(n);
    const pool = async (work: (i: number) => Promise<void>) => {
        let next = 0;
        await Promise.all(Array.from({ length: PARALLEL }, async () => {
            while (next < n) await work(next++);
        }));
    };
    const [, create] = await timed(() => pool(async (i) => void (ids[i] = ((await http.post("pm/v1/deploymentjob", { json: bodies[i] })).body as unknown as { id: string }).id)));
    const [, get] = await timed(() => pool(async (i) => void (await http.get(`pm/v1/deploymentjob/${ids[i]}`))));
    const [, del] = await timed(() => pool(async (i) => void (await http.delete("pm/v1/deploymentjobs", { json: { ids: [ids[i]] } }))));
    return { create, get, del };
}

interface Row {
    n: number;
    previewMsPerJob: number;
    previewFloorMsPerJob: number;
    previewRequests: number;
    upRequestsPerJob: number;
    upListRequests: number;
    refreshRequestsPerJob: number;
    destroyRequestsPerJob: number;
    auths: number;
    upRatio: number;
    refreshRatio: number;
    destroyRatio: number;
    upBare: number;
    refreshBare: number;
    destroyBare: number;
    bareUpRatio: number;
    providerBytes: number;
    stateBytesPerJob: number;
    peakRssMb: number;
    floorPeakRssMb: number;
}

async function measure(n: number): Promise<Row> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-bench-"));
    const emulator = await startEmulator();
    const config = { "qualys:gatewayUrl": emulator.url, "qualys:username": "demo-user", "qualys:password": "demo-password" };
    const declared = jobs(n);
    const captured = await captureInputs(declared);

    // Floor of the no-op preview: the trivial provider, same server, same state shape.
    const floor = new Engine({ stateFile: path.join(dir, "floor.json"), config, parallel: PARALLEL });
    await floor.start();
    const trivial = await captureTrivial(n);
    await floor.createAll(trivial);
    const floorPeak = peakRssMb(floor.pid);
    // As the engine does, each operation gets a provider process of its own, started before the clock.
    await floor.restart();
    // A no-op preview sends Check and Diff for each job.
    const [, floorPreview] = await timed(() => floor.diffAll(trivial));
    await floor.stop();

    const engine = new Engine({ stateFile: path.join(dir, "state.json"), config, parallel: PARALLEL });
    await engine.start();
    emulator.options.latencyMs = LATENCY_MS;
    const count = () => emulator.requests.length;
    let mark = count();
    await engine.createAll(captured);
    const up = engine.lastCreateMs;
    const upRequests = emulator.requests.slice(mark).filter((r) => r.route !== "auth").length;
    // Each create first asks for jobs of its name (core/ownership.ts): one filtered list page per job.
    const upListRequests = emulator.requests.slice(mark).filter((r) => r.route === "list").length;
    const peak = peakRssMb(engine.pid);
    await engine.restart();
    mark = count();
    const [, preview] = await timed(() => engine.diffAll(captured));
    const previewRequests = count() - mark;
    await engine.restart();
    mark = count();
    const [, refresh] = await timed(() => engine.readAll());
    const refreshRequests = count() - mark;
    const stateBytes = fs.statSync(path.join(dir, "state.json")).size;
    const providerBytes = Buffer.byteLength(String(captured.get("job-0")!.__provider));
    await engine.restart();
    mark = count();
    const [, destroy] = await timed(() => engine.deleteAll());
    const destroyRequests = count() - mark;
    const auths = emulator.requests.filter((r) => r.route === "auth").length;
    await engine.stop();

    const raw = await rawGot(emulator.url, n);

    const { got } = await import("got");
    const token = await got.post(`${emulator.url}/auth`, { form: { username: "demo-user", password: "demo-password", token: "true" } }).text();
    const bare = new Engine({ stateFile: path.join(dir, "bare.json"), config, parallel: PARALLEL });
    await bare.start();
    const bareInputs = await captureTrivial(n, { url: emulator.url, token });
    await bare.createAll(bareInputs);
    const bareUp = bare.lastCreateMs;
    await bare.restart();
    const [, bareRefresh] = await timed(() => bare.readAll());
    await bare.restart();
    const [, bareDestroy] = await timed(() => bare.deleteAll());
    await bare.stop();
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
    return {
        n,
        previewMsPerJob: preview / n,
        previewFloorMsPerJob: floorPreview / n,
        previewRequests,
        upRequestsPerJob: upRequests / n,
        upListRequests,
        refreshRequestsPerJob: refreshRequests / n,
        destroyRequestsPerJob: destroyRequests / n,
        auths,
        upRatio: up / raw.create,
        refreshRatio: refresh / raw.get,
        destroyRatio: destroy / raw.del,
        upBare: up / bareUp,
        refreshBare: refresh / bareRefresh,
        destroyBare: destroy / bareDestroy,
        bareUpRatio: bareUp / raw.create,
        providerBytes,
        stateBytesPerJob: stateBytes / n,
        peakRssMb: peak,
        floorPeakRssMb: floorPeak,
    };
}

/**
 * The requests a create needs at the least: the lookup of its name (the same-name stop) and the POST.
 * The floor of an up of N jobs at R requests a second is N x this / R.
 */
const NEEDED_PER_CREATE = 2;

/** An up of `n` new jobs at parallelism 10 against a gateway refusing, with bare 429s as the PM API
 * does, what exceeds `limit` requests a second (0: no limit); the pacer on or off. */
async function throttledUp(n: number, limit: number, pacing: boolean) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-bench-throttle-"));
    const emulator = await startEmulator({ rateLimitPerSecond: limit, rateLimitHint: "none", latencyMs: LATENCY_MS });
    const config = { "qualys:gatewayUrl": emulator.url, "qualys:username": "demo-user", "qualys:password": "demo-password" };
    const declared = jobs(n);
    const captured = await captureInputs(declared);
    const engine = new Engine({ stateFile: path.join(dir, "state.json"), config, parallel: 10, env: { QUALYS_ADAPTIVE_PACING: String(pacing) } });
    await engine.start();
    const failure = await engine.createAll(captured).then(() => undefined, (e: Error) => e.message.split("\n")[0]);
    if (failure) console.error(`  (R ${limit || "none"}, pacing ${pacing}): first failure: ${failure.slice(0, 300)}`);
    const wallMs = engine.lastCreateMs;
    const recorded = Object.keys(engine.readState()).length;
    await engine.stop();
    const sent = emulator.requests.filter((r) => r.route !== "auth");
    const refused = sent.filter((r) => r.status === 429).length;
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
    return { wallMs, floorRatio: limit ? wallMs / (((n * NEEDED_PER_CREATE) / limit) * 1000) : Number.NaN, requestsPerJob: sent.length / n, refusedShare: refused / sent.length, failed: n - recorded };
}

async function throttling(): Promise<void> {
    const n = Number(process.env.BENCH_THROTTLE_N ?? 200);
    console.log(`\nAn up of ${n} jobs, parallel 10, against a gateway answering bare 429s (no Retry-After, as the PM API does) past R requests a second\n`);
    console.log(`| R (limit) | pacing | wall / (${NEEDED_PER_CREATE}N / R) | requests per job | refused | creates failed | wall, s |`);
    console.log("|---|---|---|---|---|---|---|");
    for (const limit of [5, 10, 0]) {
        for (const pacing of [true, false]) {
            const r = await throttledUp(n, limit, pacing);
            const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
            console.log(`| ${limit || "none"} | ${pacing ? "adaptive (default)" : "off (as before)"} | ${f(r.floorRatio)} | ${f(r.requestsPerJob)} | ${f(r.refusedShare * 100, 1)} % | ${r.failed} | ${f(r.wallMs / 1000, 1)} |`);
        }
    }
    console.log(`\ntargets with pacing: 0 failed, wall <= 1.25 x ${NEEDED_PER_CREATE}N/R (a create needs ${NEEDED_PER_CREATE} requests: the name's lookup and the POST), refused <= 15 %; with no limit, no slower than without pacing`);
}

/** What a check costs: the worst input of the bad-input corpus, and a valid job, in one process. */
async function checkCosts(): Promise<void> {
    const { check } = require("../provider/dynamic/provider") as typeof import("../provider/dynamic/provider");
    const { job, worstInput } = require("../test/helpers/hostile") as typeof import("../test/helpers/hostile");
    const timedChecks = async (input: Record<string, unknown>, runs: number) => {
        const wall: number[] = [];
        for (let i = 0; i < runs; i++) {
            const started = process.hrtime.bigint();
            await check({} as never, input as never);
            wall.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        return [...wall].sort((a, b) => a - b)[runs >> 1];
    };
    await timedChecks(job({}), 1); // the schema compiles once, here
    const valid = await timedChecks(job({}), 1000);
    const worst = await timedChecks(worstInput(), 10);
    console.log(`\ncheck: a valid job ${(valid * 1000).toFixed(1)} µs (median of 1000); the worst input of the corpus ${worst.toFixed(1)} ms (median of 10), ${(worst / valid).toFixed(0)} x a valid job`);
}

async function main(): Promise<void> {
    if (!process.env.BENCH_ONLY) await checkCosts();
    if (process.env.BENCH_ONLY !== "throttling") await costs();
    if (process.env.BENCH_ONLY !== "costs") await throttling();
}

async function costs(): Promise<void> {
    const rows: Row[] = [];
    for (const n of SIZES) rows.push(await measure(n));
    const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
    console.log(`\nqualys-pm-pulumi bench: ${os.cpus().length} cores, ${os.cpus()[0].model}, node ${process.version}; parallel ${PARALLEL}, emulator latency ${LATENCY_MS} ms for up/refresh/destroy\n`);
    const lines: [string, (r: Row) => string, string][] = [
        ["no-op preview: HTTP requests", (r) => String(r.previewRequests), "0"],
        ["no-op preview: ms per job", (r) => f(r.previewMsPerJob), ""],
        ["no-op preview: ratio to a trivial dynamic provider", (r) => f(r.previewMsPerJob / r.previewFloorMsPerJob), ""],
        ["up: requests per job (besides /auth)", (r) => f(r.upRequestsPerJob), "2"],
        ["up: job-list requests per job (the same-name check before each create)", (r) => f(r.upListRequests / r.n), "1"],
        ["refresh: requests per job", (r) => f(r.refreshRequestsPerJob), "1"],
        ["destroy: requests per job", (r) => f(r.destroyRequestsPerJob), "1"],
        ["/auth calls: up, refresh and destroy, a provider process each", (r) => String(r.auths), "3"],
        ["up (its Create calls): wall time / raw got POSTs", (r) => f(r.upRatio), "<= 2.3 (a same-name list and a POST per job)"],
        ["refresh: wall time / raw got GETs", (r) => f(r.refreshRatio), "<= 1.15"],
        ["destroy: wall time / raw got DELETEs", (r) => f(r.destroyRatio), "<= 1.15"],
        ["bare got provider's Creates / raw got POSTs (the dynamic-provider path)", (r) => f(r.bareUpRatio), ""],
        ["up (its Create calls) / the bare got provider's", (r) => f(r.upBare), ""],
        ["refresh / the bare got provider's", (r) => f(r.refreshBare), ""],
        ["destroy / the bare got provider's", (r) => f(r.destroyBare), ""],
        ["__provider bytes per job", (r) => String(r.providerBytes), "< 2048"],
        ["state bytes per job", (r) => f(r.stateBytesPerJob, 0), ""],
        ["provider process peak RSS in the up, MB", (r) => f(r.peakRssMb, 1), ""],
        ["trivial provider process peak RSS in the up, MB", (r) => f(r.floorPeakRssMb, 1), ""],
    ];
    const header = `| figure | ${rows.map((r) => `N = ${r.n}`).join(" | ")} | ${rows.length > 1 ? `growth ${rows[0].n} -> ${rows[rows.length - 1].n} | ` : ""}target |`;
    console.log(header);
    console.log(`|---|${rows.map(() => "---|").join("")}${rows.length > 1 ? "---|" : ""}---|`);
    const growth: Record<string, (r: Row) => number> = {
        "no-op preview: ms per job": (r) => r.previewMsPerJob,
        "state bytes per job": (r) => r.stateBytesPerJob,
        "up (its Create calls): wall time / raw got POSTs": (r) => r.upRatio,
    };
    for (const [label, value, target] of lines) {
        const g = growth[label] && rows.length > 1 ? `x${f(growth[label](rows[rows.length - 1]) / growth[label](rows[0]))} per job` : rows.length > 1 ? "" : undefined;
        console.log(`| ${label} | ${rows.map(value).join(" | ")} |${g !== undefined ? ` ${g} |` : ""} ${target} |`);
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
