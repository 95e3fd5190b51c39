// Guardrails for DeploymentJob as a CrossGuard policy pack (`qualys-pm-pulumi/policy`): rules a
// security team enforces on every patch job at `pulumi preview --policy-pack`, before anything
// reaches Qualys. Each rule has a name, a one-line description, a configurable enforcement level and
// settings (defaults below), and a message naming the resource, the Qualys job and the rule.
//
// Only types are imported from @pulumi/policy (an optional peer dependency): the policy pack that
// serves these rules (`new PolicyPack(...)`) brings it; the provider never loads it.
import type { EnforcementLevel, PolicyPackArgs, PolicyPackConfig, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULTS } from "../core/canonical";
import { isRunOnce } from "../core/diff";
import { DYNAMIC_TYPE } from "../dynamic/token";
import type { DeploymentJobInputs } from "../core/inputs.generated";

/** The type token of every DeploymentJob (it is in each URN; see resource.ts). */
export const DEPLOYMENT_JOB_TYPE = DYNAMIC_TYPE;

/** The rules' names, as they appear in the CLI's output and in a policy config file. */
export const RULES = {
    runOnceStacks: "qualys-run-once-jobs-only-in-allowed-stacks",
    windowsReattempts: "qualys-windows-reattempt-failed-patches",
    linuxPackageCache: "qualys-linux-package-cache-update",
    rebootCountdown: "qualys-reboot-countdown",
    patchWindow: "qualys-patch-window",
} as const;
export type RuleName = (typeof RULES)[keyof typeof RULES];

/** Each rule's settings and their defaults (a policy config file overrides them, rule by rule). */
export interface GuardrailSettings {
    [RULES.runOnceStacks]: { allowedStacks: string[] };
    [RULES.windowsReattempts]: { minReattempts: number };
    [RULES.linuxPackageCache]: Record<string, never>;
    [RULES.rebootCountdown]: { minCountdownMinutes: number };
    [RULES.patchWindow]: { maxHours: number };
}
export const DEFAULT_SETTINGS: GuardrailSettings = {
    [RULES.runOnceStacks]: { allowedStacks: [] },
    [RULES.windowsReattempts]: { minReattempts: 1 },
    [RULES.linuxPackageCache]: {},
    [RULES.rebootCountdown]: { minCountdownMinutes: 15 },
    [RULES.patchWindow]: { maxHours: 24 },
};

/**
 * What a rule sees of a job: its inputs, the resource's name and its stack. A job with adoptJobId is
 * adopted: made outside the stack (in the UI, or by `qualys-pm-pulumi adopt`) and declared as Qualys
 * holds it; one that is Enabled and run-once (On-demand, Once) has been submitted already, and
 * Qualys never lets it be edited or disabled again.
 */
export interface JobUnderReview {
    /** The resource's name in the program, e.g. `rhel-critical`. */
    resourceName: string;
    /** The stack being previewed or updated (from the URN). */
    stack: string;
    /** The project (from the URN). */
    project: string;
    props: Partial<DeploymentJobInputs>;
}

interface Rule<N extends RuleName> {
    name: N;
    description: string;
    configSchema?: ResourceValidationPolicy["configSchema"];
    /** The reasons the job breaks the rule; none when it complies. */
    check(job: JobUnderReview, settings: GuardrailSettings[N]): string[];
}

const isAdopted = (p: Partial<DeploymentJobInputs>) => typeof p.adoptJobId === "string" && p.adoptJobId !== "";
/**
 * An adopted Enabled run-once job: Qualys locks it, so no edit could make it meet a rule, and
 * declaring it as it stands changes nothing in Qualys. The rules judge what a program can still change.
 * A rule sees inputs only, not what Qualys holds: the exemption is sound only while adopting never
 * enables a run-once job that Qualys holds Disabled (the lifecycle's adoption decides that).
 */
