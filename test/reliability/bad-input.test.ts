// A corpus of bad inputs generated from the schema: every bound plus and minus one, every enum
// with a wrong value, every field with a wrong type, unknown fields, very long strings, control
// and bidirectional-override characters in names. Then hostile input: huge lists and
// strings, deep nesting, thousands of unknown or prototype-named properties, invisible characters in
// names and texts, NaN, urn:uuid: ids and ids repeated in another case. Each goes through the
// provider server's Check, as `pulumi preview` sends it, and must be rejected naming its property,
// with short reasons, before any request; the native plugin's Check must answer each with the very
// same failures (one core, two faces).
import * as path from "node:path";
import jobSchema from "../../schema/deployment-job.schema.json";
import { PmEmulator, startEmulator } from "../emulator/server";
import { captureInputs, Engine } from "../harness/engine";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { OUTPUT_DIR } from "../helpers/secrets";
import { PluginProcess } from "../native/plugin";

type Schema = Record<string, any>;
interface BadCase {
    name: string;
    property: string;
    inputs: Record<string, unknown>;
}

const LINUX_ONLY = ["packageCacheUpdate", "continueOnPatchFailure"];

function base(property: string): Record<string, unknown> {
    const top = property.split(".")[0];
    return JSON.parse(JSON.stringify(LINUX_ONLY.includes(top) ? linuxMakeCache() : windowsReattempts()));
}

function setPath(target: Record<string, any>, dotted: string, value: unknown): Record<string, unknown> {
    const keys = dotted.split(".");
    let node = target;
    for (const key of keys.slice(0, -1)) node = node[key] = typeof node[key] === "object" && node[key] ? node[key] : {};
    node[keys[keys.length - 1]] = value;
    return target;
}

function wrongValues(schema: Schema): [string, unknown][] {
    const out: [string, unknown][] = [];
    if (schema.enum) out.push(["a value outside the enum", typeof schema.enum[0] === "number" ? 99 : "NOT-AN-OPTION"], ["a wrong type", typeof schema.enum[0] === "number" ? "1" : 1]);
    else if (schema.type === "integer") {
        if (schema.minimum !== undefined) out.push(["the minimum minus one", schema.minimum - 1]);
        if (schema.maximum !== undefined) out.push(["the maximum plus one", schema.maximum + 1]);
        out.push(["a fraction", 1.5], ["a string", "7"]);
    } else if (schema.type === "boolean") out.push(["a string", "true"], ["a number", 1]);
    else if (schema.type === "string") {
        out.push(["a number", 42]);
        if (schema.maxLength) out.push(["one character too many", "x".repeat(schema.maxLength + 1)]);
        if (schema.format) out.push([`something that is not a ${schema.format}`, "not-valid-\u00e9"]);
    } else if (schema.type === "array") {
        out.push(["a string instead of a list", "not-a-list"]);
        if (schema.items?.format || schema.items?.enum) out.push(["a bad item", ["bad item"]]);
        if (schema.maxItems) out.push(["one item too many", Array.from({ length: schema.maxItems + 1 }, (_, i) => (schema.items.format === "uuid" ? `00000000-0000-0000-0000-${String(i).padStart(12, "0")}` : schema.items.type === "object" ? { scriptType: "sh", script: "true" } : `x${i}@example.com`))]);
    } else if (schema.type === "object") out.push(["a string instead of an object", "not-an-object"], ["an unknown field", { unknownField: true }]);
    return out;
}

