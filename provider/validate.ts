// Validation of DeploymentJob inputs against schema/deployment-job.schema.json, and the translation of
// ajv's error objects into Pulumi CheckFailures: { property: "a.b[2]", reason: "must be ... (got x)" }.
// Pure: no HTTP, no Pulumi runtime. The schema is compiled once per process, on first use, so that
// nothing compiled is captured when the provider is serialized into state (pulumi/pulumi#5294).
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import addErrors from "ajv-errors";
import addFormats from "ajv-formats";
import jobSchema from "../schema/deployment-job.schema.json";
import settingsSchema from "../schema/provider-settings.schema.json";

export interface CheckFailure {
    /** The most specific property path, e.g. `reattemptFailedPatches.noOfReattempts` or `assetIds[2]`. */
    property: string;
    /** The rule broken, with the allowed values and the value given. */
    reason: string;
}

/** Pulumi's placeholder for a value not known until apply (the Node SDK's `rpc.unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Qualys' date style, `2025-3-19 04:59:17 AM`; month, day and hour may be zero-padded or not. */
export const QUALYS_DATETIME = /^(\d{4})-(0?[1-9]|1[0-2])-(0?[1-9]|[12]\d|3[01]) (0?[1-9]|1[0-2]):([0-5]\d):([0-5]\d) (AM|PM)$/;

function isTimeZone(value: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: value });
        return value.length > 0;
    } catch {
        return false;
    }
}

let compiled: { job: ValidateFunction; settings: ValidateFunction } | undefined;
let compileCount = 0;

/** How many times the schemas were compiled in this process (tests assert it stays 1). */
export function schemaCompileCount(): number {
    return compileCount;
}

function validators() {
    if (!compiled) {
        // allErrors: report every failure at once; verbose: keep the failing value and its schema,
        // which the reasons quote. strictTypes is off because if/then rules name properties
        // without repeating their types.
        const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
        addFormats(ajv, ["uuid", "email", "uri"]);
        ajv.addFormat("qualys-datetime", QUALYS_DATETIME);
        ajv.addFormat("iana-timezone", isTimeZone);
        addErrors(ajv);
        compiled = { job: ajv.compile(jobSchema), settings: ajv.compile(settingsSchema) };
        compileCount++;
    }
    return compiled;
}

/** Validates DeploymentJob inputs; values still unknown at preview are skipped, as their rules cannot be judged yet. */
export function validateJobInputs(inputs: Record<string, unknown>): CheckFailure[] {
    const unknownPaths = findUnknownPaths(inputs);
    const validate = validators().job;
    if (validate(inputs)) return [];
    return toFailures(validate.errors ?? [], "DeploymentJob").filter(
        (f) => !unknownPaths.some((p) => f.property === p || f.property.startsWith(p + ".") || f.property.startsWith(p + "[")),
    );
}

/** Validates the provider settings (gateway URL, username, password); the password is never quoted. */
export function validateSettings(settings: Record<string, unknown>): CheckFailure[] {
    const validate = validators().settings;
    if (validate(settings)) return [];
    return toFailures(validate.errors ?? [], "qualys provider settings").map((f) =>
        f.property === "password" ? { property: f.property, reason: f.reason.replace(/ \(got .*\)$/s, "") } : f,
    );
}

function toFailures(errors: ErrorObject[], what: string): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const seen = new Set<string>();
    for (const error of errors) {
        // "if" only says that a "then" failed; the "then" error itself is reported.
        if (error.keyword === "if") continue;
        const failure = describe(error, what);
        const key = `${failure.property}\u0000${failure.reason}`;
        if (!seen.has(key)) {
            seen.add(key);
            failures.push(failure);
        }
    }
    return failures;
}

function describe(error: ErrorObject, what: string): CheckFailure {
    if (error.keyword === "errorMessage") {
        // A rule with its own message (ajv-errors); the path comes from the error it replaced.
        const inner = (error.params as { errors?: ErrorObject[] }).errors?.[0];
        return { property: inner ? propertyOf(inner) : toPropertyPath(error.instancePath), reason: error.message ?? "is invalid" };
    }
    return { property: propertyOf(error), reason: reasonOf(error, what) };
}

