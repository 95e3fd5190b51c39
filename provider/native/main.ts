// The entry point of the plugin pulumi-resource-qualys (bin/pulumi-resource-qualys runs it). The
// engine reads the port from the first line of stdout, so nothing else is ever written there: logs
// go to stderr. The engine's flags (--logtostderr, -v=N, --tracing X) and its address are not needed.
import { serve } from "./server";

// A stray console.log (from any module) would corrupt the port line or the engine's reading of it.
console.log = console.error;
console.info = console.error;

process.on("unhandledRejection", (reason) => {
    process.stderr.write(`pulumi-resource-qualys: unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}\n`);
    process.exitCode = 1;
});

serve().then(
    ({ port }) => process.stdout.write(`${port}\n`),
    (error) => {
        process.stderr.write(`pulumi-resource-qualys: cannot start: ${(error as Error).message}\n`);
        process.exit(1);
    },
);
