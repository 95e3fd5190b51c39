// The Pulumi package schema of the native plugin `qualys`, made from the two JSON Schemas that are
// the source of truth (schema/deployment-job.schema.json, schema/provider-settings.schema.json) and
// the server facts of core/payload.ts. `npm run generate` writes it to schema/qualys.schema.json; the
// plugin serves the same object from GetSchema. A JSON Schema rule that a Pulumi type cannot carry
// (a bound, a format, a pattern) is stated in the property's description, after the description the
// dynamic resource's docs have.
import * as fs from "node:fs";
import * as path from "node:path";
import jobSchema from "../../schema/deployment-job.schema.json";
import settingsSchema from "../../schema/provider-settings.schema.json";
import { FACT_KEYS, ServerFacts } from "../core/payload";

type Json = Record<string, any>;

export const PACKAGE = "qualys";
export const JOB_TOKEN = "qualys:pm:DeploymentJob";
export const RESULTS_TOKEN = "qualys:pm:getDeploymentJobResults";

/** The version of this package: the plugin's version, and the schema's. */
export function packageVersion(): string {
    // Runs from provider/native/ under ts-jest and from dist/provider/native/ once compiled.
    for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
            if (manifest.name === "qualys-pm-pulumi") return manifest.version;
        }
    }
    throw new Error("qualys-pm-pulumi's package.json was not found above " + __dirname);
}

const pascal = (name: string) => name[0].toUpperCase() + name.slice(1);

/** The named types (objects and enums) a schema needs, by token; one name, one shape. */
class Types {
    readonly all: Record<string, Json> = {};

    add(name: string, spec: Json, parent: string): string {
        let token = `${PACKAGE}:pm:${name}`;
        if (this.all[token] && JSON.stringify(this.all[token]) !== JSON.stringify(spec)) token = `${PACKAGE}:pm:${parent}${name}`;
        if (this.all[token] && JSON.stringify(this.all[token]) !== JSON.stringify(spec)) throw new Error(`two shapes named ${token}`);
        this.all[token] = spec;
        return token;
    }
}

/** The rules of a JSON Schema property that a Pulumi type does not carry, as a sentence. */
export function rulesOf(schema: Json): string[] {
    const rules: string[] = [];
    if (schema.minimum !== undefined && schema.maximum !== undefined) rules.push(`${schema.minimum} to ${schema.maximum}`);
    else if (schema.minimum !== undefined) rules.push(`at least ${schema.minimum}`);
    else if (schema.maximum !== undefined) rules.push(`at most ${schema.maximum}`);
    if (schema.not?.const !== undefined) rules.push(`not ${schema.not.const}`);
    if (schema.minLength !== undefined) rules.push(`at least ${schema.minLength} character${schema.minLength === 1 ? "" : "s"}`);
    if (schema.maxLength !== undefined) rules.push(`at most ${schema.maxLength} characters`);
    if (schema.minItems !== undefined) rules.push(`at least ${schema.minItems} item${schema.minItems === 1 ? "" : "s"}`);
    if (schema.maxItems !== undefined) rules.push(`at most ${schema.maxItems} items`);
    if (schema.uniqueItems) rules.push("no repeats");
    if (schema.format) rules.push(`format ${schema.format}`);
    if (schema.items?.format) rules.push(`each a ${schema.items.format}`);
    if (schema.items?.maxLength !== undefined) rules.push(`each at most ${schema.items.maxLength} characters`);
    return rules;
}

function describe(schema: Json): string {
    const rules = rulesOf(schema);
    const text = String(schema.description ?? "");
    return rules.length ? `${text}${text ? "\n\n" : ""}Bounds: ${rules.join("; ")}.` : text;
}

/** The Pulumi type of a JSON Schema property; object and enum shapes become named types. */
function typeOf(schema: Json, name: string, parent: string, types: Types): Json {
    if (schema.enum) {
        const type = schema.enum.every((v: unknown) => typeof v === "number") ? "integer" : "string";
        return { $ref: `#/types/${types.add(pascal(name), { type, enum: schema.enum.map((value: unknown) => ({ value })) }, parent)}` };
    }
    if (schema.type === "array") return { type: "array", items: typeOf(schema.items, name.replace(/s$/, ""), parent, types) };
    if (schema.type === "object") {
        const token = types.add(pascal(name), { type: "object", description: String(schema.description ?? ""), ...objectOf(schema, pascal(name), types) }, parent);
        return { $ref: `#/types/${token}` };
    }
    return { type: schema.type };
}

/** A JSON Schema object's properties as Pulumi properties, with its required names. */
function objectOf(schema: Json, owner: string, types: Types): { properties: Json; required?: string[] } {
    const properties: Json = {};
    for (const [name, property] of Object.entries<Json>(schema.properties)) {
        const spec: Json = { ...typeOf(property, name, owner, types), description: describe(property) };
        if (property.default !== undefined) spec.default = property.default;
        if (property.writeOnly) spec.secret = true;
        properties[name] = spec;
    }
    return schema.required?.length ? { properties, required: [...schema.required] } : { properties };
}

