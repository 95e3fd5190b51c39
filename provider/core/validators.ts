// The one Ajv and what it compiles: the job schema (schema/deployment-job.schema.json, through
// bounded.ts) and the settings schema, each compiled once per process on first use, so that nothing
// compiled is captured when the provider is serialized into state (pulumi/pulumi#5294). Only the
// formats the schemas use are added; Qualys' date style has its own named format.
import Ajv, { SchemaValidateFunction, ValidateFunction } from "ajv";
import addErrors from "ajv-errors";
import addFormats from "ajv-formats";
import jobSchema from "../../schema/deployment-job.schema.json";
import settingsSchema from "../../schema/provider-settings.schema.json";
import { bounded, listItems } from "./bounded";
import { JOB_ID } from "./ids";
import { characters } from "./wording";

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
        addFormats(shared, ["email"]);
        // ajv-formats' uuid also takes a `urn:uuid:` prefix; Qualys ids are bare.
        shared.addFormat("uuid", JOB_ID);
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
export function jobValidators() {
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
export function settingsValidator(): ValidateFunction {
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
