// The guardrail rules (provider/policy/index.ts) on their own: each rule's verdict on compliant and
// violating jobs, its settings, and the CrossGuard policy objects built from them, called the way
// @pulumi/policy's analyzer calls a resource validation.
import type { ResourceValidationArgs } from "@pulumi/policy";
import { checkJob, DEFAULT_SETTINGS, defaultGuardrailConfig, DEPLOYMENT_JOB_TYPE, guardrailPolicies, JobUnderReview, qualysGuardrails, RULES, stackOfUrn } from "../../provider/policy/index";
import type { DeploymentJobInputs } from "../../provider/core/inputs.generated";

const linux = (extra: Partial<DeploymentJobInputs> = {}): Partial<DeploymentJobInputs> => ({
    name: "RHEL critical", platform: "Linux", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true, timeout: 4, ...extra,
});
const windows = (extra: Partial<DeploymentJobInputs> = {}): Partial<DeploymentJobInputs> => ({
    name: "Windows cumulative", platform: "Windows", assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357"],
    approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"], reattemptFailedPatches: { noOfReattempts: 3, exponentialBackoffInterval: 10 },
    timeout: 6, timeoutUnit: "HOURS", ...extra,
});
const job = (props: Partial<DeploymentJobInputs>, stack = "dev"): JobUnderReview => ({ resourceName: "job", stack, project: "patching", props });
const violations = (props: Partial<DeploymentJobInputs>, stack = "dev") => (Object.values(RULES) as string[]).flatMap((rule) => checkJob(rule as never, job(props, stack)));

describe("each rule, with its default settings", () => {
    test("a Linux job and a Windows job that follow every rule break none", () => {
        expect(violations(linux())).toEqual([]);
        expect(violations(windows())).toEqual([]);
    });

    test.each([
        ["an Enabled On-demand job", RULES.runOnceStacks, linux({ status: "Enabled" }), 'is an Enabled On-demand job, which patches as soon as it is applied, in stack "dev"; allowedStacks is empty'],
        ["an Enabled Once job", RULES.runOnceStacks, linux({ status: "Enabled", scheduleType: "Once", startDateTime: "2026-12-01 10:00:00 PM" }), "is an Enabled Once job"],
        ["a Windows job without reattempts", RULES.windowsReattempts, windows({ reattemptFailedPatches: undefined }), "does not retry failed patches: set reattemptFailedPatches with noOfReattempts of at least 1"],
        ["a Linux job without the cache update", RULES.linuxPackageCache, linux({ packageCacheUpdate: undefined }), "does not refresh the package cache before patching: set packageCacheUpdate: true"],
        ["a Linux job with packageCacheUpdate false", RULES.linuxPackageCache, linux({ packageCacheUpdate: false }), "does not refresh the package cache"],
        ["a 5-minute reboot countdown", RULES.rebootCountdown, windows({ postDeployment: { rebootCountdown: { interval: 5, intervalUnit: "MINUTES" } } }), "counts down 5 minutes before a reboot; at least 15 minutes required"],
        ["no patch window", RULES.patchWindow, linux({ timeout: undefined }), "sets no patch window: set timeout (and timeoutUnit) to at most 24 hours"],
        ["a 2-day patch window", RULES.patchWindow, windows({ timeout: 48 }), "has a patch window of 48 hours; at most 24 hours allowed (timeout)"],
        ["a patch window of 1500 minutes", RULES.patchWindow, linux({ timeout: 1500, timeoutUnit: "MINUTES" }), "has a patch window of 1500 minutes; at most 24 hours allowed"],
    ] as [string, string, Partial<DeploymentJobInputs>, string][])("%s breaks exactly %s, and the message names the resource, the Qualys job and the rule", (_name, rule, props, reason) => {
        const found = violations(props);
        expect(found).toHaveLength(1);
        expect(found[0]).toContain(`DeploymentJob "job" (Qualys job "${props.name}") breaks ${rule}: ${reason}`);
    });

    test("a Disabled run-once job, and an Enabled recurring job, are allowed in any stack", () => {
        expect(violations(linux({ scheduleType: "On-demand" }))).toEqual([]);
        expect(violations(linux({ status: "Enabled", scheduleType: "Daily", startDateTime: "2026-12-01 10:00:00 PM" }))).toEqual([]);
    });

    test("suppressed reboots need no countdown; an undeclared countdown is Qualys' 15 minutes; hours count as 60 minutes", () => {
        expect(violations(windows({ postDeployment: { suppressReboots: true, rebootCountdown: { interval: 1 } } }))).toEqual([]);
        expect(violations(windows({ postDeployment: {} }))).toEqual([]);
        expect(checkJob(RULES.rebootCountdown, job(windows({ postDeployment: { rebootCountdown: { interval: 1, intervalUnit: "HOURS" } } })), { minCountdownMinutes: 60 })).toEqual([]);
    });

    test("an adopted Enabled On-demand or Once job, which Qualys locks, is accepted as it stands, whatever else it breaks", () => {
        const adoptJobId = "0d3f6a4e-1c2b-4d5e-8f90-123456789abc";
        expect(violations(linux({ adoptJobId, status: "Enabled", timeout: undefined, packageCacheUpdate: false }))).toEqual([]);
        expect(violations(windows({ adoptJobId, status: "Enabled", scheduleType: "Once", startDateTime: "2026-12-01 10:00:00 PM", reattemptFailedPatches: undefined }))).toEqual([]);
    });

    test("the same job made by the stack (no adoptJobId) is judged by every rule", () => {
        expect(violations(linux({ status: "Enabled", timeout: undefined, packageCacheUpdate: false })).map((m) => m.split(" breaks ")[1].split(":")[0])).toEqual([
            RULES.runOnceStacks, RULES.linuxPackageCache, RULES.patchWindow,
        ]);
    });

    test("an adopted job Qualys still lets be edited is judged by every rule, as a new one", () => {
        const adoptJobId = "0d3f6a4e-1c2b-4d5e-8f90-123456789abc";
        expect(violations(linux({ adoptJobId, timeout: undefined }))).toEqual([
            'DeploymentJob "job" (Qualys job "RHEL critical") breaks qualys-patch-window: sets no patch window: set timeout (and timeoutUnit) to at most 24 hours.',
        ]);
        expect(violations(windows({ adoptJobId, status: "Enabled", scheduleType: "Daily", startDateTime: "2026-12-01 10:00:00 PM", reattemptFailedPatches: undefined }))).toHaveLength(1);
    });

    test("Rollback jobs are not asked for reattempts or the cache update", () => {
        expect(violations(windows({ type: "Rollback", reattemptFailedPatches: undefined }))).toEqual([]);
        expect(violations(linux({ type: "Rollback", packageCacheUpdate: undefined }))).toEqual([]);
    });
});

