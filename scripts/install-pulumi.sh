#!/usr/bin/env bash
# Builds the Pulumi CLI from the Go module proxy into .pulumi-cli/ (git-ignored), because
# the official installer cannot reach its download host from these machines.
# Reuses an earlier build of the same version. Usage: scripts/install-pulumi.sh [version]
set -euo pipefail

version="${1:-${PULUMI_CLI_VERSION:-3.274.1}}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.pulumi-cli/v$version"
bin="$dest/bin"
started=$(date +%s)
say() { printf '[pulumi:install] %s\n' "$*"; }

write_plugin_shim() {
  # The engine starts dynamic resources' provider as the plugin `pulumi-resource-pulumi-nodejs`
  # found on PATH: scripts/dynamic-provider-shim.sh, which runs the program folder's @pulumi/pulumi
  # (this checkout's only when the program's folder has none). Rewritten on every run, reuse included.
  install -m 0755 "$root/scripts/dynamic-provider-shim.sh" "$bin/pulumi-resource-pulumi-nodejs"
}

if [ -x "$bin/pulumi" ] && "$bin/pulumi" version 2>/dev/null | grep -qx "v$version"; then
  write_plugin_shim
  say "reusing $bin/pulumi ($("$bin/pulumi" version)); nothing to build"
  exit 0
fi

command -v go >/dev/null || { say "go is not on PATH: cannot build the Pulumi CLI"; exit 1; }
mkdir -p "$bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

say "building the Pulumi CLI v$version from the Go module proxy in $work"
go mod init pulumi-cli-build >/dev/null 2>&1
gomod="$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
# pkg/v3's go.mod replaces sdk/v3 with the local ../sdk of its repository; every other
# replace line must be kept or the build resolves different modules than Pulumi ships.
grep '^replace ' "$gomod" | grep -v '=> \.\./sdk' >> go.mod || true
say "replace lines taken from pkg/v3's go.mod: $(grep -c '^replace ' go.mod || true)"
# go get lists every module it adds; keep that in a log, shown only on failure.
log="$work/go-get.log"
{ go get "github.com/pulumi/pulumi/pkg/v3@v$version" "github.com/pulumi/pulumi/sdk/v3@v$version" &&
  go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version"; } >"$log" 2>&1 || { cat "$log"; exit 1; }
say "resolved $(grep -c '^go: added' "$log" || true) modules"
say "compiling (this takes several minutes on 2 cores)"
go build -o "$bin/pulumi" \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# The Node.js language host lets `pulumi up` run the repo's Pulumi.yaml; Automation API
# inline programs do not need it, so its absence is reported, not fatal.
if go get "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@v$version" >/dev/null 2>&1 &&
   go build -o "$bin/pulumi-language-nodejs" "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"; then
  say "built pulumi-language-nodejs v$version"
else
  say "pulumi-language-nodejs v$version is not served by the Go module proxy; inline programs only"
fi
write_plugin_shim

say "$("$bin/pulumi" version) in $bin ($(du -sh "$dest" | cut -f1)), took $(( $(date +%s) - started ))s"
