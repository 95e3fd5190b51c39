// The guardrails for every DeploymentJob, as a CrossGuard policy pack. The rules ship in
// qualys-pm-pulumi (`qualys-pm-pulumi/policy`); their levels and settings come from
// policy-config.json (`--policy-pack-config`), or from the options below.
const { PolicyPack } = require("@pulumi/policy");
const { qualysGuardrails } = require("qualys-pm-pulumi/policy");

new PolicyPack("qualys-guardrails", qualysGuardrails({ enforcementLevel: "mandatory" }));