/** The server's facts about a job: outputs only, null until Qualys has said. */
const FACT_TYPES: Record<keyof ServerFacts, [string, string]> = {
    serverStatus: ["string", "The job's status as Qualys reports it, e.g. `Prepared` for a triggered enabled job."],
    customerId: ["string", "The Qualys customer (subscription) that owns the job."],
    createdBy: ["string", "The Qualys user who created the job."],
    createdAt: ["number", "When the job was created, in milliseconds since 1970 (Qualys' clock)."],
    updatedBy: ["string", "The Qualys user who last changed the job."],
    updatedAt: ["number", "When the job was last changed, in milliseconds since 1970 (Qualys' clock)."],
    jobTriggerStatus: ["integer", "Qualys' trigger state of the job."],
    applicableAssetCount: ["integer", "How many assets the job applies to, as Qualys counts them."],
    patchCount: ["integer", "How many patches the job deploys, as Qualys counts them."],
};

function jobResource(types: Types): Json {
    const inputs = objectOf(jobSchema, "DeploymentJob", types);
    const facts = Object.fromEntries(FACT_KEYS.map((key) => [key, { type: FACT_TYPES[key][0], description: FACT_TYPES[key][1] }]));
    return {
        description: String(jobSchema.description),
        inputProperties: inputs.properties,
        requiredInputs: inputs.required,
        properties: { ...inputs.properties, ...facts },
        required: inputs.required,
    };
}

function resultsFunction(types: Types): Json {
    const strings = { type: "array", items: { type: "string" } };
    types.add("DeploymentJobResultAsset", {
        type: "object",
        description: "The asset a result is about (more fields pass through as Qualys sends them).",
        properties: { id: { type: "string" }, name: { type: "string" }, operatingSystem: { type: "string" } },
    }, "");
    types.add("DeploymentJobAssetResult", {
        type: "object",
        description: "One asset's outcome in a run of the job.",
        properties: {
            asset: { $ref: `#/types/${PACKAGE}:pm:DeploymentJobResultAsset` }, status: { type: "string" }, statusCode: { type: "string" },
            jobInstanceId: { type: "integer" }, installed: strings, failed: strings, superseded: strings, notApplicable: strings,
            startDateTime: { type: "number" }, endDateTime: { type: "number" },
        },
    }, "");
    return {
        description: "The results summary of a deployment job's runs: each asset's outcome (`GET /pm/v1/deploymentjob/{id}/deploymentjobresult/summary`).",
        inputs: { properties: { jobId: { type: "string", description: "The job's id." } }, required: ["jobId"] },
        outputs: {
            properties: {
                id: { type: "string" }, name: { type: "string" }, assetCount: { type: "integer" }, patchCount: { type: "integer" },
                createdBy: { type: "string" }, createdOn: { type: "number" },
                assets: {
                    type: "array", items: { $ref: `#/types/${PACKAGE}:pm:DeploymentJobAssetResult` },
                    description: "The results of the assets that have reported so far: fewer than `assetCount`, or none, while the job has not run or is still running.",
                },
                assetsReported: { type: "integer", description: "How many of the job's `assetCount` assets have reported a result." },
            },
            required: ["id", "assets", "assetsReported"],
        },
    };
}

/** The provider's configuration: every setting of provider-settings.schema.json, the password secret. */
function providerConfig(types: Types): { variables: Json; provider: Json } {
    const { properties } = objectOf(settingsSchema, "Provider", types);
    return {
        // Not `required`: each setting may come from its environment variable instead; CheckConfig says what is missing.
        variables: properties,
        provider: { description: "The Qualys PM provider: where Qualys is and who signs in.", inputProperties: properties, properties },
    };
}

/** The whole package schema, as GetSchema serves it and schema/qualys.schema.json holds it. */
export function packageSchema(version = packageVersion()): Json {
    const types = new Types();
    const resource = jobResource(types);
    const fn = resultsFunction(types);
    const { variables, provider } = providerConfig(types);
    return {
        name: PACKAGE,
        displayName: "Qualys Patch Management",
        version,
        description: "Qualys Patch Management deployment jobs, from any Pulumi language.",
        keywords: ["pulumi", "qualys", "patch-management", "category/infrastructure"],
        license: "Apache-2.0",
        repository: "https://github.com/qualys-pm-pulumi/qualys-pm-pulumi",
        publisher: "qualys-pm-pulumi",
        config: { variables },
        provider,
        resources: { [JOB_TOKEN]: resource },
        functions: { [RESULTS_TOKEN]: fn },
        types: types.all,
        // supportPack: the Go generator then writes the SDK's go.mod, so sdk/go is generated whole.
        meta: { supportPack: true },
        language: {
            nodejs: { packageName: "@qualys-pm-pulumi/qualys", respectSchemaVersion: true, packageDescription: "Qualys PM deployment jobs (native provider SDK)", dependencies: { "@pulumi/pulumi": "^3.216.0" } },
            python: { packageName: "pulumi_qualys", respectSchemaVersion: true, pyproject: { enabled: true }, requires: { pulumi: ">=3.0.0,<4.0.0" } },
            go: { importBasePath: "github.com/qualys-pm-pulumi/qualys-pm-pulumi/sdk/go/qualys", respectSchemaVersion: true, generateResourceContainerTypes: false },
        },
    };
}

/** The schema as written to schema/qualys.schema.json. */
export function packageSchemaText(version?: string): string {
    return JSON.stringify(packageSchema(version), null, 2) + "\n";
}
