// Every leaf of every 3.5 release-note sample (test/fixtures/seed) goes through the mapping: a
// request read into inputs and expanded again sends each leaf the sample sends, and each answer
// read into inputs and expanded again gives back each leaf the answer holds. What differs is listed
// below by path, each with why; nothing is blanked, and a leaf missing from these lists fails.
import { fromApiJob, SERVER_OWNED as PAYLOAD_SERVER_OWNED, toRequest } from "../../provider/core/payload";
import { seed } from "../helpers/fixtures";

type Leaves = Map<string, unknown>;

/** Every leaf of a JSON value by path (`postDeployment.rebootOption.deferment.count`, `assetIds[0]`); empty lists and objects are leaves. */
function leaves(value: unknown, path = "", out: Leaves = new Map()): Leaves {
    if (Array.isArray(value) && value.length) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
    else if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length) {
        for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
    } else out.set(path, value);
    return out;
}

/** The leaves where `a` and `b` differ, as `path: a → b` (`(absent)` where one has no such leaf). */
function differences(a: Leaves, b: Leaves): string[] {
    const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
    const show = (m: Leaves, p: string) => (m.has(p) ? JSON.stringify(m.get(p)) : "(absent)");
    return paths.filter((p) => show(a, p) !== show(b, p)).map((p) => `${p}: ${show(a, p)} → ${show(b, p)}`);
}

const REQUESTS = ["linux-create.request", "linux-update.request", "windows-create.request", "windows-update.request"];
const ANSWERS = ["linux-create.response", "linux-update.response", "linux-get.response", "windows-create.response", "windows-update.response", "windows-get.response"];

/** Keys the UI's request samples send and this model does not: the same value in every sample, and an update keeps Qualys' value (mergeIntoServerJob). */
const SENT_BY_THE_UI_ONLY = [
    "assetFilePath", "chainedJobRule", "createdBy", "deleted", "hostIsolationConfig", "isVulnContext", "jobCategory", "patchCount",
    "quarantineAssetRequestNotification", "remediationQids", "subCategory",
];

/** What the server computes or stamps on a job: in answers only, no input reads it (payload.ts's list, and what answers add to it). */
const SERVER_OWNED = [
    ...PAYLOAD_SERVER_OWNED,
    "id", "linkedToJob",
    "jobCategory", "subCategory", "isVulnContext", "remediationQids", "hostIsolationConfig", "quarantineAssetRequestNotification", "passwordAction",
    // The soft-delete flag (the Windows update answer echoes the request, which carries it).
    "deleted",
    // The server gives the MakeCache action an id, a kind and a timeout of its own.
    "preDeployActions[0].actionId", "preDeployActions[0].actionType", "preDeployActions[0].actionLinkedToJob", "preDeployActions[0].params.timeout",
    // Read only when the program declares it (fields.ts): null in every answer here, and left to Qualys.
    "customPatchURLId",
];

/** Where the server answers `null` for the `[]` or `""` that went in. */
const NULL_FOR_EMPTY = [
    "additionalDynamicPatchesQQL", "additionalDynamicQQLType", "linkedJobId", "preDeployActions", "postDeployActions",
    "approvedPatches", "assetTagIds", "coAuthorUserIds", "exclusionAssetIds", "exclusionTagIds", "matchAllTagIds",
];

/** Values the server rewrites: the path, what an answer holds, and what the mapping sends for it. */
const REWRITES: { path: string; answered: (v: unknown, job: Record<string, any>) => boolean; sent: unknown; why: string }[] = [
    { path: "jobSource", answered: (v) => v === 3, sent: 2, why: "every request sample sends 2, every answer says 3" },
    { path: "status", answered: (v) => v === "Prepared", sent: "Enabled", why: "an enabled job that was triggered reads Prepared" },
    { path: "preDeployActions[0].script", answered: (v) => typeof v === "string" && v.length > 0, sent: "", why: "the MakeCache action goes in with an empty script and comes back as a path or base64 text" },
    ...["startDateTime", "timezoneType", "timezone"].map((path) => ({
        path, answered: (v: unknown, job: Record<string, any>) => v !== null && job.scheduleType === "On-demand", sent: null,
        why: "the server stamps a start time and a time zone on On-demand jobs: theirs, not the user's",
    })),
    { path: "continueOnPatchFailure", answered: (v, job) => v === false && job.platform === "Windows", sent: undefined, why: "a Linux option, answered for Windows jobs too" },
    ...["enableReattemptFailedPatches", "reattemptFailedPatches"].map((path) => ({
        path, answered: (v: unknown, job: Record<string, any>) => v === null && job.platform === "Linux", sent: undefined, why: "a Windows option, answered as null for Linux jobs",
    })),
];

