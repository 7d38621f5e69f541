#!/usr/bin/env bash
# Make sure Debian's nginx is on the machine: `scopebot cluster` puts it in front of the
# replicas, and the cluster and deploy tests run it (`nginx -t` and a real balancer).
# Only the binary is used, as a child process with its own directory under var/; the
# package's system service is neither started nor needed.
set -euo pipefail

for c in "${SCOPEBOT_NGINX:-}" nginx /usr/sbin/nginx; do
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
    echo "Installing nginx for the cluster tests (apt-get install nginx)..."
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null 2>&1 || {
      $SUDO apt-get update -q >/dev/null 2>&1 || true
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null
    }
    exit 0
  fi
fi

echo "warning: no nginx found and none could be installed; the cluster tests will skip" >&2
echo "         (or fail under CI=true). Install nginx or set SCOPEBOT_NGINX." >&2
