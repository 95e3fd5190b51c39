#!/usr/bin/env bash
# Writes each example's package-lock.json (examples/*/ and examples/gitops/policy/) from the root's:
# every package an example needs is locked at the version and integrity the root's lockfile has, so
# that after the root's `npm ci` an example installs with `npm ci --offline`, nothing downloaded.
# Run it after changing the root's dependencies or an example's package.json (the examples test
# fails until then). Needs the npm registry only for a package the root does not lock.
#
# An example that depends on the release tarball (the policy pack: file:../qualys-pm-pulumi-<version>.tgz,
# the tarball next to its folder, as in a user's repository) is locked against a tarball packed from
# this checkout's dist/ (build first: the root's `npm ci` does), removed afterwards. Its entry keeps no
# integrity: each build makes another tarball, and npm ci installs a tarball whose integrity it has
# cached from the cache, not from the file, so a stale integrity would install an older build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for manifest in "$root"/examples/*/package.json "$root"/examples/*/*/package.json; do
  [ -f "$manifest" ] || continue
  dir="$(dirname "$manifest")"
  tarball="$(node -e 'const m = /^file:(.+\.tgz)$/.exec(require(process.argv[1]).dependencies["qualys-pm-pulumi"] ?? ""); if (m) process.stdout.write(m[1])' "$manifest")"
  if [ -n "$tarball" ]; then
    packed="$(cd "$root" && npm pack --ignore-scripts --silent --pack-destination "$(cd "$dir/$(dirname "$tarball")" && pwd)")"
    [ "$packed" = "$(basename "$tarball")" ] || { printf '[lock-examples] %s names %s, but npm pack writes %s\n' "${manifest#"$root"/}" "$tarball" "$packed" >&2; exit 1; }
  fi
  cp "$root/package-lock.json" "$dir/package-lock.json"
  (cd "$dir" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  if [ -n "$tarball" ]; then
    rm -f "$dir/$tarball"
    node -e 'const fs = require("fs"); const f = process.argv[1]; const lock = JSON.parse(fs.readFileSync(f, "utf8"));
      delete lock.packages["node_modules/qualys-pm-pulumi"].integrity; fs.writeFileSync(f, JSON.stringify(lock, null, 2) + "\n");' "$dir/package-lock.json"
  fi
  printf '[lock-examples] %s\n' "${dir#"$root"/}"
done
