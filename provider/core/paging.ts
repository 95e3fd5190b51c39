// Reading a paged answer of the PM API to its end, and no further: the job list and the results
// summary each give a policy (page size, where the list ends, what a repeated page means).

/** How one caller's pages are read and where they end (listJobs, getJobResultsSummary). */
export interface PagingPolicy<T> {
    pageSize: number;
    maxPages: number;
    /** Page `pageNumber` (from 0): its items, and `last` when the caller knows it ends the list. */
    fetch(pageNumber: number): Promise<{ items: T[]; last?: boolean }>;
    /** What tells an item from the others across pages; undefined: it cannot be told, and always counts as new. */
    key(item: T): string | undefined;
    /** At a page of only items already read: the error, or undefined when that ends the read. */
    repeated(pageNumber: number): Error | undefined;
    /** The error past `maxPages` pages. */
    tooMany(): Error;
}

/**
 * Every item of a paged answer, bounded: it ends at an empty or short page (or one the caller calls
 * the last); it fails past `maxPages`, and at a page of only items already read, since a server that
 * ignores pageNumber would otherwise be asked forever (an uncertain create once sent 37,927 requests
 * in 20 s that way).
 */
export async function readPages<T>(policy: PagingPolicy<T>): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    const isNew = (item: T) => {
        const key = policy.key(item);
        return key === undefined || !seen.has(key);
    };
    for (let pageNumber = 0; pageNumber < policy.maxPages; pageNumber++) {
        const page = await policy.fetch(pageNumber);
        if (page.items.length === 0) return items;
        const fresh = page.items.filter(isNew);
        if (fresh.length === 0) {
            const error = policy.repeated(pageNumber);
            if (error) throw error;
            return items;
        }
        for (const key of fresh.map(policy.key)) if (key !== undefined) seen.add(key);
        items.push(...fresh);
        if (page.last || page.items.length < policy.pageSize) return items;
    }
    throw policy.tooMany();
}
