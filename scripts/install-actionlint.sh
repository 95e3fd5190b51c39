#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow checker) from the Go module proxy into
# .tools/actionlint/v<version>/ (git-ignored), and reuses that build later.
# Prints the binary's path. Usage: scripts/install-actionlint.sh [version]
set -euo pipefail

version="${1:-${ACTIONLINT_VERSION:-1.7.12}}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/actionlint/v$version"
say() { printf '[actionlint:install] %s\n' "$*" >&2; }

if [ -x "$dest/actionlint" ] && "$dest/actionlint" -version 2>/dev/null | head -1 | grep -qx "v\?$version"; then
  say "reusing $dest/actionlint"
  echo "$dest/actionlint"
  exit 0
fi

command -v go >/dev/null || { say "go is not on PATH: cannot build actionlint"; exit 1; }
started=$(date +%s)
mkdir -p "$dest"
say "building github.com/rhysd/actionlint/cmd/actionlint@v$version from the Go module proxy"
GOBIN="$dest" GOFLAGS="-mod=mod" go install -ldflags "-X github.com/rhysd/actionlint.version=$version" \
  "github.com/rhysd/actionlint/cmd/actionlint@v$version" >&2
say "$("$dest/actionlint" -version | head -1) in $dest, took $(( $(date +%s) - started ))s"
echo "$dest/actionlint"
