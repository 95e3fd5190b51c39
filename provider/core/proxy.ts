// Enterprise networks reach Qualys through a proxy: HTTPS_PROXY (or HTTP_PROXY for an http gateway)
// and NO_PROXY, read from the provider process's environment. The agents are hpagent's, the proxy
// agent got's documentation points to: small, no dependencies, keep-alive, CONNECT for https.
// NO_PROXY is matched here, not by proxy-from-env (2.1, CommonJS through `exports`): that library
// bypasses the proxy for an entry without a leading dot only on an exact host match, so
// NO_PROXY=qualys.com would still proxy gateway.qg2.apps.qualys.com, where curl, wget, Python's
// urllib and Go's net/http (what an administrator's NO_PROXY is written for) all cover the
// subdomains; it also reads only process.env, and falls back to ALL_PROXY, which this provider never did.
import { isIP } from "node:net";
import { HttpProxyAgent, HttpsProxyAgent } from "hpagent";

/** localhost, 127.0.0.0/8 or ::1: the machine itself. */
export function isLoopback(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
    if (host === "localhost") return true;
    if (isIP(host) === 4) return host.startsWith("127.");
    return isIP(host) === 6 && host === "::1";
}

export interface ProxyAgents {
    http?: HttpProxyAgent;
    https?: HttpsProxyAgent;
}

/** The proxy URL for `target`, or undefined when none applies (none set, or NO_PROXY matches). */
export function proxyFor(target: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    const url = new URL(target);
    const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
    // A loopback gateway is never proxied: plain http is allowed there only because it stays on the machine.
    if (isLoopback(host)) return undefined;
    const proxy = url.protocol === "https:" ? env.HTTPS_PROXY ?? env.https_proxy : env.HTTP_PROXY ?? env.http_proxy;
    if (!proxy) return undefined;
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    const noProxy = (env.NO_PROXY ?? env.no_proxy ?? "").split(",").map((e) => e.trim().toLowerCase()).filter(Boolean);
    return noProxy.some((entry) => bypasses(entry, host, port)) ? undefined : proxy;
}

/**
 * Whether one NO_PROXY entry covers the host, as curl reads it: `*` covers all; a name covers itself
 * and its subdomains, written `qualys.com`, `.qualys.com` or `*.qualys.com`; an IP address covers
 * itself only (an IPv6 one bare or in brackets); `:port` limits an entry to that port.
 */
function bypasses(entry: string, host: string, port: string): boolean {
    if (entry === "*") return true;
    const { name, entryPort } = splitPort(entry);
    if (entryPort && entryPort !== port) return false;
    const bare = name.replace(/^\*?\./, "");
    return host === bare || (!isIP(host) && host.endsWith(`.${bare}`));
}

/** `name:port`, `[v6]:port`, or a bare IPv6 address, whose colons are not a port. */
function splitPort(entry: string): { name: string; entryPort?: string } {
    if (isIP(entry) === 6) return { name: entry };
    const match = /^(?:\[([^\]]*)\]|([^:]*))(?::(\d+))?$/.exec(entry);
    return match ? { name: match[1] ?? match[2], entryPort: match[3] } : { name: entry };
}

/** got's `agent` option for `target`, or undefined for a direct connection. */
export function proxyAgents(target: string, env: NodeJS.ProcessEnv = process.env): ProxyAgents | undefined {
    const proxy = proxyFor(target, env);
    if (!proxy) return undefined;
    const options = { proxy, keepAlive: true, maxSockets: 64 };
    return target.startsWith("https:") ? { https: new HttpsProxyAgent(options) } : { http: new HttpProxyAgent(options) };
}
