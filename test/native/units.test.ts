// The native face's own pure parts, without a plugin process: where the settings come from
// (config.ts), secrets in and out (values.ts), and the property paths of a diff (detailed-diff.ts).
import { checkConfig, diffConfig, settingsLookup } from "../../provider/native/config";
import { detailedDiff } from "../../provider/native/detailed-diff";
import { secretKeys, unwrap, wrapSecrets } from "../../provider/native/values";
import { resolveSettings } from "../../provider/core/settings";
import { secret } from "./plugin";

describe("where the settings come from", () => {
    const env = { QUALYS_GATEWAY_URL: "https://env.example", QUALYS_USERNAME: "env-user", QUALYS_PASSWORD: "env-pw", PULUMI_CONFIG: JSON.stringify({ gatewayUrl: "https://stack.example", username: "stack-user" }) };

    test.each([
        { name: "an explicit provider's argument wins over stack config and the environment", args: { gatewayUrl: "https://args.example" }, variables: {}, gatewayUrl: "https://args.example", username: "stack-user" },
        { name: "the engine's variables (qualys:config:<name>) come before PULUMI_CONFIG", args: {}, variables: { "qualys:config:gatewayUrl": "https://vars.example" }, gatewayUrl: "https://vars.example", username: "stack-user" },
        { name: "stack config (PULUMI_CONFIG) wins over the environment", args: {}, variables: {}, gatewayUrl: "https://stack.example", username: "stack-user" },
    ])("$name", ({ args, variables, gatewayUrl, username }) => {
        const settings = resolveSettings(settingsLookup(args, variables as Record<string, string>, env), env);
        expect([settings.gatewayUrl, settings.username, settings.password]).toEqual([gatewayUrl, username, "env-pw"]);
    });

    test("the environment is the last resort", () => {
        const settings = resolveSettings(settingsLookup({}, {}, { ...env, PULUMI_CONFIG: "not json" }), env);
        expect(settings.gatewayUrl).toBe("https://env.example");
    });

    test("a secret argument is unwrapped before it is used", () => {
        const lookup = settingsLookup({ password: secret("wrapped-pw") }, {}, {});
        expect(lookup("qualys:password")).toBe("wrapped-pw");
    });

    test("CheckConfig counts settings from the environment, so a setting given there is not missing", () => {
        expect(checkConfig({ gatewayUrl: "https://args.example" }, { QUALYS_USERNAME: "u", QUALYS_PASSWORD: "p" })).toEqual([]);
    });

    test("DiffConfig compares settings only, secrets unwrapped", () => {
        expect(diffConfig({ password: secret("a"), version: "1" }, { password: "a", version: "2" })).toEqual({ changed: [], replaces: [] });
        expect(diffConfig({ maxRetries: "3" }, { maxRetries: "4" })).toEqual({ changed: ["maxRetries"], replaces: [] });
        // Another gateway is another tenant; the same origin spelt otherwise is not.
        expect(diffConfig({ gatewayUrl: "https://gateway.qg1.apps.qualys.com" }, { gatewayUrl: "https://gateway.qg2.apps.qualys.eu" })).toEqual({ changed: ["gatewayUrl"], replaces: ["gatewayUrl"] });
        expect(diffConfig({ gatewayUrl: "https://gateway.qg1.apps.qualys.com" }, { gatewayUrl: "https://Gateway.qg1.apps.qualys.com/" })).toEqual({ changed: ["gatewayUrl"], replaces: [] });
    });
});

describe("secrets in and out", () => {
    test("unwrap replaces every wrapper, nested ones too", () => {
        expect(unwrap({ a: secret({ b: [secret("x")] }), c: 1 })).toEqual({ a: { b: ["x"] }, c: 1 });
    });

    test("a top-level property holding a secret anywhere inside is wrapped whole on the way out", () => {
        const given = { preDeployment: { userMessage: secret("m") }, name: "n" };
        const keys = secretKeys(given);
        expect([...keys]).toEqual(["preDeployment"]);
        expect(wrapSecrets({ preDeployment: { userMessage: "m" }, name: "n", serverStatus: null }, keys)).toEqual({ preDeployment: secret({ userMessage: "m" }), name: "n", serverStatus: null });
    });
});

describe("the property paths of a diff", () => {
    test("a changed leaf is named by its path, an added one as ADD, a removed one as DELETE", () => {
        const before = { postDeployment: { rebootCountdown: { interval: 20, userMessage: "a" } }, description: "d" };
        const after = { postDeployment: { rebootCountdown: { interval: 25 }, suppressReboots: true } };
        expect(detailedDiff(before, after, ["postDeployment", "description"], [])).toEqual([
            { path: "postDeployment.rebootCountdown.interval", kind: "UPDATE", replace: false },
            { path: "postDeployment.rebootCountdown.userMessage", kind: "DELETE", replace: false },
            { path: "postDeployment.suppressReboots", kind: "ADD", replace: false },
            { path: "description", kind: "DELETE", replace: false },
        ]);
    });

    test("a list is one leaf, and an input that replaces marks its paths as replacing", () => {
        expect(detailedDiff({ assetIds: ["a"], platform: "Linux" }, { assetIds: ["a", "b"], platform: "Windows" }, ["assetIds", "platform"], ["platform"])).toEqual([
            { path: "assetIds", kind: "UPDATE", replace: false },
            { path: "platform", kind: "UPDATE", replace: true },
        ]);
    });

    test("only the inputs the core reports changed are walked", () => {
        expect(detailedDiff({ description: "a" }, { description: "b" }, [], [])).toEqual([]);
    });
});
