// The emulator driven by qualysdk 0.3.17, the Python SDK for Qualys (0x41424142/qualysdk), as a
// second client that was written against the real PM API: what it sends, the emulator must take,
// and what the emulator answers, it must parse. drive.py runs its calls once, against an emulator
// on 127.0.0.1, and reports what qualysdk returned; each test below checks one part of that and of
// the emulator's transcript. qualysdk lives in a venv that scripts/install-qualysdk.sh makes and
// reuses (.tools/qualysdk-venv); without it this suite says SKIPPED by name and never passes silently.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PmEmulator, RequestRecord, startEmulator } from "../emulator/server";
import { repoRoot } from "../helpers/root";

const ROOT = repoRoot();
const VENV = path.join(ROOT, ".tools", "qualysdk-venv");
const PYTHON = path.join(VENV, "bin", "python");
/** The version the install script pins (its `version=` line), and the marker it writes last. */
const VERSION = /^version=(\S+)$/m.exec(fs.readFileSync(path.join(ROOT, "scripts", "install-qualysdk.sh"), "utf8"))![1];
const installed = fs.existsSync(path.join(VENV, `.installed-qualysdk-${VERSION}`)) && fs.existsSync(PYTHON);
if (!installed) console.warn(`SKIPPED: test/qualysdk: no qualysdk ${VERSION} in .tools/qualysdk-venv; run \`bash scripts/install-qualysdk.sh\``);
const describeWithSdk = installed ? describe : describe.skip;

/** Runs drive.py against `gateway` and returns its JSON report; qualysdk's chatter and any traceback come with a failure. */
function drive(gateway: string, username: string, password: string): Promise<Record<string, any>> {
    return new Promise((resolve, reject) => {
        const script = path.join(ROOT, "test", "qualysdk", "drive.py");
        const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PYTHONDONTWRITEBYTECODE: "1", NO_PROXY: "127.0.0.1" };
        execFile(PYTHON, [script, gateway, username, password], { env, timeout: 120_000 }, (error, stdout, stderr) => {
            if (error) return reject(new Error(`drive.py failed: ${error.message}\n${stderr}`));
            resolve(JSON.parse(stdout));
        });
    });
}