/** The most specific path: ajv reports `required` and `additionalProperties` on the parent object. */
function propertyOf(error: ErrorObject): string {
    const params = error.params as Record<string, unknown>;
    const segments = pointerSegments(error.instancePath);
    if (error.keyword === "required" || error.keyword === "dependencies") segments.push(String(params.missingProperty));
    if (error.keyword === "additionalProperties") segments.push(String(params.additionalProperty));
    return joinPath(segments);
}

function reasonOf(error: ErrorObject, what: string): string {
    const params = error.params as Record<string, any>;
    const schema = (error.parentSchema ?? {}) as Record<string, any>;
    const got = ` (got ${show(error.data)})`;
    switch (error.keyword) {
        case "required":
            return "is required";
        case "dependencies":
            return `is required when ${params.property} is set`;
        case "additionalProperties":
            return `is not a property of ${nameAt(error.instancePath, what)}${suggest(params.additionalProperty, schema.properties)}`;
        case "type":
            return `must be ${article(params.type)}${got}`;
        case "enum":
            return `must be one of ${(params.allowedValues as unknown[]).map(String).join(", ")}${got}`;
        case "const":
            return `must be ${show(params.allowedValue)}${got}`;
        case "minimum":
        case "maximum":
            return typeof schema.minimum === "number" && typeof schema.maximum === "number"
                ? `must be between ${schema.minimum} and ${schema.maximum}${got}`
                : `must be ${error.keyword === "minimum" ? "at least" : "at most"} ${params.limit}${got}`;
        case "minLength":
            return params.limit === 1 ? `must not be empty` : `must be at least ${params.limit} characters long`;
        case "maxLength":
            return `must be at most ${params.limit} characters long (got ${String(error.data).length})`;
        case "minItems":
            return `must have at least ${params.limit} item${params.limit === 1 ? "" : "s"}`;
        case "maxItems":
            return `must have at most ${params.limit} items (got ${(error.data as unknown[]).length})`;
        case "uniqueItems":
            return `must not repeat an item (items ${Math.min(params.i, params.j)} and ${Math.max(params.i, params.j)} are the same)`;
        case "pattern":
            return error.instancePath.endsWith("/name") ? `must not contain control or bidirectional-override characters${got}` : `must match ${params.pattern}${got}`;
        case "format":
            return `must be ${FORMAT_NAMES[params.format] ?? `a valid ${params.format}`}${got}`;
        case "not":
            return `must not be ${show(error.data)}`;
        case "false schema":
            return `is not allowed here${got}`;
        default:
            return `${error.message ?? "is invalid"}${got}`;
    }
}

const FORMAT_NAMES: Record<string, string> = {
    uuid: "a UUID",
    email: "an e-mail address",
    uri: "a URL",
    "qualys-datetime": "a date in Qualys' style, like 2025-3-19 04:59:17 AM",
    "iana-timezone": "an IANA time zone such as UTC or America/New_York",
};

function article(type: string): string {
    return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function show(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function nameAt(instancePath: string, what: string): string {
    return instancePath ? toPropertyPath(instancePath) : what;
}

/** "did you mean" for a misspelt property, e.g. the API's `suppressreboots` for `suppressReboots`. */
function suggest(name: string, properties: Record<string, unknown> | undefined): string {
    if (!properties) return "";
    const lower = name.toLowerCase();
    const match = Object.keys(properties).find((k) => k.toLowerCase() === lower || distance(k.toLowerCase(), lower) <= 2);
    return match ? `; did you mean ${match}?` : "";
}

function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}

function pointerSegments(pointer: string): string[] {
    return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function joinPath(segments: string[]): string {
    return segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), "");
}

function toPropertyPath(pointer: string): string {
    return joinPath(pointerSegments(pointer));
}

function findUnknownPaths(value: unknown, path = ""): string[] {
    if (value === UNKNOWN) return [path];
    if (Array.isArray(value)) return value.flatMap((v, i) => findUnknownPaths(v, `${path}[${i}]`));
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => findUnknownPaths(v, path ? `${path}.${k}` : k));
    }
    return [];
}
