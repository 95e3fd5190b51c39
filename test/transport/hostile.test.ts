// Hostile networks: a gateway that redirects elsewhere, a plain-http gateway, an answer
// too large to hold. Every server here listens on 127.0.0.1; "another host" is another port, which
// is another origin to got and to browsers alike.
import { execFile, execFileSync } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { PmClient, QualysApiError } from "../../provider/core/client";
import { AdaptivePacer } from "../../provider/core/throttle";
import { resolveSettings } from "../../provider/core/settings";
import { seed } from "../helpers/fixtures";
import { repoRoot } from "../helpers/root";
import { expectNoSecret } from "../helpers/secrets";

const JOB = "1ca9c211-6c0a-4855-ac49-f9d735b1563c";
const PASSWORD = "demo-password";
const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJob3N0aWxlLXRlc3QifQ.hostile-gateway-signature";

interface Seen {
    method: string;
    url: string;
    authorization?: string;
    body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void | Promise<void>;

/** A loopback server that records every request it receives, body included. */
async function recordingServer(handler: Handler, tls?: { key: string; cert: string }) {
    const seen: Seen[] = [];
    const listener = async (req: http.IncomingMessage, res: http.ServerResponse) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString("utf8");
        seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
        await handler(req, res, body);
    };
    const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
        port,
        seen,
        close: () => (server.closeAllConnections(), new Promise<void>((resolve) => server.close(() => resolve()))),
    };
}

/** The other host: takes whatever it is sent, answers a token for /auth and a plausible job for the rest. */
function startThief() {
    return recordingServer((req, res) => {
        if (req.url === "/auth") {
            res.writeHead(201, { "content-type": "text/plain" });
            return void res.end("stolen-session-token");
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: JOB, name: "x", platform: "Windows" }));
    });
}

function client(gatewayUrl: string, extra: Partial<ConstructorParameters<typeof PmClient>[0]> = {}): PmClient {
    return new PmClient({ gatewayUrl, username: "demo-user", password: PASSWORD, backoffBaseMs: 1, ...extra }, { pacer: new AdaptivePacer() });
}

