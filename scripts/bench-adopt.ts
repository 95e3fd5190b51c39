// `node dist/scripts/bench-adopt.js` (after `npm run build`): what `qualys-pm-pulumi adopt` costs for
// a tenant of N jobs (default 1000, BENCH_ADOPT_N), against the floor of raw got reads of the same
// jobs in the same run: the same /auth, the same list pages, one GET per job, at the same
// concurrency, on the PM API emulator with the same latency per answer as scripts/bench.ts. Prints
// one table of requests and wall times, as ratios. A script that prints figures, never a timed test.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { collectJobs, PLATFORMS, renderImportFile, renderProgram } from "../provider/adopt/adopt";
import { PmClient } from "../provider/core/client";
import { startEmulator } from "../test/emulator/server";
import { mixedJob, seed } from "../test/adopt/tenant";

const N = Number(process.env.BENCH_ADOPT_N ?? 1000);
const LATENCY_MS = Number(process.env.BENCH_ADOPT_LATENCY_MS ?? 20);
/** The command's default --concurrency. */
const CONCURRENCY = 8;
const PAGE_SIZE = 100;
const ROUNDS = Number(process.env.BENCH_ADOPT_ROUNDS ?? 3);
const CREDENTIALS = { username: "demo-user", password: "demo-password" };

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
    const started = process.hrtime.bigint();
    const result = await work();
    return [result, Number(process.hrtime.bigint() - started) / 1e6];
}

/** The floor: got alone, no client, no mapping, no checks; the same requests the command must make. */
async function rawGot(url: string): Promise<number> {
    const { got } = await import("got");
    const token = await got.post(`${url}/auth`, { form: { ...CREDENTIALS, token: "true" } }).text();
    const http = got.extend({ prefixUrl: url, headers: { authorization: `Bearer ${token}` }, responseType: "json" });
    const ids = (
        await Promise.all(
            PLATFORMS.map(async (platform) => {
                const found: string[] = [];
                for (let pageNumber = 0; ; pageNumber++) {
                    const page = (await http.get("pm/v1/deploymentjobs/summary", { searchParams: { platform, pageNumber, pageSize: PAGE_SIZE } })).body as unknown as { id: string }[];
                    found.push(...page.map((job) => job.id));
                    if (page.length < PAGE_SIZE) return found;
                }
            }),
        )
    ).flat();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next < ids.length) await http.get(`pm/v1/deploymentjob/${ids[next++]}`);
    }));
    return ids.length;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
}

function command(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
    const cli = path.join(__dirname, "..", "provider", "adopt", "cli.js");
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cli, "adopt", ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (status) => (status === 0 ? resolve(0) : reject(new Error(`adopt exited ${status}: ${stderr}`))));
    });
}