const under = (list: string[], path: string) => list.find((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));

/** The leaves of an answer, with `suppressReboots` spelt as requests spell it (`suppressreboots`: the one rename). */
function answerLeaves(job: Record<string, any>): Leaves {
    return new Map([...leaves(job)].map(([p, v]) => [p.replace("postDeployment.suppressReboots", "postDeployment.suppressreboots"), v]));
}

/** Leaves the mapping sends although the sample does not: each must be the value an answer of that platform holds (the server's own default). */
function unexplainedFills(platform: string, sample: Leaves, sent: Leaves): string[] {
    const answers = ANSWERS.map(seed).filter((a) => a.platform === platform).map(answerLeaves);
    const shown = (p: string, v: unknown) => answers.some((a) => a.has(p) && (JSON.stringify(a.get(p)) === JSON.stringify(v) || (a.get(p) === null && under(NULL_FOR_EMPTY, p) && (v === "" || (Array.isArray(v) && !v.length)))));
    return [...sent].filter(([p, v]) => !sample.has(p) && !shown(p, v)).map(([p, v]) => `${p}: sent ${JSON.stringify(v)}, which no ${platform} answer holds`);
}

const used = new Set<string>();
function reasonFor(path: string, answered: unknown, sent: unknown, job: Record<string, any>, isAnswer: boolean): string | undefined {
    const list = isAnswer ? ["SERVER_OWNED", under(SERVER_OWNED, path)] : ["SENT_BY_THE_UI_ONLY", under(SENT_BY_THE_UI_ONLY, path)];
    if (list[1] && sent === undefined) return used.add(`${list[0]}:${list[1]}`) && list[0];
    const empty = sent === "" || (Array.isArray(sent) && !sent.length);
    if (isAnswer && answered === null && empty && under(NULL_FOR_EMPTY, path)) return used.add(`NULL_FOR_EMPTY:${under(NULL_FOR_EMPTY, path)}`) && "null for empty";
    const rewrite = REWRITES.find((r) => r.path === path && r.answered(answered, job) && JSON.stringify(r.sent) === JSON.stringify(sent));
    if (isAnswer && rewrite) return used.add(`REWRITES:${rewrite.path}`) && rewrite.why;
    return undefined;
}

function unexplained(name: string, isAnswer: boolean): string[] {
    const job = seed(name);
    const given = isAnswer ? answerLeaves(job) : leaves(job);
    const sent = leaves(toRequest(fromApiJob(job)));
    const missing = [...given].filter(([p, v]) => JSON.stringify(v) !== JSON.stringify(sent.get(p)) && !reasonFor(p, v, sent.get(p), job, isAnswer));
    return [...missing.map(([p, v]) => `${p}: ${JSON.stringify(v)} in the sample, ${sent.has(p) ? JSON.stringify(sent.get(p)) : "nothing"} sent`), ...unexplainedFills(job.platform, given, sent)];
}

test.each(REQUESTS)("a request read into inputs and expanded again sends every leaf of the seed's %s, and only the server's defaults besides", (name) => {
    expect(unexplained(name, false)).toEqual([]);
});

test.each(ANSWERS)("every leaf of the seed's %s comes back through the mapping, but what the server owns or rewrites", (name) => {
    expect(unexplained(name, true)).toEqual([]);
});

test("every entry of the lists above explains a difference in some sample (none is left over)", () => {
    for (const name of REQUESTS) unexplained(name, false);
    for (const name of ANSWERS) unexplained(name, true);
    const entries = [
        ...SENT_BY_THE_UI_ONLY.map((p) => `SENT_BY_THE_UI_ONLY:${p}`), ...SERVER_OWNED.map((p) => `SERVER_OWNED:${p}`),
        ...NULL_FOR_EMPTY.map((p) => `NULL_FOR_EMPTY:${p}`), ...[...new Set(REWRITES.map((r) => `REWRITES:${r.path}`))],
    ];
    expect(entries.filter((e) => !used.has(e))).toEqual([]);
});
