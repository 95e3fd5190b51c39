// The plugin's own ResourceProviderService on the engine's generated definitions
// (@pulumi/pulumi/proto): @pulumi/pulumi/provider's server answers CheckConfig and DiffConfig as
// unimplemented, drops Configure's arguments and sends no detailedDiff, so it cannot serve this
// face. Here only protobuf in and out; the work is NativeProvider's.
import { JobInitError } from "../core/lifecycle";
import { checkConfig, diffConfig } from "./config";
import { PathDiff } from "./detailed-diff";
import { NativeProvider } from "./provider";
import { anyPb, emptyPb, grpc, pb, pluginPb, services, statusPb } from "./proto";
import { packageSchemaText, packageVersion } from "./schema";
import { fromStruct, toStruct } from "./values";

type Call = { request: any };
type Callback = (error: unknown, response?: unknown) => void;
type Handler = (call: Call, callback: Callback) => void;

/** An error as gRPC carries it; a partial create with the id and properties the engine must record. */
function grpcError(error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    const metadata = new grpc.Metadata();
    if (error instanceof JobInitError) {
        const detail = new pb.ErrorResourceInitFailed();
        detail.setId(error.id);
        detail.setProperties(toStruct(error.properties));
        detail.setReasonsList(error.reasons);
        const any = new anyPb.Any();
        any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
        const status = new statusPb.Status();
        status.setCode(grpc.status.UNKNOWN);
        status.setMessage(message);
        status.addDetails(any);
        // grpc-js has no rich error details: this header is how a Go client (the engine) reads them.
        metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    }
    return { code: grpc.status.UNKNOWN, details: message, metadata };
}

/** A unary handler: the answer, or the error as gRPC carries it. */
function unary(answer: (request: any) => unknown): Handler {
    return (call, callback) => {
        Promise.resolve()
            .then(() => answer(call.request))
            .then((response) => callback(null, response), (error) => callback(grpcError(error)));
    };
}

const KIND: Record<string, number> = {
    ADD: pb.PropertyDiff.Kind.ADD, DELETE: pb.PropertyDiff.Kind.DELETE, UPDATE: pb.PropertyDiff.Kind.UPDATE,
    ADD_REPLACE: pb.PropertyDiff.Kind.ADD_REPLACE, DELETE_REPLACE: pb.PropertyDiff.Kind.DELETE_REPLACE, UPDATE_REPLACE: pb.PropertyDiff.Kind.UPDATE_REPLACE,
};

/** A DiffResponse with `diffs` and `detailedDiff` keyed alike (pulumi/pulumi#17610), DIFF_NONE with neither. */
function diffResponse(changed: string[], replaces: string[], paths: PathDiff[]) {
    const response = new pb.DiffResponse();
    response.setChanges(changed.length ? pb.DiffResponse.DiffChanges.DIFF_SOME : pb.DiffResponse.DiffChanges.DIFF_NONE);
    response.setDiffsList(changed);
    response.setReplacesList(replaces);
    response.setDeletebeforereplace(false);
    response.setHasdetaileddiff(true);
    const detailed = response.getDetaileddiffMap();
    for (const { path, kind, replace } of paths) {
        const diff = new pb.PropertyDiff();
        diff.setKind(KIND[replace ? `${kind}_REPLACE` : kind]);
        diff.setInputdiff(true);
        detailed.set(path, diff);
    }
    return response;
}

function checkResponse(inputs: object, failures: { property: string; reason: string }[]) {
    const response = new pb.CheckResponse();
    response.setInputs(toStruct(inputs));
    response.setFailuresList(failures.map(({ property, reason }) => {
        const failure = new pb.CheckFailure();
        failure.setProperty(property);
        failure.setReason(reason);
        return failure;
    }));
    return response;
}

/** The provider's configuration calls: plugin info, schema, CheckConfig, DiffConfig, Configure, Cancel. */
function configHandlers(provider: NativeProvider, env: NodeJS.ProcessEnv): Record<string, Handler> {
    return {
        getPluginInfo: unary(() => new pluginPb.PluginInfo().setVersion(packageVersion())),
        getSchema: unary((req) => {
            if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
            return new pb.GetSchemaResponse().setSchema(packageSchemaText());
        }),
        checkConfig: unary((req) => {
            const news = fromStruct(req.getNews());
            return checkResponse(news, checkConfig(news, env));
        }),
        diffConfig: unary((req) => {
            const { changed, replaces } = diffConfig(fromStruct(req.getOldInputs() ?? req.getOlds()), fromStruct(req.getNews()));
            return diffResponse(changed, replaces, changed.map((path) => ({ path, kind: "UPDATE", replace: replaces.includes(path) })));
        }),
        configure: unary((req) => {
            provider.configure(fromStruct(req.getArgs()), Object.fromEntries(req.getVariablesMap().toArray()));
            // No supportsPreview: the engine then never calls Create or Update during a preview.
            return new pb.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(false).setAcceptoutputs(false).setSupportspreview(false);
        }),
        cancel: unary(async () => {
            // The log says when the cancel took hold (the engine keeps a plugin's stderr in its log).
            const answered = provider.cancel();
            process.stderr.write("pulumi-resource-qualys: cancelled: nothing new starts, and work under way writes nothing more\n");
            await answered;
            return new emptyPb.Empty();
        }),
    };
}

/** The resource and function calls. */
function resourceHandlers(provider: NativeProvider): Record<string, Handler> {
    return {
        check: unary((req) => {
            const { inputs, failures } = provider.check(fromStruct(req.getOlds()), fromStruct(req.getNews()), req.getUrn());
            return checkResponse(inputs, failures);
        }),
        diff: unary((req) => {
            // Old inputs, not old outputs: what the program gave is what a change is measured against.
            const { changed, replaces, paths } = provider.diff(req.getId(), fromStruct(req.getOldInputs() ?? req.getOlds()), fromStruct(req.getNews()));
            return diffResponse(changed, replaces, paths);
        }),
        create: unary(async (req) => {
            const { id, outs } = await provider.create(fromStruct(req.getProperties()));
            return new pb.CreateResponse().setId(id).setProperties(toStruct(outs));
        }),
        read: unary(async (req) => {
            const found = await provider.read(req.getId(), fromStruct(req.getProperties()), fromStruct(req.getInputs()));
            // An empty answer tells the engine the job is gone.
            if (!found) return new pb.ReadResponse();
            return new pb.ReadResponse().setId(found.id).setProperties(toStruct(found.props)).setInputs(toStruct(found.inputs));
        }),
        update: unary(async (req) => {
            const outs = await provider.update(req.getId(), fromStruct(req.getOlds()), fromStruct(req.getNews()));
            return new pb.UpdateResponse().setProperties(toStruct(outs));
        }),
        delete: unary(async (req) => {
            await provider.delete(req.getId());
            return new emptyPb.Empty();
        }),
        invoke: unary(async (req) => {
            const result = await provider.invoke(req.getTok(), fromStruct(req.getArgs()));
            return new pb.InvokeResponse().setReturn(toStruct(result));
        }),
    };
}

/** Starts the service on 127.0.0.1 at a free port; resolves to the port and the server. */
export function serve(provider = new NativeProvider(), env: NodeJS.ProcessEnv = process.env): Promise<{ port: number; server: InstanceType<typeof grpc.Server> }> {
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(services.ResourceProviderService, { ...configHandlers(provider, env), ...resourceHandlers(provider) } as never);
    return new Promise((resolve, reject) => {
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve({ port, server })));
    });
}
