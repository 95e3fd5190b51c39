// Runs one example's program through the real Pulumi engine, as its own project: this process
// loads the example's own installed @pulumi/pulumi (Automation API, inline program requiring the
// example's compiled index.js), so the program, the package and the SDK are the copies the example
// installed, as in a user's project. Started by test/examples/examples.test.ts (built to dist/ by
// `npm run build`); prints one JSON line with what each operation did.
//
// Usage: node run-example.js <json: { workDir, program, projectName, binDir, stateDir, config, op, policyPacks? }>
import * as path from "node:path";
import type * as automationTypes from "@pulumi/pulumi/automation";

interface Args {
    /** Holds node_modules (a link to the example's) and the compiled program. */
    workDir: string;
    /** The compiled index.js of the example. */
    program: string;
    projectName: string;
    /** Folder of the pulumi CLI and the dynamic-provider plugin shim. */
    binDir: string;
    stateDir: string;
    config: Record<string, { value: string; secret?: boolean }>;
    /** "deploy": preview, up, a preview expecting no change; "destroy": destroy. */
    op: "deploy" | "destroy";
    /** Policy packs (and their config files) run by the first preview of "deploy". */
    policyPacks?: string[];
    policyPackConfigs?: string[];
}

async function main(): Promise<void> {
    const args = JSON.parse(process.argv[2]) as Args;
    const sdkPath = require.resolve("@pulumi/pulumi/automation", { paths: [args.workDir] });
    const automation = require(sdkPath) as typeof automationTypes;
    const program: automationTypes.PulumiFn = async () => {
        delete require.cache[require.resolve(args.program)];
        return { ...require(args.program) };
    };
    const envVars = {
        PULUMI_BACKEND_URL: `file://${args.stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "examples-passphrase",
        PULUMI_HOME: path.join(args.stateDir, "..", "home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PATH: `${args.binDir}${path.delimiter}${process.env.PATH}`,
    };
    const pulumiCommand = await automation.PulumiCommand.get({ root: path.dirname(args.binDir), skipVersionCheck: true });
    const stack = await automation.LocalWorkspace.createOrSelectStack(
        { projectName: args.projectName, stackName: "dev", program },
        { workDir: args.workDir, envVars, pulumiCommand, projectSettings: { name: args.projectName, runtime: "nodejs", backend: { url: envVars.PULUMI_BACKEND_URL } } },
    );
    await stack.setAllConfig(args.config);
    const sdk = path.dirname(path.dirname(sdkPath));
    if (args.op === "destroy") {
        const destroy = await stack.destroy();
        process.stdout.write(JSON.stringify({ sdk, destroy: destroy.summary.resourceChanges }) + "\n");
        return;
    }
    const preview = await stack.preview({ diff: true, policyPacks: args.policyPacks, policyPackConfigs: args.policyPackConfigs });
    const up = await stack.up();
    const again = await stack.preview({ expectNoChanges: true });
    const result = {
        sdk,
        preview: { changes: preview.changeSummary, stdout: preview.stdout },
        up: { changes: up.summary.resourceChanges, outputs: Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value])) },
        again: again.changeSummary,
    };
    process.stdout.write(JSON.stringify(result) + "\n");
}

// The Automation API's program server keeps the event loop alive: exit once done.
main().then(() => process.exit(0), (error) => {
    process.stderr.write(String(error?.stack ?? error) + "\n");
    process.exit(1);
});
