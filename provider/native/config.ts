// Where the native plugin's settings come from, in order: an explicit provider's own arguments
// (ConfigureRequest.args, or CheckConfig's news), then the stack's `qualys:` config (the variables
// the engine derives, and PULUMI_CONFIG, which the engine sets on every provider process), then the
// environment. Typing, validation and every message are the core's (core/settings.ts checkSettings).
import { CheckFailure } from "../core/validate";
import { gatewayOrigin } from "../core/gateway";
import { checkSettings, SETTING_SOURCES } from "../core/settings";
import { unwrap } from "./values";

export type Lookup = (key: string) => unknown;

/** PULUMI_CONFIG: the stack's config of this package, by setting name (pkg/v3 host/host.go Provider). */
function stackConfig(env: NodeJS.ProcessEnv): Record<string, unknown> {
    try {
        const parsed = JSON.parse(env.PULUMI_CONFIG ?? "{}");
        return parsed && typeof parsed === "object" ? parsed : {};
    } catch {
        return {};
    }
}

/**
 * The lookup of `qualys:<name>` that core/settings.ts reads the settings through: `args` win, then
 * the variables (`qualys:config:<name>` as the engine writes them), then the stack's config.
 */
export function settingsLookup(args: Record<string, unknown>, variables: Record<string, string>, env: NodeJS.ProcessEnv): Lookup {
    const plain = unwrap(args) as Record<string, unknown>;
    const stack = stackConfig(env);
    return (key) => {
        const name = key.replace(/^qualys:/, "");
        return plain[name] ?? variables[`qualys:config:${name}`] ?? variables[key] ?? stack[name] ?? stack[key];
    };
}

/** Provider inputs by setting name as stack config keys (`qualys:<name>`); `version` is the engine's, not a setting. */
function asConfigKeys(values: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(values).filter(([name]) => name !== "version").map(([name, value]) => [`qualys:${name}`, value]));
}

/**
 * CheckConfig: every problem the core finds in the settings the provider would run with (the
 * provider's own inputs over the stack's config, then the environment), each failure naming its
 * `qualys:` key and where to set it, a misspelt setting with the one it most likely meant.
 */
export function checkConfig(news: Record<string, unknown>, env: NodeJS.ProcessEnv): CheckFailure[] {
    return checkSettings({ ...asConfigKeys(stackConfig(env)), ...asConfigKeys(unwrap(news) as Record<string, unknown>) }, env);
}

/**
 * DiffConfig: the settings that differ between the old and new provider inputs. A new gateway is a
 * new tenant: its jobs are not the old one's, so the engine replaces each job of this provider (made
 * on the new gateway, the old one deleted through the old provider), a change the plan shows, and
 * never asks the new tenant about the old tenant's ids. Every other setting changes in place.
 */
export function diffConfig(olds: Record<string, unknown>, news: Record<string, unknown>): { changed: string[]; replaces: string[] } {
    const [before, after] = [unwrap(olds) as Record<string, unknown>, unwrap(news) as Record<string, unknown>];
    const changed = Object.keys(SETTING_SOURCES).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
    const moved = changed.includes("gatewayUrl") && before.gatewayUrl !== undefined && gatewayOrigin(before.gatewayUrl) !== gatewayOrigin(after.gatewayUrl);
    return { changed, replaces: moved ? ["gatewayUrl"] : [] };
}