function corpus(): BadCase[] {
    const cases: BadCase[] = [];
    const walk = (properties: Record<string, Schema>, prefix: string) => {
        for (const [key, schema] of Object.entries(properties)) {
            const property = prefix + key;
            for (const [what, value] of wrongValues(schema)) {
                const inputs = setPath(base(property), property, value);
                // An unknown field is reported at its own path.
                const reported = what === "a bad item" ? `${property}[0]` : typeof value === "object" && value && "unknownField" in (value as object) ? `${property}.unknownField` : property;
                cases.push({ name: `${property}: ${what}`, property: reported, inputs });
            }
            if (schema.type === "object" && schema.properties) walk(schema.properties, `${property}.`);
        }
    };
    walk(jobSchema.properties as Record<string, Schema>, "");
    for (const unknown of ["id", "jobId", "suppressreboots", "Platform", "enableReattemptFailedPatches"]) {
        cases.push({ name: `unknown field ${unknown}`, property: unknown, inputs: { ...base(unknown), [unknown]: true } });
    }
    const names: [string, string][] = [
        ["a NUL", "job\u0000x"], ["a bell", "job\u0007x"], ["an ANSI escape", "job\u001b[31mred"], ["a newline", "job\nx"], ["a DEL", "job\u007fx"],
        ["a C1 control", "job\u0085x"], ["a right-to-left override", "patch\u202egnp.exe"], ["a bidi isolate", "job\u2066x\u2069"], ["a left-to-right mark", "job\u200ex"],
        ["10,000 characters", "n".repeat(10_000)], ["an empty string", ""],
    ];
    for (const [what, name] of names) cases.push({ name: `name with ${what}`, property: "name", inputs: { ...base("name"), name } });
    return [...cases, ...hostile()];
}

const MB = 1 << 20;
const ID = "ffb6aa16-f342-4f94-99c1-3ae941ce6357";
const WEEKLY = { scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM" };
const uuids = (n: number) => Array.from({ length: n }, (_, i) => `abcdef00-0000-4000-8000-${String(i).padStart(12, "0")}`);
const ID_LISTS = ["assetIds", "assetTagIds", "matchAllTagIds", "exclusionAssetIds", "exclusionTagIds", "approvedPatches", "coAuthorUserIds"];
const TEXTS = ["description", "dynamicPatchesQQL", "preDeployment.userMessage", "preDeployment.description", "duringDeployment.userMessage",
    "postDeployment.rebootOption.userMessage", "postDeployment.rebootCountdown.description", "postDeployment.onComplete.userMessage"];

function nested(depth: number): Record<string, unknown> {
    let value: Record<string, unknown> = {};
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
}

/** Adds a case: `extra` over the base job of `top`, refused naming `property`. */
type Add = (name: string, property: string, extra: Record<string, unknown>, top?: string) => void;

/** Issue 17: inputs made to be expensive, misleading or invisible. */
function hostile(): BadCase[] {
    const cases: BadCase[] = [];
    const add: Add = (name, property, extra, top = property.split(".")[0]) => cases.push({ name, property, inputs: { ...base(top), ...extra } });
    for (const group of [hugeLists, hugeStrings, deepOrMany, invisibleCharacters, everythingAtOnce]) group(add);
    return cases;
}

function hugeLists(add: Add): void {
    add("30,000 weekdays on a Weekly job", "recurringWeekDays", { ...WEEKLY, recurringWeekDays: Array(30_000).fill("Monday") });
    add("30,000 distinct bad weekdays on a Daily job", "recurringWeekDays", { scheduleType: "Daily", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: Array.from({ length: 30_000 }, (_, i) => `day${i}`) });
    for (const list of ID_LISTS) {
        add(`${list}: 30,000 ids`, list, { [list]: uuids(30_000) });
        add(`${list}: 100 invalid ids`, `${list}[0]`, { [list]: Array.from({ length: 100 }, (_, i) => `host-${i}`) }, list);
        add(`${list}: an id with a urn:uuid: prefix`, `${list}[0]`, { [list]: [`urn:uuid:${ID}`] }, list);
        add(`${list}: an id repeated in upper case`, list, { [list]: [ID, ID.toUpperCase()] });
        add(`${list}: an id repeated`, list, { [list]: [ID, ID] });
    }
    add("an invalid id after 4,999 valid ones", "assetIds[4999]", { assetIds: [...uuids(4999), "host-1"] }, "assetIds");
    add("100 e-mail addresses", "notification.emails", { notification: { emails: Array.from({ length: 100 }, (_, i) => `ops${i}@example.com`) } });
    add("1,000 pre-deploy actions", "preDeployActions", { preDeployActions: Array(1000).fill({ scriptType: "sh", script: "true" }) });
    add("adoptJobId with a urn:uuid: prefix", "adoptJobId", { adoptJobId: `urn:uuid:${ID}` });
}

function hugeStrings(add: Add): void {
    for (const property of ["name", ...TEXTS, "timezone", "startDateTime", "adoptJobId"]) {
        add(`${property}: 1 MB`, property, setPath({}, property, "x".repeat(MB)));
    }
    add("a 1 MB script", "postDeployActions[0].script", { postDeployActions: [{ scriptType: "sh", script: "x".repeat(MB) }] }, "postDeployActions");
    add("a 1 MB e-mail address", "notification.emails[0]", { notification: { emails: [`${"a".repeat(MB)}@example.com`] } });
    add("a 1 MB string for a number", "reattemptFailedPatches.noOfReattempts", { reattemptFailedPatches: { noOfReattempts: "7".repeat(MB), exponentialBackoffInterval: 1 } });
    add("an unknown property with a 1 MB name", `${"k".repeat(60)}…(${MB} characters)`, { ["k".repeat(MB)]: true }, "k");
}

function deepOrMany(add: Add): void {
    // Deep nesting: 100 levels (the harness's protobuf encoder overflows its stack near 2,000).
    add("junk nested 100 levels deep", "junk", { junk: nested(100) });
    add("a number nested 100 levels deep", "reattemptFailedPatches.noOfReattempts", { reattemptFailedPatches: { noOfReattempts: nested(100), exponentialBackoffInterval: 1 } });
    add("a deferment count nested 100 levels deep", "preDeployment.deferment.count", { preDeployment: { deferment: { count: nested(100) } } });
    add("a list of lists as asset ids", "assetIds[0]", { assetIds: [[[[[ID]]]]] }, "assetIds");
    // Many unknown and prototype-named properties.
    add("10,000 unknown properties", "k0", Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])), "k0");
    add("1,000 unknown properties in postDeployment", "postDeployment.k0", { postDeployment: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])) });
    add("25 unknown properties", "unknown0", Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`unknown${i}`, true])), "unknown0");
    for (const key of ["constructor", "hasOwnProperty", "toString", "valueOf", "isPrototypeOf", "__defineGetter__"]) {
        add(`a property named ${key}`, key, { [key]: { a: 1 } });
        add(`a property named ${key} in postDeployment`, `postDeployment.${key}`, { postDeployment: { [key]: 1 } });
    }
    // Numbers that JSON cannot write.
    add("a timeout of NaN", "timeout", { timeout: NaN });
    add("noOfReattempts of NaN", "reattemptFailedPatches.noOfReattempts", { reattemptFailedPatches: { noOfReattempts: NaN, exponentialBackoffInterval: 1 } });
    add("a day of the month of Infinity on a Daily job", "dayOfMonth", { scheduleType: "Daily", startDateTime: "2030-1-6 02:00:00 AM", dayOfMonth: Infinity });
}

