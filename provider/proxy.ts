// Enterprise networks reach Qualys through a proxy: HTTPS_PROXY (or HTTP_PROXY for an http gateway)
// and NO_PROXY, read from the provider process's environment. The agents are hpagent's, the proxy
// agent got's documentation points to: small, no dependencies, keep-alive, CONNECT for https.
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
    // A loopback gateway is never proxied: plain http is allowed there only because it stays on the machine.
    if (isLoopback(url.hostname)) return undefined;
    const proxy = url.protocol === "https:" ? env.HTTPS_PROXY ?? env.https_proxy : env.HTTP_PROXY ?? env.http_proxy;
    if (!proxy) return undefined;
    const noProxy = (env.NO_PROXY ?? env.no_proxy ?? "").split(",").map((e) => e.trim().toLowerCase()).filter(Boolean);
    const host = url.hostname.toLowerCase();
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    const bypass = noProxy.some((entry) => {
        if (entry === "*") return true;
        const [name, entryPort] = entry.split(":");
        if (entryPort && entryPort !== port) return false;
        const bare = name.replace(/^\*?\./, "");
        return host === bare || host.endsWith(`.${bare}`);
    });
    return bypass ? undefined : proxy;
}

/** got's `agent` option for `target`, or undefined for a direct connection. */
export function proxyAgents(target: string, env: NodeJS.ProcessEnv = process.env): ProxyAgents | undefined {
    const proxy = proxyFor(target, env);
    if (!proxy) return undefined;
    const options = { proxy, keepAlive: true, maxSockets: 64 };
    return target.startsWith("https:") ? { https: new HttpsProxyAgent(options) } : { http: new HttpProxyAgent(options) };
}
