// Where the provider finds Qualys: the stack's config in the `qualys:` namespace (handed to the
// dynamic provider's `configure`), else environment variables. Read when the provider runs, never
// captured into state (design.md fact 2). Pure: the caller passes the config.
//
// Checked once, here, for every face: `checkSettings` is what a preview reports (the dynamic
// provider's check, a native provider's CheckConfig), `resolveSettings` what the client is built
// from (it refuses the same settings). Only a wrong password or an unreachable gateway waits for the
// first request: nothing else about them can be known without one.
import type { ClientSettings } from "./client";
import settingsSchema from "../../schema/provider-settings.schema.json";
import { gatewayProblems } from "./gateway";
import { escapeUnsafe } from "./quote";
import { CheckFailure, validateSettings } from "./validate";
import { nearest } from "./wording";

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

type SettingName = keyof typeof SETTING_SOURCES;

/** The stack config keys of the settings, e.g. `qualys:gatewayUrl`. */
export const SETTING_KEYS: readonly string[] = Object.values(SETTING_SOURCES).map((s) => s.config);

/** Where a failure's property names the setting: by its stack config key, or by its environment variable (the adopt command). */
export type SettingsSource = "stack" | "environment";

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

/** The settings given: stack config first, then the environment; an empty value is no value. */
function gathered(lookup: (key: string) => unknown, env: NodeJS.ProcessEnv): Record<string, unknown> {
    const settings: Record<string, unknown> = {};
    for (const [name, source] of Object.entries(SETTING_SOURCES)) {
        const value = lookup(source.config) ?? env[source.env];
        if (value !== undefined && value !== "") settings[name] = typed(name, value);
    }
    return settings;
}

/** The schema's rules (required, types, ranges), each failure naming the setting as `source` says, with where to set it. */
function schemaProblems(settings: Record<string, unknown>, source: SettingsSource): CheckFailure[] {
    return validateSettings(settings).map((f) => ({ property: named(f.property, source), reason: f.reason + whereToSet(f.property, source) }));
}

/** The gateway URL's rules (gateway.ts), once the URL is there and a string. */
function gatewayFailures(settings: Record<string, unknown>, source: SettingsSource): CheckFailure[] {
    if (typeof settings.gatewayUrl !== "string") return [];
    // The client takes the URL without its trailing slashes, so they are no path.
    const reasons = gatewayProblems(settings.gatewayUrl.replace(/\/+$/, ""), settings.insecureAllowHttpGateway === true);
    return reasons.map((reason) => ({ property: named("gatewayUrl", source), reason }));
}

function named(name: string, source: SettingsSource): string {
    const from = SETTING_SOURCES[name as SettingName];
    return from ? (source === "stack" ? from.config : from.env) : name;
}

function whereToSet(name: string, source: SettingsSource): string {
    const from = SETTING_SOURCES[name as SettingName];
    if (!from || source === "environment") return "";
    return `: set ${from.config} (pulumi config set${name === "password" ? " --secret" : ""}) or ${from.env}`;
}

/**
 * The `qualys:` keys of the stack config that are no setting of this provider: a misspelt key is
 * otherwise ignored, and the setting it meant silently takes its default or the environment's value.
 */
function unknownKeys(config: Record<string, unknown>): CheckFailure[] {
    const unknown = Object.keys(config).filter((key) => key.startsWith("qualys:") && !SETTING_KEYS.includes(key)).sort();
    return unknown.map((key) => {
        const meant = nearest(key, SETTING_KEYS);
        const advice = meant ? `did you mean ${meant}?` : `the settings are ${SETTING_KEYS.join(", ")}`;
        return { property: shownKey(key), reason: `is not a setting of the Qualys provider; ${advice}` };
    });
}

function shownKey(key: string): string {
    return escapeUnsafe(key.length > 80 ? `${key.slice(0, 80)}…` : key);
}

/**
 * Every problem with the provider settings that can be known without a request, each failure's
 * property the `qualys:` key it is about (or, for `source` "environment", the variable): a `qualys:`
 * key that is no setting, a required setting missing, a value of the wrong type or out of range, a
 * gateway URL that is not an https:// origin. `config` holds the stack config by full key
 * (`qualys:gatewayUrl`); `env` fills what it lacks.
 */
export function checkSettings(config: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env, source: SettingsSource = "stack"): CheckFailure[] {
    const settings = gathered((key) => config[key], env);
    const schema = schemaProblems(settings, source);
    const gateway = schema.some((f) => f.property === named("gatewayUrl", source)) ? [] : gatewayFailures(settings, source);
    return [...unknownKeys(config), ...schema, ...gateway];
}

/**
 * The client's settings: stack config first (`lookup` returns a config value or undefined), then the
 * environment. Throws, naming every setting the schema refuses; the client applies the gateway URL's
 * rules itself (gateway.ts), to whatever settings it is given. The password is never quoted.
 */
export function resolveSettings(lookup: (key: string) => unknown, env: NodeJS.ProcessEnv = process.env): ClientSettings {
    const settings = gathered(lookup, env);
    const failures = schemaProblems(settings, "stack");
    if (failures.length) throw new Error(`Qualys provider settings are incomplete or wrong:\n  ${lines(failures)}`);
    return settings as unknown as ClientSettings;
}

/** Failures as the lines of a message: `qualys:password is required: ...`. */
export function lines(failures: CheckFailure[]): string {
    return failures.map((f) => `${f.property} ${f.reason}`).join("\n  ");
}
