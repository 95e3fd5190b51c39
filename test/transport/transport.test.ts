// TLS is verified by default, an extra CA comes from NODE_EXTRA_CA_CERTS, and HTTPS_PROXY /
// HTTP_PROXY / NO_PROXY are honoured. Client processes are spawned where the variable must be
// set before Node starts (NODE_EXTRA_CA_CERTS is read once, at start-up).
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { PmClient } from "../../provider/core/client";
import { proxyFor } from "../../provider/core/proxy";
import { startEmulator } from "../emulator/server";
import { repoRoot } from "../helpers/root";

/** A gateway name the test proxy sends to this machine: a loopback gateway is never proxied. */
const GATEWAY_HOST = "pm-gateway.test";
/** Where the test proxy connects for a host: *.test is this machine; nothing leaves loopback. */
const upstreamHost = (host: string) => (host.endsWith(".test") ? "127.0.0.1" : host);
const viaName = (url: string) => url.replace("127.0.0.1", GATEWAY_HOST);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-tls-"));
const cert = path.join(dir, "cert.pem");
const key = path.join(dir, "key.pem");
execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", `subjectAltName=IP:127.0.0.1,DNS:${GATEWAY_HOST}`], { stdio: "ignore" });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A forward proxy on loopback: absolute-URI requests for http targets, CONNECT tunnels for https. */
async function startProxy() {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        const target = new URL(req.url!);
        const upstream = http.request({ host: upstreamHost(target.hostname), port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (answer) => {
            res.writeHead(answer.statusCode!, answer.headers);
            answer.pipe(res);
        });
        req.pipe(upstream);
    });
    server.on("connect", (req, socket: net.Socket, head) => {
        seen.push(`CONNECT ${req.url}`);
        const [host, port] = req.url!.split(":");
        const upstream = net.connect(Number(port), upstreamHost(host), () => {
            socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            upstream.write(head);
            upstream.pipe(socket);
            socket.pipe(upstream);
        });
        upstream.on("error", () => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))) };
}

/** Runs the compiled client in a fresh Node process with `env`; returns what it printed. Asynchronous:
 * the emulator answering it lives in this process. */
function clientProcess(gatewayUrl: string, env: NodeJS.ProcessEnv): Promise<string> {
    const script = `const { PmClient } = require(${JSON.stringify(path.join(repoRoot(), "dist", "provider", "core", "client.js"))});
new PmClient({ gatewayUrl: ${JSON.stringify(gatewayUrl)}, username: "demo-user", password: "demo-password", maxRetries: 0 })
  .getJob("00000000-0000-0000-0000-000000000000")
  .then((job) => console.log(job === undefined ? "reached Qualys: job not found" : "unexpected job"), (e) => console.log(e.message));`;
    const env2: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...env };
    return new Promise((resolve, reject) =>
        execFile(process.execPath, ["-e", script], { env: env2, encoding: "utf8", timeout: 30_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))),
    );
}

describe("TLS", () => {
    test("a self-signed gateway is refused without its CA, and reached with NODE_EXTRA_CA_CERTS", async () => {
        const emulator = await startEmulator({ tls: { key: fs.readFileSync(key, "utf8"), cert: fs.readFileSync(cert, "utf8") } });
        try {
            // Node 24 adds advice after the reason (`; if the root CA is installed locally, try ... --use-system-ca`).
            expect(await clientProcess(emulator.url, {})).toMatch(/^Qualys PM API unreachable: POST \/auth got no answer: DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate(;|$)/);
            expect(await clientProcess(emulator.url, { NODE_EXTRA_CA_CERTS: cert })).toBe("reached Qualys: job not found");
        } finally {
            await emulator.close();
        }
    });
});

