// Hostile input for the checks: the worst input of the bad-input corpus and the pieces it is made of.
// Shared by test/unit/hostile-input.test.ts (what a check of it answers) and `npm run bench` (what it costs).
import { windowsReattempts } from "./jobs";

export const MB = 1 << 20;
export const ID = "ffb6aa16-f342-4f94-99c1-3ae941ce6357";
export const uuid = (i: number) => `abcdef00-0000-4000-8000-${String(i).padStart(12, "0")}`;
export const list = <T>(n: number, item: (i: number) => T) => Array.from({ length: n }, (_, i) => item(i));
export const job = (extra: Record<string, unknown>) => ({ ...windowsReattempts(), ...extra }) as Record<string, unknown>;

export function nested(depth: number): Record<string, unknown> {
    let value: Record<string, unknown> = {};
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
}

/**
 * The worst input of the corpus: every list at or over its limit with its one fault at the end (so
 * that every item is checked), 1 MB strings, deep nesting, prototype-named and unknown properties.
 */
export function worstInput(): Record<string, unknown> {
    const input: Record<string, unknown> = {
        name: "\u202e".repeat(MB),
        description: "\u0000".repeat(MB),
        platform: "Windows",
        scheduleType: "Daily",
        startDateTime: "9".repeat(MB),
        recurringWeekDays: list(30_000, (i) => `day${i}`),
        assetIds: [...list(4999, uuid), "host-1"],
        assetTagIds: [...list(999, uuid), uuid(3).toUpperCase()],
        matchAllTagIds: [...list(999, uuid), `urn:uuid:${ID}`],
        exclusionAssetIds: [...list(4999, uuid), uuid(7).toUpperCase()],
        exclusionTagIds: [...list(999, uuid), uuid(9)],
        approvedPatches: [...list(4999, uuid), { id: ID }],
        coAuthorUserIds: [...list(99, uuid), uuid(0).toUpperCase()],
        dynamicPatchesQQL: "q".repeat(MB),
        timeout: NaN,
        dayOfMonth: Infinity,
        preDeployment: { deferment: { count: nested(1000) }, userMessage: "\u001b".repeat(MB) },
        postDeployment: Object.fromEntries(list(1000, (i) => [`k${i}`, nested(10)])),
        notification: { emails: ["a".repeat(MB)] },
        preDeployActions: list(5, () => ({ scriptType: "sh", script: "\u0007".repeat(MB / 4) })),
        adoptJobId: "z".repeat(MB),
        timezone: "T".repeat(MB),
        reattemptFailedPatches: { noOfReattempts: nested(1000), exponentialBackoffInterval: "x".repeat(MB) },
        constructor: nested(50),
        hasOwnProperty: nested(50),
        toString: nested(50),
        valueOf: nested(50),
    };
    for (let i = 0; i < 15; i++) input[`unknown${i}`] = "v".repeat(1000);
    return input;
}
