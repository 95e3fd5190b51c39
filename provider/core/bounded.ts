// The schemas as compiled, made cheap on hostile input: the work of a check is bounded by the
// schema's limits, not by the input. With allErrors, ajv would check every item of a 30,000-item list
// and every key of an object with thousands of unknown keys, and report each; `bounded` rewrites each
// schema node so that its size keywords are checked first and its other keywords only within bounds.
// Pure data in, data out: validators.ts compiles what this gives.

/** At most this many failures are returned, then one "…and N more". */
export const MAX_FAILURES = 20;

/** The keywords that bound a value's size: each is checked without looking inside the value. */
const SIZE_KEYWORDS = ["maxItems", "maxLength", "maxProperties"];
const SUBSCHEMA = ["items", "additionalProperties", "if", "then", "else", "not", "contains", "propertyNames"];
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf"];
const SUBSCHEMA_MAPS = ["properties", "definitions", "patternProperties"];
const KEPT_OUTSIDE = new Set(["type", ...SIZE_KEYWORDS, "$schema", "$id", "$comment", "title", "description", "default", "definitions"]);

/**
 * The schema as compiled, made cheap on hostile input: with allErrors, ajv would check
 * every item of a 30,000-item list and every key of an object with thousands of unknown keys, and
 * report each. So each value's size keywords are checked first and its other keywords only when the
 * size is within bounds (`{type, maxItems, if: {maxItems}, then: {items, ...}}`); the work is then
 * bounded by the schema's limits, not by the input. An object that forbids unknown properties gets
 * maxProperties: its declared properties plus MAX_FAILURES.
 */
export function bounded(schema: unknown): unknown {
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
export const LIST_CHECKS = new WeakSet<object>();

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

/** The lists made by `boundItems` in a schema: the JSON pointer of each, and its item schema. */
export function listItems(schema: unknown, pointer = "#"): [string, unknown][] {
    if (!schema || typeof schema !== "object") return [];
    const node = schema as Record<string, any>;
    const here: [string, unknown][] = node.else && LIST_CHECKS.has(node.else) ? [[pointer, node.if.items]] : [];
    return here.concat(Object.entries(node).flatMap(([k, v]) => listItems(v, `${pointer}/${k}`)));
}
