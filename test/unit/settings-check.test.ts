// checkSettings: what a preview reports about the provider settings, each failure naming its
// `qualys:` key, before any request; and the gateway URL's rules, which the client applies too.
import { checkedGateway, gatewayProblems } from "../../provider/core/gateway";
import { checkSettings } from "../../provider/core/settings";

const GOOD = { "qualys:gatewayUrl": "https://gateway.qg2.apps.qualys.com", "qualys:username": "demo-user", "qualys:password": "hunter2-secret" };
const NO_ENV = {};

/** The failures of the good settings with `change` applied (a key given as undefined is removed). */
function failuresWith(change: Record<string, unknown>, env: NodeJS.ProcessEnv = NO_ENV) {
    const config = Object.fromEntries(Object.entries({ ...GOOD, ...change }).filter(([, v]) => v !== undefined));
    return checkSettings(config, env);
}

test("complete settings have no failure, whether given as stack config or in the environment", () => {
    expect(checkSettings(GOOD, NO_ENV)).toEqual([]);
    expect(checkSettings({}, { QUALYS_GATEWAY_URL: GOOD["qualys:gatewayUrl"], QUALYS_USERNAME: "demo-user", QUALYS_PASSWORD: "hunter2-secret" })).toEqual([]);
    expect(failuresWith({ "qualys:gatewayUrl": "https://gateway.qg2.apps.qualys.com/" })).toEqual([]);
    expect(failuresWith({ "qualys:gatewayUrl": "http://127.0.0.1:8080", "qualys:maxRetries": "3", "qualys:adaptivePacing": "false" })).toEqual([]);
});

test("a missing username or password is named by its key, with where to set it", () => {
    expect(failuresWith({ "qualys:username": undefined, "qualys:password": undefined })).toEqual([
        { property: "qualys:username", reason: "is required: set qualys:username (pulumi config set) or QUALYS_USERNAME" },
        { property: "qualys:password", reason: "is required: set qualys:password (pulumi config set --secret) or QUALYS_PASSWORD" },
    ]);
    expect(failuresWith({ "qualys:password": "" })).toEqual([
        { property: "qualys:password", reason: "is required: set qualys:password (pulumi config set --secret) or QUALYS_PASSWORD" },
    ]);
});

const gatewayCases = [
    { name: "no scheme", url: "gw.example", reason: '"gw.example" must be an https:// URL: use https://gw.example' },
    { name: "no scheme, with a path", url: "gateway.qg2.apps.qualys.com/pm/v1", reason: '"gateway.qg2.apps.qualys.com/pm/v1" must be an https:// URL: use https://gateway.qg2.apps.qualys.com' },
    { name: "another scheme", url: "ftp://gw.example", reason: '"ftp://gw.example" must be an https:// URL: use https://gw.example' },
    { name: "not a URL at all", url: "not a url", reason: '"not a url" must be an https:// URL, such as https://gateway.qg2.apps.qualys.com' },
    { name: "a path", url: "https://gw/pm/v1", reason: "https://gw/pm/v1 has a path; use its origin https://gw" },
    { name: "a query", url: "https://gw/?lang=en", reason: "https://gw/?lang=en has a query; use its origin https://gw" },
    { name: "a fragment", url: "https://gw/#/dashboard", reason: "https://gw/#/dashboard has a fragment; use its origin https://gw" },
    { name: "a path and a query", url: "https://gw:8443/pm?x=1", reason: "https://gw:8443/pm?x=1 has a path and a query; use its origin https://gw:8443" },
    {
        name: "user-info, never quoted",
        url: "https://admin:s3cret@gw/",
        reason: "https://***@gw has a user name or password; use its origin https://gw, and set the user name and password as qualys:username and qualys:password",
    },
    { name: "user-info without a scheme, never quoted", url: "admin:s3cret@gw.example", reason: '"***@gw.example" must be an https:// URL: use https://gw.example' },
    {
        name: "plain http to another machine",
        url: "http://gw.example",
        reason: "http://gw.example is plain http: the password and the JWT would cross the network unencrypted. " +
            "Use its https:// address, or, on a network you trust, set qualys:insecureAllowHttpGateway (or QUALYS_INSECURE_ALLOW_HTTP_GATEWAY) to true",
    },
];

test.each(gatewayCases)("a gateway URL with $name is refused naming qualys:gatewayUrl and the origin to use", ({ url, reason }) => {
    const failures = failuresWith({ "qualys:gatewayUrl": url });
    expect(failures).toEqual([{ property: "qualys:gatewayUrl", reason }]);
    expect(JSON.stringify(failures)).not.toContain("s3cret");
    expect(JSON.stringify(failures)).not.toContain("admin");
});

test("the client refuses the same gateway URLs with the same reasons, before any request", () => {
    for (const { url, reason } of gatewayCases) expect(() => checkedGateway(url, false)).toThrow(`Qualys gateway ${reason}`);
    expect(checkedGateway("https://gateway.qg2.apps.qualys.com", false).origin).toBe("https://gateway.qg2.apps.qualys.com");
});

test("plain http to another machine passes only with insecureAllowHttpGateway, which does not excuse a path", () => {
    expect(failuresWith({ "qualys:gatewayUrl": "http://gw.example", "qualys:insecureAllowHttpGateway": "true" })).toEqual([]);
    expect(gatewayProblems("http://gw.example/pm", true)).toEqual(["http://gw.example/pm has a path; use its origin http://gw.example"]);
});

test("an unknown qualys: key is refused by name, with the setting it most likely meant", () => {
    expect(failuresWith({ "qualys:gatewayURL": "https://gw.example", "qualys:requestTimeout": "500", "qualys:colour": "blue", "aws:region": "eu-west-1" })).toEqual([
        { property: "qualys:colour", reason: "is not a setting of the Qualys provider; the settings are qualys:gatewayUrl, qualys:username, qualys:password, " +
            "qualys:requestTimeoutMs, qualys:maxRetries, qualys:maxResponseBytes, qualys:insecureAllowHttpGateway, qualys:adaptivePacing" },
        { property: "qualys:gatewayURL", reason: "is not a setting of the Qualys provider; did you mean qualys:gatewayUrl?" },
        { property: "qualys:requestTimeout", reason: "is not a setting of the Qualys provider; did you mean qualys:requestTimeoutMs?" },
    ]);
});

test("a misspelt gateway key leaves the gateway missing, and both are reported", () => {
    expect(failuresWith({ "qualys:gatewayUrl": undefined, "qualys:gatewayURL": "https://gw.example" })).toEqual([
        { property: "qualys:gatewayURL", reason: "is not a setting of the Qualys provider; did you mean qualys:gatewayUrl?" },
        { property: "qualys:gatewayUrl", reason: "is required: set qualys:gatewayUrl (pulumi config set) or QUALYS_GATEWAY_URL" },
    ]);
});
