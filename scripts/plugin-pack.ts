// `npm run plugin:pack`: the native plugin as a self-contained folder, gzipped, for
// `pulumi plugin install resource qualys <version> --file pulumi-resource-qualys-v<version>.tar.gz`.
// That command copies only the tarball's content into the plugin cache, so the folder holds what the
// plugin runs: the package as its release tarball installs it (`npm pack`), its production
// dependencies and @pulumi/pulumi (the peer it needs), all at the versions package-lock.json locks,
// and at the root the launcher `pulumi-resource-qualys`. No PulumiPlugin.yaml: with one, Pulumi
// would install dependencies through the Node.js language host; without, it runs the launcher.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../test/helpers/root";

const ROOT = repoRoot();
const NAME = "pulumi-resource-qualys";

interface Locked { version: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; [key: string]: unknown }

/**
 * The entries of the root lockfile that `names` need, found as Node finds them (from the requiring
 * package's folder upwards), so that the plugin's tree is the one this repository tests on.
 */
export function lockedClosure(packages: Record<string, Locked>, names: string[]): Record<string, Locked> {
    const found: Record<string, Locked> = {};
    const visit = (from: string, name: string, optional: boolean): void => {
        for (let dir = from; ; dir = dir.slice(0, Math.max(dir.lastIndexOf("/node_modules/"), 0))) {
            const key = `${dir ? `${dir}/` : ""}node_modules/${name}`;
            if (packages[key]) {
                if (found[key]) return;
                // The root's dev flags do not hold in the plugin, where every package runs.
                const { dev, devOptional, peer, ...entry } = packages[key];
                found[key] = entry as Locked;
                const { dependencies = {}, optionalDependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = entry as Locked;
                for (const dep of Object.keys(dependencies)) visit(key, dep, false);
                for (const dep of Object.keys(optionalDependencies)) visit(key, dep, true);
                // npm installs a peer unless it is optional; an optional one is not installed by itself.
                for (const dep of Object.keys(peerDependencies)) if (!peerDependenciesMeta[dep]?.optional) visit(key, dep, false);
                return;
            }
            if (!dir) break;
        }
        if (!optional) throw new Error(`package-lock.json has no ${name} for ${from || "the root"}`);
    };
    for (const name of names) visit("", name, false);
    return found;
}

/** Fails on a symlink: `plugin install --file <folder>` copies a tree without keeping them. */
function assertNoSymlinks(dir: string): void {
    const links = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.lstatSync(path.join(dir, f)).isSymbolicLink());
    if (links.length) throw new Error(`the plugin folder has symlinks: ${links.slice(0, 5).join(", ")}`);
}

function main(): void {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-plugin-pack-"));
    const out = path.join(ROOT, `${NAME}-v${manifest.version}.tar.gz`);
    try {
        // dist/ was built by the npm script; --ignore-scripts packs it as it is.
        const [packed] = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", stage], { cwd: ROOT, encoding: "utf8" }));
        const tgz = `file:${packed.filename}`;
        const pulumi = lock.packages["node_modules/@pulumi/pulumi"].version;
        const dependencies = { [manifest.name]: tgz, "@pulumi/pulumi": pulumi };
        const root = { name: NAME, version: manifest.version, private: true, dependencies };
        const self = { version: manifest.version, resolved: tgz, license: manifest.license, dependencies: manifest.dependencies, peerDependencies: manifest.peerDependencies, peerDependenciesMeta: manifest.peerDependenciesMeta, bin: manifest.bin, engines: manifest.engines };
        const closure = lockedClosure(lock.packages, [...Object.keys(manifest.dependencies), "@pulumi/pulumi"]);
        fs.writeFileSync(path.join(stage, "package.json"), JSON.stringify(root, null, 2) + "\n");
        fs.writeFileSync(path.join(stage, "package-lock.json"), JSON.stringify({
            name: NAME, version: manifest.version, lockfileVersion: 3, requires: true,
            packages: { "": root, [`node_modules/${manifest.name}`]: self, ...closure },
        }, null, 2) + "\n");
        // `npm ci`: exactly that lock, from the cache this repository's own `npm ci` filled. No install
        // scripts: the package is built, and its dependencies are plain JavaScript.
        execFileSync("npm", ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: stage, stdio: ["ignore", "ignore", "inherit"] });
        fs.rmSync(path.join(stage, packed.filename));
        // node_modules/.bin (at any depth) holds only symlinks to the packages' commands, which nothing here runs.
        for (const f of fs.readdirSync(stage, { recursive: true }) as string[]) if (f.endsWith(`node_modules${path.sep}.bin`)) fs.rmSync(path.join(stage, f), { recursive: true, force: true });
        // The launcher is the package's own bin/ script with the one path that differs here.
        const bin = fs.readFileSync(path.join(stage, "node_modules", manifest.name, "bin", NAME), "utf8");
        const required = 'require("../dist/provider/native/main.js")';
        if (bin.split(required).length !== 2) throw new Error(`bin/${NAME} no longer has exactly one ${required}`);
        fs.writeFileSync(path.join(stage, NAME), bin.replace(required, `require("./node_modules/${manifest.name}/dist/provider/native/main.js")`), { mode: 0o755 });
        assertNoSymlinks(stage);
        // Entries at the top (Pulumi unpacks into the plugin's folder), in name order, one owner and
        // time, gzip without a name or time: the same inputs make the same bytes.
        execFileSync("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "--use-compress-program=gzip -n", "-cf", out, "-C", stage, ...fs.readdirSync(stage).sort()]);
    } finally {
        fs.rmSync(stage, { recursive: true, force: true });
    }
    console.log(`${out}: ${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MB`);
}

if (require.main === module) main();
