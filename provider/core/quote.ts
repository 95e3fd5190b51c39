// How a message quotes a value someone gave or a server sent: JSON-like, cut short with its full
// size, invisible and bidi characters escaped, so a message reads as it is and costs no more than it
// prints. The one place values are quoted, for validation reasons and for the lifecycle's messages.

/** A message quotes at most about this many characters of a value. */
export const SHOWN = 60;

/**
 * A value as a reason quotes it: JSON-like, cut after about SHOWN characters with `…` and the full
 * size, never reading more of a string or list than it prints. NaN and Infinity are themselves (JSON
 * would say null). Controls and invisible or bidi characters are escaped, so a reason reads as it is.
 */
export function show(value: unknown, room = SHOWN): string {
    const [text, whole] = preview(value, room);
    if (whole) return text;
    if (typeof value === "string") return `${text} (${value.length} characters)`;
    if (Array.isArray(value)) return `${text} (${value.length} items)`;
    return text;
}

/** `[text, whole]`: the value in at most about `room` characters, and whether all of it is there. */
function preview(value: unknown, room: number): [string, boolean] {
    if (typeof value === "string") {
        const [quoted, whole] = quotePrefix(value, Math.max(room, 8));
        return [whole ? quoted : `${quoted.slice(0, -1)}…"`, whole];
    }
    if (value === null || typeof value !== "object") return [String(value), true];
    const array = Array.isArray(value);
    const parts: string[] = [];
    let used = 2;
    let whole = true;
    // Items by index: `for...in` would list all 30,000 indexes of a list first.
    const entries = array ? (value as unknown[]).entries() : Object.entries(value);
    for (const [key, item] of entries) {
        if (used >= room) {
            whole = false;
            break;
        }
        const label = array ? "" : `${quotePrefix(String(key), room)[0]}:`;
        const [text, complete] = preview(item, room - used - label.length);
        parts.push(label + text);
        used += label.length + text.length + 1;
        if (!complete) {
            whole = false;
            break;
        }
    }
    const body = parts.join(",") + (whole ? "" : "…");
    return [array ? `[${body}]` : `{${body}}`, whole];
}

/** Characters a reviewer cannot see or that reorder text: escaped in reasons and property paths. */
const UNSAFE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

export function escapeUnsafe(text: string): string {
    return text.replace(UNSAFE, (c) => (c.length > 1 ? `\\u{${c.codePointAt(0)!.toString(16)}}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

function quote(text: string): string {
    return escapeUnsafe(JSON.stringify(text));
}

/** The quoted form of the longest start of text that quotes in `room` characters (escapes count), and whether that is all of it. */
export function quotePrefix(text: string, room: number): [string, boolean] {
    let length = Math.min(text.length, room);
    let quoted = quote(cut(text, length));
    while (quoted.length > room + 2 && length > 1) {
        length = Math.max(1, Math.floor((length * (room + 2)) / quoted.length));
        quoted = quote(cut(text, length));
    }
    return [quoted, length >= text.length];
}

/** The first `length` UTF-16 units of text, without splitting a surrogate pair. */
function cut(text: string, length: number): string {
    const code = text.charCodeAt(length - 1);
    return text.slice(0, code >= 0xd800 && code <= 0xdbff && length < text.length ? length - 1 : length);
}

