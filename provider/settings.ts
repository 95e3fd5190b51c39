// Where the provider finds Qualys: the stack's config in the `qualys:` namespace (handed to the
// dynamic provider's `configure`), else environment variables. Read when the provider runs, never
// captured into state (design.md fact 2). Pure: the caller passes a config lookup.
import type { ClientSettings } from "./client";
import { validateSettings } from "./validate";

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

const NUMERIC = new Set(["requestTimeoutMs", "maxRetries", "maxResponseBytes"]);
const BOOLEAN = new Set(["insecureAllowHttpGateway", "adaptivePacing"]);

/** A setting as typed: config and environment give strings, and "false" must not turn into true. */
function coerce(name: string, raw: unknown): unknown {
    if (NUMERIC.has(name)) return !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    if (BOOLEAN.has(name) && typeof raw === "string") {
        const word = raw.trim().toLowerCase();
        return word === "true" ? true : word === "false" ? false : raw;
    }
    return raw;
}

/** Stack config first, then the environment. `lookup` returns a config value or undefined. */
export function resolveSettings(lookup: (key: string) => unknown, env: NodeJS.ProcessEnv = process.env): ClientSettings {
    const settings: Record<string, unknown> = {};
    for (const [name, source] of Object.entries(SETTING_SOURCES)) {
        const raw = lookup(source.config) ?? env[source.env];
        if (raw === undefined || raw === "") continue;
        // Anything else stays as given, for the schema to refuse by name.
        settings[name] = coerce(name, raw);
    }
    const failures = validateSettings(settings);
    if (failures.length) {
        const lines = failures.map((f) => {
            const source = SETTING_SOURCES[f.property as keyof typeof SETTING_SOURCES];
            return source ? `${f.property} ${f.reason}: set ${source.config} (pulumi config set${f.property === "password" ? " --secret" : ""}) or ${source.env}` : `${f.property} ${f.reason}`;
        });
        throw new Error(`Qualys provider settings are incomplete:\n  ${lines.join("\n  ")}`);
    }
    return settings as unknown as ClientSettings;
}
