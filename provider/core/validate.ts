// Validation of DeploymentJob inputs against schema/deployment-job.schema.json, and the translation of
// ajv's error objects into Pulumi CheckFailures: { property: "a.b[2]", reason: "must be ... (got x)" }.
// Pure: no HTTP, no Pulumi runtime. The schema is compiled once per process, on first use, so that
// nothing compiled is captured when the provider is serialized into state (pulumi/pulumi#5294).
// Hostile input (issue 17): the work of a check is bounded by the schema's limits, not by the input
// (`bounded`), at most MAX_FAILURES failures are returned, and a reason quotes at most SHOWN
// characters of a value, its invisible characters escaped (`show`).
//
// One source of reasons: every reason is written here, by `reasonFor` from the WORDING table (a phrase
// per ajv keyword, then what it quotes of the value given). A schema rule whose meaning needs domain
// words ("is only for Linux jobs (platform is Windows)") states them in its errorMessage, which
// ajv-errors attaches to the failing property; that phrase replaces the keyword's, and the value given
// is still quoted here, as for every rule. The schema holds facts, not values: ajv-errors' `${...}`
// templates would quote a 1 MB value whole and NaN as null, so `bounded` refuses them.
import Ajv, { ErrorObject, SchemaValidateFunction, ValidateFunction } from "ajv";
import addErrors from "ajv-errors";
import addFormats from "ajv-formats";
import { distance } from "fastest-levenshtein";
import jobSchema from "../../schema/deployment-job.schema.json";
import settingsSchema from "../../schema/provider-settings.schema.json";
import { escapeUnsafe, quotePrefix, show, SHOWN } from "./quote";

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

/** At most this many failures are returned, then one "…and N more". */
export const MAX_FAILURES = 20;

let shared: Ajv | undefined;
let job: { validate: ValidateFunction; items: Map<string, ValidateFunction> } | undefined;
let settings: ValidateFunction | undefined;

/** The one Ajv, with this module's formats and keywords, that compiles both schemas. */
function sharedAjv(): Ajv {
    if (!shared) {
        // allErrors: report every failure at once (ajv-errors needs it too); verbose: keep the failing
        // value and its schema, which the reasons quote. strictTypes is off because if/then rules name
        // properties without repeating their types. No coerceTypes: settings.ts types the settings
        // (ajv's coercion takes "Infinity" and "1e400" for integers within bounds).
        shared = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
        addFormats(shared, ["email", "uri"]);
        // ajv-formats' uuid also takes a `urn:uuid:` prefix; Qualys ids are bare.
        shared.addFormat("uuid", /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/);
        shared.addFormat("qualys-datetime", QUALYS_DATETIME);
        shared.addFormat("iana-timezone", isTimeZone);
        shared.removeKeyword("maxLength");
        shared.addKeyword({ keyword: "maxLength", type: "string", schemaType: "number", errors: true, validate: maxLength });
        shared.addKeyword({ keyword: "uniqueIgnoringCase", type: "array", schemaType: "boolean", errors: true, validate: uniqueIgnoringCase });
        addErrors(shared);
    }
    return shared;
}

/** The job schema, compiled on first use; with the item schema of each list, for `invalidItems`. */
function jobValidators() {
    if (!job) {
        const ajv = sharedAjv();
        const schema = bounded(jobSchema) as object;
        job = { validate: ajv.compile(schema), items: new Map() };
        // The item schemas of the lists: taken from the compiled job schema (so that their $refs
        // resolve), once per distinct schema (the seven id lists share one).
        const byContent = new Map<string, ValidateFunction>();
        for (const [pointer, item] of listItems(schema)) {
            const content = JSON.stringify(item);
            if (!byContent.has(content)) byContent.set(content, ajv.getSchema(`${jobSchema.$id}${pointer}/if/items`)!);
            job.items.set(pointer, byContent.get(content)!);
        }
    }
    return job;
}

/** The settings schema, compiled on first use. */
function settingsValidator(): ValidateFunction {
    settings ??= sharedAjv().compile(settingsSchema);
    return settings;
}

/**
 * maxLength as JSON Schema counts it, in characters (code points), without counting a 1 MB string one
 * by one as ajv's does: a string is short enough when its UTF-16 length is, and too long when that is
 * over twice the limit (a character is one or two UTF-16 units); only in between are characters counted.
 */
const maxLength: SchemaValidateFunction = (limit: number, data: string) => {
    if (data.length <= limit || (data.length <= 2 * limit && characters(data) <= limit)) return true;
    maxLength.errors = [{ keyword: "maxLength", params: { limit } }];
    return false;
};

/**
 * uniqueItems for ids, which Qualys compares ignoring case: the first two items that are the same
 * or differ only in case. Runs on lists of valid items within their maxItems (see `bounded`), in one pass.
 */
