// The DeploymentJob resource. Its provider object is what Pulumi serializes into every resource's
// state (`__provider`): each method only requires this package by name and delegates, so the stored
// text is small, portable and holds no credentials, schema or client (design.md fact 1,
// pulumi/pulumi#8265). The package must therefore be installed where the program runs, as usual.
import * as pulumi from "@pulumi/pulumi";
import jobSchema from "../../schema/deployment-job.schema.json";
import type { DeploymentJobArgs } from "./args.generated";
import { FACT_KEYS } from "../core/payload";
import { Declarations } from "../core/declarations";
import { DYNAMIC_MODULE, DYNAMIC_TYPE_NAME } from "./token";
import type { DeploymentJobInputs, ServerFacts } from "../core/payload";

/**
 * Every output of a DeploymentJob: each input as recorded after normalisation (`assetIds`,
 * `scheduleType`, ...) and each fact Qualys reports (`serverStatus`, `createdAt`, ...), typed as the
 * state records them. Derived from the generated inputs and the server facts, so a new input is an
 * output without another line here; the constructor registers the same keys.
 */
export type DeploymentJobOutputProperties = {
    readonly [K in keyof (DeploymentJobInputs & ServerFacts)]-?: pulumi.Output<(DeploymentJobInputs & ServerFacts)[K]>;
};

// Each method requires the provider module by name ("qualys-pm-pulumi/provider", see package.json
// exports) as a literal, so the serializer captures no variable, and delegates to it. Short names
// keep `__provider` under 2 KB per resource.
const delegatingProvider: pulumi.dynamic.ResourceProvider = {
    configure: (r) => require("qualys-pm-pulumi/provider").configure(r),
    check: (o, n) => require("qualys-pm-pulumi/provider").check(o, n),
    diff: (i, o, n) => require("qualys-pm-pulumi/provider").diff(i, o, n),
    create: (n) => require("qualys-pm-pulumi/provider").create(n),
    read: (i, p) => require("qualys-pm-pulumi/provider").read(i, p),
    update: (i, o, n) => require("qualys-pm-pulumi/provider").update(i, o, n),
    delete: (i, p) => require("qualys-pm-pulumi/provider").delete(i, p),
};

/** Per program run (its resource monitor: one per run, under mocks too), the jobs its resources declared. */
const declaredJobs = new WeakMap<object, Declarations>();
const outsideAnyRun = {};

/**
 * The second resource declaring a job (core/declarations.ts) gets a `__declaredTwice` input naming
 * the first, which the provider's `check` refuses, so the plan fails at preview with both names and
 * nothing is created (a throw from here would escape the program).
 */
function declaredTwice(resourceName: string, args: DeploymentJobArgs): pulumi.Output<string | undefined> {
    const run = pulumi.runtime.getMonitor() ?? outsideAnyRun;
    const declarations = declaredJobs.get(run) ?? new Declarations();
    declaredJobs.set(run, declarations);
    return pulumi.all([args.name, args.platform, args.adoptJobId]).apply(([name, platform, adoptJobId]) => declarations.declare(resourceName, { name, platform, adoptJobId }));
}

// Merged into the class below: its instances carry every output property, typed by DeploymentJobOutputProperties.
export interface DeploymentJob extends DeploymentJobOutputProperties {}

/**
 * A Qualys Patch Management deployment job (`/pm/v1/deploymentjob`).
 *
 * A job is created Disabled unless `status: "Enabled"` is declared, because enabling submits it for
 * execution: an On-demand job starts patching at once. Qualys locks run-once jobs (On-demand, Once)
 * once enabled; this resource refuses, at preview, any change to such a job.
 *
 * Adopt an existing job with `adoptJobId: "<job id>"` (the `import` option cannot serve a dynamic
 * resource, pulumi/pulumi#16175). Two resources may not declare the same job.
 */
export class DeploymentJob extends pulumi.dynamic.Resource {
    /** The job's id in Qualys. */
    declare readonly id: pulumi.Output<string>;

    constructor(name: string, args: DeploymentJobArgs, opts?: pulumi.CustomResourceOptions) {
        // Every output registered as undefined, or Pulumi drops what create/update return (pulumi#13983).
        const outputs = Object.fromEntries([...Object.keys(jobSchema.properties), ...FACT_KEYS].map((k) => [k, undefined]));
        // The type token (token.ts) must never change: it is in every URN.
        super(delegatingProvider, name, { ...outputs, ...args, __declaredTwice: declaredTwice(name, args) }, opts, DYNAMIC_MODULE, DYNAMIC_TYPE_NAME);
    }
}
