// qualys-pm-pulumi: Qualys Patch Management deployment jobs as Pulumi resources.
export { DeploymentJob } from "./dynamic/resource";
export type { DeploymentJobOutputProperties } from "./dynamic/resource";
export type { DeploymentJobInputs } from "./core/inputs.generated";
export type { DeploymentJobArgs } from "./dynamic/args.generated";
export type { DeploymentJobOutputs } from "./core/lifecycle";
export { getDeploymentJobResults } from "./dynamic/results";
export type { DeploymentJobResults, DeploymentJobAssetResult } from "./dynamic/results";
export { QualysApiError } from "./core/client";
export type { CheckFailure } from "./core/validate";
