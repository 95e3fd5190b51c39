// qualys-pm-pulumi: Qualys Patch Management deployment jobs as Pulumi resources.
export { DeploymentJob } from "./resource";
export type { DeploymentJobArgs, DeploymentJobInputs } from "./inputs.generated";
export type { DeploymentJobOutputs } from "./dynamic";
export { getDeploymentJobResults } from "./results";
export type { DeploymentJobResults, DeploymentJobAssetResult } from "./results";
export { QualysApiError } from "./client";
export type { CheckFailure } from "./validate";