describeWithSdk(`qualysdk ${VERSION} drives the emulator`, () => {
    let emulator: PmEmulator;
    let report: Record<string, any>;
    let requests: RequestRecord[];
    const ofRoute = (route: RequestRecord["route"]) => requests.filter((r) => r.route === route);
    const daily = () => report.linux_pages.find((row: { name: string }) => row.name === "qualysdk daily");

    beforeAll(async () => {
        emulator = await startEmulator();
        const [[username, password]] = Object.entries(emulator.options.users);
        report = await drive(emulator.url, username, password);
        requests = [...emulator.requests];
    }, 150_000);
    afterAll(() => emulator?.close());

    test("its token call, a form POST to /auth, gets a JWT that every later request carries as Bearer", () => {
        expect(report.auth).toEqual({ got_token: true });
        expect(requests[0]).toMatchObject({ route: "auth", method: "POST", path: "/auth", status: 201 });
        expect(ofRoute("auth")).toHaveLength(1);
        const bearer = requests.slice(1).map((r) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(r.authorization ?? ""));
        expect(bearer.every(Boolean)).toBe(true);
    });

    test("every request it sends goes to a known route and is answered below 400", () => {
        expect(requests.filter((r) => r.route === "unknown" || r.status >= 400).map((r) => `${r.method} ${r.path}${r.search} ${r.status}`)).toEqual([]);
    });

    test("its create body is taken as sent, and create_job returns the new job's id", () => {
        const [first] = ofRoute("create");
        expect(first.status).toBe(201);
        expect(first.body).toEqual({
            name: "qualysdk daily", platform: "Linux", type: "Install", scheduleType: "Daily", startDateTime: "2030-1-6 02:00:00 AM", recurring: true,
            timezoneType: "AGENT_TZ", status: "Disabled", timeout: -1, continueOnPatchFailure: true,
            assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"],
        });
        expect(report.created).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(daily().id).toBe(report.created);
        expect(ofRoute("create")).toHaveLength(7);
    });

    test("it lists five Linux jobs in pages of two, from page 0 to the empty page 3, and parses every row", () => {
        const linux = ofRoute("list").filter((r) => r.search.includes("platform=Linux")).slice(0, 4);
        expect(linux.map((r) => new URLSearchParams(r.search).get("pageNumber"))).toEqual(["0", "1", "2", "3"]);
        expect(linux.every((r) => new URLSearchParams(r.search).get("pageSize") === "2")).toBe(true);
        expect(report.linux_pages.map((row: { name: string }) => row.name)).toEqual(["qualysdk daily", "qualysdk linux 0", "qualysdk linux 1", "qualysdk linux 2", "qualysdk linux 3"]);
    });

    test("a row's created is parsed into who and when, and a job never edited has no updated date", () => {
        expect(daily()).toMatchObject({ platform: "Linux", status: "Disabled", created_user_name: "emulator_user", created_date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), updated_date: null });
    });

    test("platform all sends one paged list per platform, Windows and Linux, and gets all seven jobs", () => {
        expect(report.all_pages).toHaveLength(7);
        expect(report.all_pages.filter((name: string) => name.startsWith("qualysdk windows"))).toEqual(["qualysdk windows 0", "qualysdk windows 1"]);
        const platforms = new Set(ofRoute("list").map((r) => new URLSearchParams(r.search).get("platform")));
        expect([...platforms].sort()).toEqual(["Linux", "Windows"]);
    });

    test("it enables and then disables the job, each confirmed as success for its id", () => {
        const id = report.created;
        expect(report.enabled).toEqual([{ id, name: "qualysdk daily", status: "success" }]);
        expect(report.disabled).toEqual([{ id, name: "qualysdk daily", status: "success" }]);
        expect(ofRoute("status").map((r) => `${r.path} ${JSON.stringify(r.body)}`)).toEqual([
            `/pm/v1/deploymentjobs/update/status/Enabled {"ids":["${id}"]}`,
            `/pm/v1/deploymentjobs/update/status/Disabled {"ids":["${id}"]}`,
        ]);
    });

    test("get_job_runs parses the run the enable made: instance 1, its ISO date, the job's time zone type", () => {
        expect(report.runs).toEqual([{ jobInstanceId: 1, jobId: report.created, scheduledDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/), timezoneType: "AGENT_TZ" }]);
        expect(ofRoute("runs").map((r) => `${r.method} ${r.path}`)).toEqual([`GET /pm/v1/deploymentjob/${report.created}/runs`]);
    });

    test("get_job_results asks the results summary by POST without a body, and parses the summary", () => {
        expect(ofRoute("results").map((r) => ({ method: r.method, body: r.body, status: r.status }))).toEqual([{ method: "POST", body: undefined, status: 200 }]);
        expect(report.results).toEqual({ id: report.created, name: "qualysdk daily", assetCount: 1, patchCount: 1, createdOn: expect.stringMatching(/^\d{4}-/), assets: 1 });
    });

    test("delete_job sends the id in a DELETE body, gets success, and the job is gone from the list", () => {
        expect(report.deleted).toEqual([{ id: report.created, name: "qualysdk daily", status: "success" }]);
        expect(ofRoute("delete").map((r) => ({ method: r.method, path: r.path, body: r.body }))).toEqual([{ method: "DELETE", path: "/pm/v1/deploymentjobs", body: { ids: [report.created] } }]);
        expect(report.after_delete).toEqual(["qualysdk linux 0", "qualysdk linux 1", "qualysdk linux 2", "qualysdk linux 3"]);
    });
});
