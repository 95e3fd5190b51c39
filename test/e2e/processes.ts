// The engine's processes under this test process, read from /proc (Linux only): the `pulumi` CLI that
// Automation API spawns, and the dynamic-provider plugin the CLI starts (the shim `exec`s node on
// @pulumi/pulumi/cmd/dynamic-provider). Only descendants of this process are ever looked at or
// killed; other suites run dynamic providers of their own. A process is named by pid and start
// time, so a reused pid is never mistaken for it.
import * as fs from "node:fs";

export interface Proc {
    pid: number;
    ppid: number;
    /** Start time in clock ticks since boot (/proc/<pid>/stat field 22). */
    start: number;
    state: string;
    argv: string[];
}

function readProc(pid: number): Proc | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
        return { pid, ppid: Number(fields[1]), start: Number(fields[19]), state: fields[0], argv };
    } catch {
        return undefined; // gone meanwhile
    }
}

/** Every process now descending from `root` (default: this process). */
export function descendants(root: number = process.pid): Proc[] {
    const all = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((d) => readProc(Number(d))).filter((p): p is Proc => p !== undefined);
    const out: Proc[] = [];
    const parents = [root];
    while (parents.length) {
        const parent = parents.shift()!;
        for (const child of all.filter((p) => p.ppid === parent && p.pid !== root)) {
            out.push(child);
            parents.push(child.pid);
        }
    }
    return out;
}

export const isCli = (p: Proc) => /(^|\/)pulumi$/.test(p.argv[0] ?? "");
export const isDynamicProvider = (p: Proc) => p.argv.some((a) => a.endsWith("cmd/dynamic-provider/index.js") || a.endsWith("pulumi-resource-pulumi-nodejs"));
/** The native plugin: node running bin/pulumi-resource-qualys. */
export const isNativeProvider = (p: Proc) => p.argv.some((a) => a.endsWith("/pulumi-resource-qualys"));

/** The `pulumi` CLI child of this process and the provider processes (dynamic or native) below it. */
export function engineProcesses(): { cli: Proc; providers: Proc[]; all: Proc[] } {
    const all = descendants();
    const clis = all.filter((p) => p.ppid === process.pid && isCli(p));
    if (clis.length !== 1) throw new Error(`expected one pulumi CLI child of this process, found ${clis.length}: ${all.map(show).join("; ")}`);
    const below = descendants(clis[0].pid);
    return { cli: clis[0], providers: below.filter((p) => isDynamicProvider(p) || isNativeProvider(p)), all: [clis[0], ...below] };
}

/** Alive: the same process (pid and start time) still exists and is not a zombie. */
export function alive(p: Proc): boolean {
    const now = readProc(p.pid);
    return now !== undefined && now.start === p.start && now.state !== "Z";
}

/** SIGKILL, if it is still the same live process. */
export function kill(p: Proc): boolean {
    if (!alive(p)) return false;
    process.kill(p.pid, "SIGKILL");
    return true;
}

/** Waits until `p` has exited (polling /proc: a grandchild's exit cannot be awaited otherwise). */
export async function exited(p: Proc, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (alive(p)) {
        if (Date.now() > deadline) throw new Error(`${show(p)} did not exit within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

export function show(p: Proc): string {
    return `${p.pid} (${p.argv.map((a) => a.split("/").pop()).join(" ").slice(0, 80)})`;
}