const uniqueIgnoringCase: SchemaValidateFunction = (enabled: boolean, data: unknown[]) => {
    const seen = new Map<string, number>();
    for (let j = 0; enabled && j < data.length; j++) {
        const key = typeof data[j] === "string" ? (data[j] as string).toLowerCase() : JSON.stringify(data[j]);
        const i = seen.get(key);
        if (i === undefined) seen.set(key, j);
        else {
            uniqueIgnoringCase.errors = [{ keyword: "uniqueIgnoringCase", params: { i, j, first: data[i], second: data[j] } }];
            return false;
        }
    }
    return true;
};

/** The keywords that bound a value's size: each is checked without looking inside the value. */
const SIZE_KEYWORDS = ["maxItems", "maxLength", "maxProperties"];
const SUBSCHEMA = ["items", "additionalProperties", "if", "then", "else", "not", "contains", "propertyNames"];
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf"];
const SUBSCHEMA_MAPS = ["properties", "definitions", "patternProperties"];
const KEPT_OUTSIDE = new Set(["type", ...SIZE_KEYWORDS, "$schema", "$id", "$comment", "title", "description", "default", "definitions"]);

/**
 * The schema as compiled, made cheap on hostile input (issue 17): with allErrors, ajv would check
 * every item of a 30,000-item list and every key of an object with thousands of unknown keys, and
 * report each. So each value's size keywords are checked first and its other keywords only when the
 * size is within bounds (`{type, maxItems, if: {maxItems}, then: {items, ...}}`); the work is then
 * bounded by the schema's limits, not by the input. An object that forbids unknown properties gets
 * maxProperties: its declared properties plus MAX_FAILURES.
 */
function bounded(schema: unknown): unknown {
    if (!schema || typeof schema !== "object" || Array.isArray(schema)) return schema;
    const node: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
    for (const key of SUBSCHEMA) if (key in node) node[key] = bounded(node[key]);
    for (const key of SUBSCHEMA_LISTS) if (Array.isArray(node[key])) node[key] = (node[key] as unknown[]).map(bounded);
    for (const key of SUBSCHEMA_MAPS) {
        if (node[key]) node[key] = Object.fromEntries(Object.entries(node[key] as object).map(([k, v]) => [k, bounded(v)]));
    }
    if (JSON.stringify(node.errorMessage ?? "").includes("${")) throw new Error("errorMessage: state the rule; the value given is quoted by validate.ts");
    if (node.additionalProperties === false && node.properties && node.maxProperties === undefined) {
        node.maxProperties = Object.keys(node.properties).length + MAX_FAILURES;
    }
    if (node.items && typeof node.items === "object" && !Array.isArray(node.items)) boundItems(node);
    const sizes = SIZE_KEYWORDS.filter((k) => k in node);
    const rest = Object.keys(node).filter((k) => !KEPT_OUTSIDE.has(k));
    if (!sizes.length || !rest.length) return node;
    const outside = Object.fromEntries(Object.entries(node).filter(([k]) => KEPT_OUTSIDE.has(k)));
    return {
        ...outside,
        if: Object.fromEntries(sizes.map((k) => [k, node[k]])),
        then: Object.fromEntries(rest.map((k) => [k, node[k]])),
    };
}

/** The `else` of each list made by `boundItems`: its one failure stands for the list's invalid items. */
const LIST_CHECKS = new WeakSet<object>();

/**
 * A list's items, checked one by one while all are valid (an `if` stops at the first invalid one and
 * records nothing), then whether they repeat; else one failure for the list, which `invalidItems`
 * turns into the failures of its first invalid items. ajv would record a failure for every invalid
 * item of a 10,000-item list, and uniqueItems compare all pairs of items that have no scalar type.
 */
function boundItems(node: Record<string, unknown>): void {
    if ("if" in node) throw new Error("bounded: a list schema with its own if/then is not supported");
    const item = node.items as Record<string, unknown>;
    // uniqueIgnoringCase finds exact repeats too: one pass instead of two.
    const unique = node.uniqueIgnoringCase ? { uniqueIgnoringCase: true } : node.uniqueItems ? { uniqueItems: true } : undefined;
    for (const key of ["items", "uniqueItems", "uniqueIgnoringCase"]) delete node[key];
    node.if = { items: item };
    // uniqueItems compares in one pass when its sibling `items` gives a scalar type, else pair by pair.
    if (unique) node.then = { ...(unique.uniqueItems && item.type ? { items: { type: item.type } } : {}), ...unique };
    // The `if` failed: some item is invalid. One failure, at no cost; `invalidItems` finds the items.
    node.else = { not: {} };
    LIST_CHECKS.add(node.else as object);
}

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

