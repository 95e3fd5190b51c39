#!/usr/bin/env bash
# Installs qualysdk (the Python SDK for Qualys, 0x41424142/qualysdk) from PyPI into a virtual
# environment at .tools/qualysdk-venv/ (git-ignored), for test/qualysdk/, which drives the PM API
# emulator with it. Reuses an earlier install of the pinned version, so CI calls it once per machine.
# Prints the venv's python. Needs python3 >= 3.11 (qualysdk's floor) with its venv module.
# Usage: scripts/install-qualysdk.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
say() { printf '[qualysdk:install] %s\n' "$*" >&2; }
# The version test/qualysdk/ was written against: its list rows, runs and results calls.
version=0.3.17
venv="$root/.tools/qualysdk-venv"
python="$venv/bin/python"

installed() { "$python" -c 'import importlib.metadata as m; print(m.version("qualysdk"))' 2>/dev/null; }

if [ -e "$venv/.installed-qualysdk-$version" ] && [ "$(installed)" = "$version" ]; then
  say "reusing $venv (qualysdk $version)"
  echo "$python"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || { say "python3 is not on PATH"; exit 1; }
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { say "qualysdk $version needs Python 3.11 or later, found $(python3 --version)"; exit 1; }

# The marker is written last: a failed install leaves no venv the test could mistake for a
# working one (the test looks for the marker, not the folder).
marker="$venv/.installed-qualysdk-$version"
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
say "creating $venv and installing qualysdk==$version from PyPI (pandas, numpy, sqlalchemy come with it: a few minutes)"
python3 -m venv "$venv"
"$python" -m pip install --quiet --disable-pip-version-check --no-input "qualysdk==$version" >&2
[ "$(installed)" = "$version" ] || { say "$venv does not hold qualysdk $version"; exit 1; }
touch "$marker"
say "installed qualysdk $version in $venv ($(du -sh "$venv" | cut -f1))"
echo "$python"
