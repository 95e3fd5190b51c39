// Property values between the engine's protobuf Structs and the core's plain data. The plugin
// accepts secrets (Configure answers acceptSecrets), so a secret arrives wrapped in the engine's
// secret signature, and the engine does not mark outputs secret again: the core gets plain values,
// and every output whose input was secret goes back wrapped, or the secret lands in the state in
// clear. A whole top-level property is wrapped when any part of it was secret: the core's canonical
// form may reorder or drop nested values, so a nested path cannot be trusted to survive it.
import { Struct, structPb } from "./proto";

type Record_ = Record<string, unknown>;

/** The engine's signature key and the value marking a secret (sdk/go/common/resource/sig). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecret(value: unknown): value is { value: unknown } {
    return !!value && typeof value === "object" && (value as Record_)[SIG_KEY] === SECRET_SIG;
}

/** A value with every secret wrapper replaced by what it wraps. */
export function unwrap(value: unknown): unknown {
    if (isSecret(value)) return unwrap(value.value);
    if (Array.isArray(value)) return value.map(unwrap);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
    return value;
}

function holdsSecret(value: unknown): boolean {
    if (isSecret(value)) return true;
    if (Array.isArray(value)) return value.some(holdsSecret);
    return !!value && typeof value === "object" && Object.values(value).some(holdsSecret);
}

/** The top-level properties that are, or hold, a secret. */
export function secretKeys(...records: Record_[]): Set<string> {
    return new Set(records.flatMap((record) => Object.keys(record).filter((k) => holdsSecret(record[k]))));
}

/** `record` with each of `keys` that it has wrapped as a secret. */
export function wrapSecrets(record: object, keys: Set<string>): Record_ {
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, keys.has(k) && v !== undefined && v !== null ? { [SIG_KEY]: SECRET_SIG, value: v } : v]));
}

/** A Struct as plain data; an absent Struct as an empty object. */
export function fromStruct(struct: Struct | undefined): Record_ {
    return (struct?.toJavaScript() ?? {}) as Record_;
}

/** `value` without undefined members (a Struct cannot hold them); every other value, NaN too, as it is. */
function defined(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : defined(v)));
    if (!value || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, defined(v)]));
}

/** Plain data as a Struct; undefined members are left out. */
export function toStruct(value: object): Struct {
    return structPb.Struct.fromJavaScript(defined(value) as Record<string, never>);
}
