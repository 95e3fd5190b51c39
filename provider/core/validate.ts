// Validation of DeploymentJob inputs against schema/deployment-job.schema.json, and of the provider
// settings, with ajv's errors translated into Pulumi CheckFailures: { property: "a.b[2]", reason:
// "must be ... (got x)" }. Pure: no HTTP, no Pulumi runtime. The rooms: validators.ts (the Ajv and
// what it compiles), bounded.ts (hostile input: the work bounded by the schema, not the input),
// wording.ts (every reason). Here: at most MAX_FAILURES failures, each at its most specific path,
// values still unknown at preview skipped.
import type { ErrorObject } from "ajv";
import { LIST_CHECKS, MAX_FAILURES } from "./bounded";
import { jobValidators, settingsValidator } from "./validators";
import { UNKNOWN } from "./unknown";
import { joinPath, pointerSegments, reasonFor, safeSegment, unknownKeys } from "./wording";

export { MAX_FAILURES } from "./bounded";
export { QUALYS_DATETIME } from "./validators";

export interface CheckFailure {
    /** The most specific property path, e.g. `reattemptFailedPatches.noOfReattempts` or `assetIds[2]`. */
    property: string;
    /** The rule broken, with the allowed values and the value given. */
    reason: string;
}

export { UNKNOWN };

/** Validates DeploymentJob inputs; values still unknown at preview are skipped, as their rules cannot be judged yet. */
export function validateJobInputs(inputs: Record<string, unknown>): CheckFailure[] {
    const { validate } = jobValidators();
    if (validate(inputs)) return [];
    return toFailures(validate.errors ?? [], "DeploymentJob", inputs);
}

/**
 * Validates the provider settings (gateway URL, username, password, limits), typed as settings.ts
 * reads them. A secret (writeOnly in the schema: the password) is never quoted.
 */
export function validateSettings(settings: Record<string, unknown>): CheckFailure[] {
    const validate = settingsValidator();
    return validate(settings) ? [] : toFailures(validate.errors ?? [], "qualys provider settings", settings);
}

/**
 * ajv's errors as failures, in ajv's order, at most MAX_FAILURES of them and then one
 * "…and N more" (the engine prints a failure without a property as a problem of the resource).
 * Each error costs O(depth of its path); no value is walked or quoted beyond SHOWN characters.
 */
function toFailures(errors: ErrorObject[], what: string, root: unknown): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const seen = new Set<string>();
    let more = 0;
    let atLeast = false;
    const add = (error: ErrorObject, inner: ErrorObject) => {
        // "if" only says that a "then" or "else" failed; that failure itself is reported.
        if (error.keyword === "if") return;
        const segments = propertySegments(inner);
        if (isUnknownAt(root, segments)) return;
        if (failures.length >= MAX_FAILURES) {
            more++;
            return;
        }
        const failure = { property: joinPath(segments.map(safeSegment)), reason: reasonFor(error, inner, what) };
        const key = `${failure.property}\u0000${failure.reason}`;
        if (!seen.has(key)) {
            seen.add(key);
            failures.push(failure);
        }
    };
    for (const error of errors) {
        const inner = innerError(error);
        const items = invalidItems(inner);
        if (!items) add(error, inner);
        else {
            atLeast ||= items.cut;
            for (const e of items.errors) add(e, innerError(e));
        }
    }
    if (more) failures.push({ property: "", reason: `…and ${atLeast ? "at least " : ""}${more} more failure${more === 1 ? "" : "s"}` });
    return failures;
}

/** A rule with its own phrase (ajv-errors) wraps the error it replaces, which has the path and the value. */
function innerError(error: ErrorObject): ErrorObject {
    return error.keyword === "errorMessage" ? ((error.params as { errors?: ErrorObject[] }).errors?.[0] ?? error) : error;
}

/**
 * For a list's invalid-items failure (see `boundItems`): the errors of its first invalid items, checked
 * one by one, one more than can be reported (`cut` when the list may hold more still).
 */
function invalidItems(error: ErrorObject): { errors: ErrorObject[]; cut: boolean } | undefined {
    if (error.keyword !== "not" || !LIST_CHECKS.has(error.parentSchema as object)) return undefined;
    const check = jobValidators().items.get(error.schemaPath.replace(/\/else\/not$/, ""));
    if (!check) throw new Error(`no item schema for the list at ${error.schemaPath}`);
    const list = error.data as unknown[];
    const errors: ErrorObject[] = [];
    let invalid = 0;
    for (let i = 0; i < list.length; i++) {
        if (check(list[i])) continue;
        errors.push(...(check.errors ?? []).map((e) => rebase(e, `${error.instancePath}/${i}`)));
        if (++invalid > MAX_FAILURES) return { errors, cut: i < list.length - 1 };
    }
    return { errors, cut: false };
}

/** An item's error as an error of the whole input: its paths under the item's. */
function rebase(error: ErrorObject, prefix: string): ErrorObject {
    const params = error.params as { errors?: ErrorObject[] };
    return {
        ...error,
        instancePath: prefix + error.instancePath,
        params: error.keyword === "errorMessage" && params.errors ? { ...params, errors: params.errors.map((e) => rebase(e, prefix)) } : error.params,
    };
}

/** Whether a value on the way to the failing one is still unknown (preview): its rules wait for the value. */
function isUnknownAt(root: unknown, segments: string[]): boolean {
    let value = root;
    for (const segment of segments) {
        if (value === UNKNOWN) return true;
        if (!value || typeof value !== "object" || !Object.prototype.hasOwnProperty.call(value, segment)) return false;
        value = (value as Record<string, unknown>)[segment];
    }
    return value === UNKNOWN;
}

/** The most specific path: ajv reports `required` and `additionalProperties` on the parent object. */
function propertySegments(error: ErrorObject): string[] {
    const params = error.params as Record<string, unknown>;
    const segments = pointerSegments(error.instancePath);
    if (error.keyword === "required" || error.keyword === "dependencies") segments.push(String(params.missingProperty));
    if (error.keyword === "additionalProperties") segments.push(String(params.additionalProperty));
    if (error.keyword === "maxProperties") {
        const first = unknownKeys(error).first;
        if (first !== undefined) segments.push(first);
    }
    return segments;
}
