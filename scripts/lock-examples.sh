#!/usr/bin/env bash
# Writes each example's package-lock.json (examples/*/ and examples/gitops/policy/) from the root's:
# every package an example needs is locked at the version and integrity the root's lockfile has, so
# that after the root's `npm ci` an example installs with `npm ci --offline`, nothing downloaded.
# Run it after changing the root's dependencies or an example's package.json (the examples test
# fails until then). Needs the npm registry only for a package the root does not lock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for manifest in "$root"/examples/*/package.json "$root"/examples/*/*/package.json; do
  [ -f "$manifest" ] || continue
  dir="$(dirname "$manifest")"
  cp "$root/package-lock.json" "$dir/package-lock.json"
  (cd "$dir" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  printf '[lock-examples] %s\n' "${dir#"$root"/}"
done
