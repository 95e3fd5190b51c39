// Attacks on ownership by a server that stores a job name other than the one sent (HTML-escaped,
// or stripped of characters), through the core lifecycle against the emulator, the engine's calls
// made by hand: check, create (its partial create recorded as the engine would), update.
import { PmClient } from "../../provider/core/client";
import { checkJob, createJob, JobInitError, readJob, updateJob } from "../../provider/core/lifecycle";
import { AdaptivePacer } from "../../provider/core/throttle";
import { toRequest } from "../../provider/core/payload";
import { PmEmulator, startEmulator } from "../emulator/server";
import { linuxMakeCache } from "../helpers/jobs";

let emulator: PmEmulator;
beforeAll(async () => {
    emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const api = () => new PmClient({ gatewayUrl: emulator.url, username: "demo-user", password: "demo-password", backoffBaseMs: 5, requestTimeoutMs: 2_000 } as any, { pacer: new AdaptivePacer() });
const escape = (name: string) => name.replace(/&/g, "&amp;");
const weekly = (extra = {}) => linuxMakeCache({ name: "Patch & reboot", scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 AM", recurringWeekDays: ["Sunday"], ...extra } as any);
const checked = (args: object, olds: object = {}) => {
    const { inputs, failures } = checkJob(olds, args as Record<string, unknown>);
    expect(failures).toEqual([]);
    return inputs!;
};

/** What the engine records of a create: its outputs, or a partial create's properties; undefined when nothing is recorded. */
async function engineCreate(client: PmClient, inputs: object): Promise<{ id: string; outs: any } | { error: Error }> {
    try {
        return await createJob(client, inputs);
    } catch (error) {
        if (error instanceof JobInitError) return { id: error.id, outs: error.properties };
        return { error: error as Error };
    }
}

describe("a server that HTML-escapes the names it stores", () => {
    test("a create whose answer is dropped makes one job, not two (the lost-answer lookup finds the escaped name)", async () => {
        emulator.rewriteNames(escape);
        emulator.dropAfterApply("create", 1);
        const result = await engineCreate(api(), checked(weekly()));
        expect(emulator.counts().create).toBe(1);
        expect(emulator.jobs()).toHaveLength(1);
        expect("id" in result ? result.id : result.error.message).toBe(emulator.jobs()[0].id);
    });

    test.each([
        ["lower-cases", (name: string) => name.toLowerCase()],
        ["collapses white space in", (name: string) => name.replace(/\s+/g, " ")],
    ])("a server that %s names: a create whose answer is dropped makes one job, not two", async (_kind, rewrite) => {
        emulator.rewriteNames(rewrite);
        emulator.dropAfterApply("create", 1);
        const result = await engineCreate(api(), checked(weekly({ name: "Patch  Weekly" })));
        expect(emulator.counts().create).toBe(1);
        expect(emulator.jobs()).toHaveLength(1);
        expect("id" in result ? result.id : result.error.message).toBe(emulator.jobs()[0].id);
    });

    test("a job of that name left by a killed run (stored escaped) stops the next create before any write", async () => {
        emulator.rewriteNames(escape);
        // The job a killed provider's POST made: in Qualys, recorded nowhere.
        const left = emulator.seedJob({ ...toRequest(checked(weekly()) as any), name: escape("Patch & reboot") });
        const result = await engineCreate(api(), checked(weekly()));
        expect(emulator.counts().create ?? 0).toBe(0);
        expect(emulator.jobs().map((j) => j.id)).toEqual([left]);
        expect("error" in result ? result.error.message : "recorded").toContain(`Qualys already holds a Linux job named "Patch & reboot": ${left}`);
    });

    test("once the program's name is written again, a later one-field change is not stopped as an edit made in Qualys", async () => {
        emulator.rewriteNames(escape);
        const client = api();
        const created = await engineCreate(client, checked(weekly()));
        if (!("id" in created)) throw created.error;
        // up 2: the program's name over what Qualys holds (the partial create recorded the escaped name).
        const inputs = checked(weekly(), created.outs);
        const outs2 = await updateJob(client, created.id, created.outs, inputs);
        // up 3: only timeout changes; nobody touched the job in Qualys.
        const outs3 = await updateJob(client, created.id, outs2, checked(weekly({ timeout: 4 }), outs2));
        expect(outs3.timeout).toBe(4);
        expect(emulator.state.jobs.get(created.id)).toMatchObject({ timeout: 4 });
    });
});

describe("a server that stores a name changed beyond HTML escaping (angle brackets stripped)", () => {
    test("the job the create POST made is recorded (a partial create), never left recorded nowhere, and the next create does not make a second", async () => {
        emulator.rewriteNames((name) => name.replace(/[<>]/g, ""));
        const client = api();
        const first = await engineCreate(client, checked(weekly({ name: "Patch <prod>" })));
        const recorded = "id" in first ? [first.id] : [];
        // The next up: nothing recorded means the engine calls create again.
        if (!recorded.length) await engineCreate(client, checked(weekly({ name: "Patch <prod>" })));
        expect(emulator.jobs().map((j) => j.id)).toEqual(recorded.length ? recorded : ["<the first job, recorded>"]);
    });
});

describe("the compare-and-swap of an update", () => {
    test("after an update whose PATCH was applied but never recorded (a killed provider), the same up again is not stopped as an edit made in Qualys: Qualys already holds the program's values", async () => {
        const client = api();
        const created = await engineCreate(client, checked(weekly({ name: "plain" })));
        if (!("id" in created)) throw created.error;
        // The PATCH of `timeout: 4` reached Qualys; the provider was killed before the engine recorded its outputs.
        emulator.editJob(created.id, (j) => {
            j.timeout = 4;
            j.timeoutUnit = "HOURS";
        });
        const outs = await updateJob(client, created.id, created.outs, checked(weekly({ name: "plain", timeout: 4 }), created.outs));
        expect(outs.timeout).toBe(4);
    });

    test("a value someone set in Qualys that is neither the state's nor the program's still stops the update, naming it", async () => {
        const client = api();
        const created = await engineCreate(client, checked(weekly({ name: "plain" })));
        if (!("id" in created)) throw created.error;
        emulator.editJob(created.id, (j) => {
            j.timeout = 6;
            j.timeoutUnit = "HOURS";
        });
        await expect(updateJob(client, created.id, created.outs, checked(weekly({ name: "plain", timeout: 4 }), created.outs))).rejects.toThrow("timeout is 6 in Qualys, not set in the state");
        expect(emulator.state.jobs.get(created.id)).toMatchObject({ timeout: 6 });
    });
});

describe("the compare-and-swap against the server's answers for every field", () => {
    const rich = {
        Windows: {
            name: "rich windows", platform: "Windows", description: "d & <e>", assetIds: ["FFB6AA16-F342-4F94-99C1-3AE941CE6357", "08a028e6-7e1d-4dbf-b040-48d9059dee08"],
            assetTagIds: ["11111111-2222-4333-8444-555555555555"], exclusionAssetIds: ["21111111-2222-4333-8444-555555555555"],
            approvedPatches: ["444ba31a-0f94-3199-870e-ef8ab1a5a477"], coAuthorUserIds: ["31111111-2222-4333-8444-555555555555"],
            scheduleType: "Monthly", startDateTime: "2030-01-06 02:00:00 AM", timezoneType: "SPECIFIC_TZ", timezone: "America/New_York",
            patchTuesdayPlusXDays: 3, timeout: 6, timeoutUnit: "HOURS", downloadRandomizeTime: 30, downloadRandomizeTimeUnit: "MINUTES",
            preDeployment: { userMessage: "before", deferment: { count: 2, interval: 30, intervalUnit: "MINUTES" } },
            postDeployment: { suppressReboots: true, rebootCountdown: { interval: 5, intervalUnit: "MINUTES", userMessage: "soon" } },
            notification: { emails: ["b@example.com", "a@example.com"], onJobStart: true, completedPercentage: 50 },
            preDeployActions: [{ description: "pre", scriptType: "powershell", script: "Write-Output hello" }],
            postDeployActions: [{ scriptType: "powershell", script: "aGVsbG8gd29ybGQ=" }],
            opportunisticDownloads: true, minimizeWindow: true, reattemptFailedPatches: { noOfReattempts: 2, exponentialBackoffInterval: 5 },
            customPatchURLId: 7,
        },
        Linux: {
            name: "rich linux", platform: "Linux", assetIds: ["08a028e6-7e1d-4dbf-b040-48d9059dee08"], packageCacheUpdate: true, continueOnPatchFailure: true,
            scheduleType: "Weekly", startDateTime: "2030-1-6 02:00:00 PM", recurringWeekDays: ["Saturday", "Monday"],
            isDynamicPatchesQQL: true, dynamicPatchesQQL: "vendorSeverity:Critical", additionalDynamicPatchesQQL: "isSuperseded:false", additionalDynamicQQLType: 2,
            preDeployActions: [{ description: "pre", scriptType: "sh", script: "echo hi" }],
            notification: { emails: ["ops@example.com"], onJobComplete: true },
        },
    };
    test.each(["Windows", "Linux"] as const)("a %s job with every kind of field: three one-field updates, a refresh between, none stopped as an edit in Qualys", async (platform) => {
        const client = api();
        const args = rich[platform] as any;
        const created = await engineCreate(client, checked(args));
        if (!("id" in created)) throw created.error;
        let outs = created.outs;
        for (const [i, change] of [{ timeout: 8 }, { description: "other" }, { minimizeWindow: false, timeout: 9 }].entries()) {
            const news = checked({ ...args, ...change }, outs);
            outs = await updateJob(client, created.id, outs, news);
            if (i === 1) {
                outs = (await readJob(client, created.id, outs))!.props;
            }
        }
        expect(emulator.state.jobs.get(created.id)).toMatchObject({ timeout: 9 });
    });
});

describe("the lost-answer lookup's clock", () => {
    test("a dropped create answer, the job's stamp from a clock 5 s behind the one that writes the Date header (the PM service and its gateway): one job, recorded", async () => {
        emulator.onApplied("create", 1, () => {
            for (const job of emulator.jobs()) job.createdBy = { ...job.createdBy, date: job.createdBy.date - 5_000 };
        });
        emulator.dropAfterApply("create", 1);
        const result = await engineCreate(api(), checked(weekly({ name: "plain" })));
        expect(emulator.counts().create).toBe(1);
        expect(emulator.jobs()).toHaveLength(1);
        expect("id" in result ? result.id : result.error.message).toBe(emulator.jobs()[0].id);
    });
});

/**
 * A gateway in front of the emulator that answers the first request `trick` accepts 504 at once and
 * hands it to the PM service (the emulator) 400 ms later; every other request goes through.
 */
async function lateGateway(trick: (method: string, url: string) => boolean) {
    const http = await import("node:http");
    const target = new URL(emulator.url);
    let tricked = false;
    const gateway = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
            const forward = (answer?: typeof res) => {
                const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
                    if (!answer) return void r.resume();
                    answer.writeHead(r.statusCode!, r.headers);
                    r.pipe(answer);
                });
                up.end(Buffer.concat(chunks));
            };
            if (!tricked && trick(req.method!, req.url!)) {
                tricked = true;
                res.writeHead(504, { "content-type": "text/plain", date: new Date().toUTCString() }).end("Gateway Timeout");
                setTimeout(() => forward(), 400);
                return;
            }
            forward(res);
        });
    });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    const port = (gateway.address() as import("node:net").AddressInfo).port;
    return {
        client: new PmClient({ gatewayUrl: `http://127.0.0.1:${port}`, username: "demo-user", password: "demo-password", backoffBaseMs: 5, requestTimeoutMs: 2_000 } as any, { pacer: new AdaptivePacer() }),
        close: async () => {
            gateway.closeAllConnections();
            await new Promise((resolve) => gateway.close(resolve));
        },
    };
}

