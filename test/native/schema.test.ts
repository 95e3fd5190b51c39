// The native plugin's Pulumi package schema is made from the two JSON Schemas: the same inputs,
// types, enums and descriptions as the dynamic resource, the server facts as outputs, every setting
// as provider configuration. (Its staleness is checked with the other generated files in
// test/unit/payload-diff.test.ts.)
import * as fs from "node:fs";
import * as path from "node:path";
import jobSchema from "../../schema/deployment-job.schema.json";
import settingsSchema from "../../schema/provider-settings.schema.json";
import { FACT_KEYS } from "../../provider/core/payload";
import { SETTING_SOURCES } from "../../provider/core/settings";
import { JOB_TOKEN, packageSchema, packageVersion, RESULTS_TOKEN } from "../../provider/native/schema";
import { repoRoot } from "../helpers/root";

type Json = Record<string, any>;
const schema = packageSchema();
const resource = schema.resources[JOB_TOKEN];
const deref = (spec: Json): Json => (spec.$ref ? schema.types[spec.$ref.replace("#/types/", "")] : spec);

test("the package is qualys at this package's version, with its resource and function tokens", () => {
    expect([schema.name, schema.version]).toEqual(["qualys", JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")).version]);
    expect(packageVersion()).toBe(schema.version);
    expect(Object.keys(schema.resources)).toEqual(["qualys:pm:DeploymentJob"]);
    expect(Object.keys(schema.functions)).toEqual(["qualys:pm:getDeploymentJobResults"]);
});

test("the resource's inputs are the JSON Schema's, in its order, with its required names and descriptions first", () => {
    expect(Object.keys(resource.inputProperties)).toEqual(Object.keys(jobSchema.properties));
    expect(resource.requiredInputs).toEqual(jobSchema.required);
    for (const [name, property] of Object.entries<Json>(jobSchema.properties)) {
        expect({ name, starts: resource.inputProperties[name].description.startsWith(property.description) }).toEqual({ name, starts: true });
    }
});

test("an enum input is a named enum type with exactly the JSON Schema's values", () => {
    const scheduleType = deref(resource.inputProperties.scheduleType);
    expect(scheduleType).toEqual({ type: "string", enum: jobSchema.properties.scheduleType.enum.map((value) => ({ value })) });
    expect(deref(resource.inputProperties.dynamicQQLType)).toEqual({ type: "integer", enum: [{ value: 1 }, { value: 2 }] });
    expect(deref(resource.inputProperties.recurringWeekDays.items).enum.map((v: Json) => v.value)).toEqual(jobSchema.properties.recurringWeekDays.items.enum);
});

test("bounds the Pulumi types cannot carry are stated in the description", () => {
    expect(resource.inputProperties.dayOfMonth.description).toBe("Day of the month a Monthly job runs. Monthly jobs only.\n\nBounds: 1 to 31.");
    expect(resource.inputProperties.patchTuesdayPlusXDays.description).toMatch(/Bounds: -27 to 27; not 0\.$/);
    expect(resource.inputProperties.assetIds.description).toMatch(/Bounds: at most 5000 items; no repeats; each a uuid\.$/);
    const reattempts = deref(resource.inputProperties.reattemptFailedPatches);
    expect(reattempts.required).toEqual(["noOfReattempts", "exponentialBackoffInterval"]);
    expect(reattempts.properties.noOfReattempts.description).toBe("How many times to retry, 1 to 5.\n\nBounds: 1 to 5.");
});

test("nested objects keep their properties and rules down to the leaves", () => {
    const post = deref(resource.inputProperties.postDeployment);
    const countdown = deref(post.properties.rebootCountdown);
    expect(Object.keys(countdown.properties)).toEqual(Object.keys(jobSchema.properties.postDeployment.properties.rebootCountdown.properties));
    expect(countdown.properties.interval).toEqual({ type: "integer", description: "Length of the countdown. Default 15.\n\nBounds: 1 to 1440." });
});

test("the outputs are the inputs and the server's facts", () => {
    expect(Object.keys(resource.properties)).toEqual([...Object.keys(jobSchema.properties), ...FACT_KEYS]);
    expect(resource.properties.createdAt.type).toBe("number");
});

test("every setting is provider configuration, the password a secret", () => {
    expect(Object.keys(schema.config.variables).sort()).toEqual(Object.keys(SETTING_SOURCES).sort());
    expect(Object.keys(schema.provider.inputProperties).sort()).toEqual(Object.keys(settingsSchema.properties).sort());
    expect(Object.entries<Json>(schema.config.variables).filter(([, v]) => v.secret).map(([k]) => k)).toEqual(["password"]);
    expect(schema.config.variables.maxRetries.type).toBe("integer");
});

test("the results function takes a job id and returns each asset's outcome", () => {
    const fn = schema.functions[RESULTS_TOKEN];
    expect(fn.inputs.required).toEqual(["jobId"]);
    expect(deref(fn.outputs.properties.assets.items).properties.installed).toEqual({ type: "array", items: { type: "string" } });
});

test("each language section names its package", () => {
    expect(schema.language.nodejs.packageName).toBe("@qualys-pm-pulumi/qualys");
    expect(schema.language.python).toMatchObject({ packageName: "pulumi_qualys", pyproject: { enabled: true } });
    expect(schema.language.go.importBasePath).toMatch(/\/sdk\/go\/qualys$/);
});

test("every type a property names exists", () => {
    const refs = JSON.stringify(schema).match(/#\/types\/[^"]+/g) ?? [];
    expect(refs.filter((ref) => !schema.types[ref.slice("#/types/".length)])).toEqual([]);
});
