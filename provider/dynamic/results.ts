// A program-side helper: the results summary of a job's runs. Runs in the Pulumi program, with the
// same settings as the provider (stack config `qualys:*`, then environment variables).
import * as pulumi from "@pulumi/pulumi";
import { PmClient } from "../core/client";
import { resolveSettings } from "../core/settings";

/** One asset's outcome in a job run (3.5 release notes, results summary sample). */
export interface DeploymentJobAssetResult {
    asset: { id: string; name: string; operatingSystem: string; [field: string]: unknown };
    status: string;
    statusCode?: string;
    jobInstanceId: number;
    installed: string[] | null;
    failed: string[] | null;
    superseded: string[] | null;
    notApplicable: string[] | null;
    startDateTime?: number;
    endDateTime?: number;
    [field: string]: unknown;
}

export interface DeploymentJobResults {
    id: string;
    name: string;
    assetCount: number;
    patchCount: number;
    createdBy: string;
    createdOn: number;
    /** The results of the assets that have reported so far: fewer than `assetCount`, or none, while the job has not run or is still running. */
    assets: DeploymentJobAssetResult[];
    /** How many of the job's `assetCount` assets have reported a result. */
    assetsReported: number;
}

/** Reads `GET /pm/v1/deploymentjob/{id}/deploymentjobresult/summary`: what it holds, with how many assets have reported against `assetCount`. */
export function getDeploymentJobResults(jobId: pulumi.Input<string>): pulumi.Output<DeploymentJobResults> {
    const config = new pulumi.Config("qualys");
    return pulumi.output(jobId).apply(async (id) => {
        const settings = resolveSettings((key) => config.get(key.replace(/^qualys:/, "")));
        return (await new PmClient(settings).getJobResultsSummary(id)) as unknown as DeploymentJobResults;
    });
}
