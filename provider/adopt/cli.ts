#!/usr/bin/env node
// `npx qualys-pm-pulumi adopt`: writes a Pulumi program (and on request a `pulumi import` file) for
// the deployment jobs a Qualys PM tenant already holds. Same settings as the provider (environment
// variables; HTTPS_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS as node and provider/core/proxy.ts read them),
// same client, same retry table. The program goes to --out or standard output; progress, skipped
// jobs, errors and the summary go to standard error.
//
// Exit status: 0 every job listed is in the program (but one deleted meanwhile, which is said); 3 the
// program was written but some jobs were skipped (each named on standard error); 1 nothing was written (an error, said on standard error);
// 2 the command line is wrong.
import * as fs from "node:fs";
import * as path from "node:path";
import { AdoptProgress, AdoptResult, collectJobs, Platform, renderImportFile, renderProgram } from "./adopt";
import { serializedProviderCode, writeAll } from "./files";
import { exportStack, ManagedJobs, managedJobsOf, NO_MANAGED_JOBS } from "./managed";
import { Options, parseArgs, USAGE, UsageError } from "./options";
import { PmClient, QualysApiError } from "../core/client";
import { show } from "../core/quote";
import { checkSettings, lines, resolveSettings } from "../core/settings";

export const EXIT = { ok: 0, failed: 1, usage: 2, skipped: 3 } as const;

export interface CliIo {
    stdout: { write(text: string): unknown };
    stderr: { write(text: string): unknown; isTTY?: boolean };
    env: NodeJS.ProcessEnv;
    cwd: string;
}


/** The progress line: rewritten in place on a terminal, else a line per platform listed and per tenth read. */
class Progress {
    private lastTenth = -1;
    private lastDrawn = 0;
    constructor(private readonly io: CliIo, private readonly quiet: boolean) {}

    on(event: AdoptProgress): void {
        if (this.quiet) return;
        if (event.phase === "listed") return this.line(`adopt: listed ${event.count} ${event.platform} job${event.count === 1 ? "" : "s"}`);
        const text = `adopt: read ${event.done}/${event.total} jobs`;
        if (this.io.stderr.isTTY) {
            const now = Date.now();
            if (event.done === event.total || now - this.lastDrawn > 100) {
                this.lastDrawn = now;
                this.io.stderr.write(`\r\x1b[K${text}${event.done === event.total ? "\n" : ""}`);
            }
            return;
        }
        const tenth = Math.floor((event.done * 10) / event.total);
        if (tenth !== this.lastTenth) {
            this.lastTenth = tenth;
            this.line(text);
        }
    }

    line(text: string): void {
        if (!this.quiet) this.io.stderr.write(`${text}\n`);
    }
}

/** Runs the command; resolves to its exit status. Nothing here calls process.exit. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
    const answered = answerWithoutAdopting(argv, io);
    if (answered !== undefined) return answered;
    const options = optionsOrUsage(argv.slice(1), io);
    if (typeof options === "number") return options;
    const progress = new Progress(io, options.quiet);
    const target = clientFromEnvironment(io);
    if (!target) return EXIT.failed;
    return adopt(options, target, progress, io);
}

function say(io: CliIo, text: string): void {
    io.stderr.write(`${text}\n`);
}

/** Help, the version, or a wrong command: the exit status; undefined when the command is adopt. */
function answerWithoutAdopting(argv: string[], io: CliIo): number | undefined {
    if (argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
        io.stdout.write(USAGE);
        return EXIT.ok;
    }
    if (argv[0] === "--version") {
        io.stdout.write(`${require("../../package.json").version}\n`);
        return EXIT.ok;
    }
    if (argv[0] === "adopt") return undefined;
    say(io, argv[0] === undefined ? "qualys-pm-pulumi: name a command: adopt" : `qualys-pm-pulumi: unknown command ${JSON.stringify(argv[0])}; the command is adopt`);
    io.stderr.write(USAGE);
    return EXIT.usage;
}

/** adopt's options, or the exit status when it asked for help or its command line is wrong. */
function optionsOrUsage(args: string[], io: CliIo): Options | number {
    if (args.some((a) => a === "--help" || a === "-h")) {
        io.stdout.write(USAGE);
        return EXIT.ok;
    }
    try {
        return parseArgs(args);
    } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        say(io, `qualys-pm-pulumi adopt: ${error.message}`);
        say(io, "Run qualys-pm-pulumi adopt --help for the options.");
        return EXIT.usage;
    }
}

/** The client, from the environment as the provider reads it; undefined (said) when a setting is wrong. */
function clientFromEnvironment(io: CliIo): { client: PmClient; gateway: string } | undefined {
    try {
        // Only the environment counts here: failures name its variables, not stack config keys.
        const failures = checkSettings({}, io.env, "environment");
        if (failures.length) throw new Error(`Qualys provider settings are incomplete or wrong:\n  ${lines(failures)}`);
        const settings = resolveSettings(() => undefined, io.env);
        return { client: new PmClient(settings), gateway: new URL(settings.gatewayUrl).origin };
    } catch (error) {
        say(io, `qualys-pm-pulumi adopt: ${(error as Error).message}`);
        return undefined;
    }
}

