// Hostile input: what `check` does with inputs made to hurt it. The work is bounded by the schema's
// limits, not by the input: asserted by counting what is read of the input (a Proxy), never by
// timing. What the worst input costs is `npm run bench`'s to print.
import { check } from "../../provider/dynamic/provider";
import { diffJob } from "../../provider/core/diff";
import { canonicalInputs } from "../../provider/core/payload";
import { MAX_FAILURES, UNKNOWN, validateJobInputs } from "../../provider/core/validate";
import { ID, job, list, MB, nested, uuid, worstInput } from "../helpers/hostile";

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
