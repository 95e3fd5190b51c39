// Attacks on ownership by a server that stores a job name other than the one sent (HTML-escaped,
// or stripped of characters), through the core lifecycle against the emulator, the engine's calls
// made by hand: check, create (its partial create recorded as the engine would), update.
import { PmClient } from "../../provider/core/client";
import { checkJob, createJob, JobInitError, updateJob } from "../../provider/core/lifecycle";
import { AdaptivePacer } from "../../provider/core/throttle";
import { toRequest } from "../../provider/core/payload";
import { PmEmulator, startEmulator } from "../emulator/server";
import { linuxMakeCache } from "../helpers/jobs";

let emulator: PmEmulator;
beforeAll(async () => {
    emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const api = () => new PmClient({ gatewayUrl: emulator.url, username: "demo-user", password: "demo-password", backoffBaseMs: 5, requestTimeoutMs: 2_000 } as any, { pacer: new AdaptivePacer() });
const escape = (name: string) => name.replace(/&/g, "&amp;");
const weekly = (extra = {}) => linuxMakeCache({ name: "Patch & reboot", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"], ...extra } as any);
const checked = (args: object, olds: object = {}) => {
    const { inputs, failures } = checkJob(olds, args as Record<string, unknown>);
    expect(failures).toEqual([]);
    return inputs!;
};

/** What the engine records of a create: its outputs, or a partial create's properties; undefined when nothing is recorded. */
async function engineCreate(client: PmClient, inputs: object): Promise<{ id: string; outs: any } | { error: Error }> {
    try {
        return await createJob(client, inputs);
    } catch (error) {
        if (error instanceof JobInitError) return { id: error.id, outs: error.properties };
        return { error: error as Error };
    }
}

describe("a server that HTML-escapes the names it stores", () => {
    test("a create whose answer is dropped makes one job, not two (the lost-answer lookup finds the escaped name)", async () => {
        emulator.rewriteNames(escape);
        emulator.dropAfterApply("create", 1);
        const result = await engineCreate(api(), checked(weekly()));
        expect(emulator.counts().create).toBe(1);
        expect(emulator.jobs()).toHaveLength(1);
        expect("id" in result ? result.id : result.error.message).toBe(emulator.jobs()[0].id);
    });

    test("a job of that name left by a killed run (stored escaped) stops the next create before any write", async () => {
        emulator.rewriteNames(escape);
        // The job a killed provider's POST made: in Qualys, recorded nowhere.
        const left = emulator.seedJob({ ...toRequest(checked(weekly()) as any), name: escape("Patch & reboot") });
        const result = await engineCreate(api(), checked(weekly()));
        expect(emulator.counts().create ?? 0).toBe(0);
        expect(emulator.jobs().map((j) => j.id)).toEqual([left]);
        expect("error" in result ? result.error.message : "recorded").toContain(`Qualys already holds a Linux job named "Patch & reboot": ${left}`);
    });

    test("once the program's name is written again, a later one-field change is not stopped as an edit made in Qualys", async () => {
        emulator.rewriteNames(escape);
        const client = api();
        const created = await engineCreate(client, checked(weekly()));
        if (!("id" in created)) throw created.error;
        // up 2: the program's name over what Qualys holds (the partial create recorded the escaped name).
        const inputs = checked(weekly(), created.outs);
        const outs2 = await updateJob(client, created.id, created.outs, inputs);
        // up 3: only timeout changes; nobody touched the job in Qualys.
        const outs3 = await updateJob(client, created.id, outs2, checked(weekly({ timeout: 4 }), outs2));
        expect(outs3.timeout).toBe(4);
        expect(emulator.state.jobs.get(created.id)).toMatchObject({ timeout: 4 });
    });
});

describe("a server that stores a name changed beyond HTML escaping (angle brackets stripped)", () => {
    test("the job the create POST made is recorded (a partial create), never left recorded nowhere, and the next create does not make a second", async () => {
        emulator.rewriteNames((name) => name.replace(/[<>]/g, ""));
        const client = api();
        const first = await engineCreate(client, checked(weekly({ name: "Patch <prod>" })));
        const recorded = "id" in first ? [first.id] : [];
        // The next up: nothing recorded means the engine calls create again.
        if (!recorded.length) await engineCreate(client, checked(weekly({ name: "Patch <prod>" })));
        expect(emulator.jobs().map((j) => j.id)).toEqual(recorded.length ? recorded : ["<the first job, recorded>"]);
    });
});
