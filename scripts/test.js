// `npm test`: jest, on a Node the package supports (package.json "engines"). When the node on PATH is
// older (a fresh machine's system Node 20, say), the suite runs on the pinned release of the lowest
// supported major from .tools/node/ (scripts/install-node.sh installs it from the npm registry the
// first time), put first on PATH so that the Pulumi CLI's dynamic-provider plugin and every other
// child process run on it too; it says which Node it used and why. Arguments go to jest.
const { execFileSync, spawnSync } = require("node:child_process");
const path = require("node:path");

const root = path.join(__dirname, "..");
const supported = require("../package.json").engines.node;
const lowestMajor = Number(/^>=\s*(\d+)/.exec(supported)[1]);
const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-vm-modules"].filter(Boolean).join(" ") };
let node = process.execPath;

if (Number(process.versions.node.split(".")[0]) < lowestMajor) {
    const bin = execFileSync("bash", [path.join(__dirname, "install-node.sh"), String(lowestMajor)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    node = path.join(bin, "node");
    env.PATH = `${bin}${path.delimiter}${env.PATH}`;
    const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
    console.log(`running the tests on Node ${version} from ${path.relative(root, bin)}/ because Node ${process.version} on PATH is older than the supported ${supported}`);
}

const run = spawnSync(node, [require.resolve("jest/bin/jest"), ...process.argv.slice(2)], { cwd: root, env, stdio: "inherit" });
if (run.error) throw run.error;
process.exit(run.status ?? 1);
