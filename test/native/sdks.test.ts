// The SDKs under sdk/ are what tools/sdkgen (pkg/v3's generators, scripts/install-sdkgen.sh) makes
// from schema/qualys.schema.json, and the Node.js one type-checks and drives the plugin through the
// real engine (an Automation API inline program: create, no-op, update one field, destroy). Without
// sdkgen or the CLI the suite says SKIPPED by name and skips.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SDKGEN, SDK_DIR, sdkDrift } from "../../scripts/sdks";
import { startEmulator } from "../emulator/server";
import { engineStack, engineSuite } from "../e2e/cli";
import { keepAndRemove, PASSWORD } from "../e2e/program";
import { repoRoot } from "../helpers/root";

const ROOT = repoRoot();
const hasSdkgen = fs.existsSync(SDKGEN);
if (!hasSdkgen) console.warn("SKIPPED: test/native/sdks (generated SDKs match the schema): no .tools/sdkgen/sdkgen; run `npm run sdkgen:install`");

(hasSdkgen ? describe : describe.skip)("the generated SDKs", () => {
    test("sdk/ holds exactly what sdkgen makes from schema/qualys.schema.json (run `npm run sdks` after a schema change)", () => {
        expect(sdkDrift()).toEqual([]);
    }, 120_000);
});

const { binDir } = engineSuite("test/native/sdks (the Node.js SDK through the real engine)");

(binDir ? describe : describe.skip)("the generated Node.js SDK", () => {
    let compiled: string;

    beforeAll(() => {
        // Compiled as its own package would be, against this repository's @pulumi/pulumi.
        compiled = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-sdk-nodejs-"));
        fs.cpSync(path.join(SDK_DIR, "nodejs"), compiled, { recursive: true });
        for (const dep of ["@pulumi/pulumi", "@types/node"]) {
            fs.mkdirSync(path.dirname(path.join(compiled, "node_modules", dep)), { recursive: true });
            fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(compiled, "node_modules", dep), "dir");
        }
        execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", compiled], { encoding: "utf8" });
        // As a provider's build publishes it: bin/ is the package, with its package.json (utilities.ts reads the version there).
        fs.copyFileSync(path.join(compiled, "package.json"), path.join(compiled, "bin", "package.json"));
    }, 120_000);
    afterAll(() => fs.rmSync(compiled, { recursive: true, force: true }));

    test("an inline program on it creates, previews no change, updates one field in place and destroys", async () => {
        const emulator = await startEmulator();
        let description = "made from the Node.js SDK";
        const program = async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const qualys = require(path.join(compiled, "bin", "index.js"));
            new qualys.pm.DeploymentJob("node-job", { name: "Node job", platform: "Linux", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true, description });
        };
        const env = await engineStack(binDir!, "native-sdk-nodejs", program, {
            "qualys:gatewayUrl": { value: emulator.url }, "qualys:username": { value: "demo-user" }, "qualys:password": { value: PASSWORD, secret: true },
        }, { face: "native" });
        try {
            expect((await env.run(env.stack.up())).summary.resourceChanges).toEqual({ create: 2 });
            expect(emulator.jobs().map((j) => [j.name, j.description])).toEqual([["Node job", "made from the Node.js SDK"]]);
            expect((await env.run(env.stack.preview())).changeSummary).toEqual({ same: 2 });
            description = "updated from the Node.js SDK";
            expect((await env.run(env.stack.up())).summary.resourceChanges).toEqual({ same: 1, update: 1 });
            expect(emulator.jobs().map((j) => j.description)).toEqual(["updated from the Node.js SDK"]);
            await env.run(env.stack.destroy());
            expect(emulator.jobs()).toEqual([]);
        } finally {
            await keepAndRemove(env, "native-sdk-nodejs");
            await emulator.close();
        }
    }, 240_000);
});
