// The two calls that must never be repeated blindly: the create POST (a second one makes a second
// job) and the enable (it submits the job for execution). After an answer that may hide an applied
// call (no answer, a timeout, a 5xx, an unusable 2xx) the server is asked first: the job the POST
// made is looked up, the job an enable was for is read; the call is sent again only when that shows
// it was not applied. A call that never left (the /auth, TLS or proxy step failed) did nothing.
import { isUncertain, QualysApiError } from "./errors";
import type { ApiJob } from "./fields";
import { decideRetry, RetryLimits } from "./retry";
import type { Clock } from "./throttle";

/** What these two need of the client (client.ts PmClient). */
export interface ExactlyOnceApi {
    readonly requestTimeoutMs: number;
    readonly clock: Clock;
    retryLimits(): RetryLimits;
    postJob(body: ApiJob): Promise<ApiJob>;
    postEnable(id: string): Promise<void>;
    getJob(id: string): Promise<ApiJob | undefined>;
    /** Jobs of `platform` named exactly `name`. */
    jobsNamed(platform: string, name: string): Promise<ApiJob[]>;
    /** Whether the server created `job` after this machine's `localTime`, on the server's clock; undefined: cannot tell. */
    createdAfter(job: ApiJob, localTime: number): boolean | undefined;
}

/**
 * Before sending a create or an enable again, once the server showed the first was not applied: the
 * wait the table gives that failure as if it were idempotent (it now is); throws `error` when the
 * table says to stop.
 */
async function waitBeforeRepeating(api: ExactlyOnceApi, error: QualysApiError, attempt: number): Promise<void> {
    const decision = decideRetry({ method: error.method, idempotent: true, status: error.status, retry: attempt }, api.retryLimits());
    if (!decision.retry) throw error;
    await api.clock.sleep(decision.waitMs);
}

/**
 * A failure after which the call may have been applied, and the request did leave. An answer that
 * came but does not confirm the call (a bulk status answer without this job's success) is an error
 * of its own, never a reason to send the call again.
 */
function mayBeApplied(error: unknown, path: string): error is QualysApiError {
    return error instanceof QualysApiError && isUncertain(error) && error.path === path && error.detail.sent !== false && error.detail.kind !== "unconfirmed";
}

/** A gateway's answers for an upstream it stopped waiting for (bad gateway, gateway timeout): the PM service may still apply the call. */
const GAVE_UP = [502, 504];

/** No answer from the PM service: none at all, a timeout, or a gateway that gave up waiting for it. It may still be applying the call. */
function stillWorking(error: QualysApiError): boolean {
    return error.status === undefined || error.detail.kind === "timeout" || GAVE_UP.includes(error.status);
}

/**
 * Creates a job. When the POST's outcome is unknown, the job may exist: look for it by what was
 * sent, created since the POST on the server's clock, and take it when `isOurs` says it is the job
 * just sent; only when it is not there is the POST sent again.
 */
export async function createOnce(api: ExactlyOnceApi, body: ApiJob, isOurs: (job: ApiJob) => boolean): Promise<ApiJob> {
    const path = "/pm/v1/deploymentjob";
    const sentAt = api.clock.now();
    for (let attempt = 1; ; attempt++) {
        try {
            return await api.postJob(body);
        } catch (error) {
            if (!mayBeApplied(error, path)) throw error;
            const lookUp = () => findCreatedJob(api, body, sentAt, isOurs).catch((lookup: Error) => {
                throw new QualysApiError({ method: error.method, path, status: error.status, apiMessage: error.apiMessage, attempts: attempt,
                    hint: `The job "${body.name}" may have been created; looking for it failed (${lookup.message}). Check the Qualys UI before running again` });
            });
            let found = await lookUp();
            if (!found && stillWorking(error)) {
                // No answer from the PM service (none at all, or a gateway that gave up waiting for
                // it): it may still be working on the POST. Give it one request timeout before
                // concluding it was not created.
                await api.clock.sleep(api.requestTimeoutMs);
                found = await lookUp();
            }
            if (found) return found;
            // Not there: the POST was not applied, so sending it again is safe.
            await waitBeforeRepeating(api, error, attempt);
        }
    }
}

/** After an uncertain POST: a job of that name, not created before the POST (server's clock), that `isOurs` accepts. */
async function findCreatedJob(api: ExactlyOnceApi, body: ApiJob, sentAt: number, isOurs: (job: ApiJob) => boolean): Promise<ApiJob | undefined> {
    // List rows may lack who created the job and when (qualysdk's rows carry neither): read each.
    for (const candidate of await api.jobsNamed(String(body.platform), String(body.name))) {
        const job = await api.getJob(String(candidate.id));
        // Not told (no Date from the server): the create looked before its POST and found no job of that name.
        if (job && api.createdAfter(job, sentAt) !== false && isOurs(job)) return job;
    }
    return undefined;
}

/**
 * Enabling submits the job for execution, so it is never sent blindly twice: after an answer that may
 * hide an applied enable, the job is read, and only a job Qualys still holds Disabled is enabled
 * again. An answer that confirms nothing is an error: the state never says Enabled unless Qualys did.
 */
export async function enableOnce(api: ExactlyOnceApi, id: string, isEnabled: (job: ApiJob) => boolean): Promise<void> {
    const path = "/pm/v1/deploymentjobs/update/status/Enabled";
    for (let attempt = 1; ; attempt++) {
        try {
            return await api.postEnable(id);
        } catch (error) {
            if (!mayBeApplied(error, path)) throw error;
            let job = await api.getJob(id);
            if (job && !isEnabled(job) && stillWorking(error)) {
                // The PM service may still apply the enable: one request timeout, then read again.
                await api.clock.sleep(api.requestTimeoutMs);
                job = await api.getJob(id);
            }
            if (!job) throw new QualysApiError({ method: "POST", path, status: error.status, apiMessage: `job ${id} is gone from Qualys`, attempts: attempt });
            if (isEnabled(job)) return;
            // Read as Disabled: the enable was not applied, so sending it again is safe.
            await waitBeforeRepeating(api, error, attempt);
        }
    }
}
