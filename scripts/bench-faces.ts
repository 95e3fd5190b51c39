// `npm run bench` (last part): the same program of N jobs through the real Pulumi CLI on both faces,
// the dynamic DeploymentJob and the native plugin, in one run against the emulator, printed as
// ratios native / dynamic. Medians of BENCH_RUNS runs (default 3). A script that prints figures,
// never a timed test. Needs the CLI (npm run pulumi:install); without it, it says so and stops.
import * as fs from "node:fs";
import { startEmulator, PmEmulator } from "../test/emulator/server";
import { findPulumiCli } from "../test/e2e/cli";
import { emulatorStack, programOf } from "../test/e2e/program";
import { Declared, linuxMakeCache } from "../test/helpers/jobs";

// A small run of the whole bench (BENCH_SIZES=20, as CI's) measures that many jobs, once.
const SMALL = process.env.BENCH_SIZES ? Math.min(...process.env.BENCH_SIZES.split(",").map(Number)) : undefined;
const N = Number(process.env.BENCH_FACES_N ?? SMALL ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? (SMALL ? 1 : 3));
const PARALLEL = 10;
/** BENCH_FACES=native (or dynamic) measures one face alone, to look into it. */
const FACES = (process.env.BENCH_FACES ?? "dynamic,native").split(",") as ("dynamic" | "native")[];

const declared: Declared[] = Array.from({ length: N }, (_, i) => ({ name: `job-${i}`, args: linuxMakeCache({ name: `Bench job ${i}` }) }));

interface Figures { up: number; preview: number; refresh: number; destroy: number; stateBytesPerJob: number; requestsPerJob: number }

async function timed(op: () => Promise<unknown>): Promise<number> {
    const started = process.hrtime.bigint();
    await op();
    return Number(process.hrtime.bigint() - started) / 1e6;
}

async function once(binDir: string, face: "dynamic" | "native", emulator: PmEmulator, run: number): Promise<Figures> {
    emulator.reset();
    const env = await emulatorStack(binDir, `bench-${face}-${run}`, emulator, programOf(() => declared, face), face);
    try {
        const up = await timed(() => env.stack.up({ parallel: PARALLEL }));
        const requestsPerJob = emulator.requests.filter((r) => r.route !== "auth").length / N;
        const state = await env.stack.exportStack();
        const jobs = (state.deployment.resources as { type: string }[]).filter((r) => r.type.includes("DeploymentJob"));
        const stateBytesPerJob = jobs.reduce((sum, r) => sum + JSON.stringify(r).length, 0) / jobs.length;
        const preview = await timed(() => env.stack.preview({ parallel: PARALLEL, expectNoChanges: true }));
        const refresh = await timed(() => env.stack.refresh({ parallel: PARALLEL }));
        const destroy = await timed(() => env.stack.destroy({ parallel: PARALLEL }));
        return { up, preview, refresh, destroy, stateBytesPerJob, requestsPerJob };
    } finally {
        fs.rmSync(env.workDir, { recursive: true, force: true });
        await env.cleanup();
    }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
    const binDir = findPulumiCli();
    if (!binDir) {
        console.log("bench-faces: no Pulumi CLI (npm run pulumi:install); the two faces were not measured");
        return;
    }
    const emulator = await startEmulator();
    const results: Record<string, Figures[]> = { dynamic: [], native: [] };
    try {
        for (let run = 0; run < RUNS; run++) {
            for (const face of FACES) results[face].push(await once(binDir, face, emulator, run));
        }
    } finally {
        await emulator.close();
    }
    if (FACES.length < 2) {
        console.log(JSON.stringify(results, null, 1));
        return;
    }
    const keys: (keyof Figures)[] = ["up", "preview", "refresh", "destroy", "stateBytesPerJob", "requestsPerJob"];
    const med = (face: string, key: keyof Figures) => median(results[face].map((f) => f[key]));
    const targets: Partial<Record<keyof Figures, number>> = { up: 0.55, preview: 0.55, destroy: 0.55, stateBytesPerJob: 0.3, requestsPerJob: 1 };
    console.log(`\nBoth faces through the real CLI, N = ${N} jobs, parallel ${PARALLEL}, medians of ${RUNS}${N < 200 ? " (the targets are for N = 200: a small run is start-up more than jobs)" : ""}`);
    console.log("| measure | dynamic | native | native/dynamic | target |\n|---|---|---|---|---|");
    for (const key of keys) {
        const [d, n] = [med("dynamic", key), med("native", key)];
        const unit = key.endsWith("PerJob") ? "" : " ms";
        const target = targets[key];
        const verdict = target === undefined ? "" : `${key === "requestsPerJob" ? "=" : "<="} ${target} ${n / d <= target + 1e-9 && (key !== "requestsPerJob" || n === d) ? "met" : "MISSED"}`;
        console.log(`| ${key} | ${d.toFixed(0)}${unit} | ${n.toFixed(0)}${unit} | ${(n / d).toFixed(2)} | ${verdict} |`);
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
