// The canonical form of inputs: two inputs that mean the same job to Qualys have one form. Values
// equal to the server's default, empty strings and lists, and `null` are dropped; each field
// compares as its row in fields.ts says (id sets, weekday order, Qualys dates). Type, status and
// schedule stay, at their defaults too, for reviewers. Values unknown at preview pass through.
// Made once where inputs come in: `check` makes the program's canonical, `read` the server's job
// (payload.fromApiJob), `fromState` what the engine recorded; diffJob, create and update take them as they are.
import jobSchema from "../../schema/deployment-job.schema.json";
import { FIELDS } from "./fields";
import type { DeploymentJobInputs } from "./inputs.generated";

declare const canonical: unique symbol;
/** Inputs in canonical form: made by `canonicalInputs`, `fromApiJob` or `fromState`, or handed back by the engine after check. */
export type CanonicalInputs = DeploymentJobInputs & { readonly [canonical]: true };

/** Every input of a DeploymentJob; anything else in a state's outputs (`__provider`, server facts) is not an input. */
export const INPUT_KEYS = Object.keys(jobSchema.properties) as (keyof DeploymentJobInputs)[];

/** What the server assumes for each input left out (from the field table). */
export const DEFAULTS: Readonly<Record<string, any>> = Object.freeze(Object.assign({}, ...FIELDS.map((row) => row.defaults)));
const SHOWN = FIELDS.flatMap((row) => row.shown);
/** Inputs whose absence means "as Qualys holds it" (fields.ts `keptWhenAbsent`): left out, no change. */
export const KEPT_WHEN_ABSENT: string[] = FIELDS.filter((row) => row.keptWhenAbsent).flatMap((row) => row.inputs);
const COMPARE = FIELDS.flatMap((row) => Object.entries(row.compare));
/** Inputs of the resource that are not job fields. */
const RESOURCE_INPUTS_COMPARE: [string, (value: unknown) => unknown][] = [["adoptJobId", (id) => (typeof id === "string" ? id.toLowerCase() : id)]];

export function canonicalInputs(inputs: Partial<DeploymentJobInputs>): CanonicalInputs {
    const out = (prune(inputs, DEFAULTS) ?? {}) as Record<string, unknown>;
    for (const [input, compare] of [...COMPARE, ...RESOURCE_INPUTS_COMPARE]) {
        if (out[input] === undefined) continue;
        const value = compare(out[input], out);
        if (value === undefined) delete out[input];
        else out[input] = value;
    }
    for (const input of SHOWN) out[input] ??= DEFAULTS[input];
    return out as unknown as CanonicalInputs;
}

/** The inputs among a resource's recorded properties. */
export function pickInputs(props: object): Partial<DeploymentJobInputs> {
    const record = props as Record<string, unknown>;
    return Object.fromEntries(INPUT_KEYS.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
}

/** New inputs as the engine hands them to diff, create and update: check (or read) made them canonical. */
export function asCanonical(news: object): CanonicalInputs {
    return pickInputs(news) as CanonicalInputs;
}

/**
 * Inputs the engine recorded (old inputs or outputs), made canonical as they come in: the engine may
 * have recorded them without this provider's check (`pulumi import --file` records the file's inputs
 * as given, and refresh hands those to diff), or a release with another canonical form wrote them.
 */
export function fromState(props: object): CanonicalInputs {
    return canonicalInputs(pickInputs(props));
}

/**
 * `value` without what means nothing to Qualys: null, "", empty lists and objects, and each value
 * equal to its row's default (`false` only where the default is false: a boolean Qualys defaults to
 * true keeps a declared false).
 */
export function prune(value: unknown, defaults: unknown): unknown {
    if (value === null || value === undefined || value === "") return undefined;
    if (Array.isArray(value)) {
        const items = value.map((v) => (v && typeof v === "object" ? prune(v, undefined) : v)).filter((v) => v !== undefined);
        return items.length ? items : undefined;
    }
    if (typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as object)) {
        const d = defaults && typeof defaults === "object" ? (defaults as Record<string, unknown>)[key] : undefined;
        if (d !== undefined && typeof d !== "object" && v === d && !(SHOWN as string[]).includes(key)) continue;
        const pruned = prune(v, d);
        if (pruned !== undefined) out[key] = pruned;
    }
    return Object.keys(out).length ? out : undefined;
}
