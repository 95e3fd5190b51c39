// The native plugin through the real engine: a Pulumi YAML program (pulumi-language-yaml v1.25.0,
// built by scripts/install-pulumi-yaml.sh) whose provider is bin/pulumi-resource-qualys, against the
// emulator. One project lives through the suite in order: up, a no-op preview, a one-leaf change,
// refresh after an edit in Qualys, import, an explicit provider, destroy. Without the CLI or the YAML
// host, the suite says SKIPPED by name and skips.
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { PmEmulator, startEmulator } from "../emulator/server";
import { PASSWORD } from "../e2e/program";
import { YamlProject, yamlEngineSuite } from "./yaml-project";

const { binDir, describeWithYaml } = yamlEngineSuite("test/native/yaml (native plugin through the real engine)");

const USER_MESSAGE = "native-yaml-user-message-secret";

/** The program: one Linux job whose reboot countdown is `interval` minutes, a secret user message, and more `resources`. */
function program(interval: number, resources: Record<string, unknown> = {}) {
    return {
        resources: {
            nightly: {
                type: "qualys:pm:DeploymentJob",
                properties: {
                    name: "Nightly Linux",
                    platform: "Linux",
                    assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"],
                    packageCacheUpdate: true,
                    preDeployment: { userMessage: { "fn::secret": USER_MESSAGE } },
                    postDeployment: { rebootCountdown: { interval } },
                },
            },
            ...resources,
        },
        outputs: {
            jobId: "${nightly.id}",
            // The package's function, served by the plugin's Invoke.
            resultAssets: { "fn::invoke": { function: "qualys:pm:getDeploymentJobResults", arguments: { jobId: "${nightly.id}" }, return: "assetCount" } },
        },
    };
}