async function main(): Promise<void> {
    const emulator = await startEmulator({ latencyMs: LATENCY_MS });
    seed(emulator, Array.from({ length: N }, (_, i) => mixedJob(i)));
    const env = { QUALYS_GATEWAY_URL: emulator.url, QUALYS_USERNAME: CREDENTIALS.username, QUALYS_PASSWORD: CREDENTIALS.password };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-bench-adopt-"));
    const count = (from: number, route?: string) => emulator.requests.slice(from).filter((r) => !route || r.route === route).length;

    // Rounds of the floor and of adopt in turn; medians, so that a busy machine skews neither side.
    const rawTimes: number[] = [];
    const collectTimes: number[] = [];
    const renderTimes: number[] = [];
    let raw = { total: 0, pages: 0, gets: 0 };
    let ours = { total: 0, pages: 0, gets: 0, auth: 0, writes: 0 };
    let readRaw = 0;
    let result: Awaited<ReturnType<typeof collectJobs>> | undefined;
    let program = "";
    for (let round = 0; round < ROUNDS; round++) {
        let mark = emulator.requests.length;
        const [read, rawMs] = await timed(() => rawGot(emulator.url));
        readRaw = read;
        rawTimes.push(rawMs);
        raw = { total: count(mark), pages: count(mark, "list"), gets: count(mark, "get") };

        // What the command does, in this process: list, read, check, name, write the program.
        mark = emulator.requests.length;
        const client = new PmClient({ gatewayUrl: emulator.url, ...CREDENTIALS });
        const [collected, collectMs] = await timed(() => collectJobs(client, { concurrency: CONCURRENCY }));
        const [text, renderMs] = await timed(async () => renderProgram(collected, { gateway: emulator.url, platforms: PLATFORMS }));
        [result, program] = [collected, text];
        collectTimes.push(collectMs);
        renderTimes.push(renderMs);
        ours = { total: count(mark), pages: count(mark, "list"), gets: count(mark, "get"), auth: count(mark, "auth"), writes: count(mark) - count(mark, "list") - count(mark, "get") - count(mark, "auth") };
    }
    result = result!;
    const [rawMs, collectMs, renderMs] = [median(rawTimes), median(collectTimes), median(renderTimes)];
    const importFile = renderImportFile(result.jobs, "exports.handler = () => ({});");

    // The whole command as a user runs it: a node process, got loaded, the file written.
    let mark = emulator.requests.length;
    const [, commandMs] = await timed(() => command(["--out", path.join(dir, "jobs.ts"), "--quiet"], env));
    const commandRequests = count(mark);
    mark = emulator.requests.length;
    const [, importMs] = await timed(() => command(["--out", path.join(dir, "jobs.ts"), "--import-file", path.join(dir, "jobs.import.json"), "--quiet"], env));
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });

    if (result.jobs.length !== N || readRaw !== N) throw new Error(`expected ${N} jobs, adopted ${result.jobs.length} (raw read ${readRaw}); skipped: ${result.skipped.map((s) => s.reason).join("; ")}`);
    const f = (x: number, d = 2) => x.toFixed(d);
    // A platform's list ends at its first short page: one more than its full pages.
    const expectedPages = PLATFORMS.reduce((sum, p) => sum + Math.floor((result.listed[p] ?? 0) / PAGE_SIZE) + 1, 0);
    console.log(`\nqualys-pm-pulumi adopt bench: ${N} jobs (${result.listed.Linux} Linux, ${result.listed.Windows} Windows, mixed shapes), ${os.cpus().length} cores, node ${process.version}; emulator latency ${LATENCY_MS} ms; ${CONCURRENCY} reads at once (the command's default), ${PAGE_SIZE} jobs a page; wall times are medians of ${ROUNDS} rounds (load average ${os.loadavg()[0].toFixed(1)})\n`);
    const rows: [string, string, string][] = [
        ["requests, adopt (in process)", `${ours.total} (${ours.auth} /auth + ${ours.pages} pages + ${ours.gets} reads)`, `${1 + expectedPages + N}: 1 + pages + 1 per job`],
        ["requests, raw got", `${raw.total} (1 /auth + ${raw.pages} pages + ${raw.gets} reads)`, ""],
        ["requests: adopt / raw got", f(ours.total / raw.total), "1.00"],
        ["writes to Qualys during adopt", String(ours.writes), "0"],
        ["requests, the command (a process)", String(commandRequests), `${ours.total}`],
        ["wall time, raw got reads, ms", `${f(rawMs, 0)} (rounds: ${rawTimes.map((t) => f(t, 0)).join(", ")})`, ""],
        ["wall time, adopt list + read + check (in process), ms", `${f(collectMs, 0)} (rounds: ${collectTimes.map((t) => f(t, 0)).join(", ")})`, ""],
        ["wall time, writing the program, ms", `${f(renderMs, 0)} (${(program.length / 1024).toFixed(0)} KB; import file ${(importFile.length / 1024).toFixed(0)} KB)`, ""],
        ["adopt (in process, read + write) / raw got", f((collectMs + renderMs) / rawMs), "<= 1.15"],
        ["the command (node start, got, file) / raw got", f(commandMs / rawMs), ""],
        ["the command with --import-file / raw got", f(importMs / rawMs), ""],
        ["adopt, ms per job (in process)", f((collectMs + renderMs) / N), ""],
    ];
    console.log("| figure | value | target |");
    console.log("|---|---|---|");
    for (const [label, value, target] of rows) console.log(`| ${label} | ${value} | ${target} |`);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
