#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the project with pinned dependencies.
# Rasa Open Source 3.6 supports Python 3.8-3.10 only, so the default python3 (often
# 3.11+) will not do. Safe to run again: it only reinstalls when the pins changed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  local candidates=("${SCOPEBOT_PYTHON:-}" python3.10 python3.9 python3.8)
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for v in "$root"/versions/3.10.* "$root"/versions/3.9.* "$root"/versions/3.8.*; do
    [ -x "$v/bin/python3" ] && candidates+=("$v/bin/python3")
  done
  candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10 python3)
  for c in "${candidates[@]}"; do
    [ -n "$c" ] || continue
    if "$c" -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 10) else 1)' 2>/dev/null; then
      command -v "$c" 2>/dev/null || echo "$c"
      return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  if ! PY=$(find_python); then
    echo "error: scopebot needs Python 3.8-3.10 (Rasa 3.6 does not run on newer Pythons)." >&2
    echo "Install python3.10 (e.g. 'pyenv install 3.10.13' or 'apt-get install python3.10')" >&2
    echo "or point SCOPEBOT_PYTHON at one." >&2
    exit 1
  fi
  echo "Creating .venv with $PY ($("$PY" --version 2>&1))"
  "$PY" -m venv .venv
fi

stamp=.venv/.scopebot-installed
want=$(cat pyproject.toml requirements/constraints.txt | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "Installing pinned dependencies into .venv (first time: a few minutes, ~3 GB)..."
.venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==24.0"
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  -c requirements/constraints.txt -e ".[dev]"
echo "$want" > "$stamp"