describe("a gateway that gives up on a call its PM service still completes", () => {
    test("a 504 answered while the create is still being applied: the lookup waits for it, one job, recorded", async () => {
        const gateway = await lateGateway((method, url) => method === "POST" && url === "/pm/v1/deploymentjob");
        try {
            const result = await engineCreate(gateway.client, checked(weekly({ name: "plain" })));
            await new Promise((resolve) => setTimeout(resolve, 600));
            expect(emulator.jobs()).toHaveLength(1);
            expect("id" in result ? result.id : result.error.message).toBe(emulator.jobs()[0].id);
        } finally {
            await gateway.close();
        }
    });

    test("a 504 answered while the enable is still being applied: the job is enabled once, and recorded Enabled", async () => {
        const gateway = await lateGateway((method, url) => method === "POST" && url.endsWith("/update/status/Enabled"));
        try {
            const result = await engineCreate(gateway.client, checked(weekly({ name: "plain", status: "Enabled" })));
            await new Promise((resolve) => setTimeout(resolve, 600));
            expect(emulator.jobs()).toHaveLength(1);
            expect(emulator.enablesApplied()).toEqual({ [emulator.jobs()[0].id]: 1 });
            expect("id" in result ? result.outs.status : result.error.message).toBe("Enabled");
        } finally {
            await gateway.close();
        }
    });
});

