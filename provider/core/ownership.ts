// Which Qualys job belongs to a resource. Only evidence that outlives a provider process counts: the
// id the engine recorded for the resource, or the job this very process's create POST made. A name
// and a content are not ownership. The engine starts a provider process per operation and shows it
// only part of the stack (a failed run skips its deletes, `--target` hides the other resources,
// `dependsOn` makes a new resource's create come before an old one's update), so "no resource I have
// seen holds that job" proves nothing, and a job of the declared name that already exists is never
// taken: the create stops before any write, naming the job and the ways out.
import { checkedJobId, PmClient } from "./client";
import { ownershipKey } from "./names";
import type { ApiJob } from "./fields";
import { show } from "./quote";

/**
 * Ids this provider process was shown in the state (a diff, a read, an update), less those it
 * deleted. Never a reason to take a job, only to refuse one: `adoptJobId` naming a job a resource
 * already holds (the resource itself, when `pulumi up --replace` re-creates it with the program's
 * adoptJobId still set: the engine then deletes that job as the old one's) would give one job to two
 * resources. A process not shown that resource cannot tell; the refusal is what it can add.
 */
const SEEN_IN_STATE = new Set<string>();

export function noteInState(id: string): void {
    SEEN_IN_STATE.add(id.toLowerCase());
}

export function noteDeleted(id: string): void {
    SEEN_IN_STATE.delete(id.toLowerCase());
}

export function seenInState(id: string): boolean {
    return SEEN_IN_STATE.has(id.toLowerCase());
}

/**
 * Ids this provider process's creates recorded by adopting them (adoptJobId). The engine calls a
 * replacement's create with no old inputs and no diff (`pulumi up --replace`, engine v3.274.1), so a
 * program that keeps adoptJobId adopts the very job the old resource holds, and the engine then
 * deletes the old resource's id: that is the job just adopted. So is the delete of a removed resource
 * whose job another resource adopted in the same up. Such a delete leaves the job to the resource
 * that now holds it.
 */
const ADOPTED_HERE = new Set<string>();

export function noteAdopted(id: string): void {
    ADOPTED_HERE.add(id.toLowerCase());
}

export function adoptedHere(id: string): boolean {
    return ADOPTED_HERE.has(id.toLowerCase());
}

/** An adoption noted before its checks, so that a concurrent one sees it, and dropped when they fail. */
export function forgetAdopted(id: string): void {
    ADOPTED_HERE.delete(id.toLowerCase());
}

/**
 * The creates of one platform and name in this process, one after the other: the engine runs creates
 * in parallel, and a second create's lookup, made while the first one's POST is on its way, would
 * find no job and POST a second. In turn, the second finds the first's job and stops. Names are one
 * job's as the same-name stop judges them (names.ts sameName: entities, white space, case).
 */
const CREATES = new Map<string, Promise<unknown>>();

export async function oneCreateAtATime<T>(platform: string, name: string, create: () => Promise<T>): Promise<T> {
    const key = `${platform}\n${ownershipKey(name)}`;
    const before = CREATES.get(key) ?? Promise.resolve();
    const mine = before.then(create);
    const settled = mine.then(() => undefined, () => undefined);
    CREATES.set(key, settled);
    void settled.then(() => CREATES.get(key) === settled && CREATES.delete(key));
    return mine;
}

/** Jobs of one name read in full, at most, to name them in the stop. */
const MAX_NAMED = 5;

/**
 * The stop when a job of the declared platform and name already exists: each job named with its id,
 * status, creator and creation time (read in full, since list rows may lack them), and every way on
 * that works with Pulumi's engine.
 */
export async function alreadyExists(api: PmClient, platform: string, name: string, rows: ApiJob[]): Promise<Error> {
    const named: string[] = [];
    for (const row of rows.slice(0, MAX_NAMED)) {
        const id = checkedJobId(row.id, "job list");
        named.push(describeJob((await api.getJob(id)) ?? row));
    }
    if (rows.length > MAX_NAMED) named.push(`and ${rows.length - MAX_NAMED} more`);
    const [first] = rows;
    const id = checkedJobId(first.id, "job list");
    return new Error(
        `Qualys already holds ${rows.length > 1 ? `${rows.length} ${platform} jobs` : `a ${platform} job`} named ${show(name)}: ${named.join("; ")}. ` +
            "Nothing was created or changed: a job of the same name is not this resource's job, unless its id is in this resource's state. Ways on:\n" +
            "  - this resource was renamed in the program: give it `aliases: [{ name: \"<its old name>\" }]` so it keeps its job;\n" +
            `  - the job is left by an interrupted run (a provider or CLI killed before the id was recorded), or was made outside this stack: set \`adoptJobId: "${id}"\` on this resource (the program must match the job as Qualys holds it, status included: adoption writes nothing, and enabling a job left Disabled is the next up's own change) and run pulumi up; ` +
            "after a killed CLI, `pulumi refresh --clear-pending-creates` then clears the pending create the engine warns about;\n" +
            "  - this resource is being replaced (pulumi up --replace, replaceOnChanges) and that job is its own: give it `deleteBeforeReplace: true`, so the old job is deleted before the new one is created (a new job declared Enabled is enabled: an On-demand one runs at once);\n" +
            "  - or delete that job in Qualys, or give this resource a job name of its own",
    );
}

/** "<id> (Disabled, created by alice on 2026-12-04T10:00:00.000Z)". */
export function describeJob(job: ApiJob): string {
    const by = job.createdBy?.user?.name ?? job.created?.user?.name;
    const at = job.createdBy?.date ?? job.created?.date;
    const when = typeof at === "number" && Number.isFinite(at) ? ` on ${new Date(at).toISOString()}` : "";
    const status = typeof job.status === "string" ? show(job.status, 20).slice(1, -1) : "status not reported";
    return `${String(job.id)} (${status}${by ? `, created by ${show(String(by), 40)}` : ""}${when})`;
}
