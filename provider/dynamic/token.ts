// The dynamic resource's type token, in every URN of every stack that declares a DeploymentJob:
// changing it would make the engine replace every job. The engine makes it from the provider's
// module and type, `pulumi-nodejs:dynamic/<module>:<type>`.
export const DYNAMIC_MODULE = "qualys";
export const DYNAMIC_TYPE_NAME = "DeploymentJob";
export const DYNAMIC_TYPE = `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:${DYNAMIC_TYPE_NAME}`;
