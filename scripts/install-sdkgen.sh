#!/usr/bin/env bash
# Builds tools/sdkgen (the Node.js, Python and Go SDK generators of github.com/pulumi/pulumi/pkg/v3,
# pinned to the CLI's version) from the Go module proxy into .tools/sdkgen/ (git-ignored). Reuses an
# earlier build of the same version and source. Usage: scripts/install-sdkgen.sh [pkg version]
set -euo pipefail

version="${1:-${PULUMI_CLI_VERSION:-3.274.1}}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/sdkgen"
stamp="$dest/.version"
want="v$version $(sha256sum "$root/tools/sdkgen/main.go" | cut -c1-16)"
say() { printf '[sdkgen:install] %s\n' "$*"; }

if [ -x "$dest/sdkgen" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  say "reusing $dest/sdkgen ($want); nothing to build"
  exit 0
fi
command -v go >/dev/null || { say "go is not on PATH: cannot build sdkgen"; exit 1; }
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/tools/sdkgen/main.go" "$work/"
cd "$work"
go mod init qualys-sdkgen >/dev/null 2>&1
gomod="$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
# As for the CLI: pkg/v3's own replace lines, except the one pointing at its repository's ../sdk.
grep '^replace ' "$gomod" | grep -v '=> \.\./sdk' >> go.mod || true
log="$work/go-get.log"
{ go get "github.com/pulumi/pulumi/pkg/v3@v$version" "github.com/pulumi/pulumi/sdk/v3@v$version" && go mod tidy; } >"$log" 2>&1 || { cat "$log"; exit 1; }
say "compiling"
go build -o "$dest/sdkgen" .
echo "$want" > "$stamp"
say "sdkgen on pkg/v3 v$version in $dest"
