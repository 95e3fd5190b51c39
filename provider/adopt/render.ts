// The program `adopt` writes (one `new DeploymentJob` per job, with comments saying what Qualys
// reports of it), and the `pulumi import --file` file.
import { INPUT_KEYS } from "../core/diff";
import { isRunOnce } from "../core/diff";
import { DeploymentJobInputs, serverFacts } from "../core/payload";
import { reportOf, shortText } from "./report";
import type { AdoptedJob, AdoptResult, Platform } from "./types";
import { RESOURCE_TYPE } from "./types";

export interface ProgramMeta {
    /** Where the jobs were read, e.g. https://gateway.qg2.apps.qualys.com (no credentials). */
    gateway: string;
    platforms: Platform[];
    name?: string;
    nameRegex?: string;
    /** Whether every resource is written with protect: true. Default true. */
    protect?: boolean;
    /** Where the jobs the stack manages were read (`stack dev`, a file), when they were left out. */
    managedBy?: string;
}

/** The TypeScript program: one `new DeploymentJob` per job, with a comment saying what Qualys reports of it. */
export function renderProgram(result: AdoptResult, meta: ProgramMeta): string {
    const filters = [meta.name ? `name filter ${JSON.stringify(shortText(meta.name))}` : "", meta.nameRegex ? `names matching /${shortText(meta.nameRegex)}/` : ""].filter(Boolean);
    const lines = [
        `// Qualys Patch Management deployment jobs of ${shortText(meta.gateway)} (${meta.platforms.join(" and ")}${filters.length ? `; ${filters.join(", ")}` : ""}),`,
        "// written by `qualys-pm-pulumi adopt`. Each DeploymentJob adopts its job (adoptJobId): the first `pulumi up`",
        "// reads it and writes nothing to Qualys; adoptJobId may be removed afterwards. The same jobs give the same",
        "// resource names on every run.",
    ];
    if (meta.protect !== false) {
        lines.push(
            "// Each is protected (protect: true), as `pulumi import` protects what it imports: `pulumi destroy` refuses to",
            "// delete a job made outside the stack until the program drops protect and an update records that.",
        );
    }
    if (meta.managedBy !== undefined) {
        const count = result.managed.length;
        lines.push(`// Left out: ${count} job${count === 1 ? "" : "s"} ${shortText(meta.managedBy)} already manages${count ? " (the command named each one)" : ""}; their resource names are not reused.`);
    }
    if (result.skipped.length) {
        lines.push(`// Not here: ${result.skipped.length} job${result.skipped.length > 1 ? "s" : ""} the provider cannot represent (the command named each one on standard error).`);
    }
    if (!result.jobs.length) return [...lines, "// No job matched.", "export {};", ""].join("\n");
    lines.push('import { DeploymentJob } from "qualys-pm-pulumi";', "");
    for (const job of result.jobs) {
        lines.push(`// Job ${job.id}: Qualys reports ${reportOf(job.job, job.row)}.`);
        if (job.inputs.status === "Enabled" && isRunOnce(job.inputs)) {
            lines.push(`// Qualys locks this enabled ${job.inputs.scheduleType} job: it cannot be edited or disabled any more.`);
        }
        if (job.kept.length) lines.push(`// Kept as Qualys holds it, not managed here (every update writes it back unchanged): ${job.kept.join("; ")}.`);
        if (job.cleared.length) lines.push(`// Held by Qualys but not expressible here, so the next update clears it: ${job.cleared.join("; ")}.`);
        const args = { ...orderedInputs(job.args), adoptJobId: job.id };
        // Always one input a line at the top: a review then shows each input's change on its own line.
        const options = meta.protect === false ? "" : ", { protect: true }";
        lines.push(`new DeploymentJob(${tsString(job.resourceName)}, ${renderValue(args, 0, WIDTH)}${options});`, "");
    }
    return lines.join("\n");
}

/** Top-level inputs in the schema's order. */
function orderedInputs(inputs: DeploymentJobInputs): Record<string, unknown> {
    const record = inputs as unknown as Record<string, unknown>;
    const keys = [...INPUT_KEYS.filter((k) => k in record), ...Object.keys(record).filter((k) => !(INPUT_KEYS as string[]).includes(k))];
    return Object.fromEntries(keys.filter((k) => record[k] !== undefined && k !== "adoptJobId").map((k) => [k, record[k]]));
}

const WIDTH = 120;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A string as a TypeScript literal. Beyond JSON's escapes, every invisible, format, private-use or
 * line-breaking character is escaped, so the program reads in a review as it reads to the compiler.
 */
export function tsString(value: string): string {
    return JSON.stringify(value).replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (ch) => {
        const code = ch.codePointAt(0)!;
        return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
    });
}

/** `value` as code at `indent` spaces, after `lead` characters on its first line (a key); broken over lines when too wide. */
function renderValue(value: unknown, indent: number, lead = 0): string {
    const inline = renderInline(value);
    if (indent + lead + inline.length <= WIDTH || value === null || typeof value !== "object") return inline;
    const pad = " ".repeat(indent + 4);
    const entries = Array.isArray(value)
        ? value.map((item) => `${pad}${renderValue(item, indent + 4)},`)
        : Object.entries(value as object).map(([k, v]) => {
              const key = IDENTIFIER.test(k) ? k : tsString(k);
              return `${pad}${key}: ${renderValue(v, indent + 4, key.length + 2)},`;
          });
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    return `${open}\n${entries.join("\n")}\n${" ".repeat(indent)}${close}`;
}

function renderInline(value: unknown): string {
    if (typeof value === "string") return tsString(value);
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    if (value === null || value === undefined) return "undefined";
    if (Array.isArray(value)) return `[${value.map(renderInline).join(", ")}]`;
    const entries = Object.entries(value as object).map(([k, v]) => `${IDENTIFIER.test(k) ? k : tsString(k)}: ${renderInline(v)}`);
    return entries.length ? `{ ${entries.join(", ")} }` : "{}";
}

// ---- the import file ------------------------------------------------------------------------------

/**
 * A `pulumi import --file` file: each job's inputs and outputs as the engine records them after an
 * adoption, with the resource's serialized provider (`__provider`, which the dynamic provider needs
 * to run at all). A CLI that takes `outputs` (pulumi/pulumi#23984) records them without calling the
 * provider's Read, the call that cannot reach a dynamic provider (pulumi/pulumi#16175).
 */
export function renderImportFile(jobs: AdoptedJob[], providerCode: string): string {
    const resources = jobs.map((job) => ({
        type: RESOURCE_TYPE,
        name: job.resourceName,
        id: job.id,
        // The inputs as the program writes them (the import runs the provider's check on them); the
        // outputs as an adoption records them (canonical inputs and what Qualys reports).
        inputs: { ...(job.args as unknown as Record<string, unknown>), __provider: providerCode },
        outputs: { ...(job.inputs as unknown as Record<string, unknown>), ...serverFacts(job.job), __provider: providerCode },
    }));
    return `${JSON.stringify({ resources }, null, 2)}\n`;
}
