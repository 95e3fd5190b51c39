// Every command the README and docs/ show a user runs somewhere: in CI (.ci/run), in a named test
// that runs it (or the Automation API call that runs it for the CLI), or here. A command added to
// the docs with no such place fails this test, naming it. The two this suite runs itself: the
// emulator (`npm run emulator`) and the demo (`npm run demo`, through the real engine).
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../helpers/root";
import { engineSuite } from "../e2e/cli";

const ROOT = repoRoot();
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs"), { recursive: true }).map((f) => path.join("docs", String(f))).filter((f) => f.endsWith(".md"))];

/** Each command shown in a shell block of the docs, without its comment. */
function documentedCommands(): { file: string; command: string }[] {
    return DOCS.flatMap((file) => {
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");
        const blocks = [...text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].map((m) => m[1]);
        const lines = blocks.flatMap((b) => b.replace(/\\\n\s*/g, " ").split("\n"));
        return lines.map((l) => l.replace(/\s+#.*$/, "").replace(/\s+/g, " ").trim()).filter((l) => l && !l.startsWith("#")).map((command) => ({ file, command }));
    });
}

/** Where each documented command runs: a file, and the text in it that shows it does. */
const RUNS: { command: RegExp; where: string; shows: string }[] = [
    { command: /^npm ci( && npm run (demo|pack:release))?$/, where: ".ci/run", shows: "npm ci --no-audit --no-fund" },
    { command: /^npm ci && npm run demo$/, where: "test/docs/commands.test.ts", shows: "dist/scripts/demo.js" },
    { command: /^npm test$/, where: ".ci/run", shows: "npm test" },
    { command: /^npm (ci && npm )?run pack:release$/, where: "test/packaging/consumer.test.ts", shows: "pack:release" },
    { command: /^npm install \.\/qualys-pm-pulumi-[\d.]+\.tgz$/, where: "test/packaging/consumer.test.ts", shows: ".tgz" },
    { command: /^npm ci && npm run plugin:pack$/, where: "test/packaging/plugin-install.test.ts", shows: '"plugin:pack"' },
    { command: /^pulumi plugin install resource qualys [\d.]+ --file pulumi-resource-qualys-v[\d.]+\.tar\.gz$/, where: "test/packaging/plugin-install.test.ts", shows: '"plugin", "install", "resource", "qualys", version, "--file", TARBALL' },
    { command: /^npm ci --prefix policy$/, where: "test/packaging/consumer.test.ts", shows: '"--prefix", "policy"' },
    { command: /^npm run emulator$/, where: "test/docs/commands.test.ts", shows: "dist/test/emulator/main.js" },
    { command: /^npm run generate$/, where: "test/unit/payload-diff.test.ts", shows: "generatedFiles" },
    { command: /^npm run bench$/, where: ".ci/run", shows: "npm run bench" },
    // The Automation API's setAllConfig runs `pulumi config set-all`, secrets with --secret.
    { command: /^pulumi config set (--secret )?qualys:(gatewayUrl|username|password)( \S+)?$/, where: "test/e2e/program.ts", shows: '"qualys:password": { value: PASSWORD, secret: true }' },
    { command: /^pulumi import --file jobs\.import\.json --generate-code=false( --protect=false)? --yes$/, where: "test/adopt/engine.test.ts", shows: "stack.import({ resources: file.resources, generateCode: false" },
    { command: /^pulumi preview --diff --policy-pack policy --policy-pack-config policy\/policy-config\.json$/, where: "test/policy/policy-pack.test.ts", shows: "policyPackConfigs" },
    { command: /^pulumi up$/, where: "test/adopt/engine.test.ts", shows: "stack.up(" },
    { command: /^pulumi import qualys:pm:DeploymentJob \S+ <job id>$/, where: "test/native/yaml.test.ts", shows: '"import", "qualys:pm:DeploymentJob"' },
    { command: /^(QUALYS_GATEWAY_URL=\S+ QUALYS_USERNAME=\S+ QUALYS_PASSWORD=\S+ )?npx qualys-pm-pulumi adopt( --stack prod)? --out jobs\.ts( --import-file jobs\.import\.json)?$/, where: "test/adopt/protect.test.ts", shows: '"--stack", "test", "--out"' },
];

test("every command the README and docs show runs in CI or in a named test", () => {
    const unplaced = documentedCommands().filter(({ command }) => !RUNS.some((r) => r.command.test(command)));
    expect(unplaced).toEqual([]);
});

test.each(RUNS.map((r) => [r.command.source, r]))("the place named for %s runs it", (_name, run) => {
    expect(fs.readFileSync(path.join(ROOT, run.where), "utf8")).toContain(run.shows);
});

test("npm run emulator starts the emulator on a loopback port, says how to reach it, and answers /auth", async () => {
    const child = spawn(process.execPath, [path.join(ROOT, "dist", "test", "emulator", "main.js")], { stdio: ["ignore", "pipe", "inherit"] });
    try {
        let printed = "";
        const url = await new Promise<string>((resolve, reject) => {
            child.stdout.on("data", (chunk) => {
                printed += String(chunk);
                const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed);
                if (found && printed.includes("QUALYS_PASSWORD=")) resolve(found[1]);
            });
            child.on("exit", (code) => reject(new Error(`the emulator exited (${code}): ${printed}`)));
        });
        const [, user, password] = /username (\S+), password (\S+)/.exec(printed)!;
        const auth = await fetch(`${url}/auth`, { method: "POST", body: new URLSearchParams({ username: user, password, token: "true" }) });
        expect(auth.status).toBe(201);
    } finally {
        child.kill("SIGINT");
    }
});

const { binDir, describeWithCli } = engineSuite("test/docs demo (npm run demo through the real Pulumi engine)");

describeWithCli("npm run demo", () => {
    test("shows the whole life of the two jobs through the real engine: preview, up, an edit in Qualys, the refresh finding it, destroy", () => {
        const run = spawnSync(process.execPath, [path.join(ROOT, "dist", "scripts", "demo.js")], {
            cwd: ROOT, encoding: "utf8", timeout: 240_000, env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH}` },
        });
        expect(run.status).toBe(0);
        expect(run.stdout).toContain("real engine");
        expect(run.stdout).toMatch(/edited outside Pulumi/);
        expect(run.stdout).toMatch(/destroy/i);
    }, 300_000);
});
