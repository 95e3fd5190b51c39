// Resource names for adopted jobs: from the job's name, unique in the program, stable from run to run.

const MAX_NAME = 48;

/** A job name as a resource name: lower-case ASCII letters, digits and dashes; accents dropped. */
export function slugOf(jobName: string): string {
    const ascii = jobName.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
    let slug = ascii.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (slug.length > MAX_NAME) {
        const cut = slug.slice(0, MAX_NAME);
        slug = (cut.lastIndexOf("-") > MAX_NAME / 2 ? cut.slice(0, cut.lastIndexOf("-")) : cut).replace(/-+$/, "");
    }
    return slug || "job";
}

/**
 * Resource names, by job id: the slug of the job's name; where two jobs share a slug, the older
 * keeps it and the others get the first 8 characters of their id (the whole id if that is taken); a
 * slug in `taken` goes to no job plain.
 * Depends only on the jobs, never on listing order, so a second run gives the same names.
 */
export function resourceNames(jobs: { id: string; name: string; createdAt?: number }[], taken: ReadonlySet<string> = new Set()): Map<string, string> {
    const bySlug = new Map<string, typeof jobs>();
    for (const job of jobs) bySlug.set(slugOf(job.name), [...(bySlug.get(slugOf(job.name)) ?? []), job]);
    const names = new Map<string, string>();
    // Names the stack's own resources hold (managed.ts): a job whose slug is one of them gets the id suffix.
    const used = new Set<string>(taken);
    const later: { slug: string; job: (typeof jobs)[number] }[] = [];
    for (const [slug, group] of [...bySlug.entries()].sort(([a], [b]) => compare(a, b))) {
        const [first, ...rest] = group.sort((a, b) => {
            const x = a.createdAt ?? Number.POSITIVE_INFINITY;
            const y = b.createdAt ?? Number.POSITIVE_INFINITY;
            return x !== y ? (x < y ? -1 : 1) : compare(a.id, b.id);
        });
        if (used.has(slug)) later.push({ slug, job: first });
        else names.set(first.id, slug);
        used.add(slug);
        for (const job of rest) later.push({ slug, job });
    }
    for (const { slug, job } of later) {
        const compact = job.id.toLowerCase().replace(/-/g, "");
        let name = `${slug}-${compact.slice(0, 8)}`;
        if (used.has(name)) name = `${slug}-${compact}`;
        names.set(job.id, name);
        used.add(name);
    }
    return names;
}

/** Code-unit order: the same on every machine and locale. */
export function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
