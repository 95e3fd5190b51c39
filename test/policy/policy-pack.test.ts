// The guardrails policy pack (examples/gitops/policy) through the real Pulumi CLI:
// `pulumi preview --policy-pack` on inline programs against the emulator. The pack is given as its
// executable (pulumi-analyzer-qualys-guardrails), which the engine starts directly, because the
// Node.js language host, which starts a pack given as a folder, is not built here (see
// scripts/install-pulumi.sh). Without a CLI, this suite reports itself skipped, by name.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { PmEmulator, startEmulator } from "../emulator/server";
import { linuxMakeCache, windowsReattempts } from "../helpers/jobs";
import { keepOutput } from "../helpers/secrets";
import { repoRoot } from "../helpers/root";
import { EngineStack, engineStack, engineSuite } from "../e2e/cli";
import type { DeploymentJobArgs } from "../../provider/dynamic/args.generated";
import { defaultGuardrailConfig, RULES } from "../../provider/policy/index";

const { binDir, describeWithCli } = engineSuite("test/policy/policy-pack (real Pulumi engine)");

const PACK_DIR = path.join(repoRoot(), "examples", "gitops", "policy");
const PACK = path.join(PACK_DIR, "pulumi-analyzer-qualys-guardrails");

/** Jobs that follow every rule: the seed's two jobs with a patch window. */
const compliantLinux = (extra: Partial<DeploymentJobArgs> = {}) => linuxMakeCache({ timeout: 4, timeoutUnit: "HOURS", ...extra });
const compliantWindows = (extra: Partial<DeploymentJobArgs> = {}) => windowsReattempts({ timeout: 6, ...extra });

let emulator: PmEmulator;
let declared: { name: string; args: DeploymentJobArgs }[] = [];
let env: EngineStack;
let configDir: string;

const program: automation.PulumiFn = async () => {
    const { DeploymentJob } = require("qualys-pm-pulumi") as typeof import("../../provider/index");
    for (const d of declared) new DeploymentJob(d.name, d.args);
};

/** A policy config file (the rules' defaults, overridden rule by rule). */
function configFile(overrides: Record<string, Record<string, unknown>> = {}): string {
    const config = defaultGuardrailConfig() as Record<string, Record<string, unknown>>;
    for (const [rule, settings] of Object.entries(overrides)) config[rule] = { ...config[rule], ...settings };
    const file = path.join(configDir, `policy-config-${Object.keys(overrides).length}-${Date.now()}.json`);
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
}

async function previewWithPack(config?: string): Promise<{ ok: boolean; text: string }> {
    try {
        const result = await env.run(env.stack.preview({ policyPacks: [PACK], policyPackConfigs: config ? [config] : undefined }));
        return { ok: true, text: result.stdout + result.stderr };
    } catch (error) {
        return { ok: false, text: String((error as Error).message) };
    }
}

test("the pack folder holds what the CLI needs: PulumiPolicy.yaml, a versioned package.json, an executable entry; its config names every rule", () => {
    expect(fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    expect(JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(fs.statSync(PACK).mode & 0o111).not.toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(PACK_DIR, "policy-config.json"), "utf8"))).toEqual(defaultGuardrailConfig());
});