describe("adoptJobId and the jobs a process saw in the state", () => {
    test("adoptJobId naming the job another resource holds (read by this up's refresh) is refused before any write", async () => {
        const client = api();
        const created = await engineCreate(client, checked(weekly({ name: "held" })));
        if (!("id" in created)) throw created.error;
        // pulumi up --refresh: the holder's read, then a new resource's create with the holder's id.
        await readJob(client, created.id, created.outs);
        const mark = emulator.requests.length;
        await expect(createJob(client, checked(weekly({ name: "held", adoptJobId: created.id })))).rejects.toThrow(`adoptJobId: job ${created.id} is already held by a resource of this stack`);
        expect(emulator.requests.slice(mark).filter((r) => ["create", "update", "status", "delete"].includes(r.route))).toEqual([]);
    });
});

describe("known limits (test.failing: each passes while the limit holds, and fails once it is lifted)", () => {
    // The PM API has no conditional update (no ETag, no version): between the compare-and-swap's GET
    // and the PATCH, an edit made in the UI is overwritten without any plan showing it.
    test.failing("an edit made in Qualys between the update's read and its PATCH is not overwritten", async () => {
        const client = api();
        const created = await engineCreate(client, checked(weekly({ name: "race" })));
        if (!("id" in created)) throw created.error;
        const hold = emulator.holdNext("update", "before-apply");
        const update = updateJob(client, created.id, created.outs, checked(weekly({ name: "race", timeout: 4 }), created.outs));
        await hold.reached;
        emulator.editJob(created.id, (j) => (j.description = "added in the UI"));
        hold.release();
        await update.catch(() => undefined);
        expect(emulator.state.jobs.get(created.id)).toMatchObject({ description: "added in the UI" });
    });
});

