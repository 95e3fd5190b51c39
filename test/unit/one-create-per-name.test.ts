// The engine runs creates in parallel, and one provider process serves them all. Two creates of one
// platform and name must not both look, find nothing, and both POST: they go one at a time, and the
// second finds the first's job and stops. Driven on a client whose POST answers when the test says,
// so the order is the test's, not the event loop's.
import type { PmClient } from "../../provider/core/client";
import { checkJob, createJob } from "../../provider/core/lifecycle";
import type { ApiJob } from "../../provider/core/fields";
import { sameName } from "../../provider/core/names";
import { linuxMakeCache } from "../helpers/jobs";

/** A PmClient's create path: what it was asked, in order, and a POST that answers on `answer()`. */
function heldClient() {
    const jobs: ApiJob[] = [];
    const calls: string[] = [];
    let answer: () => void = () => undefined;
    const client = {
        now: () => Date.parse("2026-12-04T12:00:00Z"),
        async jobsNamed(platform: string, name: string) {
            calls.push("lookup");
            // As client.jobsNamed finds them: the names the server may have made of this one.
            return jobs.filter((j) => j.platform === platform && sameName(j.name, name));
        },
        async getJob(id: string) {
            return jobs.find((j) => j.id === id);
        },
        createJob(body: ApiJob) {
            calls.push("POST");
            return new Promise<ApiJob>((resolve) => {
                answer = () => {
                    const job = { ...body, id: `00000000-0000-4000-8000-00000000000${jobs.length + 1}`, createdBy: "alice", createdOn: 0 };
                    jobs.push(job);
                    resolve(job);
                };
            });
        },
    };
    return { client: client as unknown as PmClient, calls, jobs, answer: () => answer() };
}

const inputs = (name: string) => checkJob({}, linuxMakeCache({ name }) as unknown as Record<string, unknown>).inputs!;

test("a second create of the same platform and name waits for the first, finds its job, and stops without a POST", async () => {
    const held = heldClient();
    const first = createJob(held.client, inputs("Nightly"));
    await new Promise<void>((resolve) => queueMicrotaskUntil(() => held.calls.includes("POST"), resolve));
    const second = createJob(held.client, inputs("Nightly")).then(() => "created", (e: Error) => e.message);
    await microtasks();
    // Had the second looked now, it would have found no job and POSTed a second one.
    expect(held.calls).toEqual(["lookup", "POST"]);
    held.answer();
    await first;
    expect(await second).toContain(`Qualys already holds a Linux job named "Nightly": ${held.jobs[0].id}`);
    expect(held.calls).toEqual(["lookup", "POST", "lookup"]);
    expect(held.jobs).toHaveLength(1);
});

test("a second create of a name the server would store as the first's (an entity, case, white space) waits for the first too", async () => {
    const held = heldClient();
    void createJob(held.client, inputs("Patch & reboot"));
    await new Promise<void>((resolve) => queueMicrotaskUntil(() => held.calls.includes("POST"), resolve));
    const second = createJob(held.client, inputs("patch &amp;  Reboot")).then(() => "created", (e: Error) => e.message);
    await microtasks();
    expect(held.calls).toEqual(["lookup", "POST"]);
    held.answer();
    expect(await second).toContain(`Qualys already holds a Linux job named "patch &amp;  Reboot": ${held.jobs[0].id}`);
    expect(held.calls).toEqual(["lookup", "POST", "lookup"]);
});

test("creates of different names do not wait for each other", async () => {
    const held = heldClient();
    void createJob(held.client, inputs("Nightly"));
    await new Promise<void>((resolve) => queueMicrotaskUntil(() => held.calls.includes("POST"), resolve));
    void createJob(held.client, inputs("Weekly"));
    await new Promise<void>((resolve) => queueMicrotaskUntil(() => held.calls.length === 4, resolve));
    expect(held.calls).toEqual(["lookup", "POST", "lookup", "POST"]);
});

/** Resolves once `done()` holds, looking again after each microtask (no timer: the fake answers in microtasks). */
function queueMicrotaskUntil(done: () => boolean, resolve: () => void, turns = 1000): void {
    if (done()) return resolve();
    if (turns === 0) throw new Error("the condition never held");
    queueMicrotask(() => queueMicrotaskUntil(done, resolve, turns - 1));
}

/** Lets every microtask the fake client and the lifecycle queue run (the fake never waits on I/O or timers). */
async function microtasks(turns = 100): Promise<void> {
    for (let i = 0; i < turns; i++) await Promise.resolve();
}
