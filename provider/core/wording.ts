// One source of validation reasons: every reason is written here, by `reasonFor` from the WORDING
// table (a phrase per ajv keyword, then what it quotes of the value given). A schema rule whose
// meaning needs domain words ("is only for Linux jobs (platform is Windows)") states them in its
// errorMessage, which ajv-errors attaches to the failing property; that phrase replaces the
// keyword's, and the value given is still quoted here, as for every rule. A reason quotes at most
// SHOWN characters of a value, its invisible characters escaped (quote.ts), and the value of a
// writeOnly property (the password) never. Also here: property paths as failures name them.
import type { ErrorObject } from "ajv";
import { distance } from "fastest-levenshtein";
import { quotePrefix, show, SHOWN } from "./quote";

/** The keys of an object that its schema does not declare: the first one, and how many (once per error). */
const unknownKeysOf = new WeakMap<ErrorObject, { first?: string; count: number }>();

export function unknownKeys(error: ErrorObject): { first?: string; count: number } {
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
export function reasonFor(error: ErrorObject, inner: ErrorObject, what: string): string {
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
export function characters(text: string): number {
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
export function safeSegment(segment: string): string {
    const [quoted, whole] = quotePrefix(segment, SHOWN);
    return whole ? quoted.slice(1, -1) : `${quoted.slice(1, -1)}…(${segment.length} characters)`;
}

function nameAt(instancePath: string, what: string): string {
    return instancePath ? toPropertyPath(instancePath) : what;
}

/** "did you mean" for a misspelt property, e.g. the API's `suppressreboots` for `suppressReboots`. */
function suggest(name: string, properties: Record<string, unknown> | undefined): string {
    const match = properties ? nearest(name, Object.keys(properties)) : undefined;
    return match ? `; did you mean ${match}?` : "";
}

/** The first of `names` within two edits of `name`, case aside: what a misspelling most likely meant. */
export function nearest(name: string, names: readonly string[]): string | undefined {
    if (name.length > SHOWN) return undefined;
    const lower = name.toLowerCase();
    // The lengths first: the distance is at least their difference.
    return names.find((k) => Math.abs(k.length - lower.length) <= 2 && distance(k.toLowerCase(), lower) <= 2);
}

export function pointerSegments(pointer: string): string[] {
    return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function joinPath(segments: string[]): string {
    return segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), "");
}

function toPropertyPath(pointer: string): string {
    return joinPath(pointerSegments(pointer).map(safeSegment));
}
