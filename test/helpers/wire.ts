// Raw HTTP to the emulator, for the tests that check what goes over the wire (test/emulator):
// no client in between, so a status, a header or a key the server adds is seen as it is sent.
import * as http from "node:http";
import { PmEmulator, startEmulator } from "../emulator/server";

export interface WireAnswer {
    status: number;
    headers: http.IncomingHttpHeaders;
    /** JSON when the answer is JSON, else the text. */
    body: any;
}

/** One request to `baseUrl` (the emulator, on 127.0.0.1); a body object goes as JSON, a string as a form. */
export function wire(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<WireAnswer> {
    const url = new URL(path, baseUrl);
    const form = typeof options.body === "string";
    const payload = options.body === undefined ? undefined : form ? (options.body as string) : JSON.stringify(options.body);
    const headers: http.OutgoingHttpHeaders = { accept: "application/json" };
    if (payload !== undefined) headers["content-type"] = form ? "application/x-www-form-urlencoded" : "application/json";
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method, headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                const json = (res.headers["content-type"] ?? "").includes("json");
                resolve({ status: res.statusCode ?? 0, headers: res.headers, body: json && text ? JSON.parse(text) : text });
            });
        });
        req.on("error", reject);
        req.end(payload);
    });
}

/** A JWT from the emulator's /auth, for its demo user. */
export async function wireToken(baseUrl: string): Promise<string> {
    const answer = await wire(baseUrl, "POST", "/auth", { body: new URLSearchParams({ username: "demo-user", password: "demo-password", token: "true" }).toString() });
    if (answer.status !== 201) throw new Error(`/auth answered ${answer.status}`);
    return answer.body;
}

/** The emulator a wire test talks to: started once for the file, reset before each test, with a fresh JWT. */
export function onTheWire(): { emulator: PmEmulator; token: string } {
    const state = {} as { emulator: PmEmulator; token: string };
    beforeAll(async () => {
        state.emulator = await startEmulator();
    });
    afterAll(() => state.emulator.close());
    beforeEach(async () => {
        state.emulator.reset();
        state.token = await wireToken(state.emulator.url);
    });
    return state;
}
