#!/usr/bin/env bash
# Builds the YAML language host, pulumi-language-yaml, from the Go module proxy into the CLI's bin
# folder (git-ignored), where the engine finds bundled language hosts next to `pulumi`. The engine
# suites of the native plugin run YAML programs through it. Reuses an earlier build of the same version.
# Usage: scripts/install-pulumi-yaml.sh [version]
set -euo pipefail

version="${1:-${PULUMI_YAML_VERSION:-1.25.0}}"
cli="${PULUMI_CLI_VERSION:-3.274.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.pulumi-cli/v$cli/bin"
stamp="$bin/.pulumi-language-yaml.version"
started=$(date +%s)
say() { printf '[pulumi-yaml:install] %s\n' "$*"; }

if [ -x "$bin/pulumi-language-yaml" ] && [ "$(cat "$stamp" 2>/dev/null)" = "v$version" ]; then
  say "reusing $bin/pulumi-language-yaml (v$version); nothing to build"
  exit 0
fi

command -v go >/dev/null || { say "go is not on PATH: cannot build pulumi-language-yaml"; exit 1; }
mkdir -p "$bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

say "building pulumi-language-yaml v$version from the Go module proxy in $work"
go mod init pulumi-yaml-build >/dev/null 2>&1
gomod="$(go mod download -json "github.com/pulumi/pulumi-yaml@v$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
# The module's own replace lines pin what its release was built with; keep them.
grep '^replace ' "$gomod" >> go.mod || true
log="$work/go-get.log"
go get "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$version" >"$log" 2>&1 || { cat "$log"; exit 1; }
say "compiling"
go build -o "$bin/pulumi-language-yaml" \
  -ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$version" \
  github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
echo "v$version" > "$stamp"
say "pulumi-language-yaml v$version in $bin, took $(( $(date +%s) - started ))s"