/** Invisible characters in the name, and controls and bidi characters in texts. */
function invisibleCharacters(add: Add): void {
    const invisible: [string, string][] = [
        ["a zero-width space", "\u200b"], ["a word joiner", "\u2060"], ["a BOM", "\ufeff"], ["an Arabic letter mark", "\u061c"], ["a right-to-left mark", "\u200f"],
        ["a line separator", "\u2028"], ["a paragraph separator", "\u2029"], ["a left-to-right embedding", "\u202a"], ["a pop directional isolate", "\u2069"],
        ["the tag U+E0001", "\u{e0001}"], ["the tag U+E0041", "\u{e0041}"], ["a CSI (C1)", "\u009b"], ["an ESC", "\u001b"],
    ];
    for (const [what, char] of invisible) add(`name with ${what}`, "name", { name: `job${char}x` });
    const textRefused: [string, string][] = [["a NUL", "\u0000"], ["an ESC", "\u001b"], ["a C1 control", "\u0085"], ["a right-to-left override", "\u202e"], ["a right-to-left isolate", "\u2067"]];
    for (const property of TEXTS) {
        for (const [what, char] of textRefused) {
            const inputs = setPath({}, property, `line one\n\tline ${char}two`);
            add(`${property} with ${what}`, property, property === "dynamicPatchesQQL" ? { ...inputs, isDynamicPatchesQQL: true } : inputs);
        }
    }
    for (const field of ["script", "description"]) {
        add(`an action ${field} with an ESC`, `postDeployActions[0].${field}`, { postDeployActions: [{ scriptType: "sh", script: "true", [field]: "echo \u001b[2J" }] }, "postDeployActions");
    }
}

