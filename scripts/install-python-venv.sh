#!/usr/bin/env bash
# Makes the Python virtual environment of the native plugin's Python suite in .tools/py-venv
# (git-ignored): PyPI's `pulumi` (the Automation API runs inline programs without the Python
# language host). The generated SDK (sdk/python) is installed by the suite itself, from a copy, as
# it changes with the schema. Reused when it has the pinned version. Usage: scripts/install-python-venv.sh [version]
set -euo pipefail

version="${1:-${PULUMI_PYTHON_VERSION:-3.272.0}}"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.tools/py-venv"
packages=("pulumi==$version" "setuptools>=61" "wheel" "packaging>=24.0")
stamp="$venv/.packages"
say() { printf '[python-venv:install] %s\n' "$*"; }

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "${packages[*]}" ]; then
  say "reusing $venv (pulumi $version); nothing to install"
  exit 0
fi
command -v python3 >/dev/null || { say "python3 is not on PATH: cannot make the venv"; exit 1; }
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}"
echo "${packages[*]}" > "$stamp"
say "pulumi $version in $venv"
