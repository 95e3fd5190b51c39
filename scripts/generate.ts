// Generates, from schema/deployment-job.schema.json, the TypeScript input types
// (provider/core/inputs.generated.ts, provider/dynamic/args.generated.ts), the reference page
// docs/reference/deployment-job.md and the native plugin's Pulumi package schema
// (schema/qualys.schema.json, provider/native/schema.ts), so none can drift from the schema.
// `npm run generate` writes them; `--check` (run by the tests) fails when any is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { packageSchemaText } from "../provider/native/schema";

type Schema = Record<string, any>;

// Runs from scripts/ under ts-jest and from dist/scripts/ once compiled: the root holds package.json.
export const root = [path.resolve(__dirname, ".."), path.resolve(__dirname, "..", "..")].find((d) => fs.existsSync(path.join(d, "package.json"))) ?? process.cwd();

function plainType(schema: Schema, indent: string): string {
    if (schema.enum) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
    if (schema.type === "array") {
        const item = plainType(schema.items, indent);
        return item.includes("|") ? `(${item})[]` : `${item}[]`;
    }
    if (schema.type === "object") return objectType(schema, indent, plainType);
    if (schema.type === "integer") return "number";
    return schema.type;
}

function objectType(schema: Schema, indent: string, fieldType: (s: Schema, indent: string) => string): string {
    const required = new Set<string>(schema.required ?? []);
    const lines = Object.entries<Schema>(schema.properties).map(([name, property]) => {
        const doc = `${indent}    /** ${String(property.description).replace(/\*\//g, "*\\/")} */`;
        return `${doc}\n${indent}    ${name}${required.has(name) ? "" : "?"}: ${fieldType(property, indent + "    ")};`;
    });
    return `{\n${lines.join("\n")}\n${indent}}`;
}

function argType(schema: Schema, indent: string): string {
    if (schema.type === "array") return `pulumi.Input<pulumi.Input<${plainType(schema.items, indent)}>[]>`;
    if (schema.type === "object") return `pulumi.Input<${objectType(schema, indent, argType)}>`;
    return `pulumi.Input<${plainType(schema, indent)}>`;
}

/** The plain input type the core works on: no Pulumi import, so the core stays free of Pulumi. */
export function generateInputTypes(schema: Schema): string {
    return [
        "// Generated from schema/deployment-job.schema.json by scripts/generate.ts: do not edit; run `npm run generate`.",
        "",
        "/** The inputs of a DeploymentJob as plain values, as the provider receives them. */",
        `export interface DeploymentJobInputs ${objectType(schema, "", plainType)}`,
        "",
    ].join("\n");
}

/** The arguments of the dynamic resource's constructor, each a `pulumi.Input`. */
export function generateArgTypes(schema: Schema): string {
    return [
        "// Generated from schema/deployment-job.schema.json by scripts/generate.ts: do not edit; run `npm run generate`.",
        'import type * as pulumi from "@pulumi/pulumi";',
        "",
        "/** The arguments of `new DeploymentJob(name, args)`. */",
        `export interface DeploymentJobArgs ${objectType(schema, "", argType)}`,
        "",
    ].join("\n");
}

function rows(schema: Schema, prefix: string, required: Set<string>): string[] {
    return Object.entries<Schema>(schema.properties).flatMap(([name, property]) => {
        const full = prefix + name;
        const allowed = property.enum
            ? property.enum.map((v: unknown) => `\`${v}\``).join(", ")
            : property.type === "integer"
              ? `integer ${property.minimum} to ${property.maximum}`
              : property.type === "array"
                ? `list of ${property.items.enum ? "day names" : property.items.format ?? property.items.type}`
                : property.format ? `${property.type} (${property.format})` : property.type;
        const row = `| \`${full}\` | ${required.has(name) ? "yes" : ""} | ${allowed} | ${String(property.description).replace(/\|/g, "\\|")} |`;
        const nested = property.type === "object" ? rows(property, `${full}.`, new Set(property.required ?? [])) : [];
        return [row, ...nested];
    });
}

function generateReference(schema: Schema): string {
    return ["| input | required | values | meaning |", "|---|---|---|---|", ...rows(schema, "", new Set(schema.required))].join("\n");
}

/** The reference page of the resource's inputs and outputs, whole. */
export function referencePage(schema: Schema): string {
    return [
        "# DeploymentJob",
        "",
        "<!-- Generated from schema/deployment-job.schema.json by scripts/generate.ts: do not edit; run `npm run generate`. -->",
        "",
        "A Qualys Patch Management deployment job (`/pm/v1/deploymentjob`, PM API release 3.5). The inputs,",
        "their rules and descriptions come from [`schema/deployment-job.schema.json`](../../schema/deployment-job.schema.json)",
        "(JSON Schema draft-07); a test fails when this page or the TypeScript types fall behind it.",
        "",
        "## Inputs",
        "",
        generateReference(schema),
        "",
        "## Outputs",
        "",
        "Every input as recorded (canonical: defaults filled where a reviewer should see them, ids lower case),",
        "and what Qualys owns: `serverStatus` (e.g. `Prepared` for an enabled job that was triggered),",
        "`customerId`, `createdBy`, `createdAt`, `updatedBy`, `updatedAt` (epoch milliseconds),",
        "`jobTriggerStatus`, `applicableAssetCount`, `patchCount`.",
        "",
    ].join("\n");
}

/** Each generated file with the text it should have; files whose text differs are stale. */
export function generatedFiles(): [string, string][] {
    const schema = JSON.parse(fs.readFileSync(path.join(root, "schema", "deployment-job.schema.json"), "utf8"));
    return [
        [path.join(root, "provider", "core", "inputs.generated.ts"), generateInputTypes(schema)],
        [path.join(root, "provider", "dynamic", "args.generated.ts"), generateArgTypes(schema)],
        [path.join(root, "docs", "reference", "deployment-job.md"), referencePage(schema)],
        [path.join(root, "schema", "qualys.schema.json"), packageSchemaText()],
    ];
}

function main(check: boolean): void {
    const outputs = generatedFiles();
    const stale = outputs.filter(([file, text]) => !fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text);
    if (check) {
        if (stale.length) {
            console.error(`stale, run npm run generate: ${stale.map(([f]) => path.relative(root, f)).join(", ")}`);
            process.exit(1);
        }
        return;
    }
    for (const [file, text] of stale) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
    }
    console.log(stale.length ? `wrote ${stale.map(([f]) => path.relative(root, f)).join(", ")}` : "up to date");
}

if (require.main === module) main(process.argv.includes("--check"));
