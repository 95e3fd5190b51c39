import * as fs from "node:fs";
import * as path from "node:path";

/** A sample from the 3.5 release notes (test/fixtures/seed), as a fresh object. */
export function seed(name: string): Record<string, any> {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "seed", `${name}.json`), "utf8"));
}