export const isLockedAdoption = (p: Partial<DeploymentJobInputs>) => isAdopted(p) && p.status === "Enabled" && isRunOnce(p);
const installs = (p: Partial<DeploymentJobInputs>) => (p.type ?? "Install") === "Install";
/** An amount in minutes; `unit` left out is the server's default for that amount (fields.ts). */
const minutes = (amount: number, unit: string | undefined, defaultUnit: string) => amount * ((unit ?? defaultUnit) === "HOURS" ? 60 : 1);
const COUNTDOWN: { interval: number; intervalUnit: string } = DEFAULTS.postDeployment.rebootCountdown;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const rules: { [N in RuleName]: Rule<N> } = {
    [RULES.runOnceStacks]: {
        name: RULES.runOnceStacks,
        description: "A new Enabled On-demand or Once job patches as soon as it is applied: declare one only in allowedStacks (Qualys locks an adopted one).",
        configSchema: {
            properties: {
                allowedStacks: { type: "array", items: { type: "string" }, default: [], description: "Stacks (name, or project/name) where an Enabled On-demand or Once job may be declared." },
            },
        },
        check({ props, stack, project }, { allowedStacks }) {
            const scheduleType = props.scheduleType ?? "On-demand";
            if (props.status !== "Enabled" || !isRunOnce({ scheduleType })) return [];
            if (allowedStacks.includes(stack) || allowedStacks.includes(`${project}/${stack}`)) return [];
            const where = allowedStacks.length ? `allowedStacks lists ${allowedStacks.map((s) => `"${s}"`).join(", ")}` : "allowedStacks is empty";
            return [`is an Enabled ${scheduleType} job, which patches as soon as it is applied, in stack "${stack}"; ${where}. Keep it Disabled, or make it a scheduled job, or add the stack to allowedStacks`];
        },
    },
    [RULES.windowsReattempts]: {
        name: RULES.windowsReattempts,
        description: "Windows jobs that install patches retry failed patches (reattemptFailedPatches, at least minReattempts times).",
        configSchema: {
            properties: {
                minReattempts: { type: "integer", minimum: 1, maximum: 5, default: 1, description: "Fewest reattempts a Windows job may declare (Qualys allows 1 to 5)." },
            },
        },
        check({ props }, { minReattempts }) {
            if (props.platform !== "Windows" || !installs(props)) return [];
            const declared = props.reattemptFailedPatches?.noOfReattempts;
            if (declared === undefined) return [`does not retry failed patches: set reattemptFailedPatches with noOfReattempts of at least ${minReattempts}`];
            if (declared < minReattempts) return [`retries failed patches ${plural(declared, "time")}; at least ${minReattempts} required (reattemptFailedPatches.noOfReattempts)`];
            return [];
        },
    },
    [RULES.linuxPackageCache]: {
        name: RULES.linuxPackageCache,
        description: "Linux jobs that install patches refresh the package manager's cache first (packageCacheUpdate: true).",
        check({ props }) {
            if (props.platform !== "Linux" || !installs(props)) return [];
            return props.packageCacheUpdate === true ? [] : ["does not refresh the package cache before patching: set packageCacheUpdate: true"];
        },
    },
    [RULES.rebootCountdown]: {
        name: RULES.rebootCountdown,
        description: "Unless reboots are suppressed, a job announces a reboot with a countdown of at least minCountdownMinutes (Qualys' default countdown is 15 minutes).",
        configSchema: {
            properties: {
                minCountdownMinutes: { type: "integer", minimum: 1, default: 15, description: "Shortest reboot countdown allowed, in minutes." },
            },
        },
        check({ props }, { minCountdownMinutes }) {
            const post = props.postDeployment;
            if (post?.suppressReboots === true) return [];
            const countdown = post?.rebootCountdown;
            const actual = minutes(countdown?.interval ?? COUNTDOWN.interval, countdown?.intervalUnit, COUNTDOWN.intervalUnit);
            if (actual >= minCountdownMinutes) return [];
            return [`counts down ${plural(actual, "minute")} before a reboot; at least ${plural(minCountdownMinutes, "minute")} required (postDeployment.rebootCountdown), or suppress reboots`];
        },
    },
    [RULES.patchWindow]: {
        name: RULES.patchWindow,
        description: "Every job sets a patch window (timeout) of at most maxHours.",
        configSchema: {
            properties: {
                maxHours: { type: "number", exclusiveMinimum: 0, maximum: 168, default: 24, description: "Longest patch window allowed, in hours." },
            },
        },
        check({ props }, { maxHours }) {
            if (props.timeout === undefined) return [`sets no patch window: set timeout (and timeoutUnit) to at most ${plural(maxHours, "hour")}`];
            const actual = minutes(props.timeout, props.timeoutUnit, DEFAULTS.timeoutUnit);
            if (actual <= maxHours * 60) return [];
            return [`has a patch window of ${props.timeout} ${(props.timeoutUnit ?? DEFAULTS.timeoutUnit).toLowerCase()}; at most ${plural(maxHours, "hour")} allowed (timeout)`];
        },
    },
};

