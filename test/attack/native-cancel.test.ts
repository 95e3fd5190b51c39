// Attacks on the native plugin's Cancel, hostile answers and odd call orders, over gRPC against the
// emulator on 127.0.0.1. Tests marked `// FINDING n` failed before their fix.
import { startEmulator, PmEmulator } from "../emulator/server";
import { linuxMakeCache } from "../helpers/jobs";
import { PluginProcess, secret } from "../native/plugin";

const PASSWORD = "attack-cancel-pw-9Kx";
const settings = (emulator: PmEmulator, extra: Record<string, unknown> = {}) => ({ gatewayUrl: emulator.url, username: "demo-user", password: secret(PASSWORD), ...extra });

let emulator: PmEmulator;
const plugins: PluginProcess[] = [];

beforeAll(async () => {
    emulator = await startEmulator({ users: { "demo-user": PASSWORD } });
});
afterAll(async () => {
    for (const [i, p] of plugins.entries()) await p.stop(`attack-native-cancel-${i}`);
    await emulator.close();
});
beforeEach(() => emulator.reset());

async function started(extra: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}, configure = true): Promise<PluginProcess> {
    const p = new PluginProcess(env);
    plugins.push(p);
    await p.start();
    if (configure) await p.configure(settings(emulator, extra));
    return p;
}

async function checked(p: PluginProcess, news: object) {
    const { inputs, failures } = await p.check({}, news);
    expect(failures).toEqual([]);
    return inputs;
}

describe("cancel", () => {
    // FINDING 4 (fixed): Cancel arrives while an Enabled job's create POST is under way; the create went
    // on to enable the job (an On-demand job starts patching at once) after the user cancelled.
    test("a create cancelled before its job was enabled records the job Disabled and does not enable it", async () => {
        const p = await started();
        const hold = emulator.holdNext("create", "before-apply");
        const creating = p.create(await checked(p, linuxMakeCache({ status: "Enabled" }))).then((r) => r, (e) => e);
        await hold.reached;
        const cancelling = p.cancel();
        await p.logged("pulumi-resource-qualys: cancelled");
        hold.release();
        const [outcome] = await Promise.all([creating, cancelling]);
        expect(emulator.jobs()).toHaveLength(1);
        expect(emulator.enablesApplied()).toEqual({});
        expect(emulator.jobs()[0].status).toBe("Disabled");
        // The job is recorded either way (a partial create, Disabled).
        expect((outcome as any).partial?.properties?.status ?? (outcome as any).properties?.status).toBe("Disabled");
    });

    // FINDING 4 (b, fixed): Cancel arrives while the create is still looking for a job of its name (no
    // write yet); the create still POSTed a job after the cancel.
    test("a create cancelled before its POST writes nothing", async () => {
        const p = await started();
        const inputs = await checked(p, linuxMakeCache());
        const hold = emulator.holdNext("list", "before-apply");
        const creating = p.create(inputs).then((r) => r, (e) => e);
        await hold.reached;
        const cancelling = p.cancel();
        await p.logged("pulumi-resource-qualys: cancelled");
        hold.release();
        await Promise.all([creating, cancelling]);
        expect(emulator.counts().create ?? 0).toBe(0);
        expect(emulator.jobs()).toHaveLength(0);
    });
});

describe("odd call orders and concurrency", () => {
    test("a Create before any Configure is refused before any request, naming the missing settings", async () => {
        const p = await started({}, {}, false);
        await expect(p.create(await checked(p, linuxMakeCache()))).rejects.toThrow(/qualys:gatewayUrl/);
        expect(emulator.requests).toHaveLength(0);
    });

    test("twenty concurrent creates of distinct jobs make twenty jobs, one JWT", async () => {
        const p = await started();
        const all = await Promise.all(Array.from({ length: 20 }, async (_, i) => p.create(await checked(p, linuxMakeCache({ name: `Concurrent ${i}` })))));
        expect(new Set(all.map((r) => r.id)).size).toBe(20);
        expect(emulator.jobs()).toHaveLength(20);
        expect(emulator.counts().auth).toBe(1);
    });

    test("Configure again with another gateway while a create is in flight: the create stays on the first gateway", async () => {
        const p = await started();
        const other = await startEmulator({ users: { "demo-user": PASSWORD } });
        try {
            const hold = emulator.holdNext("create", "before-apply");
            const creating = p.create(await checked(p, linuxMakeCache()));
            await hold.reached;
            await p.configure(settings(other));
            hold.release();
            await creating;
            expect(emulator.jobs()).toHaveLength(1);
            expect(other.jobs()).toHaveLength(0);
        } finally {
            await other.close();
        }
    });
});

describe("hostile answers", () => {
    test("a read answered with an HTML page is a clear error and the plugin lives on", async () => {
        const p = await started({ maxRetries: 0 });
        const { id, properties } = await p.create(await checked(p, linuxMakeCache()));
        emulator.corruptNext("get", 5, "html");
        await expect(p.read(id, properties)).rejects.toThrow(/not JSON|HTML|answer/i);
        expect(await p.pluginInfo()).toMatch(/\d/);
    });

    test("a read answered with a body over maxResponseBytes is refused and the plugin lives on", async () => {
        const p = await started({ maxRetries: 0, maxResponseBytes: 100_000 });
        const { id, properties } = await p.create(await checked(p, linuxMakeCache()));
        emulator.failNext("get", 3, 200, { body: { id, junk: "x".repeat(2_000_000) } });
        await expect(p.read(id, properties)).rejects.toThrow(/bytes|large|size/i);
        expect(await p.pluginInfo()).toMatch(/\d/);
    });

    test("a redirect to another host is not followed and its answer carries no credentials", async () => {
        const p = await started({ maxRetries: 0 });
        const { id, properties } = await p.create(await checked(p, linuxMakeCache()));
        emulator.failNext("get", 3, 302, { headers: { location: `http://127.0.0.1:1/steal?pw=${PASSWORD}` } });
        const error = await p.read(id, properties).then(() => undefined, (e) => e);
        expect(String(error?.message)).toMatch(/redirect/);
        expect(String(error.message)).not.toContain(PASSWORD);
    });

    test("an /auth answer echoing the password is refused without quoting it", async () => {
        const p = await started({ maxRetries: 0 });
        emulator.failNext("auth", 3, 401, { body: `Login failed for demo-user with password ${PASSWORD}` });
        const error = await p.create(await checked(p, linuxMakeCache())).then(() => undefined, (e) => e);
        expect(String(error?.message)).not.toContain(PASSWORD);
        expect(p.stderr.join("")).not.toContain(PASSWORD);
    });
});
