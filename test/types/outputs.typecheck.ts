// A type-level test: compiled by `npm run build` (tsconfig includes test/), never run. tsc fails
// here if an input or a server fact is missing from DeploymentJob's outputs, or has another type.
import type * as pulumi from "@pulumi/pulumi";
import type { DeploymentJob } from "../../provider/index";
import type { DeploymentJobInputs } from "../../provider/core/inputs.generated";
import type { ServerFacts } from "../../provider/core/payload";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Recorded = DeploymentJobInputs & ServerFacts;
type OutputOf<K extends keyof DeploymentJob> = DeploymentJob[K] extends pulumi.Output<infer T> ? T : never;

/** Every input and server fact is an output property. */
export type NoOutputMissing = Expect<Equal<Exclude<keyof Recorded, keyof DeploymentJob>, never>>;
/** Each with the type the state records. */
export type EachOutputTyped = Expect<Equal<{ [K in keyof Recorded]-?: OutputOf<K> }, { [K in keyof Recorded]-?: Recorded[K] }>>;

/** As a program uses them. */
export function outputsAsAProgramUsesThem(job: DeploymentJob) {
    const assetIds: pulumi.Output<string[] | undefined> = job.assetIds;
    const scheduleType: pulumi.Output<"On-demand" | "Once" | "Daily" | "Weekly" | "Monthly" | undefined> = job.scheduleType;
    const platform: pulumi.Output<"Windows" | "Linux"> = job.platform;
    const name: pulumi.Output<string> = job.name;
    const serverStatus: pulumi.Output<string | null> = job.serverStatus;
    const createdAt: pulumi.Output<number | null> = job.createdAt;
    const noOfReattempts = job.reattemptFailedPatches.apply((r) => r?.noOfReattempts);
    const id: pulumi.Output<string> = job.id;
    return { assetIds, scheduleType, platform, name, serverStatus, createdAt, noOfReattempts, id };
}
