// The GitOps workflow (examples/gitops/.github/workflows/patch-jobs.yml) as GitHub would run it:
// actionlint (built from the Go module proxy by scripts/install-actionlint.sh) finds no problem,
// and the checks actionlint cannot make hold: a Node the package supports, the Pulumi CLI
// installed before any job calls it, credentials only from the secret store, the guardrails run.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../helpers/root";

const ROOT = repoRoot();
const GITOPS = path.join(ROOT, "examples", "gitops");
const WORKFLOW = path.join(GITOPS, ".github", "workflows", "patch-jobs.yml");
const pinned = /ACTIONLINT_VERSION:-([\d.]+)/.exec(fs.readFileSync(path.join(ROOT, "scripts", "install-actionlint.sh"), "utf8"))![1];

function findActionlint(): string | undefined {
    const built = path.join(ROOT, ".tools", "actionlint", `v${pinned}`, "actionlint");
    if (fs.existsSync(built)) return built;
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (fs.existsSync(path.join(dir, "actionlint"))) return path.join(dir, "actionlint");
    }
    return undefined;
}
const actionlint = findActionlint();
if (!actionlint) {
    // In CI a missing actionlint fails (below): a broken workflow must never pass unchecked.
    console.warn("SKIPPED: test/gitops actionlint checks: no actionlint in .tools/ or on PATH; run `npm run actionlint:install`");
}

/** actionlint on a workflow file; shellcheck and pyflakes integrations off, so the result does not depend on what else is installed. */
function lint(file: string): { status: number | null; out: string } {
    const run = spawnSync(actionlint!, ["-no-color", "-shellcheck=", "-pyflakes=", file], { cwd: path.dirname(path.dirname(path.dirname(file))), encoding: "utf8", timeout: 60_000 });
    return { status: run.status, out: run.stdout + run.stderr };
}

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Workflow { env?: Record<string, string>; jobs: Record<string, { env?: Record<string, string>; steps: Step[] }> }

/** The checks actionlint does not make, as problems in words; none for a workflow that works. */
function workflowProblems(workflow: Workflow, supportedNodeMajor: number, policyDir?: string): string[] {
    const problems: string[] = [];
    const credential = /PASSWORD|TOKEN|SECRET|USERNAME|_KEY$/i;
    const envs = [["workflow", workflow.env ?? {}], ...Object.entries(workflow.jobs).flatMap(([name, job]) => [[`job ${name}`, job.env ?? {}], ...job.steps.map((s, i) => [`job ${name} step ${i + 1}`, s.env ?? {}])])] as [string, Record<string, string>][];
    for (const [where, env] of envs) {
        for (const [key, value] of Object.entries(env)) {
            if (credential.test(key) && !/^\$\{\{\s*secrets\.[A-Z0-9_]+\s*\}\}$/.test(String(value))) problems.push(`${where}: ${key} is not taken from the secret store (\${{ secrets.* }})`);
        }
    }
    for (const [name, job] of Object.entries(workflow.jobs)) {
        let cli = false;
        for (const step of job.steps) {
            if (step.uses?.startsWith("actions/setup-node@")) {
                const version = String(step.with?.["node-version"] ?? "");
                const major = Number(/^(\d+)/.exec(version)?.[1]);
                if (!(major >= supportedNodeMajor)) problems.push(`job ${name}: sets up Node ${version || "(unset)"}; the package supports Node >= ${supportedNodeMajor}`);
            }
            if (step.uses?.startsWith("pulumi/actions@")) cli = true;
            if (step.run && /(^|[\s;&|])pulumi\s/.test(step.run) && !cli) problems.push(`job ${name}: runs \`pulumi\` without installing the Pulumi CLI first (pulumi/actions)`);
            if (step.run && /\$\{\{\s*secrets\./.test(step.run)) problems.push(`job ${name}: a run script reads a secret directly; pass it through env`);
        }
        for (const step of job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@") && ["preview", "up"].includes(String(s.with?.command)))) {
            // Without --refresh a reviewer would not see an edit made in Qualys, and the up would stop on it.
            if (step.with?.refresh !== true) problems.push(`job ${name}: ${step.with?.command} runs without refresh: true`);
        }
        const preview = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "preview");
        if (preview && policyDir) {
            if (!preview.with?.policyPacks) problems.push(`job ${name}: the preview runs no policy pack`);
            else if (!fs.existsSync(path.join(policyDir, "..", String(preview.with.policyPacks), "PulumiPolicy.yaml"))) problems.push(`job ${name}: policy pack ${preview.with.policyPacks} does not exist`);
        }
    }
    return problems;
}

const supportedNodeMajor = Number(/>=\s*(\d+)/.exec(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node)![1]);

describe("the GitOps workflow", () => {
    const text = fs.readFileSync(WORKFLOW, "utf8");

    test("follows the checks actionlint cannot make: supported Node, the CLI before any pulumi command, secrets only from the store, guardrails at preview", () => {
        expect(workflowProblems(parse(text), supportedNodeMajor, path.join(GITOPS, "policy"))).toEqual([]);
    });

    test("those checks catch what the old workflow got wrong: Node 20, a refresh with no Pulumi CLI installed, a preview and an up that do not refresh", () => {
        const old = parse(text) as Workflow;
        for (const job of Object.values(old.jobs)) {
            for (const step of job.steps) if (step.uses?.startsWith("actions/setup-node@")) step.with = { "node-version": 20 };
            for (const step of job.steps) if (step.uses?.startsWith("pulumi/actions@")) delete step.with?.refresh;
            job.steps = job.steps.filter((s) => !(s.uses?.startsWith("pulumi/actions@") && !s.with?.command));
        }
        old.env = { ...old.env, QUALYS_PASSWORD: "hunter2" };
        expect(workflowProblems(old, supportedNodeMajor)).toEqual([
            "workflow: QUALYS_PASSWORD is not taken from the secret store (${{ secrets.* }})",
            "job preview: sets up Node 20; the package supports Node >= 22",
            "job preview: preview runs without refresh: true",
            "job up: sets up Node 20; the package supports Node >= 22",
            "job up: up runs without refresh: true",
            "job drift: sets up Node 20; the package supports Node >= 22",
            "job drift: runs `pulumi` without installing the Pulumi CLI first (pulumi/actions)",
        ]);
    });

    test("in CI, actionlint is there: the workflow is never left unchecked", () => {
        if (process.env.CI) expect(actionlint).toBeDefined();
    });

    (actionlint ? test : test.skip)(`actionlint ${pinned} finds no problem in it`, () => {
        const result = lint(WORKFLOW);
        expect(result.out).toBe("");
        expect(result.status).toBe(0);
    });

    (actionlint ? test : test.skip)("actionlint fails a broken copy, naming the line and the mistake", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-actionlint-"));
        try {
            const broken = path.join(dir, ".github", "workflows", "patch-jobs.yml");
            fs.mkdirSync(path.dirname(broken), { recursive: true });
            fs.writeFileSync(broken, text.replace("policyPackConfigs: policy/policy-config.json", "policyPackConfig: policy/policy-config.json").replace("${{ secrets.QUALYS_PASSWORD }}", "${{ secret.QUALYS_PASSWORD }}"));
            const result = lint(broken);
            expect(result.status).toBe(1);
            expect(result.out).toMatch(/patch-jobs\.yml:\d+:\d+: input "policyPackConfig" is not defined in action "pulumi\/actions@v6"/);
            expect(result.out).toMatch(/patch-jobs\.yml:\d+:\d+: undefined variable "secret"/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
