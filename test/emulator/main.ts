// `npm run emulator`: the PM API emulator on a free loopback port, until Ctrl-C.
import { startEmulator } from "./server";

async function main(): Promise<void> {
    const emulator = await startEmulator({ latencyMs: Number(process.env.EMULATOR_LATENCY_MS ?? 0) });
    const [[username, password]] = Object.entries(emulator.options.users);
    console.log(`Qualys PM API emulator listening on ${emulator.url}`);
    console.log(`demo credentials: username ${username}, password ${password}`);
    console.log(`try: export QUALYS_GATEWAY_URL=${emulator.url} QUALYS_USERNAME=${username} QUALYS_PASSWORD=${password}`);
    process.on("SIGINT", () => void emulator.close().then(() => process.exit(0)));
}

void main();
