// The adaptive pacer on a virtual clock: no real waits. The last tests simulate a whole `up` against
// a gateway that refuses, with bare 429s, whatever exceeds R requests in any one second.
import { AdaptivePacer, Clock } from "../../provider/core/throttle";

/** A clock that moves only when the test (or the simulation) says so. */
class VirtualClock implements Clock {
    private time = 0;
    private timers: { at: number; resolve: () => void }[] = [];
    now(): number {
        return this.time;
    }
    sleep(ms: number): Promise<void> {
        return new Promise((resolve) => this.timers.push({ at: this.time + Math.max(0, ms), resolve }));
    }
    /** Runs every timer due up to `until`, in order, letting the woken code run between them. */
    async runUntil(until: number): Promise<void> {
        for (;;) {
            await flush();
            this.timers.sort((a, b) => a.at - b.at);
            const next = this.timers[0];
            if (!next || next.at > until) break;
            this.timers.shift();
            this.time = next.at;
            next.resolve();
        }
        this.time = Math.max(this.time, until);
    }
    get pending(): number {
        return this.timers.length;
    }
}

async function flush(): Promise<void> {
    for (let i = 0; i < 20; i++) await Promise.resolve();
}

test("a tenant that never refuses is never paced", async () => {
    const clock = new VirtualClock();
    const pacer = new AdaptivePacer(clock);
    for (let i = 0; i < 100; i++) {
        await pacer.slot();
        pacer.onAccepted();
    }
    expect(clock.now()).toBe(0);
    expect(pacer.requestsPerSecond).toBe(Number.POSITIVE_INFINITY);
});

test("the first refusal paces requests just under what the gateway took in the last second", async () => {
    const clock = new VirtualClock();
    const pacer = new AdaptivePacer(clock);
    for (let i = 0; i < 10; i++) pacer.onAccepted();
    pacer.onRefused();
    expect(pacer.requestsPerSecond).toBe(8);
    const leftAt: number[] = [];
    const calls = Array.from({ length: 4 }, () => pacer.slot().then(() => leftAt.push(clock.now())));
    await clock.runUntil(1000);
    await Promise.all(calls);
    expect(leftAt).toEqual([125, 250, 375, 500]);
});

test("a burst of refusals within one second slows the pace once, not once per refusal", () => {
    const pacer = new AdaptivePacer(new VirtualClock());
    for (let i = 0; i < 10; i++) pacer.onAccepted();
    for (let i = 0; i < 7; i++) pacer.onRefused();
    expect(pacer.requestsPerSecond).toBe(8);
});

test("accepted requests raise the pace by about half a request per second each second", () => {
    const pacer = new AdaptivePacer(new VirtualClock());
    for (let i = 0; i < 10; i++) pacer.onAccepted();
    pacer.onRefused();
    for (let i = 0; i < 8; i++) pacer.onAccepted();
    expect(pacer.requestsPerSecond).toBeCloseTo(8.5, 1);
});

test("the pace never drops below the floor, even when the gateway refused everything", () => {
    const clock = new VirtualClock();
    const pacer = new AdaptivePacer(clock);
    pacer.onRefused();
    expect(pacer.requestsPerSecond).toBe(0.5);
});

/**
 * N calls, `parallel` at a time, each answered after 20 ms, against a gateway that refuses (bare
 * 429) a request arriving when `limit` were accepted in the last second, as the emulator does; a
 * refused call is sent again (through the pacer, or after the client's 500 ms backoff without it).
 */
async function simulate(n: number, limit: number, parallel: number, paced: boolean) {
    const clock = new VirtualClock();
    const pacer = new AdaptivePacer(clock);
    const latencyMs = 20;
    const accepted: number[] = [];
    let sent = 0;
    let refused = 0;
    let next = 0;
    const worker = async () => {
        while (next < n) {
            next++;
            for (;;) {
                if (paced) await pacer.slot();
                sent++;
                // As the emulator does: counted on arrival, over the last second.
                const now = clock.now();
                const over = accepted.filter((t) => t > now - 1000).length >= limit;
                if (!over) accepted.push(now);
                await clock.sleep(latencyMs);
                if (over) {
                    refused++;
                    if (paced) pacer.onRefused();
                    // Without pacing: the client's backoff of 500 ms.
                    else await clock.sleep(500);
                    continue;
                }
                if (paced) pacer.onAccepted();
                break;
            }
        }
    };
    const done = Promise.all(Array.from({ length: parallel }, worker));
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) await clock.runUntil(clock.now() + 1000);
    return { wallOverFloor: clock.now() / ((n / limit) * 1000), refusedShare: refused / sent };
}

test.each([5, 10])("200 calls, 10 at a time, against a limit of %i a second: within 1.25 × N/R, at most 15 %% refused", async (limit) => {
    const { wallOverFloor, refusedShare } = await simulate(200, limit, 10, true);
    console.log(`simulated: limit ${limit}/s, wall ${wallOverFloor.toFixed(2)} × N/R, ${(refusedShare * 100).toFixed(1)} % refused`);
    expect(wallOverFloor).toBeLessThanOrEqual(1.25);
    expect(refusedShare).toBeLessThanOrEqual(0.15);
});

test("without the pacer the same gateway refuses far more: the simulation can tell them apart", async () => {
    const { refusedShare } = await simulate(200, 5, 10, false);
    expect(refusedShare).toBeGreaterThan(0.3);
});
