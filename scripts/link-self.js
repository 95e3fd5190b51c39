// The provider stored in Pulumi state reaches this package by name (require("qualys-pm-pulumi/...")),
// as it will in a user's project. Inside this repository the package is not in
// node_modules, so the tests, the demo and the benchmark link it there, as `npm link` would.
const fs = require("node:fs");
const path = require("node:path");
const link = path.join(__dirname, "..", "node_modules", "qualys-pm-pulumi");
try {
    if (fs.realpathSync(link) === fs.realpathSync(path.join(__dirname, ".."))) return;
    fs.rmSync(link, { recursive: true, force: true });
} catch {
    // no link yet
}
fs.symlinkSync("..", link, "dir");
