// Attacks on the native plugin through the real engine: Pulumi YAML programs (test/native/yaml-project.ts)
// against emulators on 127.0.0.1. Tests marked `// FINDING n` failed before their fix.
import { PmEmulator, startEmulator } from "../emulator/server";
import { PASSWORD } from "../e2e/program";
import { YamlProject, yamlEngineSuite } from "../native/yaml-project";

const { binDir, describeWithYaml } = yamlEngineSuite("test/attack/native-yaml");

const SECRET_MESSAGE = "attack-yaml-secret-user-message";

const job = (name: string, extra: Record<string, unknown> = {}) => ({
    type: "qualys:pm:DeploymentJob",
    properties: { name, platform: "Linux", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true, ...extra },
});

describeWithYaml("YAML programs on the native plugin, attacked", () => {
    jest.setTimeout(240_000);
    let emulator: PmEmulator;
    const projects: YamlProject[] = [];

    beforeAll(async () => {
        emulator = await startEmulator();
    });
    afterAll(async () => {
        for (const p of projects) p.remove();
        await emulator.close();
    });
    beforeEach(() => emulator.reset());

    async function project(name: string, body: Record<string, unknown>): Promise<YamlProject> {
        const p = new YamlProject(binDir!, name);
        projects.push(p);
        p.write(body);
        await p.init(emulator.url, PASSWORD);
        return p;
    }

    // Held: an explicit provider's password without fn::secret stays out of the state.
    test("an explicit provider's password given without fn::secret is still kept out of the state (the schema marks it secret)", async () => {
        const p = await project("plain-provider-password", {
            resources: {
                tenant: { type: "pulumi:providers:qualys", properties: { gatewayUrl: emulator.url, username: "demo-user", password: PASSWORD } },
                nightly: { ...job("Nightly"), options: { provider: "${tenant}" } },
            },
        });
        await p.cli(["up", "--yes"]);
        expect(emulator.jobs()).toHaveLength(1);
        expect(p.stateText()).not.toContain(PASSWORD);
    });

    // FINDING 2 (e2e, fixed): two resources declaring the same job are not refused at preview on the native face.
    test("two resources declaring the same platform and name are refused at preview, naming both, before any request", async () => {
        const p = await project("declared-twice", { resources: { first: job("Same name"), second: job("Same name") } });
        const failed = await p.cli(["preview"]).then(() => undefined, (e) => e);
        expect(failed).toBeDefined();
        expect(`${failed?.stdout}${failed?.stderr}`).toMatch(/first[\s\S]*second|second[\s\S]*first/);
        expect(emulator.jobs()).toHaveLength(0);
    });

    // FINDING 2 (e2e, adoption, fixed): two resources adopting the same job both hold it.
    test("two resources adopting the same job are refused, so that no job is held by two resources", async () => {
        const seed = new YamlProject(binDir!, "seed");
        projects.push(seed);
        seed.write({ resources: { made: job("Adopt me") } });
        await seed.init(emulator.url, PASSWORD);
        await seed.cli(["up", "--yes"]);
        const [{ id }] = emulator.jobs();
        const p = await project("adopted-twice", { resources: { a: job("Adopt me", { adoptJobId: id }), b: job("Adopt me", { adoptJobId: id }) } });
        const failed = await p.cli(["up", "--yes"]).then(() => undefined, (e) => e);
        expect(failed).toBeDefined();
        const state = JSON.parse(p.stateText() || "{}");
        const holders = (state.checkpoint?.latest?.resources ?? []).filter((r: any) => r.type === "qualys:pm:DeploymentJob" && r.id === id);
        expect(holders.length).toBeLessThanOrEqual(1);
    });

    test("a secret input stays encrypted in the state after up, a refresh after an edit in Qualys, and the up that restores it", async () => {
        const p = await project("secret-refresh", { resources: { nightly: job("Secret nightly", { description: { "fn::secret": SECRET_MESSAGE } }) } });
        await p.cli(["up", "--yes"]);
        expect(p.stateText()).not.toContain(SECRET_MESSAGE);
        const [{ id }] = emulator.jobs();
        emulator.editJob(id, (j) => (j.description = `${SECRET_MESSAGE} edited`));
        await p.cli(["refresh", "--yes"]);
        expect(p.stateText()).not.toContain(SECRET_MESSAGE);
        await p.cli(["up", "--yes"]);
        expect(p.stateText()).not.toContain(SECRET_MESSAGE);
        expect(emulator.jobs()[0].description).toBe(SECRET_MESSAGE);
    });

    test("pulumi import of a job writes nothing to Qualys", async () => {
        const id = emulator.seedJob({ name: "Imported", platform: "Linux", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true, status: "Disabled", type: "Install", scheduleType: "On-demand" } as never);
        const p = await project("import", { resources: {} });
        const before = emulator.requests.length;
        await p.cli(["import", "qualys:pm:DeploymentJob", "imported", id, "--yes", "--out", `${p.dir}/generated.yaml`]);
        const writes = emulator.requests.slice(before).filter((r) => r.method !== "GET" && r.route !== "auth");
        expect(writes).toEqual([]);
    });

    // FINDING 3 (fixed): an explicit provider moved to another tenant (gatewayUrl changed) silently forgot
    // the job it held on the first tenant: the refresh asked the new tenant, which had no such id, and
    // dropped it. Now a new gateway replaces, visibly: the job is made on the new tenant and the old one
    // deleted through the old provider, so no tenant keeps a job that no state holds.
    test("changing an explicit provider's gatewayUrl to another tenant replaces its job, visibly: made on the new tenant, deleted on the first", async () => {
        const other = await startEmulator({ customerId: "11111111-2222-4333-8444-555555555555" });
        try {
            const provider = (url: string) => ({ type: "pulumi:providers:qualys", properties: { gatewayUrl: url, username: "demo-user", password: { "fn::secret": PASSWORD } } });
            const p = await project("tenant-switch", { resources: { tenant: provider(emulator.url), nightly: { ...job("Tenant job"), options: { provider: "${tenant}" } } } });
            await p.cli(["up", "--yes"]);
            p.write({ resources: { tenant: provider(other.url), nightly: { ...job("Tenant job"), options: { provider: "${tenant}" } } } });
            const preview = await p.cli(["preview", "--diff"]);
            expect(preview.stdout).toMatch(/\+-qualys:pm:DeploymentJob: \(replace\)[\s\S]*::nightly\]/);
            await p.cli(["up", "--yes"]);
            const held = (JSON.parse(p.stateText()).checkpoint.latest.resources as any[]).filter((r) => r.type === "qualys:pm:DeploymentJob").map((r) => r.id);
            expect({ firstTenant: emulator.jobs().map((j) => j.id), secondTenant: other.jobs().map((j) => j.id), held }).toEqual(
                { firstTenant: [], secondTenant: [held[0]], held: [expect.any(String)] });
        } finally {
            await other.close();
        }
    });
});
