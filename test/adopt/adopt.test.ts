// `qualys-pm-pulumi adopt` against the emulator, without the engine: what it lists and reads, the
// program it writes (run under Pulumi's mocks and type-checked as a user's project compiles it), the
// names it gives, what it says it keeps or skips, its errors, progress, exit status and import file.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { reportOf, resourceNames, slugOf, tsString } from "../../provider/adopt/adopt";
import { FACT_KEYS, canonicalInputs } from "../../provider/core/payload";
import { validateJobInputs } from "../../provider/core/validate";
import { PmEmulator, startEmulator } from "../emulator/server";
import { captureInputs, captureProgram, Engine } from "../harness/engine";
import { keepOutput } from "../helpers/secrets";
import { BIN, compiled, projectDir, qualysEnv, ROOT, runAdopt, spawnAdopt, typeCheck } from "./helpers";
import { expectedArgs, mixedJob, seed, SeededJob, unadoptableJobs, unmanagedJobs, uuid } from "./tenant";

let emulator: PmEmulator;
let dir: string;

beforeAll(async () => {
    emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
    emulator.reset();
    dir = projectDir("qualys-adopt-");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a generated program with a stand-in for the package: each DeploymentJob's arguments by resource name. */
function argsOf(program: string): Map<string, Record<string, unknown>> {
    const declared = new Map<string, Record<string, unknown>>();
    class DeploymentJob {
        constructor(name: string, args: Record<string, unknown>) {
            if (declared.has(name)) throw new Error(`resource ${name} declared twice`);
            declared.set(name, args);
        }
    }
    compiled(program)(((id: string) => {
        if (id !== "qualys-pm-pulumi") throw new Error(`the program requires ${id}`);
        return { DeploymentJob };
    }) as NodeRequire);
    return declared;
}

/** Runs a generated program under Pulumi's mocks; each DeploymentJob's arguments by resource name, without `__provider`. */
async function declaredBy(program: string): Promise<Map<string, Record<string, unknown>>> {
    const run = compiled(program);
    const captured = await captureProgram(() => run(require), pulumi);
    return new Map([...captured].map(([name, inputs]) => {
        const { __provider: _code, ...args } = inputs;
        return [name, args];
    }));
}

function writes(): string[] {
    return emulator.requests.filter((r) => !["auth", "list", "get"].includes(r.route)).map((r) => `${r.method} ${r.path}`);
}

test("adopt lists every page of both platforms, reads each job once, writes nothing, and declares each job with exactly its canonical inputs and adoptJobId", async () => {
    const jobs = Array.from({ length: 230 }, (_, i) => mixedJob(i));
    seed(emulator, jobs);
    const run = await runAdopt(["--out", "jobs.ts"], qualysEnv(emulator.url), { cwd: dir });
    expect(run.stderr).not.toContain("skipped");
    expect(run.status).toBe(0);
    const counts = emulator.counts();
    // 230 jobs: 84 Linux (1 page), 146 Windows (2 pages), 100 a page.
    expect(counts).toEqual({ auth: 1, list: 3, get: 230 });
    expect(new Set(emulator.requests.filter((r) => r.route === "get").map((r) => r.path)).size).toBe(230);
    expect(writes()).toEqual([]);

    const program = fs.readFileSync(path.join(dir, "jobs.ts"), "utf8");
    expect(program).toMatch(/^\/\/ Qualys Patch Management deployment jobs of http:\/\/127\.0\.0\.1:\d+ \(Linux and Windows\)/);
    expect(program.match(/^import .*$/gm)).toEqual(['import { DeploymentJob } from "qualys-pm-pulumi";']);
    const declared = argsOf(program);
    expect(declared.size).toBe(jobs.length);
    const byId = new Map([...declared].map(([name, args]) => [args.adoptJobId, { name, args }]));
    for (const job of jobs) {
        const found = byId.get(job.id);
        expect({ id: job.id, args: canonicalInputs(found?.args ?? {}) }).toEqual({ id: job.id, args: expectedArgs(job) });
    }
    keepOutput("adopt-program.ts", program);
    keepOutput("adopt-stderr.txt", run.stderr);
});

test("the program type-checks as a default Pulumi TypeScript project compiles it, every awkward name and script included", async () => {
    const jobs: SeededJob[] = [...Array.from({ length: 40 }, (_, i) => mixedJob(i)), ...unmanagedJobs()];
    jobs.push({ id: uuid(0x10b, 777), inputs: { name: "Quotes \" and \\ back`slash ${x} */ // «ü» 🚀", platform: "Linux", assetIds: [uuid(0xa55e, 1)] } });
    seed(emulator, jobs);
    const run = await runAdopt(["--out", "index.ts"], qualysEnv(emulator.url), { cwd: dir });
    expect(run.status).toBe(0);
    expect(typeCheck(dir, "index.ts")).toEqual([]);
    const declared = await declaredBy(fs.readFileSync(path.join(dir, "index.ts"), "utf8"));
    expect([...declared.values()].find((args) => args.adoptJobId === uuid(0x10b, 777))?.name).toBe("Quotes \" and \\ back`slash ${x} */ // «ü» 🚀");
});

test("resource names come from job names: valid, unique, and the same on every run whatever the listing order; a new job never renames an older one", async () => {
    const jobs = Array.from({ length: 60 }, (_, i) => mixedJob(i));
    seed(emulator, jobs);
    const first = await runAdopt([], qualysEnv(emulator.url));
    const names = [...first.stdout.matchAll(/^new DeploymentJob\("([^"]+)"/gm)].map((m) => m[1]);
    expect(names).toHaveLength(60);
    expect(new Set(names).size).toBe(60);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    // "Draft 0" exists on both platforms: the older keeps the plain name, the newer gets its id's start.
    expect(names).toEqual(expect.arrayContaining(["draft-0", `draft-0-${mixedJob(18).id.slice(0, 8)}`, "weekly-servers-2", "deploiement-mensuel-critique-3"]));

    // The same tenant listed in the reverse order: the same program, byte for byte.
    const entries = [...emulator.state.jobs.entries()].reverse();
    emulator.state.jobs.clear();
    for (const [id, job] of entries) emulator.state.jobs.set(id, job);
    const second = await runAdopt([], qualysEnv(emulator.url));
    expect(second.stdout).toBe(first.stdout);

    // A newer job whose name gives the same resource name: every existing resource keeps its name.
    seed(emulator, [{ id: uuid(0x10b, 5555), inputs: { ...mixedJob(6).inputs, name: "Notify ops 6!", platform: "Windows" } }]);
    const third = await runAdopt([], qualysEnv(emulator.url));
    const after = [...third.stdout.matchAll(/^new DeploymentJob\("([^"]+)"/gm)].map((m) => m[1]);
    expect(after).toEqual(expect.arrayContaining([...names, `notify-ops-6-${uuid(0x10b, 5555).slice(0, 8)}`]));
});

test("a resource name is a lower-case slug of the job's name, at most 48 characters, and 'job' when nothing is left", () => {
    expect(slugOf("RHEL critical patches (prod)")).toBe("rhel-critical-patches-prod");
    expect(slugOf("Déploiement «critique» n°2")).toBe("deploiement-critique-n-2");
    expect(slugOf("🚀 ✨")).toBe("job");
    expect(slugOf("a".repeat(30) + " " + "b".repeat(30))).toBe("a".repeat(30));
    expect(slugOf("x".repeat(100))).toHaveLength(48);
    const names = resourceNames([
        { id: "bbbbbbbb-0000-4000-8000-000000000000", name: "Same", createdAt: 2 },
        { id: "aaaaaaaa-0000-4000-8000-000000000000", name: "same!", createdAt: 1 },
        { id: "cccccccc-0000-4000-8000-000000000000", name: "same-aaaaaaaa" },
    ]);
    expect(Object.fromEntries(names)).toEqual({
        "aaaaaaaa-0000-4000-8000-000000000000": "same",
        "bbbbbbbb-0000-4000-8000-000000000000": "same-bbbbbbbb",
        "cccccccc-0000-4000-8000-000000000000": "same-aaaaaaaa",
    });
});

test("the comment says what Qualys reports of a job: status, last and next run from the list row (qualysdk's fields), who made and edited it", () => {
    const job = { status: "Prepared", createdBy: { user: { name: "alice" }, date: Date.UTC(2024, 10, 2, 8, 30) }, updatedBy: { user: { name: "bob\u202e" }, date: Date.UTC(2025, 2, 1, 17, 5) } };
    const row = { lastScheduleDateTime: Date.UTC(2025, 2, 19, 4, 59), nextScheduleDateTime: Date.UTC(2025, 3, 19, 4, 59) };
    expect(reportOf(job, row)).toBe("status Prepared, last run 2025-03-19 04:59 UTC, next run 2025-04-19 04:59 UTC, created 2024-11-02 08:30 UTC by alice, updated 2025-03-01 17:05 UTC by bob");
    expect(reportOf({ status: "Enabled", jobTriggerStatus: 1 }, {})).toBe("status Enabled, triggered (no run time reported)");
    expect(reportOf({ status: "Disabled" }, {})).toBe("status Disabled, no run reported");
});

test("strings are written as literals that read in a review as the compiler reads them: invisible and bidi characters escaped", () => {
    for (const text of ["plain", 'q"uote\\', "line\nbreak\u2028", "bidi \u202e evil \u2066", "zero\u200bwidth\ufeff", "tag \u{e0041}", "emoji 🚀 é"]) {
        const literal = tsString(text);
        expect(literal).not.toMatch(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\ufeff\u{e0000}-\u{e007f}]/u);
        expect(eval(literal)).toBe(text);
    }
    expect(tsString("emoji 🚀 é")).toBe('"emoji 🚀 é"');
});

test("a job with parts the schema does not model is adopted, and its comment says what is kept as Qualys holds it or cleared by the next update", async () => {
    const special = unmanagedJobs();
    seed(emulator, special);
    const run = await runAdopt([], qualysEnv(emulator.url));
    expect(run.status).toBe(0);
    for (const job of special) {
        const block = run.stdout.split("\n\n").find((b) => b.includes(`adoptJobId: "${job.id}"`))!;
        expect(block).toBeDefined();
        for (const words of job.kept) expect(block).toMatch(new RegExp(`^// Kept as Qualys holds it, not managed here \\(every update writes it back unchanged\\): .*${words.source}`, "m"));
        if (!job.kept.length) expect(block).not.toContain("// Kept as");
    }
    expect(run.stdout).toContain('// Held by Qualys but not expressible here, so the next update clears it: dynamicPatchesQQL "vendorSeverity:Low"');
    expect(run.stderr).toMatch(/; 4 keep parts the program does not manage \(see their comments\); 1 hold values the next update clears/);
    const declared = await declaredBy(run.stdout);
    expect(declared.size).toBe(special.length);
});

test("through Pulumi's dynamic-provider server, the adopted program records each job with no write, and an edit keeps what the program does not manage", async () => {
    const special = unmanagedJobs();
    seed(emulator, special);
    const { stdout: program } = await runAdopt([], qualysEnv(emulator.url));
    const engine = new Engine({
        stateFile: path.join(dir, "state.json"),
        config: { "qualys:gatewayUrl": emulator.url, "qualys:username": "demo-user", "qualys:password": "demo-password" },
        secretKeys: ["qualys:password"],
    });
    await engine.start();
    try {
        await engine.createAll(await captureProgram(() => compiled(program)(require), pulumi));
        expect(Object.values(engine.readState()).map((entry) => entry.id).sort()).toEqual(special.map((job) => job.id).sort());
        expect(writes()).toEqual([]);

        const kept = special.filter((job) => job.kept.length);
        let edited = program;
        for (const job of kept) edited = edited.replace(`    adoptJobId: "${job.id}",`, `    description: "edited in code",\n    adoptJobId: "${job.id}",`);
        const editedJobs = await captureProgram(() => compiled(edited)(require), pulumi);
        const names = Object.entries(engine.readState()).filter(([, entry]) => kept.some((job) => job.id === entry.id)).map(([name]) => name);
        const diffs = await engine.updateAll(new Map(names.map((name) => [name, editedJobs.get(name)!])));
        expect(Object.values(diffs).map((diff) => diff.changes)).toEqual(kept.map(() => true));
        expect(writes().filter((w) => w.startsWith("PATCH"))).toHaveLength(kept.length);
        for (const job of kept) {
            const stored = emulator.state.jobs.get(job.id)!;
            expect(stored.description).toBe("edited in code");
            for (const [key, value] of Object.entries(job.extra ?? {})) {
                if (key === "preDeployActions") expect(stored.preDeployActions.map((a: { action: string }) => a.action)).toEqual(["Install Software"]);
                else expect({ job: job.inputs.name, key, value: stored[key] }).toEqual({ job: job.inputs.name, key, value });
            }
        }
    } finally {
        await engine.stop();
    }
});

test("a job the provider cannot represent is skipped with a line on standard error naming it and why, and the exit status says so", async () => {
    const jobs = [...Array.from({ length: 12 }, (_, i) => mixedJob(i)), ...unadoptableJobs()];
    seed(emulator, jobs);
    const run = await runAdopt(["--out", "jobs.ts"], qualysEnv(emulator.url), { cwd: dir });
    expect(run.status).toBe(3);
    for (const job of unadoptableJobs()) {
        const line = run.stderr.split("\n").find((l) => l.startsWith("adopt: skipped") && l.includes(job.id));
        expect(line).toMatch(new RegExp(`^adopt: skipped (Linux|Windows) job ${job.id} ${JSON.stringify(job.inputs.name).replace(/[()]/g, "\\$&")}: .*${job.reason.source}`));
    }
    const program = fs.readFileSync(path.join(dir, "jobs.ts"), "utf8");
    for (const job of unadoptableJobs()) expect(program).not.toContain(job.id);
    expect(program).toContain("// Not here: 3 jobs the provider cannot represent (the command named each one on standard error).");
    expect(run.stderr).toMatch(/adopt: 12 of 15 jobs listed \(Linux 7, Windows 8\) written; 3 skipped \(named above\); [\d.]+ s\n$/);
    expect((await declaredBy(program)).size).toBe(12);
});

test("progress lines on standard error say what was listed, read and written, and a summary ends the run; --quiet keeps only the summary", async () => {
    seed(emulator, Array.from({ length: 40 }, (_, i) => mixedJob(i)));
    const run = await runAdopt(["--out", "jobs.ts"], qualysEnv(emulator.url), { cwd: dir });
    const lines = run.stderr.trim().split("\n");
    expect(lines.slice(0, 2).sort()).toEqual(["adopt: listed 16 Linux jobs", "adopt: listed 24 Windows jobs"]);
    expect(lines.filter((l) => l.startsWith("adopt: read "))).toEqual(["adopt: read 1/40 jobs", ...[4, 8, 12, 16, 20, 24, 28, 32, 36, 40].map((n) => `adopt: read ${n}/40 jobs`)]);
    expect(lines.at(-2)).toBe("adopt: wrote 40 jobs to jobs.ts");
    expect(lines.at(-1)).toMatch(/^adopt: 40 of 40 jobs listed \(Linux 16, Windows 24\) written; [\d.]+ s$/);

    const tty = await runAdopt(["--out", "jobs.ts"], qualysEnv(emulator.url), { cwd: dir, tty: true });
    expect(tty.stderr).toMatch(/\r\x1b\[Kadopt: read 40\/40 jobs\n/);

    const quiet = await runAdopt(["--out", "jobs.ts", "--quiet"], qualysEnv(emulator.url), { cwd: dir });
    expect(quiet.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^adopt: 40 of 40 jobs listed/)]);
});

test("--platform and --name choose the jobs; a wrong option exits 2 and names it", async () => {
    seed(emulator, Array.from({ length: 40 }, (_, i) => mixedJob(i)));
    const windows = await runAdopt(["--platform", "windows"], qualysEnv(emulator.url));
    expect(windows.stdout.match(/platform: "Linux"/g)).toBeNull();
    expect(windows.stdout.match(/^new DeploymentJob/gm)).toHaveLength(24);
    expect(emulator.counts()).toMatchObject({ list: 1, get: 24 });

    emulator.requests.length = 0;
    const named = await runAdopt(["--name", "Notify ops", "--platform=Linux,Windows"], qualysEnv(emulator.url));
    expect(named.stdout.match(/^new DeploymentJob\("notify-ops-\d+"/gm)).toHaveLength(4);
    // The PM API's filter does the choosing: only the chosen jobs are read.
    expect(emulator.counts().get).toBe(4);

    const regex = await runAdopt(["--name-regex", "^(Draft|Emergency)"], qualysEnv(emulator.url));
    expect(regex.stdout.match(/^new DeploymentJob\("(draft|emergency-patch)-/gm)).toHaveLength(8);
    expect(regex.stdout.match(/^new DeploymentJob/gm)).toHaveLength(8);

    for (const [args, message] of [
        [["--platform", "macos"], '--platform takes Linux, Windows or all, not "macos"'],
        [["--concurrency", "0"], "--concurrency takes a whole number from 1 to 32"],
        [["--out"], "--out needs a value"],
        [["--name-regex", "("], "--name-regex: Invalid regular expression"],
        [["--frobnicate"], 'unknown option "--frobnicate"'],
    ] as [string[], string][]) {
        const run = await runAdopt(args, qualysEnv(emulator.url));
        expect({ args, status: run.status }).toEqual({ args, status: 2 });
        expect(run.stderr).toContain(`qualys-pm-pulumi adopt: ${message}`);
    }
});

describe("a clear error, exit status 1 and nothing written", () => {
    async function failing(env: NodeJS.ProcessEnv): Promise<{ status: number; stderr: string }> {
        const run = await runAdopt(["--out", "jobs.ts", "--import-file", "jobs.import.json"], env, { cwd: dir });
        expect(fs.readdirSync(dir).filter((f) => f !== "node_modules")).toEqual([]);
        expect(run.stdout).toBe("");
        keepOutput(`adopt-error-${run.stderr.length}.txt`, run.stderr);
        return run;
    }

    test("for bad credentials", async () => {
        seed(emulator, [mixedJob(0)]);
        const run = await failing(qualysEnv(emulator.url, { QUALYS_PASSWORD: "not-the-password" }));
        expect(run.status).toBe(1);
        expect(run.stderr).toContain("qualys-pm-pulumi adopt: nothing written: Qualys PM API rejected POST /auth (401): Authentication failed");
        expect(run.stderr).toContain("Check qualys:username and qualys:password (or QUALYS_USERNAME / QUALYS_PASSWORD) and the gateway of your platform");
        expect(run.stderr).not.toContain("not-the-password");
    });

    test("for missing settings, naming the environment variables", async () => {
        const run = await failing({ QUALYS_GATEWAY_URL: emulator.url });
        expect(run.status).toBe(1);
        expect(run.stderr).toContain("qualys-pm-pulumi adopt: Qualys provider settings are incomplete or wrong:\n  QUALYS_USERNAME is required\n  QUALYS_PASSWORD is required\n");
        expect(emulator.requests).toEqual([]);
    });

    test("for a wrong gateway: a gateway URL with a path (before any request), a login page's redirect, a web server's 404 page, and no answer at all", async () => {
        let redirecting = true;
        let seen = 0;
        const server = http.createServer((req, res) => {
            seen++;
            if (req.url === "/auth" && redirecting) {
                res.writeHead(302, { location: "https://sso.example.com/login?next=/auth" });
                return void res.end();
            }
            res.writeHead(404, { "content-type": "text/html" });
            res.end("<html><head><title>404 Not Found</title></head></html>");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        try {
            const redirected = await failing(qualysEnv(url));
            expect(redirected.stderr).toContain("rejected POST /auth (302): the gateway redirected to https://sso.example.com:443/login");
            expect(redirected.stderr).toContain("Check QUALYS_GATEWAY_URL");
            const before = seen;
            const withPath = await failing(qualysEnv(`${url}/qualys`));
            expect(withPath.stderr).toContain(`QUALYS_GATEWAY_URL ${url}/qualys has a path; use its origin ${url}\n`);
            expect(seen).toBe(before);
            redirecting = false;
            const notPm = await failing(qualysEnv(url));
            expect(seen).toBeGreaterThan(before);
            expect(notPm.stderr).toContain('rejected POST /auth (404): an HTML page titled "404 Not Found"');
            expect(notPm.stderr).toContain("Not the PM API's answer: check QUALYS_GATEWAY_URL");
        } finally {
            await new Promise((resolve) => server.close(resolve));
        }
        // A port nothing listens on (taken, then freed); no retries, so no waiting.
        const free = http.createServer();
        await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
        const port = (free.address() as AddressInfo).port;
        await new Promise((resolve) => free.close(resolve));
        const closed = await failing(qualysEnv(`http://127.0.0.1:${port}`, { QUALYS_MAX_RETRIES: "0" }));
        expect(closed.stderr).toMatch(/Qualys PM API unreachable: POST \/auth got no answer: ECONNREFUSED/);
        expect(closed.stderr).toContain("No answer: check QUALYS_GATEWAY_URL (the API gateway of your platform), HTTPS_PROXY / NO_PROXY, and NODE_EXTRA_CA_CERTS for a private CA.");
    });

    test("for a rate limit the client's retry table gives up on", async () => {
        // Its own gateway: a 429 makes the process's pacer for that gateway pace every later request.
        const limited = await startEmulator();
        try {
            seed(limited, [mixedJob(0)]);
            limited.failNext("list", 5, 429, { headers: { "retry-after": "3600" } });
            const run = await failing(qualysEnv(limited.url));
            expect(run.status).toBe(1);
            expect(run.stderr).toMatch(/Qualys PM API rejected GET \/pm\/v1\/deploymentjobs\/summary\?platform=\w+&pageNumber=0&pageSize=100 \(429\)/);
            expect(run.stderr).toContain("Qualys asks to wait 3600 s, longer than the 60 s this provider waits");
            expect(run.stderr).toContain("Rate limited by Qualys (already waited and retried): try again later, or with a lower --concurrency (now 8).");
        } finally {
            await limited.close();
        }
    });
});

test("the import file holds each job's canonical inputs and outputs under its resource name, with the __provider Pulumi serializes for a DeploymentJob", async () => {
    const jobs = [...Array.from({ length: 20 }, (_, i) => mixedJob(i)), ...unmanagedJobs()];
    seed(emulator, jobs);
    const run = await runAdopt(["--out", "jobs.ts", "--import-file", "jobs.import.json"], qualysEnv(emulator.url), { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("adopt: wrote 25 jobs to jobs.ts and import file jobs.import.json");
    const file = JSON.parse(fs.readFileSync(path.join(dir, "jobs.import.json"), "utf8"));
    const program = fs.readFileSync(path.join(dir, "jobs.ts"), "utf8");
    const [[, probe]] = await captureInputs([{ name: "probe", args: { name: "probe", platform: "Linux", assetIds: [uuid(0xa55e, 1)] } }]);
    expect(file.resources).toHaveLength(25);
    for (const job of jobs) {
        const entry = file.resources.find((r: { id: string }) => r.id === job.id);
        const { adoptJobId: _id, ...canonical } = expectedArgs(job);
        const { __provider: code, ...inputs } = entry.inputs;
        expect({ type: entry.type, code }).toEqual({ type: "pulumi-nodejs:dynamic/qualys:DeploymentJob", code: probe.__provider });
        expect(canonicalInputs(inputs)).toEqual(canonical);
        // The inputs pass the provider's check, which `pulumi import` runs on them.
        expect(validateJobInputs(inputs)).toEqual([]);
        expect(entry.outputs).toMatchObject({ ...canonical, __provider: code, serverStatus: expect.stringMatching(/^(Disabled|Enabled|Prepared)$/), customerId: emulator.options.customerId, createdBy: "emulator_user" });
        expect(Object.keys(entry.outputs).sort()).toEqual([...Object.keys(canonical), "__provider", ...FACT_KEYS].sort());
        expect(program).toContain(`new DeploymentJob(${JSON.stringify(entry.name)}, {`);
    }
});

test("the bin entry is the compiled CLI with a shebang, inside the files the package ships, and runs as a command", async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(Object.keys(manifest.bin)).toEqual(["qualys-pm-pulumi", "pulumi-resource-qualys"]);
    expect(manifest.files.some((f: string) => manifest.bin["qualys-pm-pulumi"].startsWith(`${f}/`))).toBe(true);
    expect(fs.readFileSync(BIN, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");

    seed(emulator, [...Array.from({ length: 10 }, (_, i) => mixedJob(i)), ...unadoptableJobs()]);
    const run = await spawnAdopt([], qualysEnv(emulator.url));
    expect(run.status).toBe(3);
    expect(run.stdout.match(/^new DeploymentJob/gm)).toHaveLength(10);
    expect(run.stderr.match(/^adopt: skipped/gm)).toHaveLength(3);
    const help = await spawnAdopt(["--help"], {});
    expect(help).toMatchObject({ status: 0, stdout: expect.stringContaining("Usage: qualys-pm-pulumi adopt [options]") });
});
