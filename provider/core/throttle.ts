// One pace for every request of the provider process. The PM API answers 429 with no Retry-After
// or rate-limit header (qualysdk's notes), so the tenant's rate has to be learnt: additive increase,
// multiplicative decrease (AIMD, as TCP does) on the spacing between requests. Until the first
// refusal nothing is paced, so a tenant without a limit is never slowed down.

/** Time, injected so that tests run on a virtual clock and never wait. */
export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PacerTuning {
    /** Rate kept after a refusal, as a share of the rate before it. */
    decrease: number;
    /** Requests per second added per second of accepted requests, up to `nearCeiling` of the last refused rate. */
    increasePerSecond: number;
    /** Past this share of the rate last refused, the pace creeps up slowly: that is where the limit was. */
    nearCeiling: number;
    /** Requests per second added per second near that rate (probing whether the limit was raised). */
    creepPerSecond: number;
    /** The slowest pace, requests per second. */
    minRate: number;
    /** The gateway counts requests over this window; all refusals within one window are one signal. */
    windowMs: number;
}

export const DEFAULT_TUNING: PacerTuning = { decrease: 0.8, increasePerSecond: 0.5, nearCeiling: 0.9, creepPerSecond: 0.05, minRate: 0.5, windowMs: 1000 };

/** What the client asks of a pacer: a slot before each request, and how the gateway answered. */
export interface Pacer {
    slot(): Promise<void>;
    onAccepted(): void;
    onRefused(): void;
}

/** No pacing at all (the adaptivePacing setting off). */
export const UNPACED: Pacer = { slot: async () => undefined, onAccepted: () => undefined, onRefused: () => undefined };

export class AdaptivePacer implements Pacer {
    /** Requests per second; Infinity until the first refusal. */
    private rate = Number.POSITIVE_INFINITY;
    private nextSlot = 0;
    private lastCut = Number.NEGATIVE_INFINITY;
    /** The pace at the last refusal: the tenant's limit is about there. */
    private ceiling = Number.POSITIVE_INFINITY;
    /** When accepted requests completed, within the last window: the pace the gateway allowed. */
    private accepted: number[] = [];

    constructor(private readonly clock: Clock = systemClock, private readonly tuning: PacerTuning = DEFAULT_TUNING) {}

    /** The current pace in requests per second (Infinity: not paced). */
    get requestsPerSecond(): number {
        return this.rate;
    }

    /** Resolves when the next request may leave. */
    async slot(): Promise<void> {
        for (;;) {
            if (!Number.isFinite(this.rate)) return;
            const now = this.clock.now();
            // Re-read after every wait: the pace may have changed while this call waited.
            if (now >= this.nextSlot) {
                this.nextSlot = now + 1000 / this.rate;
                return;
            }
            await this.clock.sleep(this.nextSlot - now);
        }
    }

    /** An answer that was not a refusal: the gateway took the request. */
    onAccepted(): void {
        const now = this.clock.now();
        this.accepted.push(now);
        while (this.accepted.length && this.accepted[0] <= now - this.tuning.windowMs) this.accepted.shift();
        if (!Number.isFinite(this.rate)) return;
        const step = this.rate < this.ceiling * this.tuning.nearCeiling ? this.tuning.increasePerSecond : this.tuning.creepPerSecond;
        this.rate += step / this.rate;
    }

    /** A 429 (or a throttle code): slow down, once per window however many refusals a burst brings. */
    onRefused(): void {
        const now = this.clock.now();
        if (now - this.lastCut < this.tuning.windowMs) return;
        this.lastCut = now;
        // The first refusal: start from what the gateway took in the last window.
        const base = Number.isFinite(this.rate) ? this.rate : this.accepted.filter((t) => t > now - this.tuning.windowMs).length;
        this.ceiling = Math.max(this.tuning.minRate, base);
        this.rate = Math.max(this.tuning.minRate, base * this.tuning.decrease);
        this.nextSlot = Math.max(this.nextSlot, now + 1000 / this.rate);
    }
}
