// Generated from schema/deployment-job.schema.json by scripts/generate.ts: do not edit; run `npm run generate`.
import type * as pulumi from "@pulumi/pulumi";

/** The arguments of `new DeploymentJob(name, args)`. */
export interface DeploymentJobArgs {
    /** The job's title in Qualys, at most 256 characters, without control, invisible or bidi control characters (zero-width space, word joiner, BOM, bidi marks and overrides, line separators, tag characters: they make a name read differently in a review than in Qualys; the joiners U+200C and U+200D are allowed). A name is no proof of ownership: a create stops, before any write, when Qualys already holds a job of this platform and name that the resource's state does not record. */
    name: pulumi.Input<string>;
    /** Free-text description of the job, at most 1000 characters, without control characters (tab and line breaks are fine) or bidi controls. Default: empty. */
    description?: pulumi.Input<string>;
    /** Operating-system family of the target assets. Changing this replaces the job. */
    platform: pulumi.Input<"Windows" | "Linux">;
    /** Install patches, or roll them back (Rollback: Windows, and Linux since PM 3.3). Default Install. */
    type?: pulumi.Input<"Install" | "Rollback">;
    /** Disabled (the default) keeps the job as a draft. Enabled submits the job for execution: an On-demand job starts patching its machines at once, a scheduled job at its start time. A run-once job (On-demand, Once) can be enabled only once, can never be disabled, and cannot be edited once enabled: the provider refuses such a change at preview. A recurring job can be enabled and disabled at will. Qualys reports an enabled job that was triggered as "Prepared"; that is not drift. */
    status?: pulumi.Input<"Enabled" | "Disabled">;
    /** When the job runs. On-demand runs as soon as it is enabled; Once at `startDateTime`; Daily, Weekly and Monthly recur from `startDateTime`. A run-once job (On-demand, Once) can be enabled only once, can never be disabled, and cannot be edited once enabled: the provider refuses such a change at preview. */
    scheduleType?: pulumi.Input<"On-demand" | "Once" | "Daily" | "Weekly" | "Monthly">;
    /** First run, in Qualys' style `2025-3-19 04:59:17 AM` (12-hour clock). Required for scheduled jobs; not allowed for On-demand jobs, whose start the server sets. */
    startDateTime?: pulumi.Input<string>;
    /** Whether `startDateTime` is in each agent's time zone or in `timezone`. Scheduled jobs only. */
    timezoneType?: pulumi.Input<"AGENT_TZ" | "SPECIFIC_TZ">;
    /** IANA time zone such as `UTC` or `America/New_York`; required when timezoneType is SPECIFIC_TZ. */
    timezone?: pulumi.Input<string>;
    /** Days a Weekly job runs, each at most once (so at most 7). Weekly jobs only, where it is required. */
    recurringWeekDays?: pulumi.Input<pulumi.Input<"Sunday" | "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday">[]>;
    /** Day of the month a Monthly job runs. Monthly jobs only. */
    dayOfMonth?: pulumi.Input<number>;
    /** Run a Monthly job on the last day of each month. Monthly jobs only. Default false. */
    recurringLastDayOfMonth?: pulumi.Input<boolean>;
    /** Week of the month (1 = first, 5 = last) a Monthly job runs, with `recurringWeekDayOfMonth`. Monthly jobs only. */
    recurringDayOfMonth?: pulumi.Input<number>;
    /** Day of that week (0 = Sunday) a Monthly job runs, with `recurringDayOfMonth`. Monthly jobs only. */
    recurringWeekDayOfMonth?: pulumi.Input<number>;
    /** Run a Monthly job this many days after (1 to 27) or before (-27 to -1) Patch Tuesday. Sent with `monthlyRecurringType` 1. Monthly jobs only. */
    patchTuesdayPlusXDays?: pulumi.Input<number>;
    /** Patch window: the job stops starting new work after this long, at most 168 hours (10080 minutes). Default: no window (sent as -1). */
    timeout?: pulumi.Input<number>;
    /** Unit of `timeout`. Default HOURS. */
    timeoutUnit?: pulumi.Input<"HOURS" | "MINUTES">;
    /** Spread patch downloads over up to this long (at most 2 hours / 120 minutes). Default 0. */
    downloadRandomizeTime?: pulumi.Input<number>;
    /** Unit of `downloadRandomizeTime`. Default MINUTES. */
    downloadRandomizeTimeUnit?: pulumi.Input<"HOURS" | "MINUTES">;
    /** Assets (agent UUIDs) the job targets, at most 5000: asset tags target larger fleets, and the bound keeps a preview quick. Ids are compared ignoring case; a repeated id is refused. */
    assetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Asset tags the job targets, at most 1000; `filterType` says whether an asset needs any or all of them. Ids are compared ignoring case; a repeated id is refused. */
    assetTagIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Asset tags that a targeted asset must all carry, at most 1000. Ids are compared ignoring case; a repeated id is refused. */
    matchAllTagIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Whether an asset needs any (default) or all of `assetTagIds`. */
    filterType?: pulumi.Input<"Any" | "All">;
    /** Assets excluded from the job, at most 5000 (exclude larger sets by tag). Ids are compared ignoring case; a repeated id is refused. */
    exclusionAssetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Asset tags whose assets are excluded from the job, at most 1000. Ids are compared ignoring case; a repeated id is refused. */
    exclusionTagIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Whether an asset is excluded by any (default) or all of `exclusionTagIds`. */
    exclusionFilterType?: pulumi.Input<"Any" | "All">;
    /** Patches (Qualys patch UUIDs) the job deploys, at most 5000 (a dynamic QQL selects more). Ids are compared ignoring case; a repeated id is refused. */
    approvedPatches?: pulumi.Input<pulumi.Input<string>[]>;
    /** Select patches by a QQL query (`dynamicPatchesQQL`) each time the job runs. Default false. */
    isDynamicPatchesQQL?: pulumi.Input<boolean>;
    /** QQL query selecting the patches, e.g. `vendorSeverity:Critical`. Only with isDynamicPatchesQQL true, where it is required. */
    dynamicPatchesQQL?: pulumi.Input<string>;
    /** What `dynamicPatchesQQL` queries: 1 patches (default), 2 vulnerabilities. */
    dynamicQQLType?: pulumi.Input<1 | 2>;
    /** A second QQL query whose patches are added. Only with isDynamicPatchesQQL true. */
    additionalDynamicPatchesQQL?: pulumi.Input<string>;
    /** What `additionalDynamicPatchesQQL` queries: 1 patches, 2 vulnerabilities. Required with it. */
    additionalDynamicQQLType?: pulumi.Input<1 | 2>;
    /** Id of a custom patch download URL configured in Qualys PM (an integer, per the update API's documentation). Left out, the job keeps whatever Qualys holds (set in the UI, for example), and a refresh does not report it. */
    customPatchURLId?: pulumi.Input<number>;
    /** What the user sees before deployment, and whether they may defer it. */
    preDeployment?: pulumi.Input<{
        /** Message shown to the user before deployment. Default: empty. */
        userMessage?: pulumi.Input<string>;
        /** Title of the message shown before deployment. Default: empty. */
        description?: pulumi.Input<string>;
        /** How often, and how long, the user may defer. Defaults: count 3, interval 1, intervalUnit HOURS. */
        deferment?: pulumi.Input<{
            /** How many times the user may defer. Default 3. */
            count?: pulumi.Input<number>;
            /** Time between deferments. Default 1. */
            interval?: pulumi.Input<number>;
            /** Unit of `interval`. Default HOURS. */
            intervalUnit?: pulumi.Input<"MINUTES" | "HOURS">;
        }>;
    }>;
    /** What the user sees during deployment. */
    duringDeployment?: pulumi.Input<{
        /** Message shown to the user during deployment. Default: empty. */
        userMessage?: pulumi.Input<string>;
        /** Title of the message shown during deployment. Default: empty. */
        description?: pulumi.Input<string>;
    }>;
    /** Reboot behaviour and messages after deployment. */
    postDeployment?: pulumi.Input<{
        /** Never reboot after patching (sent as the API's `suppressreboots`). Default false. */
        suppressReboots?: pulumi.Input<boolean>;
        /** Reboot only when no user is logged on. Default false. */
        rebootHonorOnUserLogin?: pulumi.Input<boolean>;
        /** The reboot request shown to the user, and its deferment. */
        rebootOption?: pulumi.Input<{
            /** Message shown to the user when a reboot is needed. Default: empty. */
            userMessage?: pulumi.Input<string>;
            /** Title of the message shown when a reboot is needed. Default: empty. */
            description?: pulumi.Input<string>;
            /** How often, and how long, the user may defer. Defaults: count 3, interval 1, intervalUnit HOURS. */
            deferment?: pulumi.Input<{
                /** How many times the user may defer. Default 3. */
                count?: pulumi.Input<number>;
                /** Time between deferments. Default 1. */
                interval?: pulumi.Input<number>;
                /** Unit of `interval`. Default HOURS. */
                intervalUnit?: pulumi.Input<"MINUTES" | "HOURS">;
            }>;
        }>;
        /** The countdown before a forced reboot. Defaults: 15 MINUTES, empty messages. */
        rebootCountdown?: pulumi.Input<{
            /** Message shown to the user during the reboot countdown. Default: empty. */
            userMessage?: pulumi.Input<string>;
            /** Title of the message shown during the reboot countdown. Default: empty. */
            description?: pulumi.Input<string>;
            /** Length of the countdown. Default 15. */
            interval?: pulumi.Input<number>;
            /** Unit of `interval`. Default MINUTES. */
            intervalUnit?: pulumi.Input<"MINUTES" | "HOURS">;
        }>;
        /** The message shown when the job completes. */
        onComplete?: pulumi.Input<{
            /** Message shown to the user when the job completes. Default: empty. */
            userMessage?: pulumi.Input<string>;
            /** Title of the message shown when the job completes. Default: empty. */
            description?: pulumi.Input<string>;
            /** Show the completion message even when nothing needed a reboot. Default false. */
            alwaysShowCompletedPrompt?: pulumi.Input<boolean>;
        }>;
    }>;
    /** Download patches ahead of the job's start. Windows only. Default false. */
    opportunisticDownloads?: pulumi.Input<boolean>;
    /** Minimize the job's window on the user's desktop. Default false. */
    minimizeWindow?: pulumi.Input<boolean>;
    /** Go on with the remaining patches when one fails. Linux only. Default false. */
    continueOnPatchFailure?: pulumi.Input<boolean>;
    /** Qualys users (UUIDs) who may also edit the job, at most 100. Ids are compared ignoring case; a repeated id is refused. */
    coAuthorUserIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** E-mail notifications about the job (sent as the API's notificationTypes, notificationConfigs and notificationEvents). */
    notification?: pulumi.Input<{
        /** Recipients, at most 50, each at most 254 characters (the longest address SMTP carries). */
        emails: pulumi.Input<pulumi.Input<string>[]>;
        /** Notify when the job starts. Default false. */
        onJobStart?: pulumi.Input<boolean>;
        /** Notify when the job completes. Default false. */
        onJobComplete?: pulumi.Input<boolean>;
        /** Notify once this percentage of assets has completed. */
        completedPercentage?: pulumi.Input<number>;
    }>;
    /** Run Script actions before patching, at most 5 (4 when packageCacheUpdate is on: the cache update is one of them). */
    preDeployActions?: pulumi.Input<pulumi.Input<{
        /** What the action does; sent as the action's `params.actionItem`. */
        description?: string;
        /** Interpreter of `script` (`sh` on Linux). */
        scriptType: "sh" | "powershell" | "bat" | "vbs" | "python";
        /** The script text, at most 20480 characters (Qualys' limit), without control characters other than tab and line breaks, nor bidi controls. */
        script: string;
    }>[]>;
    /** Run Script actions after patching, at most 5. */
    postDeployActions?: pulumi.Input<pulumi.Input<{
        /** What the action does; sent as the action's `params.actionItem`. */
        description?: string;
        /** Interpreter of `script` (`sh` on Linux). */
        scriptType: "sh" | "powershell" | "bat" | "vbs" | "python";
        /** The script text, at most 20480 characters (Qualys' limit), without control characters other than tab and line breaks, nor bidi controls. */
        script: string;
    }>[]>;
    /** Linux only: refresh the package manager's cache before patching (Qualys' Linux Package Cache Update, the MakeCache pre-deploy action of PM 3.5). Avoids failures from stale repositories. Default false. */
    packageCacheUpdate?: pulumi.Input<boolean>;
    /** Windows only: retry failed patches in the same job after it completes (PM 3.5). Setting it sends enableReattemptFailedPatches true; leaving it out turns reattempts off. */
    reattemptFailedPatches?: pulumi.Input<{
        /** How many times to retry, 1 to 5. */
        noOfReattempts: pulumi.Input<number>;
        /** Backoff between retries, 1 to 15 (Qualys does not document the unit). */
        exponentialBackoffInterval: pulumi.Input<number>;
    }>;
    /** Adopt the existing Qualys job with this id instead of creating one: a job made outside the stack, or left by an interrupted run. The job must already match the other inputs, status included (the create fails naming each property that differs): adoption writes nothing, and enabling an adopted Disabled job is a later change of its own. Used instead of the `import` resource option, which Pulumi's engine cannot serve for dynamic resources (pulumi/pulumi#16175). Ignored after the job is adopted: changing or removing it changes nothing; while it is set, `pulumi up --replace` adopts the same job again (the old resource's delete leaves it), so remove it for a fresh job. */
    adoptJobId?: pulumi.Input<string>;
}