describeWithYaml("a YAML program on the native plugin, through the real engine", () => {
    jest.setTimeout(240_000);
    let emulator: PmEmulator;
    let project: YamlProject;
    let jobId: string;

    beforeAll(async () => {
        emulator = await startEmulator();
        project = new YamlProject(binDir!, "life");
        project.write(program(20));
        await project.init(emulator.url, PASSWORD);
    });
    afterAll(async () => {
        project?.remove();
        await emulator.close();
    });

    test("up creates the job through the plugin that Pulumi.yaml names, keeping the secret input secret in the state, and fn::invoke reads its results", async () => {
        await project.cli(["up", "--yes"]);
        expect(emulator.jobs()).toHaveLength(1);
        jobId = emulator.jobs()[0].id;
        expect(emulator.jobs()[0]).toMatchObject({ name: "Nightly Linux", platform: "Linux" });
        const state = project.stateText();
        expect(state).toContain(jobId);
        expect(state).not.toContain(USER_MESSAGE);
        expect(state).not.toContain(PASSWORD);
        const nightly = JSON.parse(state).checkpoint.latest.resources.find((r: { urn: string }) => r.urn.endsWith("::nightly"));
        expect(nightly.outputs.preDeployment).toHaveProperty("ciphertext");
        expect(nightly.outputs).toMatchObject({ packageCacheUpdate: true, serverStatus: "Disabled", customerId: expect.any(String) });
        const { stdout } = await project.cli(["stack", "output", "--json"]);
        expect(JSON.parse(stdout)).toEqual({ jobId, resultAssets: 1 });
        expect(emulator.requests.filter((r) => r.route === "results").length).toBeGreaterThan(0);
    });

    test("a second preview plans no change and makes no write", async () => {
        const writes = () => emulator.requests.filter((r) => r.method !== "GET" && r.route !== "auth").length;
        const before = writes();
        expect(await project.plan()).toEqual({ steps: {}, summary: { same: 2 } });
        await project.cli(["preview", "--expect-no-changes"]);
        expect(writes()).toBe(before);
    });

    test("one changed leaf: preview --diff shows exactly that leaf, and up updates the job in place", async () => {
        project.write(program(25));
        const { stdout } = await project.cli(["preview", "--diff"]);
        const shown = stdout.split("\n").filter((line) => /^\s*[~+-] /.test(line)).map((line) => line.trim());
        expect(shown).toEqual(["~ qualys:pm:DeploymentJob: (update)", "~ postDeployment: {", "~ rebootCountdown: {", "~ interval: 20 => 25", "~ 1 to update"]);
        expect(await project.plan()).toEqual({
            steps: { nightly: { op: "update", detailedDiff: { "postDeployment.rebootCountdown.interval": { kind: "update", inputDiff: true } } } },
            summary: { same: 1, update: 1 },
        });
        await project.cli(["up", "--yes"]);
        expect(emulator.jobs().map((j) => [j.id, j.postDeployment?.rebootCountdown?.interval])).toEqual([[jobId, 25]]);
    });

    test("refresh after an edit in Qualys records it, the next preview shows the edit as the one change, and up --refresh undoes it", async () => {
        emulator.editJob(jobId, (job) => (job.description = "edited in the Qualys UI"));
        await project.cli(["refresh", "--yes"]);
        const nightly = JSON.parse(project.stateText()).checkpoint.latest.resources.find((r: { urn: string }) => r.urn.endsWith("::nightly"));
        expect(nightly.inputs.description).toBe("edited in the Qualys UI");
        expect((await project.plan()).steps).toEqual({ nightly: { op: "update", detailedDiff: { description: { kind: "delete", inputDiff: true } } } });
        // Edited again: `up --refresh` reads the job and writes the program's value back in one run.
        emulator.editJob(jobId, (job) => (job.description = "edited again"));
        await project.cli(["up", "--refresh", "--yes"]);
        expect(emulator.jobs()[0].description ?? "").toBe("");
    });

    test("pulumi import qualys:pm:DeploymentJob writes YAML that previews with no changes", async () => {
        const adopter = new YamlProject(binDir!, "import");
        try {
            adopter.write({ resources: {} });
            await adopter.init(emulator.url, PASSWORD);
            const out = path.join(adopter.dir, "imported.yaml");
            await adopter.cli(["import", "qualys:pm:DeploymentJob", "adopted", jobId, "--yes", "--protect=false", "--out", out]);
            const generated = YAML.parse(fs.readFileSync(out, "utf8"));
            expect(generated.resources.adopted).toMatchObject({ type: "qualys:pm:DeploymentJob", properties: { name: "Nightly Linux", platform: "Linux", packageCacheUpdate: true } });
            // Only the schema's inputs: no server facts in the code.
            expect(Object.keys(generated.resources.adopted.properties).filter((k) => ["serverStatus", "customerId", "createdAt"].includes(k))).toEqual([]);
            adopter.write(generated);
            expect(await adopter.plan()).toEqual({ steps: {}, summary: { same: 2 } });
            await adopter.cli(["preview", "--expect-no-changes"]);
        } finally {
            adopter.remove();
        }
    });

    test("an explicit provider with its own gatewayUrl (options.provider) sends its job there, not to the stack's gateway", async () => {
        const eu = await startEmulator();
        try {
            project.write(program(25, {
                eu: { type: "pulumi:providers:qualys", properties: { gatewayUrl: eu.url, username: "demo-user", password: { "fn::secret": PASSWORD } } },
                "eu-job": { type: "qualys:pm:DeploymentJob", options: { provider: "${eu}" }, properties: { name: "EU job", platform: "Windows", assetIds: ["ffb6aa16-f342-4f94-99c1-3ae941ce6357"] } },
            }));
            await project.cli(["up", "--yes"]);
            expect(eu.jobs().map((j) => j.name)).toEqual(["EU job"]);
            expect(emulator.jobs().map((j) => j.name)).toEqual(["Nightly Linux"]);
            expect(project.stateText()).not.toContain(PASSWORD);
            project.write(program(25));
            await project.cli(["up", "--yes"]);
            expect(eu.jobs()).toEqual([]);
        } finally {
            await eu.close();
        }
    });

    test("destroy deletes the job", async () => {
        await project.cli(["destroy", "--yes"]);
        expect(emulator.jobs()).toEqual([]);
    });
});
