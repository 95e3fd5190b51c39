// Where the provider finds Qualys: the stack's config in the `qualys:` namespace (handed to the
// dynamic provider's `configure`), else environment variables. Read when the provider runs, never
// captured into state (design.md fact 2). Pure: the caller passes a config lookup.
import type { ClientSettings } from "./client";
import settingsSchema from "../../schema/provider-settings.schema.json";
import { CheckFailure, validateSettings } from "./validate";

/** Each setting: its stack config key and its environment variable. */
export const SETTING_SOURCES = {
    gatewayUrl: { config: "qualys:gatewayUrl", env: "QUALYS_GATEWAY_URL" },
    username: { config: "qualys:username", env: "QUALYS_USERNAME" },
    password: { config: "qualys:password", env: "QUALYS_PASSWORD" },
    requestTimeoutMs: { config: "qualys:requestTimeoutMs", env: "QUALYS_REQUEST_TIMEOUT_MS" },
    maxRetries: { config: "qualys:maxRetries", env: "QUALYS_MAX_RETRIES" },
    maxResponseBytes: { config: "qualys:maxResponseBytes", env: "QUALYS_MAX_RESPONSE_BYTES" },
    insecureAllowHttpGateway: { config: "qualys:insecureAllowHttpGateway", env: "QUALYS_INSECURE_ALLOW_HTTP_GATEWAY" },
    adaptivePacing: { config: "qualys:adaptivePacing", env: "QUALYS_ADAPTIVE_PACING" },
} as const;

/** The schema's type of each setting. */
const TYPES: Record<string, string> = Object.fromEntries(Object.entries(settingsSchema.properties).map(([name, schema]) => [name, schema.type]));

/**
 * Stack config and the environment give strings: a plain whole number becomes an integer setting's
 * value, true or false (any case, spaces around) a boolean one; anything else stays as given, for the
 * schema to refuse by name. Not ajv's coerceTypes: it takes "Infinity" and "1e400" for integers within bounds.
 */
function typed(name: string, raw: unknown): unknown {
    if (typeof raw !== "string") return raw;
    if (TYPES[name] === "integer" && /^\s*-?\d{1,15}\s*$/.test(raw)) return Number(raw);
    if (TYPES[name] === "boolean" && /^\s*(true|false)\s*$/i.test(raw)) return raw.trim().toLowerCase() === "true";
    return raw;
}

/** A user name or password written into the gateway URL is never quoted back; the schema refuses the URL. */
function withoutUserinfo(name: string, value: unknown): unknown {
    return name === "gatewayUrl" && typeof value === "string" ? value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, "$1***@") : value;
}

/**
 * The settings as given (stack config first, then the environment), typed, and what is wrong with
 * them, each failure saying where to set the setting. `lookup` returns a config value or undefined.
 */
export function readSettings(lookup: (key: string) => unknown, env: NodeJS.ProcessEnv = process.env): { settings: Record<string, unknown>; failures: CheckFailure[] } {
    const settings: Record<string, unknown> = {};
    for (const [name, source] of Object.entries(SETTING_SOURCES)) {
        const value = lookup(source.config) ?? env[source.env];
        if (value !== undefined && value !== "") settings[name] = withoutUserinfo(name, typed(name, value));
    }
    const failures = validateSettings(settings).map((f) => {
        const source = SETTING_SOURCES[f.property as keyof typeof SETTING_SOURCES];
        return source ? { property: f.property, reason: `${f.reason}: set ${source.config} (pulumi config set${f.property === "password" ? " --secret" : ""}) or ${source.env}` } : f;
    });
    return { settings, failures };
}

/** Stack config first, then the environment. `lookup` returns a config value or undefined. */
export function resolveSettings(lookup: (key: string) => unknown, env: NodeJS.ProcessEnv = process.env): ClientSettings {
    const { settings, failures } = readSettings(lookup, env);
    if (failures.length) throw new Error(`Qualys provider settings are incomplete:\n  ${failures.map((f) => `${f.property} ${f.reason}`).join("\n  ")}`);
    return settings as unknown as ClientSettings;
}
