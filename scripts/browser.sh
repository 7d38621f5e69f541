#!/usr/bin/env bash
# Make sure a Chromium for the browser tests is on the machine. Playwright drives the
# system's Chromium (never a downloaded one): Debian's `chromium` package when apt-get is
# available and we may use it, otherwise whatever SCOPEBOT_CHROMIUM points at.
set -euo pipefail

for c in "${SCOPEBOT_CHROMIUM:-}" chromium chromium-browser google-chrome; do
  [ -n "$c" ] || continue
  if command -v "$c" >/dev/null 2>&1; then
    exit 0
  fi
done

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=""; fi
  fi
  if [ "$(id -u)" = "0" ] || [ -n "$SUDO" ]; then
    echo "Installing Chromium for the browser tests (apt-get install chromium)..."
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || {
      $SUDO apt-get update -q >/dev/null 2>&1 || true
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
    }
    exit 0
  fi
fi

echo "warning: no Chromium found and none could be installed; the browser tests will skip" >&2
echo "         (or fail under CI=true). Install chromium or set SCOPEBOT_CHROMIUM." >&2
