// A corpus of bad inputs generated from the schema: every bound plus and minus one, every enum
// with a wrong value, every field with a wrong type, unknown fields, very long strings, control
// and bidirectional-override characters in names. Each goes through the provider server's Check,
// as `pulumi preview` sends it, and must be rejected naming its property, before any request.
import * as path from "node:path";
import jobSchema from "../../schema/deployment-job.schema.json";
import { PmEmulator, startEmulator } from "../emulator/server";
import { captureInputs, Engine } from "../harness/engine";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { OUTPUT_DIR } from "../helpers/secrets";

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
    return cases;
}

const cases = corpus();
let emulator: PmEmulator;
let engine: Engine;
let providerCode: unknown;

beforeAll(async () => {
    emulator = await startEmulator();
    engine = new Engine({
        stateFile: path.join(OUTPUT_DIR, "bad-input-state.json"),
        config: { "qualys:gatewayUrl": emulator.url, "qualys:username": "demo-user", "qualys:password": "demo-password" },
        secretKeys: ["qualys:password"],
    });
    await engine.start();
    providerCode = (await captureInputs([{ name: "probe", args: windowsReattempts() }])).get("probe")!.__provider;
});
afterAll(async () => {
    await engine.stop();
    await emulator.close();
});

test("the corpus holds at least 100 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
});

test.each(cases)("rejects $name, naming $property, before any request", async ({ inputs, property }) => {
    const { failures } = await engine.check("bad", {}, { ...inputs, __provider: providerCode });
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.map((f: { property: string }) => f.property)).toContain(property);
    for (const f of failures) expect(f.reason.length).toBeGreaterThan(5);
    expect(emulator.requests).toEqual([]);
});
