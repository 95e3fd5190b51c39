// What `qualys-pm-pulumi adopt` works with: the platforms, the options, and what it found.
import type { PmClient } from "../core/client";
import type { ApiJob, DeploymentJobInputs } from "../core/payload";
import type { ManagedJobs } from "./managed";
import { DYNAMIC_TYPE } from "../dynamic/token";

export type Platform = "Linux" | "Windows";
export const PLATFORMS: Platform[] = ["Linux", "Windows"];

/** The type token of every DeploymentJob (resource.ts): `pulumi import` needs it. */
export const RESOURCE_TYPE = DYNAMIC_TYPE;

/** What the command needs of the client: the same calls the provider makes. */
export type JobSource = Pick<PmClient, "listJobs" | "getJob">;

export interface AdoptOptions {
    /** Platforms listed, in this order. Default: Linux and Windows. */
    platforms?: Platform[];
    /** The PM API's own name filter (`name:"…"`), applied by Qualys while listing. */
    name?: string;
    /** A regular expression the job's name must match, applied here after listing. */
    nameRegex?: RegExp;
    /** The jobs the stack already manages (managed.ts): left out, their names taken. */
    managed?: ManagedJobs;
    /** Jobs read at once. Default 8. */
    concurrency?: number;
    onProgress?: (progress: AdoptProgress) => void;
}

export type AdoptProgress =
    | { phase: "listed"; platform: Platform; count: number }
    | { phase: "read"; done: number; total: number };

export interface AdoptedJob {
    id: string;
    platform: Platform;
    /** The Pulumi resource name: from the job's name, unique in the program, stable from run to run. */
    resourceName: string;
    /** The canonical inputs (`fromApiJob`), as the state records them; without adoptJobId. */
    inputs: DeploymentJobInputs;
    /** What the program declares, without adoptJobId: the canonical inputs, and a unit the schema needs spelt out. */
    args: DeploymentJobInputs;
    /** The job as Qualys answered it. */
    job: ApiJob;
    /** Its row in the job list (`created`, `updated`, `lastScheduleDateTime`, … when Qualys gives them). */
    row: ApiJob;
    /** What Qualys holds that the program does not model; kept as it is by every update. */
    kept: string[];
    /** What Qualys holds that the program cannot say and that the next update would clear. */
    cleared: string[];
}

export interface SkippedJob {
    id: string;
    platform: string;
    name: string;
    reason: string;
}

export interface AdoptResult {
    /** Jobs listed per platform (after the name filters). */
    listed: Partial<Record<Platform, number>>;
    /** Sorted by platform, name and id. */
    jobs: AdoptedJob[];
    skipped: SkippedJob[];
    /** Listed, then gone by the time they were read (deleted meanwhile). */
    vanished: SkippedJob[];
    /** Listed, and left out unread: the stack manages them already. */
    managed: SkippedJob[];
}

