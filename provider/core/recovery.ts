// Exactly one job per resource, even across a killed run. When the provider or the CLI dies while a
// create is in flight, the engine (v3.274.1) forgets the pending create and calls Create again on
// the next `pulumi up`. The job the first try made is found here, in an index of the tenant's jobs
// listed once per provider process and platform, and recorded instead of a second one. A job that
// another resource of this run holds is never taken.
import { checkedJobId, PmClient } from "./client";
import type { ApiJob } from "./payload";

/** The jobs this provider process has seen held by a resource, and the tenant's job index. */
export class JobLedger {
    private readonly held = new Set<string>();
    /** Jobs a create of this run recorded (made, or found from an interrupted run). */
    private readonly created = new Set<string>();
    private readonly index = new Map<string, Promise<ApiJob[]>>();

    /** A resource holds `id` (seen in diff, read, update, delete, or created and recorded). */
    hold(id: string): void {
        this.held.add(id.toLowerCase());
    }

    holds(id: string): boolean {
        return this.held.has(id.toLowerCase());
    }

    /** A create of this run recorded `id`. */
    recordCreated(id: string): void {
        this.hold(id);
        this.created.add(id.toLowerCase());
    }

    /**
     * Whether a create of this run recorded `id`. Then the delete of another resource holding it
     * (a resource renamed without an alias: the engine creates the new one before it deletes the
     * old) must not delete it: the job has passed to the new resource.
     */
    wasCreatedHere(id: string): boolean {
        return this.created.has(id.toLowerCase());
    }

    /**
     * The listed jobs of `platform` named exactly `name` that no resource seen in this process holds.
     * The list is fetched once per process and platform (its cost is per run, not per job); jobs
     * this process creates afterwards are held, so never returned.
     */
    async unheldNamed(api: PmClient, platform: string, name: string): Promise<{ id: string; row: ApiJob }[]> {
        let listed = this.index.get(platform);
        if (!listed) {
            listed = api.listJobs({ platform });
            this.index.set(platform, listed);
            listed.catch(() => this.index.delete(platform));
        }
        return (await listed)
            .filter((row) => row?.name === name && (row.platform === undefined || row.platform === platform))
            .map((row) => ({ id: checkedJobId(row.id, "job list"), row }))
            .filter(({ id }) => !this.holds(id));
    }
}
