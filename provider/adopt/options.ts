// The command line of `qualys-pm-pulumi adopt`: its help text, and its options parsed and checked.
import { parseArgs as parseCommandLine } from "node:util";
import { Platform, PLATFORMS } from "./types";

export const USAGE = `Usage: qualys-pm-pulumi adopt [options]

Writes a Pulumi TypeScript program with one DeploymentJob per deployment job the Qualys PM
tenant holds, each adopting its job (adoptJobId): \`pulumi up\` then records them, writing nothing.
Every resource is written with protect: true, as \`pulumi import\` does: \`pulumi destroy\` then
refuses to delete a job made outside the stack until the program says otherwise.

Options:
  --platform <Linux|Windows|all>  platforms to adopt; repeat or separate with commas (default: all)
  --name <text>                   only jobs the PM API's name filter (name:"<text>") selects
  --name-regex <regex>            only jobs whose name matches this JavaScript regular expression
  --stack <name>                  leave out the jobs this stack already manages: runs
                                  \`pulumi stack export --stack <name>\` in the current folder (the project)
  --stack-export <file>           the same, from a file: \`pulumi stack export\`'s output, or a
                                  file backend's state file (.pulumi/stacks/<project>/<stack>.json)
  --no-protect                    write the resources without protect: true (import them then with
                                  pulumi import --protect=false)
  --out <file>                    write the program to <file> (default: standard output)
  --import-file <file>            also write a file for \`pulumi import --file <file>\` (needs @pulumi/pulumi;
                                  pulumi import protects what it imports unless --protect=false)
  --concurrency <n>               jobs read at once, 1 to 32 (default 8)
  --quiet                         no progress lines (skipped jobs, errors and the summary still shown)
  -h, --help                      this text
  --version                       the package's version

The stack's own jobs are left out of the program, and their resource names are not reused: the
program can sit next to the stack's code. A job of the same name and platform as one the stack
manages is skipped (a program holds one DeploymentJob per job name and platform), and named.

Settings, as the provider reads them: QUALYS_GATEWAY_URL, QUALYS_USERNAME, QUALYS_PASSWORD
(required), QUALYS_REQUEST_TIMEOUT_MS, QUALYS_MAX_RETRIES, QUALYS_ADAPTIVE_PACING,
QUALYS_MAX_RESPONSE_BYTES, QUALYS_INSECURE_ALLOW_HTTP_GATEWAY; HTTPS_PROXY, NO_PROXY and
NODE_EXTRA_CA_CERTS for a proxy or a private CA.

Exit status: 0 all jobs written; 3 written, but some jobs skipped (named on standard error);
1 error, nothing written; 2 wrong command line.
`;

export class UsageError extends Error {}

export interface Options {
    platforms: Platform[];
    name?: string;
    nameRegex?: RegExp;
    out?: string;
    importFile?: string;
    /** The stack whose jobs are left out (`pulumi stack export --stack <name>`). */
    stack?: string;
    /** A stack export or state file whose jobs are left out. */
    stackExport?: string;
    /** Whether each resource is written with protect: true. Default true. */
    protect: boolean;
    concurrency: number;
    quiet: boolean;
}

/** The options `adopt` takes, for node:util's parser. */
const OPTION_TYPES = {
    platform: { type: "string" },
    name: { type: "string" },
    "name-regex": { type: "string" },
    stack: { type: "string" },
    "stack-export": { type: "string" },
    out: { type: "string" },
    "import-file": { type: "string" },
    concurrency: { type: "string" },
    quiet: { type: "boolean" },
    "no-protect": { type: "boolean" },
} as const;

type FlagOption = "quiet" | "no-protect";
type ValueOption = Exclude<keyof typeof OPTION_TYPES, FlagOption>;

const FLAGS: Record<FlagOption, (options: Options) => void> = {
    quiet: (options) => (options.quiet = true),
    "no-protect": (options) => (options.protect = false),
};

/** How each option's value goes into the options, checked. */
const SETTERS: Record<ValueOption, (options: Options, value: string) => void> = {
    platform: addPlatforms,
    name: (options, value) => (options.name = value),
    "name-regex": (options, value) => {
        try {
            options.nameRegex = new RegExp(value, "u");
        } catch (error) {
            throw new UsageError(`--name-regex: ${(error as Error).message}`);
        }
    },
    stack: (options, value) => (options.stack = value),
    "stack-export": (options, value) => (options.stackExport = value),
    out: (options, value) => (options.out = value),
    "import-file": (options, value) => (options.importFile = value),
    concurrency: (options, value) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 32) throw new UsageError("--concurrency takes a whole number from 1 to 32");
        options.concurrency = n;
    },
};

/**
 * The command line after `adopt`. node:util splits it (`--out=x` and `--out x` alike); its lenient
 * mode hands every argument over as a token, so the messages stay this command's own, and the first
 * wrong argument is the one named.
 */
export function parseArgs(args: string[]): Options {
    const options: Options = { platforms: [], protect: true, concurrency: 8, quiet: false };
    const { tokens } = parseCommandLine({ args, options: OPTION_TYPES, strict: false, allowPositionals: true, tokens: true });
    for (const token of tokens) {
        // A positional argument, a `--`, or an option not in the table.
        if (token.kind !== "option" || !Object.hasOwn(OPTION_TYPES, token.name)) throw new UsageError(`unknown option ${JSON.stringify(args[token.index])}`);
        if (Object.hasOwn(FLAGS, token.name)) {
            FLAGS[token.name as FlagOption](options);
            continue;
        }
        // `--out --quiet` took the next option for the value: a value is missing, not "--quiet".
        if (token.value === undefined || (!token.inlineValue && token.value.startsWith("--"))) throw new UsageError(`${token.rawName} needs a value`);
        SETTERS[token.name as ValueOption](options, token.value);
    }
    if (options.stack !== undefined && options.stackExport !== undefined) throw new UsageError("--stack and --stack-export name the same thing: give one");
    if (!options.platforms.length) options.platforms = [...PLATFORMS];
    // Linux before Windows whatever the order given: the program's order does not depend on the command line.
    options.platforms.sort((a, b) => PLATFORMS.indexOf(a) - PLATFORMS.indexOf(b));
    return options;
}

/** `--platform Linux,windows` or `all`, case aside; repeated, the platforms add up. */
function addPlatforms(options: Options, value: string): void {
    for (const word of value.split(",").map((w) => w.trim().toLowerCase()).filter(Boolean)) {
        const chosen = word === "all" ? PLATFORMS : PLATFORMS.filter((p) => p.toLowerCase() === word);
        if (!chosen.length) throw new UsageError(`--platform takes Linux, Windows or all, not ${JSON.stringify(word)}`);
        for (const p of chosen) if (!options.platforms.includes(p)) options.platforms.push(p);
    }
}