describe("redirects are never followed: credentials go nowhere but the configured gateway", () => {
    const REDIRECTS = [301, 302, 303, 307, 308] as const;

    test.each(REDIRECTS)("a %i on /auth to another host sends that host nothing, and the error names where it pointed", async (status) => {
        const thief = await startThief();
        // The target carries userinfo, a query and a fragment: none of them belongs in the message.
        const gateway = await recordingServer((_req, res) => {
            res.writeHead(status, { location: `http://intruder:hunter2@127.0.0.1:${thief.port}/sso/login?session=s3cr3t-session#frag` });
            res.end();
        });
        try {
            const error = await client(gateway.url).getJob(JOB).catch((e) => e);
            expect(thief.seen).toEqual([]);
            expect(error).toBeInstanceOf(QualysApiError);
            expect(error).toMatchObject({ method: "POST", path: "/auth", status });
            expect(error.message).toBe(
                `Qualys PM API rejected POST /auth (${status}): the gateway redirected to http://127.0.0.1:${thief.port}/sso/login; ` +
                    "redirects are not followed, so that credentials go nowhere but the configured gateway. " +
                    "Check qualys:gatewayUrl (or QUALYS_GATEWAY_URL): it must be the API gateway of your Qualys platform, such as https://gateway.qg2.apps.qualys.com",
            );
            expect(error.message).not.toMatch(/intruder|hunter2|s3cr3t|frag/);
            // Not retried: a redirect is an answer, not a failure that time could mend.
            expect(gateway.seen).toHaveLength(1);
            expectNoSecret([error.message, JSON.stringify(error)], [PASSWORD]);
        } finally {
            await Promise.all([thief.close(), gateway.close()]);
        }
    });

    test.each(REDIRECTS)("a %i on API calls to another host sends it neither the JWT nor the job, and its answer is not taken", async (status) => {
        const thief = await startThief();
        const gateway = await recordingServer((req, res) => {
            if (req.url === "/auth") {
                res.writeHead(201, { "content-type": "text/plain" });
                return void res.end(TOKEN);
            }
            res.writeHead(status, { location: `http://127.0.0.1:${thief.port}${req.url}` });
            res.end();
        });
        try {
            const c = client(gateway.url);
            const read = await c.getJob(JOB).catch((e) => e);
            const created = await c.createJob(seed("windows-create.request"), () => true).catch((e) => e);
            expect(thief.seen).toEqual([]);
            expect(read).toBeInstanceOf(QualysApiError);
            expect(read.message).toContain(`(${status}): the gateway redirected to http://127.0.0.1:${thief.port}/pm/v1/deploymentjob/${JOB}; redirects are not followed`);
            expect(created).toBeInstanceOf(QualysApiError);
            expect(created.message).toContain(`POST /pm/v1/deploymentjob (${status}): the gateway redirected to http://127.0.0.1:${thief.port}/pm/v1/deploymentjob; redirects are not followed`);
            expect(gateway.seen.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /auth", `GET /pm/v1/deploymentjob/${JOB}`, "POST /pm/v1/deploymentjob"]);
            expectNoSecret([read.message, created.message], [PASSWORD, TOKEN]);
        } finally {
            await Promise.all([thief.close(), gateway.close()]);
        }
    });

    test("a redirect within the gateway itself is not followed either: the PM API documents none", async () => {
        const gateway = await recordingServer((req, res) => {
            if (req.url === "/auth") {
                res.writeHead(201, { "content-type": "text/plain" });
                return void res.end(TOKEN);
            }
            res.writeHead(302, { location: "/portal/login.html?from=api" });
            res.end();
        });
        try {
            const error = await client(gateway.url).getJob(JOB).catch((e) => e);
            expect(error.message).toContain(`(302): the gateway redirected to http://127.0.0.1:${gateway.port}/portal/login.html; redirects are not followed`);
            expect(gateway.seen.map((r) => r.url)).toEqual(["/auth", `/pm/v1/deploymentjob/${JOB}`]);
        } finally {
            await gateway.close();
        }
    });

    test("a login page answered to /auth is not taken for a token, and nothing is sent with it", async () => {
        const gateway = await recordingServer((_req, res) => {
            res.writeHead(200, { "content-type": "text/html" });
            res.end(`<html><head><title>Sign in</title></head><body><form action="/login"><input name="password" value="${PASSWORD}"></form></body></html>`);
        });
        try {
            const error = await client(gateway.url).getJob(JOB).catch((e) => e);
            expect(error.message).toBe(
                "Qualys PM API's answer to POST /auth (201) cannot be used: the answer is not a token (a login page?). " +
                    "Check qualys:gatewayUrl (or QUALYS_GATEWAY_URL): it must be the API gateway of your Qualys platform, such as https://gateway.qg2.apps.qualys.com",
            );
            expect(gateway.seen.map((r) => r.url)).toEqual(["/auth"]);
        } finally {
            await gateway.close();
        }
    });

    test("a redirect from an https gateway to plain http sends the password nowhere", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-redirect-tls-"));
        const cert = path.join(dir, "cert.pem");
        const key = path.join(dir, "key.pem");
        execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
        const thief = await startThief();
        const gateway = await recordingServer(
            (req, res) => {
                res.writeHead(307, { location: `http://127.0.0.1:${thief.port}${req.url}` });
                res.end();
            },
            { key: fs.readFileSync(key, "utf8"), cert: fs.readFileSync(cert, "utf8") },
        );
        try {
            // NODE_EXTRA_CA_CERTS is read when Node starts: the client runs in a process of its own.
            const script = `const { PmClient } = require(${JSON.stringify(path.join(repoRoot(), "dist", "provider", "core", "client.js"))});
new PmClient({ gatewayUrl: ${JSON.stringify(gateway.url)}, username: "demo-user", password: ${JSON.stringify(PASSWORD)}, maxRetries: 0 })
  .getJob(${JSON.stringify(JOB)}).then((job) => console.log("answered: " + JSON.stringify(job)), (e) => console.log(e.message));`;
            const output = await new Promise<string>((resolve, reject) =>
                execFile(process.execPath, ["-e", script], { env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: cert }, encoding: "utf8", timeout: 30_000 }, (error, stdout) =>
                    error ? reject(error) : resolve(stdout.trim()),
                ),
            );
            expect(thief.seen).toEqual([]);
            expect(output).toMatch(new RegExp(`^Qualys PM API rejected POST /auth \\(307\\): the gateway redirected to http://127\\.0\\.0\\.1:${thief.port}/auth; redirects are not followed`));
        } finally {
            await Promise.all([thief.close(), gateway.close()]);
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("TLS or nothing", () => {
    const REFUSAL =
        "Qualys gateway http://gateway.qg2.apps.qualys.com is plain http: the password and the JWT would cross the network unencrypted. " +
        "Use its https:// address, or, on a network you trust, set qualys:insecureAllowHttpGateway (or QUALYS_INSECURE_ALLOW_HTTP_GATEWAY) to true";

    test("an http gateway that is not a loopback address is refused before any request, naming the setting that allows it", () => {
        expect(() => client("http://gateway.qg2.apps.qualys.com")).toThrow(REFUSAL);
        expect(() => client("http://gateway.qg2.apps.qualys.com/")).toThrow(REFUSAL);
        expect(() => client("http://10.0.0.7:8080")).toThrow(/^Qualys gateway http:\/\/10\.0\.0\.7:8080 is plain http/);
    });

    test("a gateway that is neither http nor https is refused", () => {
        expect(() => client("ftp://gateway.qg2.apps.qualys.com")).toThrow(/must be an https:\/\/ URL/);
        expect(() => client("not a url")).toThrow(/must be an https:\/\/ URL/);
    });

    test("http stays allowed on loopback addresses, for the emulator and the tests", () => {
        for (const url of ["http://127.0.0.1:1", "http://127.8.9.10:1", "http://localhost:1", "http://LOCALHOST:1", "http://[::1]:1"]) {
            expect(() => client(url)).not.toThrow();
        }
        // Names that only look like loopback are not.
        for (const url of ["http://127.0.0.1.nip.io", "http://localhost.example.com", "http://[::2]:1"]) expect(() => client(url)).toThrow(/is plain http/);
    });

    test("insecureAllowHttpGateway lets an http gateway through", () => {
        expect(() => client("http://gateway.qg2.apps.qualys.com", { insecureAllowHttpGateway: true })).not.toThrow();
        expect(() => client("http://gateway.qg2.apps.qualys.com", { insecureAllowHttpGateway: false })).toThrow(REFUSAL);
    });

    test("the setting is on only for true, from stack config or environment; the string false keeps it off", () => {
        const base = { "qualys:gatewayUrl": "http://gateway.qg2.apps.qualys.com", "qualys:username": "demo-user", "qualys:password": PASSWORD };
        const fromConfig = (value: unknown) => resolveSettings((key) => ({ ...base, "qualys:insecureAllowHttpGateway": value })[key], {});
        expect(fromConfig("true").insecureAllowHttpGateway).toBe(true);
        expect(fromConfig("TRUE").insecureAllowHttpGateway).toBe(true);
        expect(fromConfig(true).insecureAllowHttpGateway).toBe(true);
        expect(fromConfig("false").insecureAllowHttpGateway).toBe(false);
        expect(fromConfig(undefined).insecureAllowHttpGateway).toBeUndefined();
        expect(() => new PmClient(fromConfig("false"))).toThrow(REFUSAL);
        expect(() => new PmClient(fromConfig("true"))).not.toThrow();
        expect(() => fromConfig("yes")).toThrow('insecureAllowHttpGateway must be a boolean (got "yes"): set qualys:insecureAllowHttpGateway (pulumi config set) or QUALYS_INSECURE_ALLOW_HTTP_GATEWAY');
        const fromEnv = resolveSettings((key) => (base as Record<string, string>)[key], { QUALYS_INSECURE_ALLOW_HTTP_GATEWAY: "true" });
        expect(fromEnv.insecureAllowHttpGateway).toBe(true);
        expect(() => new PmClient(fromEnv)).not.toThrow();
    });
});

describe("answers too large to hold", () => {
    /** A gateway whose job answers are `size` bytes of JSON, streamed from one reused chunk (nothing
     * large is allocated); counts the bytes it managed to hand to the socket before the client hung up. */
    async function floodingGateway(size: number, options: { contentLength?: boolean; stopAfter?: number } = {}) {
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const stats = { written: 0, done: Promise.resolve() };
        const gateway = await recordingServer((req, res) => {
            if (req.url === "/auth") {
                res.writeHead(201, { "content-type": "text/plain" });
                return void res.end(TOKEN);
            }
            res.writeHead(200, { "content-type": "application/json", ...(options.contentLength ? { "content-length": String(size) } : {}) });
            stats.done = (async () => {
                let closed = false;
                const hungUp = once(res, "close").then(() => (closed = true));
                while (!closed && stats.written < Math.min(size, options.stopAfter ?? size)) {
                    stats.written += chunk.length;
                    if (!res.write(chunk)) await Promise.race([once(res, "drain").catch(() => undefined), hungUp]);
                }
                // Past stopAfter, the rest is held back: only a client that stops at once is done.
                if (!closed && stats.written < size) await hungUp;
                else if (!closed) res.end();
            })();
        });
        return { gateway, stats };
    }

    test("a 100 MB answer is cut off at the 10 MB cap, the client hanging up after little more than that", async () => {
        const { gateway, stats } = await floodingGateway(100 * 1024 * 1024);
        try {
            const error = await client(gateway.url).getJob(JOB).catch((e) => e);
            await stats.done;
            expect(error).toBeInstanceOf(QualysApiError);
            expect(error.message).toBe(
                `Qualys PM API's answer to GET /pm/v1/deploymentjob/${JOB} (200) cannot be used: the answer is larger than 10 MB (10485760 bytes), the most this client reads (maxResponseBytes); it was not read further`,
            );
            // The cap, plus what the loopback socket buffers held when the client hung up.
            expect(stats.written).toBeGreaterThan(10 * 1024 * 1024);
            expect(stats.written).toBeLessThan(24 * 1024 * 1024);
            // Not retried: the next answer would be as large.
            expect(gateway.seen.filter((r) => r.url !== "/auth")).toHaveLength(1);
        } finally {
            await gateway.close();
        }
    });

    test("an answer whose content-length exceeds the cap is refused at once, before its body is read", async () => {
        const { gateway, stats } = await floodingGateway(5 * 1024 * 1024, { contentLength: true, stopAfter: 64 * 1024 });
        try {
            const error = await client(gateway.url, { maxResponseBytes: 1024 * 1024, maxRetries: 0, requestTimeoutMs: 5_000 }).getJob(JOB).catch((e) => e);
            await stats.done;
            expect(error.message).toBe(
                `Qualys PM API's answer to GET /pm/v1/deploymentjob/${JOB} (200) cannot be used: the answer is larger than 1 MB (1048576 bytes), the most this client reads (maxResponseBytes); it was not read further`,
            );
            expect(stats.written).toBe(64 * 1024);
        } finally {
            await gateway.close();
        }
    });
});

describe("a deadline passed at any stage is a timeout, reported and retried as one", () => {
    /** A gateway that answers /auth, then sends a job's headers (200) and a first byte of its body, and never the rest. */
    async function tricklingGateway() {
        const open: http.ServerResponse[] = [];
        const gateway = await recordingServer((req, res) => {
            if (req.url === "/auth") {
                res.writeHead(201, { "content-type": "text/plain" });
                return void res.end(TOKEN);
            }
            res.writeHead(200, { "content-type": "application/json" });
            res.write("{");
            open.push(res);
        });
        return { ...gateway, close: () => (open.forEach((r) => r.destroy()), gateway.close()) };
    }

    test("a GET whose body stops arriving is a timeout naming the status it had announced, and is sent again as the table says", async () => {
        const gateway = await tricklingGateway();
        try {
            const error = await client(gateway.url, { requestTimeoutMs: 300, maxRetries: 2 }).getJob(JOB).catch((e) => e);
            expect(error).toBeInstanceOf(QualysApiError);
            expect(error).toMatchObject({ method: "GET", status: undefined, attempts: 3, detail: { kind: "timeout" } });
            expect(error.message).toBe(`Qualys PM API timed out: GET /pm/v1/deploymentjob/${JOB} had no complete answer after 3 attempts: no complete answer within 300 ms (ETIMEDOUT; the answer (200) was still arriving)`);
            expect(gateway.seen.filter((s) => s.url.startsWith("/pm/")).map((s) => s.method)).toEqual(["GET", "GET", "GET"]);
        } finally {
            await gateway.close();
        }
    });

    test("a create POST whose body stops arriving is not sent again blindly: the job is looked for first", async () => {
        const gateway = await tricklingGateway();
        try {
            const error = await client(gateway.url, { requestTimeoutMs: 300, maxRetries: 0 }).createJob({ name: "trickle", platform: "Windows" }, () => true).catch((e) => e);
            expect(error).toBeInstanceOf(QualysApiError);
            // One POST; then the lookup, a GET of the job list, which trickles too.
            const calls = gateway.seen.filter((s) => s.url.startsWith("/pm/")).map((s) => `${s.method} ${s.url.split("?")[0]}`);
            expect(calls[0]).toBe("POST /pm/v1/deploymentjob");
            expect(calls.filter((c) => c.startsWith("POST"))).toHaveLength(1);
            expect(calls[1]).toBe("GET /pm/v1/deploymentjobs/summary");
            expect(error.message).toMatch(/may have been created; looking for it failed/);
        } finally {
            await gateway.close();
        }
    });
});