describe("the lookup's judgement stands", () => {
    test("a dropped create answer, a server that HTML-escapes names and a job stamp 5 s behind the Date header: the job the lookup found is recorded, not refused", async () => {
        emulator.rewriteNames(escape);
        emulator.onApplied("create", 1, () => {
            for (const job of emulator.jobs()) job.createdBy = { ...job.createdBy, date: job.createdBy.date - 5_000 };
        });
        emulator.dropAfterApply("create", 1);
        const result = await engineCreate(api(), checked(weekly()));
        expect(emulator.counts().create).toBe(1);
        expect("id" in result ? result.id : result.error.message).toBe(emulator.jobs()[0].id);
    });
});

describe("a server that HTML-escapes the description too", () => {
    test("once the program's description is written again, a later one-field change is not stopped as an edit made in Qualys", async () => {
        const escapeDescription = () => {
            for (const job of emulator.jobs()) if (typeof job.description === "string") job.description = escape(job.description.replace(/&amp;/g, "&"));
        };
        emulator.onApplied("create", 1, escapeDescription);
        emulator.onApplied("update", 1, escapeDescription);
        emulator.onApplied("update", 2, escapeDescription);
        const client = api();
        const args = weekly({ name: "plain", description: "reboot & report" });
        const created = await engineCreate(client, checked(args));
        if (!("id" in created)) throw created.error;
        const outs2 = await updateJob(client, created.id, created.outs, checked(args, created.outs));
        const outs3 = await updateJob(client, created.id, outs2, checked({ ...args, timeout: 4 }, outs2));
        expect(outs3.timeout).toBe(4);
        // A refresh shows no drift either.
        expect((await readJob(client, created.id, outs3))!.inputs.description).toBe("reboot & report");
    });
});
