// Inputs <-> the PM API's job JSON, row by row of the field table (fields.ts). Pure: no HTTP, no Pulumi.
// `requestBody` writes the whole body the API takes, shaped as the 3.5 release notes' request
// samples; `fromApiJob` reads an API job (a request body or any answer) back into canonical inputs,
// so that what the server adds or rewrites is never a change; `mergeIntoServerJob` makes an update's
// body from the job Qualys holds.
import { CanonicalInputs, canonicalInputs, DEFAULTS } from "./canonical";
import { ApiJob, FIELDS, isRunScript, makeCacheAction, WEEKDAYS } from "./fields";
import type { DeploymentJobInputs } from "./inputs.generated";

export type { ApiJob, CanonicalInputs, DeploymentJobInputs };
export { canonicalInputs, DEFAULTS, isRunScript, makeCacheAction, WEEKDAYS };

/** Run-once jobs: Qualys locks them once enabled (Enable_Disable_Jobs.htm). */
export const RUN_ONCE_SCHEDULES = ["On-demand", "Once"];

/** The whole job body the create POST and the update PATCH take, from canonical inputs. */
export function requestBody(job: CanonicalInputs): ApiJob {
    const body: ApiJob = {};
    for (const row of FIELDS) {
        if (row.platform && row.platform !== job.platform) continue;
        const value = row.out(job);
        if (value !== undefined) body[row.api] = value;
    }
    return body;
}

/** The request body for inputs as a program gives them (made canonical first). */
export function toRequest(inputs: DeploymentJobInputs): ApiJob {
    return requestBody(canonicalInputs(inputs));
}

/**
 * The canonical inputs an API job (request body or answer) describes. `prior`, the inputs last
 * recorded, lets a script the server answers base64-encoded be recognised as the text that was sent.
 */
export function fromApiJob(api: ApiJob, prior?: Partial<DeploymentJobInputs>): CanonicalInputs {
    const inputs = Object.assign({}, ...FIELDS.map((row) => row.back(api, prior)));
    return canonicalInputs(inputs);
}

/**
 * What Qualys computes or stamps on a job and an update never writes back: the one list that the
 * update's body, the adopt command's report and the seed round trip start from (each adds what it
 * alone needs: the report ignores what the model writes anyway, the round trip what no input reads).
 */
export const SERVER_OWNED = [
    "customerId", "createdBy", "updatedBy", "deletedBy", "patchCount", "applicableAssetCount", "assetCount", "taggedAssetCount",
    "jobTriggerStatus", "completionPercent", "totalAssetCount", "assetResultReceivedCount", "readOnly", "jobStartCountdown", "linkedJobs",
    "disabledPatches",
];

/** Request fields filled without modelling them (fields.ts `keepServerValue`); in an update, Qualys' values stay. */
const NOT_MODELLED_FILLERS = FIELDS.filter((row) => row.keepServerValue).map((row) => row.api);

/**
 * The PATCH body of an update: the job as Qualys holds it now, with the modelled fields of `request`
 * written over it. An update takes the whole job, so everything this model does not own (job
 * chaining, other kinds of actions, a custom patch URL the program does not declare, fields of a
 * newer API) goes back unchanged.
 */
export function mergeIntoServerJob(server: ApiJob, request: ApiJob): ApiJob {
    const base = Object.fromEntries(Object.entries(server).filter(([key]) => !SERVER_OWNED.includes(key)));
    const own = Object.fromEntries(Object.entries(request).filter(([key]) => !(NOT_MODELLED_FILLERS.includes(key) && key in base)));
    const body = overlay(base, own);
    body.preDeployActions = keepForeignActions(server.preDeployActions, request.preDeployActions);
    body.postDeployActions = keepForeignActions(server.postDeployActions, request.postDeployActions);
    return body;
}

/** `over` written onto `base`, nested objects merged; a key of `over` replaces its other spellings in `base` (`suppressreboots` / `suppressReboots`). */
function overlay(base: ApiJob, over: ApiJob): ApiJob {
    const out: ApiJob = { ...base };
    for (const [key, value] of Object.entries(over)) {
        for (const other of Object.keys(out)) if (other !== key && other.toLowerCase() === key.toLowerCase()) delete out[other];
        const prior = out[key];
        out[key] = isPlainObject(prior) && isPlainObject(value) ? overlay(prior, value) : value;
    }
    return out;
}

function isPlainObject(value: unknown): value is ApiJob {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The modelled (Run Script) actions in the slots Qualys had them in; any other action stays in its place. */
function keepForeignActions(server: ApiJob[] | null | undefined, modelled: ApiJob[]): ApiJob[] {
    const mine = [...modelled];
    const out: ApiJob[] = [];
    for (const action of server ?? []) {
        if (!isRunScript(action)) out.push(action);
        else if (mine.length) out.push(mine.shift()!);
    }
    return [...out, ...mine];
}

/** Server-owned facts about a job, exposed as outputs of the resource. */
export interface ServerFacts {
    /** The job's status as Qualys reports it, e.g. `Prepared` for a triggered enabled job. */
    serverStatus: string | null;
    customerId: string | null;
    createdBy: string | null;
    createdAt: number | null;
    updatedBy: string | null;
    updatedAt: number | null;
    jobTriggerStatus: number | null;
    applicableAssetCount: number | null;
    patchCount: number | null;
}

export function serverFacts(api: ApiJob): ServerFacts {
    return {
        serverStatus: api.status ?? null,
        customerId: api.customerId ?? null,
        createdBy: api.createdBy?.user?.name ?? null,
        createdAt: api.createdBy?.date ?? null,
        updatedBy: api.updatedBy?.user?.name ?? null,
        updatedAt: api.updatedBy?.date ?? null,
        jobTriggerStatus: api.jobTriggerStatus ?? null,
        applicableAssetCount: api.applicableAssetCount ?? null,
        patchCount: api.patchCount ?? null,
    };
}

export const FACT_KEYS: (keyof ServerFacts)[] = [
    "serverStatus", "customerId", "createdBy", "createdAt", "updatedBy", "updatedAt", "jobTriggerStatus", "applicableAssetCount", "patchCount",
];
