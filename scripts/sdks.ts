// The SDKs of the native plugin, generated from schema/qualys.schema.json by tools/sdkgen (pkg/v3's
// Node.js, Python and Go generators, built by scripts/install-sdkgen.sh) and kept under sdk/:
// `npm run sdks` writes them; sdkDrift() (the tests) says which files differ from a fresh generation.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "./generate";

export const SDK_DIR = path.join(root, "sdk");
export const SDKGEN = path.join(root, ".tools", "sdkgen", "sdkgen");
const SCHEMA = path.join(root, "schema", "qualys.schema.json");

function filesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

/** Generates the SDKs into a fresh temp folder; the caller removes it. */
export function generateSdks(): string {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "qualys-sdks-"));
    execFileSync(SDKGEN, [SCHEMA, out], { stdio: ["ignore", "pipe", "pipe"] });
    return out;
}

/** The files of sdk/ that a fresh generation would add, change or remove. */
export function sdkDrift(): string[] {
    const fresh = generateSdks();
    try {
        const names = [...new Set([...filesUnder(fresh), ...filesUnder(SDK_DIR)])].sort();
        return names.filter((name) => {
            const [a, b] = [path.join(fresh, name), path.join(SDK_DIR, name)];
            return !fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b));
        });
    } finally {
        fs.rmSync(fresh, { recursive: true, force: true });
    }
}

function main(): void {
    if (!fs.existsSync(SDKGEN)) throw new Error("no .tools/sdkgen/sdkgen: run `bash scripts/install-sdkgen.sh` first");
    const fresh = generateSdks();
    fs.rmSync(SDK_DIR, { recursive: true, force: true });
    fs.cpSync(fresh, SDK_DIR, { recursive: true });
    fs.rmSync(fresh, { recursive: true, force: true });
    console.log(`wrote ${filesUnder(SDK_DIR).length} files under sdk/`);
}

if (require.main === module) main();