describe("proxies", () => {
    test("HTTP_PROXY carries the calls to an http gateway (hpagent tunnels them with CONNECT)", async () => {
        const [emulator, proxy] = await Promise.all([startEmulator(), startProxy()]);
        const saved = { ...process.env };
        try {
            process.env.HTTP_PROXY = proxy.url;
            delete process.env.NO_PROXY;
            // Not loopback, so plain http needs the setting that says it is insecure.
            const client = new PmClient({ gatewayUrl: viaName(emulator.url), username: "demo-user", password: "demo-password", insecureAllowHttpGateway: true });
            expect(await client.getJob("00000000-0000-0000-0000-000000000000")).toBeUndefined();
            expect(proxy.seen).toEqual([`CONNECT ${GATEWAY_HOST}:${new URL(emulator.url).port}`]);
            expect(emulator.counts()).toMatchObject({ auth: 1, get: 1 });
        } finally {
            process.env = saved;
            await Promise.all([emulator.close(), proxy.close()]);
        }
    });

    test("a loopback gateway is never proxied: its plain http never passes through a proxy, password and all", async () => {
        const [emulator, proxy] = await Promise.all([startEmulator(), startProxy()]);
        const saved = { ...process.env };
        try {
            process.env.HTTP_PROXY = proxy.url;
            delete process.env.NO_PROXY;
            expect(await new PmClient({ gatewayUrl: emulator.url, username: "demo-user", password: "demo-password" }).getJob("00000000-0000-0000-0000-000000000000")).toBeUndefined();
            expect(proxy.seen).toEqual([]);
            expect(emulator.counts()).toMatchObject({ auth: 1, get: 1 });
        } finally {
            process.env = saved;
            await Promise.all([emulator.close(), proxy.close()]);
        }
    });

    test("HTTPS_PROXY tunnels to an https gateway with CONNECT, TLS still verified end to end", async () => {
        const [emulator, proxy] = await Promise.all([startEmulator({ tls: { key: fs.readFileSync(key, "utf8"), cert: fs.readFileSync(cert, "utf8") } }), startProxy()]);
        try {
            const port = new URL(emulator.url).port;
            expect(await clientProcess(viaName(emulator.url), { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert })).toBe("reached Qualys: job not found");
            expect(proxy.seen[0]).toBe(`CONNECT ${GATEWAY_HOST}:${port}`);
            expect(await clientProcess(viaName(emulator.url), { HTTPS_PROXY: proxy.url })).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate(;|$)/);
        } finally {
            await Promise.all([emulator.close(), proxy.close()]);
        }
    });
});

describe("NO_PROXY, read as curl reads it", () => {
    test.each([
        ["other.example", "http://proxy.corp:3128"],
        [".qualys.com", undefined],
        // A name covers its subdomains, as in curl, wget, Python and Go (proxy-from-env would match it exactly only).
        ["qualys.com", undefined],
        ["*", undefined],
        ["gateway.qg2.apps.qualys.com:8443", "http://proxy.corp:3128"],
        ["gateway.qg2.apps.qualys.com:443", undefined],
        ["apps.qualys.com", undefined],
        ["*.qualys.com", undefined],
        ["ualys.com", "http://proxy.corp:3128"],
        ["other.example, GATEWAY.qg2.apps.qualys.com", undefined],
    ])("NO_PROXY=%s gives the proxy %s for https://gateway.qg2.apps.qualys.com", (noProxy, expected) => {
        const env = { HTTPS_PROXY: "http://proxy.corp:3128", NO_PROXY: noProxy };
        expect(proxyFor("https://gateway.qg2.apps.qualys.com", env)).toBe(expected);
    });

    test.each([
        ["https://10.1.2.3", "10.1.2.3", undefined],
        ["https://10.1.2.3", "1.2.3", "http://proxy.corp:3128"],
        ["https://[fd00::5]:8443", "fd00::5", undefined],
        ["https://[fd00::5]:8443", "[fd00::5]:8443", undefined],
        ["https://[fd00::5]:8443", "[fd00::5]:443", "http://proxy.corp:3128"],
    ])("a gateway at an IP address, %s, with NO_PROXY=%s gets the proxy %s", (gateway, noProxy, expected) => {
        expect(proxyFor(gateway, { HTTPS_PROXY: "http://proxy.corp:3128", NO_PROXY: noProxy })).toBe(expected);
    });

    test("a loopback gateway is never sent to the proxy, whatever NO_PROXY says", () => {
        for (const gateway of ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"]) {
            expect(proxyFor(gateway, { HTTP_PROXY: "http://proxy.corp:3128", NO_PROXY: "other.example" })).toBeUndefined();
        }
    });
});
