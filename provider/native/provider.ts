// The native face of DeploymentJob: the engine's calls, as plain data, translated onto the core's
// lifecycle (core/lifecycle.ts) exactly as the dynamic face does (provider/dynamic/provider.ts), with
// no rule of its own. What only this face has: secrets arrive wrapped and go back wrapped
// (values.ts), the settings come from Configure (config.ts), the diff is given by property path
// (detailed-diff.ts), and Cancel. server.ts does the protobuf.
import { PmClient } from "../core/client";
import { Call, checkJob, createJob, deleteJob, diffRecorded, JobInitError, readJob, updateJob } from "../core/lifecycle";
import { Declarations } from "../core/declarations";
import { secretsOnly } from "../core/secrecy";
import { fromState } from "../core/canonical";
import { resolveSettings } from "../core/settings";
import { CheckFailure } from "../core/validate";
import { Lookup, settingsLookup } from "./config";
import { detailedDiff, PathDiff } from "./detailed-diff";
import { RESULTS_TOKEN } from "./schema";
import { secretKeys, unwrap, wrapSecrets } from "./values";

type Props = Record<string, unknown>;

export interface DiffAnswer {
    changed: string[];
    replaces: string[];
    paths: PathDiff[];
}

/** The engine cancelled the run: work not yet started is refused, so nothing new begins. */
export class CancelledError extends Error {
    constructor(what: string) {
        super(`${what} was not started: the operation was cancelled`);
    }
}

export class NativeProvider {
    private lookup: Lookup = () => undefined;
    private client?: PmClient;
    private cancelled = false;
    private readonly inFlight = new Set<Promise<unknown>>();
    private readonly declarations = new Declarations();

    constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

    /** Configure: the settings, read when a call first needs the client (as the dynamic face does). */
    configure(args: Props, variables: Record<string, string>): void {
        this.lookup = settingsLookup(args, variables, this.env);
        this.client = undefined;
    }

    /** The client of this provider process: one JWT and one connection pool for every resource. */
    private api(): PmClient {
        this.client ??= new PmClient(resolveSettings(this.lookup, this.env));
        return this.client;
    }

    /**
     * Check; `urn` names the resource, so that a second one declaring the same job is refused (this
     * process sees every Check of one operation's program).
     */
    check(olds: Props, news: Props, urn = ""): { inputs: Props; failures: CheckFailure[] } {
        const given = unwrap(news) as Props;
        const twice = urn ? this.declarations.declare(urn, given, urn.split("::").pop()) : undefined;
        const { inputs, failures } = checkJob(unwrap(olds) as Props, given, twice);
        return { inputs: inputs ? wrapSecrets(inputs, secretKeys(news)) : news, failures };
    }

    diff(id: string, oldInputs: Props, news: Props): DiffAnswer {
        const [before, after] = [unwrap(oldInputs) as Props, unwrap(news) as Props];
        const { changed, replaces } = diffRecorded(before, after, id || undefined);
        return { changed, replaces, paths: detailedDiff(fromState(before), fromState(after), changed, replaces) };
    }

    create(news: Props): Promise<{ id: string; outs: Props }> {
        const secrets = secretKeys(news);
        return this.track("create", async () => {
            try {
                const { id, outs } = await createJob(this.api(), unwrap(news) as Props, this.call(secrets));
                return { id, outs: wrapSecrets(outs, secrets) };
            } catch (error) {
                // A job that exists although its create failed is recorded, its secrets wrapped as well.
                if (error instanceof JobInitError) throw new JobInitError(error.message, error.id, wrapSecrets(error.properties, secrets));
                throw error;
            }
        });
    }

    /** Refresh (old `props` and `inputs`) and import (neither): the job as canonical inputs and outputs; undefined when gone. */
    async read(id: string, props: Props, inputs: Props): Promise<{ id: string; inputs: Props; props: Props } | undefined> {
        const secrets = secretKeys(props, inputs);
        const found = await this.track("read", () => readJob(this.api(), id, unwrap({ ...inputs, ...props }) as Props));
        if (!found) return undefined;
        return { id, inputs: wrapSecrets(found.inputs, secrets), props: wrapSecrets(found.props, secrets) };
    }

    update(id: string, olds: Props, news: Props): Promise<Props> {
        const secrets = secretKeys(news);
        const call = this.call(secretKeys(olds, news));
        return this.track("update", async () => wrapSecrets(await updateJob(this.api(), id, unwrap(olds) as Props, unwrap(news) as Props, call), secrets));
    }

    delete(id: string): Promise<void> {
        return this.track("delete", () => deleteJob(this.api(), id));
    }

    /** The functions of the package: the results summary of a job. */
    invoke(token: string, args: Props): Promise<Props> {
        if (token !== RESULTS_TOKEN) throw new Error(`unknown function ${token}; this provider has ${RESULTS_TOKEN}`);
        return this.track("invoke", async () => (await this.api().getJobResultsSummary(String(unwrap(args.jobId) ?? ""))) as Props);
    }

    /**
     * Cancel: nothing new starts, work under way writes nothing more (the core asks before each POST,
     * PATCH and enable), and the answer waits for it, so that a job the server made is recorded
     * (Disabled, as a partial create) instead of being cut off half-written.
     */
    async cancel(): Promise<void> {
        this.cancelled = true;
        await Promise.allSettled([...this.inFlight]);
    }

    /** The core's view of one call: the program's secrets are not quoted, and a cancel stops what has not been written. */
    private call(secrets: Set<string>): Call {
        return { hidden: secretsOnly(secrets), cancelled: () => this.cancelled };
    }

    private track<T>(what: string, work: () => Promise<T>): Promise<T> {
        if (this.cancelled) return Promise.reject(new CancelledError(what));
        const running = work();
        this.inFlight.add(running);
        const settle = () => this.inFlight.delete(running);
        running.then(settle, settle);
        return running;
    }
}
