#!/usr/bin/env bash
# The plugin `pulumi-resource-pulumi-nodejs` that the engine starts for dynamic resources, installed
# beside the CLI by scripts/install-pulumi.sh. The engine starts it in the program's project folder,
# so, like the shim Pulumi ships, it runs @pulumi/pulumi's dynamic-provider server of that project:
# found from the working directory as node's require finds a package. Only when the project has
# none does it run the copy of the checkout that built this CLI (three folders up), saying so.
if entry="$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] }))' 2>/dev/null)"; then
  exec node "$entry" "$@"
fi
checkout="$(cd "$(dirname "$0")/../../.." && pwd)"
echo "pulumi-resource-pulumi-nodejs: no @pulumi/pulumi found from $PWD; running the dynamic-provider server of $checkout, the checkout that built this CLI" >&2
exec node "$checkout/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js" "$@"
