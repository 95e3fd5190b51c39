// The generated Python and Go SDKs drive the plugin through the real engine: an Automation API inline
// program in each language (test/native/programs) creates a job, previews no change, updates one
// field in place and destroys, against the emulator. Python runs in the venv that
// scripts/install-python-venv.sh makes, with sdk/python installed from a copy; Go builds the program
// on sdk/go. A suite whose toolchain is missing says SKIPPED by name and skips.
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PmEmulator, startEmulator } from "../emulator/server";
import { engineSuite } from "../e2e/cli";
import { PASSWORD } from "../e2e/program";
import { repoRoot } from "../helpers/root";
import { keepOutput } from "../helpers/secrets";

const ROOT = repoRoot();
const PROGRAMS = path.join(__dirname, "programs");
const VENV_PYTHON = path.join(ROOT, ".tools", "py-venv", "bin", "python");
// Without the CLI (or on the CI run that leaves the engine suites to another Node) both say SKIPPED.
const { binDir } = engineSuite("test/native/languages (the Python and Go SDKs through the real engine)");

function suite(name: string, needs: [boolean, string][]): jest.Describe {
    const missing = needs.filter(([present]) => !present).map(([, what]) => what);
    if (missing.length) console.warn(`SKIPPED: ${name}: ${missing.join("; ")}`);
    return missing.length ? describe.skip : describe;
}

const hasGo = (() => {
    try {
        execFileSync("go", ["version"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
})();

/** Runs a program with the settings of its life in the environment; resolves to the steps it printed. */
function runLife(name: string, file: string, args: string[], emulator: PmEmulator, cwd: string): Promise<Record<string, Record<string, number>>> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `qualys-${name}-`));
    fs.mkdirSync(path.join(work, "state"));
    const env = {
        ...process.env,
        PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
        QUALYS_TEST_WORK_DIR: work, QUALYS_TEST_PLUGIN_DIR: path.join(ROOT, "bin"), QUALYS_TEST_PULUMI_ROOT: path.dirname(binDir!),
        QUALYS_TEST_GATEWAY: emulator.url, QUALYS_TEST_PASSWORD: PASSWORD,
        PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`, PULUMI_CONFIG_PASSPHRASE: "native-languages", PULUMI_HOME: path.join(work, "home"),
        PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true", PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
        QUALYS_GATEWAY_URL: "", QUALYS_USERNAME: "", QUALYS_PASSWORD: "",
    };
    return new Promise((resolve, reject) => {
        execFile(file, args, { cwd, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            const state = (fs.readdirSync(path.join(work, "state"), { recursive: true }) as string[]).filter((f) => f.endsWith(".json"))
                .map((f) => fs.readFileSync(path.join(work, "state", f), "utf8")).join("\n");
            keepOutput(`native-${name}-output.txt`, `${stdout}\n${stderr}\n${state}`);
            fs.rmSync(work, { recursive: true, force: true });
            if (error) reject(new Error(`${name} failed: ${stderr.slice(-4000)}`));
            else resolve(JSON.parse(stdout.trim().split("\n").pop()!));
        });
    });
}

/** The one life both programs live, as the engine and the emulator report it. */
async function expectLife(emulator: PmEmulator, steps: Record<string, Record<string, number>>, made: string, updated: string) {
    expect(steps).toEqual({ up: { create: 2 }, preview: { same: 2 }, update: { same: 1, update: 1 }, destroy: { delete: 2 } });
    const writes = emulator.requests.filter((r) => ["create", "update", "delete"].includes(r.route) && r.applied).map((r) => r.route);
    expect(writes).toEqual(["create", "update", "delete"]);
    const sent = emulator.requests.filter((r) => r.route === "create" || r.route === "update").map((r) => (r.body as { description?: string }).description);
    expect(sent).toEqual([made, updated]);
    expect(emulator.jobs()).toEqual([]);
}

suite("test/native/languages (Python SDK)", [[!!binDir, "no engine (above)"], [fs.existsSync(VENV_PYTHON), "no .tools/py-venv; run `npm run python-venv:install`"]])("the generated Python SDK", () => {
    test("a Python Automation API inline program creates, previews no change, updates one field and destroys", async () => {
        // pip builds in the source folder: install from a copy, so sdk/ stays as generated.
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-sdk-python-"));
        fs.cpSync(path.join(ROOT, "sdk", "python"), copy, { recursive: true });
        execFileSync(VENV_PYTHON, ["-m", "pip", "install", "--quiet", "--no-build-isolation", "--disable-pip-version-check", copy], { stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });
        fs.rmSync(copy, { recursive: true, force: true });
        const emulator = await startEmulator();
        try {
            const steps = await runLife("python-life", VENV_PYTHON, [path.join(PROGRAMS, "life.py")], emulator, PROGRAMS);
            await expectLife(emulator, steps, "made from Python", "updated from Python");
        } finally {
            await emulator.close();
        }
    }, 300_000);
});

suite("test/native/languages (Go SDK)", [[!!binDir, "no engine (above)"], [hasGo, "go is not on PATH"]])("the generated Go SDK", () => {
    test("a Go Automation API inline program creates, previews no change, updates one field and destroys", async () => {
        const program = path.join(ROOT, ".tools", "go-life");
        // -mod=mod: the module graph may be resolved afresh from the proxy, the SDK taken from sdk/go.
        execFileSync("go", ["build", "-mod=mod", "-o", program, "."], { cwd: path.join(PROGRAMS, "go-life"), stdio: ["ignore", "pipe", "pipe"], timeout: 280_000 });
        const emulator = await startEmulator();
        try {
            const steps = await runLife("go-life", program, [], emulator, PROGRAMS);
            await expectLife(emulator, steps, "made from Go", "updated from Go");
        } finally {
            await emulator.close();
        }
    }, 300_000);
});
