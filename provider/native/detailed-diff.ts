// The property paths behind the core's diff, so that `pulumi preview --diff` shows the leaf that
// changed instead of the whole property: the core says which top-level inputs changed and which of
// those replace the job (core/diff.ts); this only walks down into those, on the same canonical
// values, to the first path where the two sides part. Lists are leaves: an id list compares as a set.
import { isDeepStrictEqual } from "node:util";

export type Kind = "ADD" | "DELETE" | "UPDATE";

export interface PathDiff {
    path: string;
    kind: Kind;
    replace: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return !!value && typeof value === "object" && !Array.isArray(value);
}

/** The paths (`a.b.c`) under `path` where `before` and `after` differ. */
function leaves(path: string, before: unknown, after: unknown): [string, Kind][] {
    if (isDeepStrictEqual(before, after)) return [];
    if (before === undefined) return [[path, "ADD"]];
    if (after === undefined) return [[path, "DELETE"]];
    if (!isObject(before) || !isObject(after)) return [[path, "UPDATE"]];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => leaves(`${path}.${key}`, before[key], after[key]));
}

/** Each changed leaf of the `changed` top-level inputs, `replace` when its input is among `replaces`. */
export function detailedDiff(before: object, after: object, changed: string[], replaces: string[]): PathDiff[] {
    const [olds, news] = [before as Record<string, unknown>, after as Record<string, unknown>];
    return changed.flatMap((key) => {
        const found = leaves(key, olds[key], news[key]);
        // The core saw a change where the values are deep-equal here (it compares its own way): the property itself.
        return (found.length ? found : ([[key, "UPDATE"]] as [string, Kind][])).map(([path, kind]) => ({ path, kind, replace: replaces.includes(key) }));
    });
}
