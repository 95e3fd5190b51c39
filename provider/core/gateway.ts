// The rules of the gateway URL, in one place for the settings check at preview (settings.ts) and for
// the client, which applies them again to whatever settings it is given. The PM API lives at the
// gateway's origin: a path, query or fragment would send the password form to the wrong place
// ("rejected POST /auth (404)"), so only the origin is taken, and the message names it. Over plain
// http the password and the JWT would cross the network readable by anyone on the way, so http is
// refused unless the address is the machine itself (the emulator, tests) or the setting whose name
// says it is insecure is on. A user name or password written into the URL is never quoted back.
import { isLoopback } from "./proxy";
import { escapeUnsafe, show } from "./quote";

/** The gateway a message offers when the value gives no host to build one from. */
export const EXAMPLE_GATEWAY = "https://gateway.qg2.apps.qualys.com";

/** At most this many characters of a URL are quoted. */
const SHOWN_URL = 120;

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/**
 * What is wrong with a gateway URL: each reason follows the URL as shown (user name and password
 * masked), e.g. `https://gw/pm/v1 has a path; use its origin https://gw`. None when it can be used.
 */
export function gatewayProblems(gatewayUrl: string, insecureAllowHttp = false): string[] {
    const url = parsedHttp(gatewayUrl);
    if (!url) return [notHttp(gatewayUrl)];
    const reasons: string[] = [];
    const extras = [
        url.username || url.password ? "a user name or password" : "",
        url.pathname !== "/" && url.pathname !== "" ? "a path" : "",
        url.search ? "a query" : "",
        url.hash ? "a fragment" : "",
    ].filter(Boolean);
    if (extras.length) {
        const credentials = url.username || url.password ? ", and set the user name and password as qualys:username and qualys:password" : "";
        reasons.push(`${shownUrl(url)} has ${extras.join(" and ")}; use its origin ${url.origin}${credentials}`);
    }
    if (url.protocol === "http:" && !isLoopback(url.hostname) && !insecureAllowHttp) {
        reasons.push(
            `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")} is plain http: the password and the JWT would cross the network unencrypted. ` +
                "Use its https:// address, or, on a network you trust, set qualys:insecureAllowHttpGateway (or QUALYS_INSECURE_ALLOW_HTTP_GATEWAY) to true",
        );
    }
    return reasons;
}

/** The gateway's URL, or an error naming every reason it cannot be used (the client calls this before any request). */
export function checkedGateway(gatewayUrl: string, insecureAllowHttp: boolean): URL {
    const reasons = gatewayProblems(gatewayUrl, insecureAllowHttp);
    if (reasons.length) throw new Error(`Qualys gateway ${reasons.join("; ")}`);
    return new URL(gatewayUrl);
}

/** A gateway as the tenant it names, its origin: a trailing slash or the host's case is the same gateway. A value that is no http(s) URL is kept as it is. */
export function gatewayOrigin(value: unknown): unknown {
    return (typeof value === "string" && parsedHttp(value)?.origin) || value;
}

function parsedHttp(value: string): URL | undefined {
    try {
        const url = new URL(value);
        return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
    } catch {
        return undefined;
    }
}

/**
 * A value that is not an http(s) URL: quoted (masked), with the https:// origin it most likely
 * means: `gw.example` gives https://gw.example, `ftp://gw/x` gives https://gw.
 */
function notHttp(value: string): string {
    const scheme = SCHEME.exec(value);
    const rest = scheme ? value.slice(scheme[0].length) : value;
    const masked = `${scheme ? scheme[0] : ""}${rest.replace(/^[^/?#]*@/, "***@")}`;
    const guess = parsedHttp(`https://${rest.trim()}`);
    const offer = guess?.hostname ? `: use https://${guess.host}` : `, such as ${EXAMPLE_GATEWAY}`;
    return `${show(masked, SHOWN_URL)} must be an https:// URL${offer}`;
}

/** A URL as a message shows it: its user name and password masked, its empty path left out, cut short. */
function shownUrl(url: URL): string {
    const path = url.pathname === "/" && !url.search && !url.hash ? "" : url.pathname;
    const text = `${url.protocol}//${url.username || url.password ? "***@" : ""}${url.host}${path}${url.search}${url.hash}`;
    return escapeUnsafe(text.length > SHOWN_URL ? `${text.slice(0, SHOWN_URL)}…` : text);
}
