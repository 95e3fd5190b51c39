// A deployment job's id: a UUID, as every sample and qualysdk show. The one pattern, for the
// schema's uuid format (validators.ts) and for every id that goes into a request path or the state.

/** The form of a deployment job id. */
export const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A job id, checked before it goes into a request path or the state: an id such as `..`, `.` or ""
 * from a server or a state file would otherwise move the request to another path.
 */
export function checkedJobId(value: unknown, where: string): string {
    if (typeof value === "string" && JOB_ID.test(value)) return value;
    const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
    throw new Error(`${where}: ${shown} is not a Qualys job id (a UUID such as 1ca9c211-6c0a-4855-ac49-f9d735b1563c)`);
}
