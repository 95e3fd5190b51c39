// Provider settings checked at preview, through the real Pulumi engine: a stack whose job exists,
// then one mistake at a time in its `qualys:` config. Each must fail `pulumi preview` naming the
// setting, with no request to Qualys (the emulator on 127.0.0.1 counts them); a wrong password can
// only be known from Qualys' answer, and is found at the first request, as before.
import { PmEmulator, startEmulator } from "../emulator/server";
import { Declared, linuxMakeCache } from "../helpers/jobs";
import { EngineStack, engineSuite } from "./cli";
import { emulatorStack, keepAndRemove, programOf } from "./program";

const { binDir, describeWithCli } = engineSuite("test/e2e/settings-preview (settings checked at preview, real Pulumi engine)");

let emulator: PmEmulator;
let env: EngineStack;
const declared: Declared[] = [{ name: "rhel", args: linuxMakeCache() }];

/** The preview's error text, or "passed". */
async function previewOutcome(): Promise<string> {
    try {
        await env.run(env.stack.preview());
        return "passed";
    } catch (error) {
        return String((error as Error).message);
    }
}

const PROBLEM = "pulumi-nodejs:dynamic/qualys:DeploymentJob resource 'rhel' has a problem: ";

const cases: { name: string; remove?: string[]; set?: Record<string, string>; problems: string[] }[] = [
    {
        name: "qualys:password removed",
        remove: ["qualys:password"],
        problems: ["qualys:password is required: set qualys:password (pulumi config set --secret) or QUALYS_PASSWORD"],
    },
    {
        name: "a gateway without a scheme",
        set: { "qualys:gatewayUrl": "gw.example" },
        problems: ['qualys:gatewayUrl "gw.example" must be an https:// URL: use https://gw.example'],
    },
    {
        name: "a gateway with a fragment",
        set: { "qualys:gatewayUrl": "https://gw/#/dashboard" },
        problems: ["qualys:gatewayUrl https://gw/#/dashboard has a fragment; use its origin https://gw"],
    },
    {
        name: "a gateway with a path",
        set: { "qualys:gatewayUrl": "https://gw/pm/v1" },
        problems: ["qualys:gatewayUrl https://gw/pm/v1 has a path; use its origin https://gw"],
    },
    {
        name: "qualys:gatewayURL misspelt, and qualys:requestTimeout",
        remove: ["qualys:gatewayUrl"],
        set: { "qualys:gatewayURL": "https://gateway.qg2.apps.qualys.com", "qualys:requestTimeout": "5000" },
        problems: [
            "qualys:gatewayURL is not a setting of the Qualys provider; did you mean qualys:gatewayUrl?",
            "qualys:requestTimeout is not a setting of the Qualys provider; did you mean qualys:requestTimeoutMs?",
            "qualys:gatewayUrl is required: set qualys:gatewayUrl (pulumi config set) or QUALYS_GATEWAY_URL",
        ],
    },
];

describeWithCli("provider settings checked at preview, through the real Pulumi engine", () => {
    jest.setTimeout(240_000);

    beforeAll(async () => {
        emulator = await startEmulator();
        env = await emulatorStack(binDir!, "settings-preview", emulator, programOf(() => declared));
        // Only the stack config counts: settings from the environment of whoever runs the tests would hide a mistake.
        for (const variable of ["QUALYS_GATEWAY_URL", "QUALYS_USERNAME", "QUALYS_PASSWORD"]) env.stack.workspace.envVars[variable] = "";
        await env.run(env.stack.up());
    });
    afterAll(async () => {
        await keepAndRemove(env, "settings-preview");
        await emulator.close();
    });

    test.each(cases)("with $name, preview fails naming the setting, with no request to Qualys", async ({ remove = [], set = {}, problems }) => {
        const saved = await env.stack.getAllConfig();
        for (const key of remove) await env.stack.removeConfig(key);
        for (const [key, value] of Object.entries(set)) await env.stack.setConfig(key, { value });
        const mark = emulator.requests.length;
        try {
            const outcome = await previewOutcome();
            for (const problem of problems) expect(outcome).toContain(`${PROBLEM}${problem}`);
            expect(emulator.requests.slice(mark)).toEqual([]);
        } finally {
            for (const key of Object.keys(set)) await env.stack.removeConfig(key);
            await env.stack.setAllConfig(saved);
        }
        // The stack's own settings preview cleanly again: the failure was the mistake's.
        expect(await previewOutcome()).toBe("passed");
    });

    test("a wrong password passes preview (nothing to know without Qualys) and is found at the first request, by Qualys' answer", async () => {
        await env.stack.setConfig("qualys:password", { value: "not-the-password", secret: true });
        // A change to the job: the update's first request is the login.
        declared[0] = { name: "rhel", args: linuxMakeCache({ timeout: 4, timeoutUnit: "HOURS" }) };
        try {
            expect(await previewOutcome()).toBe("passed");
            const mark = emulator.requests.length;
            const outcome = await env.run(env.stack.up()).then(() => "passed", (error: Error) => String(error.message));
            expect(outcome).toContain("Qualys PM API rejected POST /auth (401)");
            expect(outcome).not.toContain("not-the-password");
            expect(emulator.requests.slice(mark).map((r) => r.route)).toEqual(["auth"]);
        } finally {
            declared[0] = { name: "rhel", args: linuxMakeCache() };
            await env.stack.setConfig("qualys:password", { value: "demo-password", secret: true });
        }
    });
});
