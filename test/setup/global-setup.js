// Before the suite: an empty .test-output/ for what the tests produce, and a log of every JWT the
// emulator issues, so that test/secrets/leak-scan.test.ts can look for them in all of it.
const fs = require("node:fs");
const path = require("node:path");

module.exports = async () => {
    const out = path.join(__dirname, "..", "..", ".test-output");
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    process.env.QUALYS_EMULATOR_TOKEN_LOG = path.join(out, ".issued-tokens");
    fs.writeFileSync(process.env.QUALYS_EMULATOR_TOKEN_LOG, "");
};
