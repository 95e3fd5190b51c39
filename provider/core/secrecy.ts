// Which inputs a message may quote. A face that knows the program's secrets (the native plugin gets
// them wrapped) hides those; a face that cannot tell (the dynamic provider gets secrets unwrapped)
// hides every input that may hold free text: a message quotes only closed values (enums, numbers,
// booleans, ids, times), which cannot carry a secret, and the name. The kinds come from the job schema.
import jobSchema from "../../schema/deployment-job.schema.json";

/** True for an input whose value a message must not quote. */
export type Hidden = (key: string) => boolean;

type Node = { type?: string; enum?: unknown[]; format?: string; items?: Node };

const CLOSED_FORMATS = new Set(["uuid", "qualys-datetime", "iana-timezone"]);

function closed(node: Node): boolean {
    if (node.enum || CLOSED_FORMATS.has(node.format ?? "")) return true;
    if (node.type === "boolean" || node.type === "integer" || node.type === "number") return true;
    return node.type === "array" && !!node.items && closed(node.items);
}

const CLOSED_KEYS = new Set(Object.entries(jobSchema.properties as Record<string, Node>).filter(([, node]) => closed(node)).map(([key]) => key));

/**
 * Where the face cannot tell what is secret: every input that may hold free text (description,
 * scripts, QQL), but the name, which is the job's identity and quoted wherever a job is named.
 */
export const mayHoldFreeText: Hidden = (key) => key !== "name" && !CLOSED_KEYS.has(key);

/** Where the face knows the program's secrets: exactly those inputs. */
export const secretsOnly = (keys: ReadonlySet<string>): Hidden => (key) => keys.has(key);