/** The stack and project of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function stackOfUrn(urn: string): { stack: string; project: string } {
    const [head, project = ""] = urn.split("::");
    return { stack: head.split(":").slice(2).join(":"), project };
}

/** The message a rule reports: the resource, the Qualys job and the rule, then the reason. */
export function violationMessage(rule: RuleName, job: JobUnderReview, reason: string): string {
    const title = typeof job.props.name === "string" ? ` (Qualys job "${job.props.name}")` : "";
    return `DeploymentJob "${job.resourceName}"${title} breaks ${rule}: ${reason}.`;
}

/** Runs one rule on one job with the given settings (defaults filled in): the violation messages. */
export function checkJob(rule: RuleName, job: JobUnderReview, settings: Partial<GuardrailSettings[RuleName]> = {}): string[] {
    if (isLockedAdoption(job.props)) return [];
    const merged = { ...DEFAULT_SETTINGS[rule], ...settings } as never;
    return (rules[rule] as Rule<RuleName>).check(job, merged).map((reason) => violationMessage(rule, job, reason));
}

export interface GuardrailOptions {
    /** The level of every rule unless `levels` names it (default mandatory: a violation fails the preview). */
    enforcementLevel?: EnforcementLevel;
    /** A level per rule, e.g. `{ "qualys-patch-window": "advisory" }`; "disabled" turns a rule off. */
    levels?: Partial<Record<RuleName, EnforcementLevel>>;
}

/** The rules as CrossGuard resource policies, each checking DeploymentJobs only. */
export function guardrailPolicies(options: GuardrailOptions = {}): ResourceValidationPolicy[] {
    return (Object.keys(rules) as RuleName[]).map((name) => {
        const rule = rules[name] as Rule<RuleName>;
        const validateResource = (args: ResourceValidationArgs, reportViolation: (message: string) => void) => {
            if (args.type !== DEPLOYMENT_JOB_TYPE) return;
            const job: JobUnderReview = { resourceName: args.name, ...stackOfUrn(args.urn), props: args.props as Partial<DeploymentJobInputs> };
            const configured = (args.getConfig<Record<string, unknown>>() ?? {}) as Partial<GuardrailSettings[RuleName]>;
            const settings = Object.fromEntries(Object.entries(configured).filter(([k]) => k !== "enforcementLevel"));
            for (const message of checkJob(name, job, settings)) reportViolation(message);
        };
        return {
            name,
            description: rule.description,
            enforcementLevel: options.levels?.[name] ?? options.enforcementLevel ?? "mandatory",
            ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
            validateResource,
        };
    });
}

/** The arguments of `new PolicyPack("qualys-guardrails", qualysGuardrails())`. */
export function qualysGuardrails(options: GuardrailOptions = {}): PolicyPackArgs {
    return {
        description: "Guardrails for Qualys Patch Management deployment jobs declared with qualys-pm-pulumi.",
        enforcementLevel: options.enforcementLevel ?? "mandatory",
        policies: guardrailPolicies(options),
    };
}

/** A policy config with every rule's defaults, e.g. to write a starting policy-config.json. */
export function defaultGuardrailConfig(): PolicyPackConfig {
    return Object.fromEntries(Object.entries(DEFAULT_SETTINGS).map(([name, settings]) => [name, { enforcementLevel: "mandatory", ...settings }]));
}