/** Reads the tenant, writes the program (and import file), and says what was done. */
async function adopt(options: Options, target: { client: PmClient; gateway: string }, progress: Progress, io: CliIo): Promise<number> {
    const started = Date.now();
    try {
        // Resolved before any request: a missing @pulumi/pulumi fails fast, not after reading a tenant.
        const providerCode = options.importFile ? await serializedProviderCode() : undefined;
        const managed = await managedJobs(options, io);
        const result = await collectJobs(target.client, {
            platforms: options.platforms,
            name: options.name,
            nameRegex: options.nameRegex,
            managed,
            concurrency: options.concurrency,
            onProgress: (event) => progress.on(event),
        });
        for (const m of result.managed) progress.line(`adopt: left out ${m.platform} job ${m.id} ${show(m.name, 80)}: ${m.reason}`);
        for (const s of result.skipped) say(io, `adopt: skipped ${s.platform} job ${s.id} ${show(s.name, 80)}: ${s.reason}`);
        for (const v of result.vanished) say(io, `adopt: not adopted: ${v.platform} job ${v.id} ${show(v.name, 80)} was ${v.reason}`);
        writeOutputs(options, result, target.gateway, providerCode, io);
        const written = [options.out ?? "standard output", ...(options.importFile ? [`import file ${options.importFile}`] : [])];
        progress.line(`adopt: wrote ${result.jobs.length} job${result.jobs.length === 1 ? "" : "s"} to ${written.join(" and ")}`);
        say(io, summaryOf(result, options.platforms, Date.now() - started));
        return result.skipped.length ? EXIT.skipped : EXIT.ok;
    } catch (error) {
        say(io, `qualys-pm-pulumi adopt: nothing written: ${(error as Error).message}`);
        const advice = nextStepFor(error, options.concurrency);
        if (advice) say(io, advice);
        return EXIT.failed;
    }
}

/**
 * The jobs the stack already manages: from --stack (pulumi stack export, run here) or --stack-export.
 * Without either, in a project folder, a reminder: the program would declare the stack's own jobs again.
 */
async function managedJobs(options: Options, io: CliIo): Promise<ManagedJobs> {
    if (options.stackExport !== undefined) {
        const file = path.resolve(io.cwd, options.stackExport);
        return managedJobsOf(fs.readFileSync(file, "utf8"), options.stackExport);
    }
    if (options.stack !== undefined) return managedJobsOf(await exportStack(options.stack, io.cwd, io.env), `stack ${options.stack}`);
    if (fs.existsSync(path.join(io.cwd, "Pulumi.yaml"))) {
        say(io, "adopt: this folder holds a Pulumi project: give --stack <name> (or --stack-export <file>) to leave out the jobs that stack already manages");
    }
    return NO_MANAGED_JOBS;
}

/** The program to --out (else standard output) and the import file, the files all or none. */
function writeOutputs(options: Options, result: AdoptResult, gateway: string, providerCode: string | undefined, io: CliIo): void {
    const meta = { gateway, platforms: options.platforms, name: options.name, nameRegex: options.nameRegex?.source, protect: options.protect,
        managedBy: options.stack !== undefined ? `stack ${options.stack}` : options.stackExport };
    const program = renderProgram(result, meta);
    const files: [string, string][] = [];
    if (options.out) files.push([path.resolve(io.cwd, options.out), program]);
    if (options.importFile) files.push([path.resolve(io.cwd, options.importFile), renderImportFile(result.jobs, providerCode!)]);
    writeAll(files);
    if (!options.out) io.stdout.write(program);
}

/** The last line: how many jobs were listed and written, what to look at, and how long it took. */
function summaryOf(result: AdoptResult, platforms: Platform[], elapsedMs: number): string {
    const listed = Object.values(result.listed).reduce((a, b) => a + (b ?? 0), 0);
    const perPlatform = platforms.map((p) => `${p} ${result.listed[p] ?? 0}`).join(", ");
    const keeping = result.jobs.filter((j) => j.kept.length).length;
    const clearing = result.jobs.filter((j) => j.cleared.length).length;
    return (
        `adopt: ${result.jobs.length} of ${listed} jobs listed (${perPlatform}) written` +
        (keeping ? `; ${keeping} keep parts the program does not manage (see their comments)` : "") +
        (clearing ? `; ${clearing} hold values the next update clears (see their comments)` : "") +
        (result.skipped.length ? `; ${result.skipped.length} skipped (named above)` : "") +
        (result.vanished.length ? `; ${result.vanished.length} deleted meanwhile` : "") +
        (result.managed.length ? `; ${result.managed.length} left out (the stack manages them)` : "") +
        `; ${(elapsedMs / 1000).toFixed(1)} s`
    );
}


/** What to do, for the failures a user meets first. The client's message already says what failed. */
function nextStepFor(error: unknown, concurrency: number): string | undefined {
    if (!(error instanceof QualysApiError)) return undefined;
    // 401 and 403: the client's message carries the advice (errors.ts adviceFor), the provider's too.
    if (error.status === 429) return `Rate limited by Qualys (already waited and retried): try again later, or with a lower --concurrency (now ${concurrency}).`;
    if (error.status === undefined) return "No answer: check QUALYS_GATEWAY_URL (the API gateway of your platform), HTTPS_PROXY / NO_PROXY, and NODE_EXTRA_CA_CERTS for a private CA.";
    if (error.status >= 300 && error.status < 400) return "Check QUALYS_GATEWAY_URL: it must be the API gateway of your platform, such as https://gateway.qg2.apps.qualys.com.";
    if (error.status === 404 && error.detail.errorCode === undefined) return "Not the PM API's answer: check QUALYS_GATEWAY_URL (the API gateway, not the Qualys UI's address).";
    return undefined;
}


function processIo(): CliIo {
    return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Exits once standard output and error have taken everything written (a pipe takes it asynchronously). */
function exitAfterFlush(status: number): void {
    let pending = 2;
    const done = () => --pending === 0 && process.exit(status);
    process.stdout.write("", done);
    process.stderr.write("", done);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(exitAfterFlush, (error) => {
        process.stderr.write(`qualys-pm-pulumi: ${(error as Error)?.stack ?? error}\n`);
        exitAfterFlush(EXIT.failed);
    });
}
