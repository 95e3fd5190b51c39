// The engine's gRPC definitions, as @pulumi/pulumi ships them generated (proto/provider_grpc_pb,
// provider_pb), and the @grpc/grpc-js and google-protobuf instances those files require: a service
// registered on another grpc-js copy, or a Struct made by another google-protobuf copy, fails at
// run time. So both are resolved from @pulumi/pulumi's own folder, not from this package's.
import { createRequire } from "node:module";
import * as path from "node:path";

type Grpc = typeof import("@grpc/grpc-js");

function pulumiRequire(): NodeJS.Require {
    let manifest: string;
    try {
        manifest = require.resolve("@pulumi/pulumi/package.json");
    } catch {
        throw new Error("pulumi-resource-qualys needs @pulumi/pulumi (a peer dependency of qualys-pm-pulumi): " +
            "run `npm install qualys-pm-pulumi @pulumi/pulumi` (npm 7 and later install it by themselves)");
    }
    return createRequire(path.join(path.dirname(manifest), "package.json"));
}

const fromPulumi = pulumiRequire();

export const grpc: Grpc = fromPulumi("@grpc/grpc-js");
export const services: typeof import("@pulumi/pulumi/proto/provider_grpc_pb") = fromPulumi("./proto/provider_grpc_pb");
export const pb: typeof import("@pulumi/pulumi/proto/provider_pb") = fromPulumi("./proto/provider_pb");
export const pluginPb: typeof import("@pulumi/pulumi/proto/plugin_pb") = fromPulumi("./proto/plugin_pb");
export const statusPb: typeof import("@pulumi/pulumi/proto/status_pb") = fromPulumi("./proto/status_pb");
export const structPb: typeof import("google-protobuf/google/protobuf/struct_pb") = fromPulumi("google-protobuf/google/protobuf/struct_pb");
export const emptyPb: typeof import("google-protobuf/google/protobuf/empty_pb") = fromPulumi("google-protobuf/google/protobuf/empty_pb");
export const anyPb: typeof import("google-protobuf/google/protobuf/any_pb") = fromPulumi("google-protobuf/google/protobuf/any_pb");

export type Struct = InstanceType<typeof structPb.Struct>;
