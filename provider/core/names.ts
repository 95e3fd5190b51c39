// Job names as a server may store them. Qualys may keep a name other than the one sent (HTML
// entities for `&`, `<`, `>`, white space collapsed, a Unicode form): the name it holds is still the
// name the program gave, and neither a lookup by name nor a comparison with the state may take that
// rewriting for another job or for an edit made in Qualys.

/** Two names that differ only as a server may rewrite one on the way in: HTML entities, white space, Unicode form. */
export function storedAs(stored: string, sent: string): boolean {
    return rewritable(stored) === rewritable(sent);
}

/**
 * A text Qualys holds rewritten (`storedAs`) read back as the one the state holds (fields.ts: the
 * name, the description): neither a refresh nor an update's compare-and-swap takes the server's
 * rewriting for an edit made in Qualys.
 */
export function asStated(held: unknown, stated: unknown): unknown {
    return typeof held === "string" && typeof stated === "string" && storedAs(held, stated) ? stated : held;
}

/** Two names that are one job's for ownership (the same-name stop, the lost-answer lookup): `storedAs`, and case. */
export function sameName(stored: string, sent: string): boolean {
    return ownershipKey(stored) === ownershipKey(sent);
}

/** A name as `sameName` compares it: names of one job for ownership have one key. */
export function ownershipKey(name: string): string {
    return rewritable(name).toLowerCase();
}

/**
 * A name the server may have made of `sent` on the way in: `sameName`, or `sent` with characters
 * dropped (markup stripped, the name cut short), in order. Judges a create answer whose name is not
 * the one sent; never a lookup.
 */
export function madeFrom(stored: string, sent: string): boolean {
    if (sameName(stored, sent)) return true;
    const [short, long] = [rewritable(stored).toLowerCase(), rewritable(sent).toLowerCase()];
    let at = 0;
    for (const c of long) if (at < short.length && c === short[at]) at++;
    return short.length > 0 && at === short.length;
}

function rewritable(name: string): string {
    return decodeEntities(name).normalize("NFKC").replace(/\s+/gu, " ").trim();
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decodeEntities(text: string): string {
    return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
        if (code[0] !== "#") return ENTITIES[code.toLowerCase()] ?? entity;
        const point = code[1].toLowerCase() === "x" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return point <= 0x10ffff ? String.fromCodePoint(point) : entity;
    });
}

/**
 * The job-list filters that find a job of `name` however the server stored it: the name as sent,
 * and, when the name holds anything a server may rewrite (an entity character, white space to
 * collapse, another Unicode form), its longest run of letters and digits as sent and in lower case
 * (the filter matches a part of the name: client.ts jobsNamed checks each row), or no filter at all
 * when it has none. A name with none of those is looked up once: a list call more for every create
 * would cost a rate-limited tenant dearly, and a search that ignores case (QQL's) finds a name the
 * server lower-cased anyway.
 */
export function lookupTerms(name: string): (string | undefined)[] {
    if (rewritable(name) === name && !/[&<>"']/.test(name)) return [name];
    const longest = (name.match(/[A-Za-z0-9_.-]+/g) ?? []).sort((a, b) => b.length - a.length)[0];
    return [...new Set([name, longest, longest?.toLowerCase()])];
}