function everythingAtOnce(add: Add): void {
    // All of it at once, within the 4 MB the harness's gRPC client takes back (Check echoes the inputs).
    const quarter = 1 << 18;
    add("everything at once", "dynamicPatchesQQL", {
        name: "\u202e".repeat(quarter), description: "\u0000".repeat(quarter), dynamicPatchesQQL: "q".repeat(quarter), timezone: "\u200b".repeat(quarter),
        scheduleType: "Daily", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: Array.from({ length: 30_000 }, (_, i) => `day${i}`),
        assetIds: [...uuids(4999), "host-1"], exclusionAssetIds: [...uuids(4999), ID, ID.toUpperCase()], approvedPatches: [...uuids(4999), `urn:uuid:${ID}`],
        assetTagIds: Array(1000).fill({ id: ID }), coAuthorUserIds: [...uuids(99), ID, ID],
        timeout: NaN, dayOfMonth: Infinity, preDeployment: { deferment: { count: nested(100) } },
        postDeployment: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, nested(5)])),
        constructor: nested(20), toString: nested(20), ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`unknown${i}`, i])),
    }, "name");
}

const cases = corpus();
let emulator: PmEmulator;
let engine: Engine;
let providerCode: unknown;
let plugin: PluginProcess;

beforeAll(async () => {
    emulator = await startEmulator();
    engine = new Engine({
        stateFile: path.join(OUTPUT_DIR, "bad-input-state.json"),
        config: { "qualys:gatewayUrl": emulator.url, "qualys:username": "demo-user", "qualys:password": "demo-password" },
        secretKeys: ["qualys:password"],
    });
    await engine.start();
    providerCode = (await captureInputs([{ name: "probe", args: windowsReattempts() }])).get("probe")!.__provider;
    plugin = new PluginProcess();
    await plugin.start();
    await plugin.configure({ gatewayUrl: emulator.url, username: "demo-user", password: "demo-password" });
});
afterAll(async () => {
    await plugin.stop("bad-input");
    await engine.stop();
    await emulator.close();
});

test("the corpus holds at least 300 cases", () => {
    console.log(`bad-input corpus: ${cases.length} cases`);
    expect(cases.length).toBeGreaterThanOrEqual(300);
});

test.each(cases)("rejects $name, naming $property, before any request", async ({ inputs, property }) => {
    const { failures } = await engine.check("bad", {}, { ...inputs, __provider: providerCode });
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThanOrEqual(21);
    expect(failures.map((f: { property: string }) => f.property)).toContain(property);
    for (const f of failures) {
        expect(f.reason.length).toBeGreaterThan(5);
        // A reason quotes at most 60 characters of a value: it stays short whatever the input.
        expect(f.reason.length).toBeLessThanOrEqual(300);
        expect(f.property.length).toBeLessThanOrEqual(100);
    }
    expect(emulator.requests).toEqual([]);
});

test.each(cases)("the native plugin rejects $name with exactly the dynamic face's failures, before any request", async ({ inputs }) => {
    const dynamic = await engine.check("bad", {}, { ...inputs, __provider: providerCode });
    const native = await plugin.check({}, inputs);
    expect(native.failures).toEqual(dynamic.failures);
    expect(emulator.requests).toEqual([]);
});

test("a __proto__ property never reaches check: the protobuf map drops it, and nothing is sent", async () => {
    // google-protobuf keeps a Struct's fields in a plain object, where `map_["__proto__"] = entry`
    // sets a prototype instead of a field, when encoding and when decoding alike: the provider sees
    // the job without it (validateJobInputs itself refuses an own __proto__ key: test/unit/validate).
    const inputs = { ...base("name"), ...JSON.parse('{"__proto__": {"status": "Enabled", "x": 1}}') };
    const { failures, inputs: checked } = await engine.check("bad", {}, { ...inputs, __provider: providerCode });
    expect(failures).toEqual([]);
    expect(Object.keys(checked)).not.toContain("__proto__");
    expect(checked.status).toBe("Disabled");
    expect(emulator.requests).toEqual([]);
});
