/** Pulumi's placeholder for a value not known until apply (the Node SDK's `rpc.unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