describeWithCli("pulumi preview --policy-pack, through the real Pulumi engine", () => {
    jest.setTimeout(240_000);

    beforeAll(async () => {
        emulator = await startEmulator();
        configDir = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-policy-"));
    });
    afterAll(async () => {
        await emulator.close();
        fs.rmSync(configDir, { recursive: true, force: true });
    });

    beforeEach(async () => {
        emulator.reset();
        declared = [
            { name: "rhel-critical", args: compliantLinux() },
            { name: "win-retry", args: compliantWindows() },
        ];
        const name = expect.getState().currentTestName!.replace(/^pulumi preview --policy-pack, through the real Pulumi engine /, "").replace(/\W+/g, "-").slice(0, 40);
        env = await engineStack(binDir!, name, program, {
            "qualys:gatewayUrl": { value: emulator.url },
            "qualys:username": { value: "demo-user" },
            "qualys:password": { value: "demo-password", secret: true },
        });
        // A missing plugin is reported, never downloaded (the CLI would ask GitHub for it).
        env.stack.workspace.envVars.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
    });
    afterEach(async () => {
        keepOutput(`policy-output-${path.basename(env.workDir)}.txt`, env.output.join("\n"));
        await env.cleanup();
    });

    test("a program that follows every rule passes, and the CLI reports the pack it ran", async () => {
        const { ok, text } = await previewWithPack(path.join(PACK_DIR, "policy-config.json"));
        expect(ok).toBe(true);
        expect(text).toMatch(/qualys-guardrails@v?0\.1\.0/);
        expect(text).not.toContain("breaks qualys-");
        expect(emulator.requests).toEqual([]);
    });

    test.each([
        [RULES.runOnceStacks, "rhel-critical", () => compliantLinux({ status: "Enabled" }),
            'DeploymentJob "rhel-critical" (Qualys job "Demo_MakeCache") breaks qualys-run-once-jobs-only-in-allowed-stacks: is an Enabled On-demand job, which patches as soon as it is applied, in stack "test"'],
        [RULES.windowsReattempts, "win-retry", () => compliantWindows({ reattemptFailedPatches: undefined }),
            'DeploymentJob "win-retry" (Qualys job "TestAPI_CreateJobNew222") breaks qualys-windows-reattempt-failed-patches: does not retry failed patches'],
        [RULES.linuxPackageCache, "rhel-critical", () => compliantLinux({ packageCacheUpdate: false }),
            'DeploymentJob "rhel-critical" (Qualys job "Demo_MakeCache") breaks qualys-linux-package-cache-update: does not refresh the package cache before patching'],
        [RULES.rebootCountdown, "win-retry", () => compliantWindows({ postDeployment: { rebootCountdown: { interval: 5, intervalUnit: "MINUTES" } } }),
            'DeploymentJob "win-retry" (Qualys job "TestAPI_CreateJobNew222") breaks qualys-reboot-countdown: counts down 5 minutes before a reboot; at least 15 minutes required'],
        [RULES.patchWindow, "rhel-critical", () => compliantLinux({ timeout: undefined, timeoutUnit: undefined }),
            'DeploymentJob "rhel-critical" (Qualys job "Demo_MakeCache") breaks qualys-patch-window: sets no patch window'],
    ] as [string, string, () => DeploymentJobArgs, string][])("a job breaking %s fails the preview naming the rule and the job, with no request to Qualys", async (rule, resource, args, message) => {
        declared = declared.map((d) => (d.name === resource ? { name: resource, args: args() } : d));
        const { ok, text } = await previewWithPack();
        expect(ok).toBe(false);
        expect(text).toContain("mandatory");
        expect(text).toContain(rule);
        expect(text).toContain(message);
        expect(emulator.requests).toEqual([]);
    });

    test("the same program passes once it complies: allowedStacks lists the stack, and the job sets a patch window", async () => {
        declared = [{ name: "rhel-critical", args: compliantLinux({ status: "Enabled", timeout: undefined, timeoutUnit: undefined }) }];
        const failed = await previewWithPack();
        expect(failed.ok).toBe(false);
        expect(failed.text).toContain(RULES.runOnceStacks);
        expect(failed.text).toContain(RULES.patchWindow);
        declared = [{ name: "rhel-critical", args: compliantLinux({ status: "Enabled" }) }];
        const passed = await previewWithPack(configFile({ [RULES.runOnceStacks]: { allowedStacks: ["test"] } }));
        expect(passed.ok).toBe(true);
        expect(passed.text).not.toContain("breaks qualys-");
        expect(emulator.requests).toEqual([]);
    });

    test("given as a folder, the pack runs through the Node.js language host; a CLI without one says the plugin is missing", async () => {
        let outcome: { ok: boolean; text: string };
        try {
            const result = await env.run(env.stack.preview({ policyPacks: [PACK_DIR] }));
            outcome = { ok: true, text: result.stdout };
        } catch (error) {
            outcome = { ok: false, text: String((error as Error).message) };
        }
        if (fs.existsSync(path.join(binDir!, "pulumi-language-nodejs"))) {
            expect(outcome.ok).toBe(true);
        } else {
            expect(outcome.ok).toBe(false);
            expect(outcome.text).toContain("no language plugin 'pulumi-language-nodejs' found");
        }
        keepOutput("policy-pack-as-folder.txt", outcome.text);
    });

    test("a rule set to advisory in the config file warns and lets the preview pass; set to disabled it is silent", async () => {
        declared = [{ name: "rhel-critical", args: compliantLinux({ timeout: 48 }) }];
        const advisory = await previewWithPack(configFile({ [RULES.patchWindow]: { enforcementLevel: "advisory" } }));
        expect(advisory.ok).toBe(true);
        expect(advisory.text).toContain("advisory");
        expect(advisory.text).toContain('DeploymentJob "rhel-critical" (Qualys job "Demo_MakeCache") breaks qualys-patch-window: has a patch window of 48 hours; at most 24 hours allowed');
        const disabled = await previewWithPack(configFile({ [RULES.patchWindow]: { enforcementLevel: "disabled" } }));
        expect(disabled.ok).toBe(true);
        expect(disabled.text).not.toContain("breaks qualys-patch-window");
        const wider = await previewWithPack(configFile({ [RULES.patchWindow]: { maxHours: 72 } }));
        expect(wider.ok).toBe(true);
        expect(emulator.requests).toEqual([]);
    });
});
