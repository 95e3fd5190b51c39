// Issue 17, hostile input: what `check` does with inputs made to hurt it. The work is bounded by the
// schema's limits, not by the input: asserted by counting what is read of the input (a Proxy), never
// by timing. The time of the worst input is printed, not asserted.
import { check } from "../../provider/dynamic/provider";
import { diffJob } from "../../provider/core/diff";
import { canonicalInputs } from "../../provider/core/payload";
import { MAX_FAILURES, UNKNOWN, validateJobInputs } from "../../provider/core/validate";
import { windowsReattempts } from "../helpers/jobs";

const MB = 1 << 20;
const ID = "ffb6aa16-f342-4f94-99c1-3ae941ce6357";
const uuid = (i: number) => `abcdef00-0000-4000-8000-${String(i).padStart(12, "0")}`;
const list = <T>(n: number, item: (i: number) => T) => Array.from({ length: n }, (_, i) => item(i));
const job = (extra: Record<string, unknown>) => ({ ...windowsReattempts(), ...extra }) as Record<string, unknown>;

function nested(depth: number): Record<string, unknown> {
    let value: Record<string, unknown> = {};
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
}

/** A list that counts how many of its items are read. */
function counted<T>(items: T[]): { list: T[]; reads: () => number } {
    let reads = 0;
    const list = new Proxy(items, {
        get(target, key, receiver) {
            if (typeof key === "string" && /^\d+$/.test(key)) reads++;
            return Reflect.get(target, key, receiver);
        },
    });
    return { list, reads: () => reads };
}

/**
 * The worst input of the corpus: every list at or over its limit with its one fault at the end (so
 * that every item is checked), 1 MB strings, deep nesting, prototype-named and unknown properties.
 */
function worstInput(): Record<string, unknown> {
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

describe("the work of a check is bounded by the schema's limits, not by the input", () => {
    test("a 300,000-item list over its limit is judged by its length: none of its items is read", () => {
        const days = counted(list(300_000, () => "Monday"));
        const failures = validateJobInputs(job({ scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: days.list }));
        expect(failures).toEqual([{ property: "recurringWeekDays", reason: "must have at most 7 items (got 300000)" }]);
        expect(days.reads()).toBe(0);
    });

    test("a 5,000-item list of invalid items is read around its first 21 only", () => {
        const ids = counted(list(5000, (i) => `host-${i}`));
        const failures = validateJobInputs(job({ assetIds: ids.list }));
        expect(failures).toHaveLength(MAX_FAILURES + 1);
        // Each of the 21 is read to check it and to see whether it is still unknown, and item 0 once more first.
        expect(ids.reads()).toBeLessThanOrEqual(3 * (MAX_FAILURES + 1));
    });

    test("an object with 100,000 unknown properties is judged by its number of keys: only the value it names is read", () => {
        let reads = 0;
        const properties = Object.fromEntries(list(100_000, (i) => [`k${i}`, i]));
        const postDeployment = new Proxy(properties, {
            get(target, key, receiver) {
                reads++;
                return Reflect.get(target, key, receiver);
            },
        });
        expect(validateJobInputs(job({ postDeployment }))).toEqual([
            { property: "postDeployment.k0", reason: "is not a property of postDeployment, nor are the 99999 other unknown properties given" },
        ]);
        expect(reads).toBe(1);
    });
});

describe("the worst input of the corpus", () => {
    test("the worst input gives at most 21 failures, each of them short", async () => {
        const { failures } = await check({} as never, worstInput() as never);
        expect(failures!.length).toBeLessThanOrEqual(MAX_FAILURES + 1);
        expect(failures![MAX_FAILURES]).toEqual({ property: "", reason: expect.stringMatching(/^…and (at least )?\d+ more failures$/) });
        for (const f of failures!) {
            expect(f.reason.length).toBeLessThanOrEqual(200);
            expect(f.property.length).toBeLessThanOrEqual(100);
        }
    });

    test("prints how long check takes on the worst input", async () => {
        // The provider process has checked a job and a small bad one: the schema is compiled.
        await check({} as never, job({}) as never);
        await check({} as never, job({ name: "\u202e", assetIds: ["x"], junk: 1 }) as never);
        const input = worstInput();
        const wall: number[] = [];
        const cpu: number[] = [];
        for (let i = 0; i < 10; i++) {
            const cpuBefore = process.cpuUsage();
            const started = process.hrtime.bigint();
            await check({} as never, input as never);
            wall.push(Number(process.hrtime.bigint() - started) / 1e6);
            const used = process.cpuUsage(cpuBefore);
            cpu.push((used.user + used.system) / 1000);
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(1);
        console.log(`check of the worst input: first ${wall[0].toFixed(1)} ms, median ${median(wall)} ms, max ${Math.max(...wall).toFixed(1)} ms wall; ` +
            `first ${cpu[0].toFixed(1)} ms, median ${median(cpu)} ms CPU (10 runs)`);
    });
});

describe("ids are compared ignoring case and kept in lower case", () => {
    test("every id list and adoptJobId are stored in lower case, sorted", () => {
        const upper = (i: number) => uuid(i).toUpperCase();
        const inputs = {
            name: "x", platform: "Windows" as const, adoptJobId: ID.toUpperCase(),
            assetIds: [upper(2), upper(1)], assetTagIds: [upper(3)], matchAllTagIds: [upper(4)], exclusionAssetIds: [upper(5)],
            exclusionTagIds: [upper(6)], approvedPatches: [upper(7)], coAuthorUserIds: [upper(8)],
        };
        expect(canonicalInputs(inputs)).toMatchObject({
            adoptJobId: ID, assetIds: [uuid(1), uuid(2)], assetTagIds: [uuid(3)], matchAllTagIds: [uuid(4)], exclusionAssetIds: [uuid(5)],
            exclusionTagIds: [uuid(6)], approvedPatches: [uuid(7)], coAuthorUserIds: [uuid(8)],
        });
    });

    test("ids that differ only in case are one id", () => {
        expect(canonicalInputs({ name: "x", platform: "Linux", assetIds: [ID.toUpperCase(), ID] }).assetIds).toEqual([ID]);
    });

    test("a change of case in ids is no change", () => {
        const before = job({ assetIds: [ID], approvedPatches: [uuid(1)] });
        const after = job({ assetIds: [ID.toUpperCase()], approvedPatches: [uuid(1).toUpperCase()] });
        expect(diffJob(canonicalInputs(before), canonicalInputs(after)).changed).toEqual([]);
    });

    test("ids still unknown at preview pass through", () => {
        expect(canonicalInputs({ name: "x", platform: "Linux", assetIds: [UNKNOWN, ID.toUpperCase()], adoptJobId: UNKNOWN })).toMatchObject({
            assetIds: [UNKNOWN, ID].sort(), adoptJobId: UNKNOWN,
        });
    });
});
