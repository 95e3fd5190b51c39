// Which inputs changed, and which of those force a new job. Pure and local: no HTTP, so a preview costs no request.
// Both sides are canonical (canonical.ts), so what the server rewrites or adds is never a change.
import { isDeepStrictEqual } from "node:util";
import { CanonicalInputs, INPUT_KEYS, KEPT_WHEN_ABSENT } from "./canonical";
import { DeploymentJobInputs, RUN_ONCE_SCHEDULES } from "./payload";
import { CheckFailure } from "./validate";

export { INPUT_KEYS };

/** Inputs that say how the resource came to be, not what the job is: never a change. */
export const NOT_COMPARED: string[] = ["adoptJobId"];

/** A new platform is a new job: Qualys keeps Windows and Linux jobs apart. */
export const REPLACE_KEYS: (keyof DeploymentJobInputs)[] = ["platform"];

export interface JobDiff {
    /** Top-level inputs whose canonical values differ. */
    changed: string[];
    /** The subset of `changed` that replaces the job. */
    replaces: string[];
}

export function diffJob(before: CanonicalInputs, after: CanonicalInputs): JobDiff {
    const compared = INPUT_KEYS.filter((k) => !NOT_COMPARED.includes(k) && !(KEPT_WHEN_ABSENT.includes(k) && after[k] === undefined));
    const changed = compared.filter((k) => !isDeepStrictEqual(before[k], after[k]));
    return { changed, replaces: changed.filter((k) => REPLACE_KEYS.includes(k)) };
}

export function isRunOnce(inputs: Partial<DeploymentJobInputs>): boolean {
    return RUN_ONCE_SCHEDULES.includes(inputs.scheduleType ?? "On-demand");
}

/**
 * What `check` refuses in an edit of an enabled job, before any request:
 * - Qualys locks a run-once job (On-demand, Once) once it is enabled: it can be neither edited nor
 *   disabled (Enable_Disable_Jobs.htm), so a plan must not promise such an edit.
 * - A plan must not deploy patches again by surprise: replacing an enabled run-once job with a new
 *   enabled run-once job (a new platform), or turning an enabled recurring job into an enabled
 *   run-once job, submits a new run. That is refused with a way to do it on purpose.
 * A replacement into a Disabled job runs nothing; then the other changes belong to the new job.
 */
export function lockedRunOnceChanges(before: CanonicalInputs, after: CanonicalInputs): CheckFailure[] {
    if (before.status !== "Enabled") return [];
    const { changed, replaces } = diffJob(before, after);
    const startsAgain = after.status === "Enabled" && isRunOnce(after) && (replaces.length > 0 || !isRunOnce(before));
    const failures: CheckFailure[] = [];
    if (startsAgain) {
        const property = replaces[0] ?? "scheduleType";
        const when = after.scheduleType === "Once" ? "at its start time" : "at once";
        failures.push({
            property,
            reason: `would start patching again: this edit ${replaces.length ? "replaces" : "turns"} the enabled ${before.scheduleType} job ` +
                `${replaces.length ? "with a new" : "into an"} enabled ${after.scheduleType} job, which Qualys runs ${when}. ` +
                "To run it on purpose, declare it as a new DeploymentJob (a new resource name and a job name of its own) and remove this one",
        });
    }
    if (!isRunOnce(before) || (replaces.length && !startsAgain)) return failures;
    for (const property of changed.filter((k) => !failures.some((f) => f.property === k))) {
        failures.push({
            property,
            reason:
                property === "status"
                    ? `cannot go back to Disabled: this ${before.scheduleType} job was enabled, and Qualys never disables a run-once job`
                    : `cannot change: this ${before.scheduleType} job was enabled, and Qualys locks a run-once job once enabled. ` +
                      `Declare a new DeploymentJob for the new configuration (it runs again when enabled) and remove this one`,
        });
    }
    return failures;
}