describe("settings", () => {
    test("allowedStacks lets an Enabled On-demand job through in a listed stack, by name or as project/stack", () => {
        const enabled = job(linux({ status: "Enabled" }), "emergency");
        expect(checkJob(RULES.runOnceStacks, enabled, { allowedStacks: ["emergency"] })).toEqual([]);
        expect(checkJob(RULES.runOnceStacks, enabled, { allowedStacks: ["patching/emergency"] })).toEqual([]);
        expect(checkJob(RULES.runOnceStacks, enabled, { allowedStacks: ["prod"] })[0]).toContain('allowedStacks lists "prod"');
    });

    test("minReattempts, minCountdownMinutes and maxHours move each threshold", () => {
        expect(checkJob(RULES.windowsReattempts, job(windows()), { minReattempts: 4 })).toEqual([
            'DeploymentJob "job" (Qualys job "Windows cumulative") breaks qualys-windows-reattempt-failed-patches: retries failed patches 3 times; at least 4 required (reattemptFailedPatches.noOfReattempts).',
        ]);
        expect(checkJob(RULES.rebootCountdown, job(windows()), { minCountdownMinutes: 30 })[0]).toContain("counts down 15 minutes before a reboot; at least 30 minutes required");
        expect(checkJob(RULES.patchWindow, job(windows()), { maxHours: 4 })[0]).toContain("has a patch window of 6 hours; at most 4 hours allowed");
    });

    test("the default config file lists every rule, mandatory, with its default settings", () => {
        expect(defaultGuardrailConfig()).toEqual({
            "qualys-run-once-jobs-only-in-allowed-stacks": { enforcementLevel: "mandatory", allowedStacks: [] },
            "qualys-windows-reattempt-failed-patches": { enforcementLevel: "mandatory", minReattempts: 1 },
            "qualys-linux-package-cache-update": { enforcementLevel: "mandatory" },
            "qualys-reboot-countdown": { enforcementLevel: "mandatory", minCountdownMinutes: 15 },
            "qualys-patch-window": { enforcementLevel: "mandatory", maxHours: 24 },
        });
    });

    test("the stack and project come from the URN", () => {
        expect(stackOfUrn(`urn:pulumi:prod::patching::${DEPLOYMENT_JOB_TYPE}::rhel`)).toEqual({ stack: "prod", project: "patching" });
    });
});

describe("as CrossGuard policies", () => {
    const validate = (name: string, props: Record<string, unknown>, config: Record<string, unknown> = {}, type = DEPLOYMENT_JOB_TYPE) => {
        const policy = guardrailPolicies().find((p) => p.name === name)!;
        const reported: string[] = [];
        const args = { type, props, urn: `urn:pulumi:dev::patching::${type}::rhel`, name: "rhel", getConfig: () => config } as unknown as ResourceValidationArgs;
        (policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(args, (m) => reported.push(m));
        return reported;
    };

    test("every rule has a doc line, a config schema where it has settings, and is mandatory unless told otherwise", () => {
        const policies = guardrailPolicies();
        expect(policies.map((p) => p.name)).toEqual(Object.values(RULES));
        for (const p of policies) {
            expect(p.description).toMatch(/^[A-Z].{20,200}\.$/);
            expect(p.enforcementLevel).toBe("mandatory");
            expect(Object.keys(p.configSchema?.properties ?? {})).toEqual(Object.keys(DEFAULT_SETTINGS[p.name as keyof typeof DEFAULT_SETTINGS]));
        }
        expect(qualysGuardrails({ enforcementLevel: "advisory", levels: { [RULES.patchWindow]: "disabled" } }).policies.map((p) => p.enforcementLevel))
            .toEqual(["advisory", "advisory", "advisory", "advisory", "disabled"]);
    });

    test("a validation reports on DeploymentJobs only, with the resource's name, and reads its settings from the policy config", () => {
        expect(validate(RULES.patchWindow, { ...linux({ timeout: 30 }), __provider: "exports.handler = ..." })).toEqual([
            'DeploymentJob "rhel" (Qualys job "RHEL critical") breaks qualys-patch-window: has a patch window of 30 hours; at most 24 hours allowed (timeout).',
        ]);
        expect(validate(RULES.patchWindow, linux({ timeout: 30 }), { enforcementLevel: "mandatory", maxHours: 48 })).toEqual([]);
        expect(validate(RULES.patchWindow, linux({ timeout: undefined }), {}, "aws:s3/bucket:Bucket")).toEqual([]);
    });
});