/** The lists made by `boundItems` in a schema: the JSON pointer of each, and its item schema. */
function listItems(schema: unknown, pointer = "#"): [string, unknown][] {
    if (!schema || typeof schema !== "object") return [];
    const node = schema as Record<string, any>;
    const here: [string, unknown][] = node.else && LIST_CHECKS.has(node.else) ? [[pointer, node.if.items]] : [];
    return here.concat(Object.entries(node).flatMap(([k, v]) => listItems(v, `${pointer}/${k}`)));
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

/** The keys of an object that its schema does not declare: the first one, and how many (once per error). */
const unknownKeysOf = new WeakMap<ErrorObject, { first?: string; count: number }>();

function unknownKeys(error: ErrorObject): { first?: string; count: number } {
    let found = unknownKeysOf.get(error);
    if (!found) {
        const then = ((error.parentSchema ?? {}) as { then?: { properties?: object; additionalProperties?: unknown } }).then;
        const declared = then?.additionalProperties === false ? (then.properties ?? {}) : undefined;
        const keys = declared ? Object.keys(error.data as object).filter((k) => !Object.prototype.hasOwnProperty.call(declared, k)) : [];
        found = { first: keys[0], count: keys.length };
        unknownKeysOf.set(error, found);
    }
    return found;
}

/**
 * The reason for one failure, from the WORDING table: the rule's phrase (the schema's own errorMessage
 * where it has one, else the keyword's), then what the rule quotes of the value given, in parentheses:
 * `must be between 1 and 5 (got 7)`, `must not contain ... (U+0007 at index 3)`. The value of a
 * writeOnly property (the password) is never quoted.
 */
function reasonFor(error: ErrorObject, inner: ErrorObject, what: string): string {
    const wording = WORDING[inner.keyword] ?? ANY_OTHER;
    const phrase = error.keyword === "errorMessage" && error.message ? error.message : wording.phrase(inner, what);
    const secret = (inner.parentSchema as { writeOnly?: boolean } | undefined)?.writeOnly === true;
    const given = secret ? undefined : wording.given?.(inner);
    return given ? `${phrase} (${given})` : phrase;
}

interface Wording {
    /** The rule, in words, with its limits or allowed values. */
    phrase: (error: ErrorObject, what: string) => string;
    /** What of the value given the reason shows, when the phrase does not: `got 7`. */
    given?: (error: ErrorObject) => string | undefined;
}

type Params = Record<string, any>;
const params = (error: ErrorObject) => error.params as Params;
const got = (error: ErrorObject) => `got ${show(error.data)}`;
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

const ANY_OTHER: Wording = { phrase: (e) => e.message ?? "is invalid", given: got };

/** The words of each ajv keyword (and of this module's own keywords) that the schemas use. */
const WORDING: Record<string, Wording> = {
    required: { phrase: () => "is required" },
    dependencies: { phrase: (e) => `is required when ${params(e).property} is set` },
    additionalProperties: { phrase: (e, what) => `is not a property of ${nameAt(e.instancePath, what)}${suggest(params(e).additionalProperty, schemaOf(e).properties)}` },
    maxProperties: { phrase: tooManyProperties, given: (e) => (unknownKeys(e).first === undefined ? `got ${Object.keys(e.data as object).length}` : undefined) },
    type: { phrase: (e) => `must be ${article(params(e).type)}`, given: got },
    enum: { phrase: (e) => `must be one of ${(params(e).allowedValues as unknown[]).map(String).join(", ")}`, given: got },
    const: { phrase: (e) => `must be ${show(params(e).allowedValue)}`, given: got },
    minimum: { phrase: range, given: got },
    maximum: { phrase: range, given: got },
    minLength: { phrase: (e) => (params(e).limit === 1 ? "must not be empty" : `must be at least ${params(e).limit} characters long`) },
    // Characters are counted up to a bound; beyond it, the UTF-16 length says enough.
    maxLength: { phrase: (e) => `must be at most ${params(e).limit} characters long`, given: (e) => `got ${lengthOf(String(e.data), 4 * params(e).limit)}` },
    minItems: { phrase: (e) => `must have at least ${plural(params(e).limit, "item")}` },
    maxItems: { phrase: (e) => `must have at most ${params(e).limit} items`, given: (e) => `got ${(e.data as unknown[]).length}` },
    uniqueItems: { phrase: repeatedItem },
    uniqueIgnoringCase: { phrase: repeatedId },
    pattern: {
        phrase: (e) => (forbiddenAt(params(e).pattern, e.data) ? "must not contain a forbidden character" : `must match ${params(e).pattern}`),
        given: (e) => forbiddenAt(params(e).pattern, e.data) ?? got(e),
    },
    format: { phrase: (e) => `must be ${FORMAT_NAMES[params(e).format] ?? `a valid ${params(e).format}`}`, given: got },
    not: { phrase: (e) => `must not be ${show(e.data)}` },
    "false schema": { phrase: () => "is not allowed here", given: got },
};

const FORMAT_NAMES: Record<string, string> = {
    uuid: "a UUID of 8-4-4-4-12 hex digits",
    email: "an e-mail address",
    uri: "a URL",
    "qualys-datetime": "a date in Qualys' style, like 2025-3-19 04:59:17 AM",
    "iana-timezone": "an IANA time zone such as UTC or America/New_York",
};

function schemaOf(error: ErrorObject): Params {
    return (error.parentSchema ?? {}) as Params;
}

/** `between` when the schema gives both bounds, which reads better than the one that was broken. */
function range(error: ErrorObject): string {
    const { minimum, maximum } = schemaOf(error);
    if (typeof minimum === "number" && typeof maximum === "number") return `must be between ${minimum} and ${maximum}`;
    return `must be ${error.keyword === "minimum" ? "at least" : "at most"} ${params(error).limit}`;
}

/** The maxProperties that `bounded` adds means unknown properties: name the first, count the others. */
function tooManyProperties(error: ErrorObject, what: string): string {
    const { first, count } = unknownKeys(error);
    if (first === undefined) return `must have at most ${params(error).limit} properties`;
    const others = count > 1 ? `, nor are the ${count - 1} other unknown properties given` : "";
    return `is not a property of ${nameAt(error.instancePath, what)}${others}`;
}

function repeatedItem(error: ErrorObject): string {
    const [i, j] = [Math.min(params(error).i, params(error).j), Math.max(params(error).i, params(error).j)];
    return `must not repeat an item (items ${i} and ${j} are both ${show((error.data as unknown[])[i])})`;
}

function repeatedId(error: ErrorObject): string {
    const { i, j, first, second } = params(error);
    if (first === second) return `must not repeat an item (items ${i} and ${j} are both ${show(first)})`;
    return `must not repeat an id: items ${i} and ${j} differ only in case (${show(first)} and ${show(second)}); ids are compared ignoring case`;
}

/** A pattern `^[^...]*$` forbids characters: where is the first one, e.g. `U+200B at index 3`? */
const FORBIDDEN_CLASS = /^\^\[\^(.+)\]\*\$$/s;
const forbiddenFinders = new Map<string, RegExp | null>();

function forbiddenAt(pattern: string, value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    if (!forbiddenFinders.has(pattern)) {
        const match = FORBIDDEN_CLASS.exec(pattern);
        forbiddenFinders.set(pattern, match ? new RegExp(`[${match[1]}]`, "u") : null);
    }
    const found = forbiddenFinders.get(pattern)?.exec(value);
    if (!found) return undefined;
    // The index counts characters (code points), as maxLength does; the value is within its maxLength here.
    return `${codePoint(found[0])} at index ${characters(value.slice(0, found.index))}`;
}

/** The length of text in characters (code points), as maxLength counts it, without copying the text. */
function characters(text: string): number {
    let count = 0;
    for (let i = 0; i < text.length; i++, count++) {
        const code = text.charCodeAt(i);
        if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    }
    return count;
}

function lengthOf(text: string, bound: number): number {
    return text.length <= bound ? characters(text) : text.length;
}

function codePoint(char: string): string {
    return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

function article(type: string): string {
    return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A property name as a failure names it: escaped like a quoted value, and shortened. */
function safeSegment(segment: string): string {
    const [quoted, whole] = quotePrefix(segment, SHOWN);
    return whole ? quoted.slice(1, -1) : `${quoted.slice(1, -1)}…(${segment.length} characters)`;
}

function nameAt(instancePath: string, what: string): string {
    return instancePath ? toPropertyPath(instancePath) : what;
}

/** "did you mean" for a misspelt property, e.g. the API's `suppressreboots` for `suppressReboots`. */
function suggest(name: string, properties: Record<string, unknown> | undefined): string {
    if (!properties || name.length > SHOWN) return "";
    const lower = name.toLowerCase();
    // Within two edits, ignoring case; the lengths first, as the distance is at least their difference.
    const match = Object.keys(properties).find((k) => Math.abs(k.length - lower.length) <= 2 && distance(k.toLowerCase(), lower) <= 2);
    return match ? `; did you mean ${match}?` : "";
}


function pointerSegments(pointer: string): string[] {
    return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function joinPath(segments: string[]): string {
    return segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), "");
}

function toPropertyPath(pointer: string): string {
    return joinPath(pointerSegments(pointer).map(safeSegment));
}
