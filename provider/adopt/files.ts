// What `adopt` writes to disk, and the serialized provider an import file carries.
import * as fs from "node:fs";

/**
 * Writes each file through a temporary file beside it, renamed only once all are written: a failed
 * or interrupted run leaves no half program, and no import file without its program.
 */
export function writeAll(files: [string, string][]): void {
    const temps: [string, string][] = [];
    try {
        for (const [file, text] of files) {
            const temp = `${file}.${process.pid}.tmp`;
            temps.push([temp, file]);
            fs.writeFileSync(temp, text);
        }
    } catch (error) {
        for (const [temp] of temps) fs.rmSync(temp, { force: true });
        throw error;
    }
    for (const [temp, file] of temps) fs.renameSync(temp, file);
}

/**
 * The `__provider` text that a DeploymentJob carries in the state: the dynamic provider cannot run
 * a resource without it, so an import file must hold it. Taken as Pulumi makes it, by declaring one
 * DeploymentJob under @pulumi/pulumi's mocks (no engine, no request), with the @pulumi/pulumi the
 * user's program resolves (a peer dependency of this package).
 */
export async function serializedProviderCode(): Promise<string> {
    let pulumi: typeof import("@pulumi/pulumi");
    try {
        pulumi = require("@pulumi/pulumi");
    } catch {
        throw new Error("--import-file needs @pulumi/pulumi (a peer dependency of qualys-pm-pulumi): run the command in your Pulumi project, after npm install");
    }
    const code = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("--import-file: @pulumi/pulumi did not serialize the provider within 30 s")), 30_000);
        timer.unref();
        pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    if (typeof args.inputs.__provider === "string") {
                        clearTimeout(timer);
                        resolve(args.inputs.__provider);
                    }
                    return { id: "adopt-probe", state: args.inputs };
                },
                call: () => ({}),
            },
            "qualys-pm-pulumi-adopt",
            "adopt",
            true,
        );
    });
    const { DeploymentJob } = require("../dynamic/resource") as typeof import("../dynamic/resource");
    new DeploymentJob("adopt-probe", { name: "adopt probe", platform: "Linux", assetIds: ["00000000-0000-4000-8000-000000000000"] });
    return code;
}
