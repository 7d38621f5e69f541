#!/usr/bin/env bash
# Make sure the deployment tools the tests use are on the machine (Debian packages):
# - nginx: `scopebot cluster` puts it in front of the replicas, and the cluster tests run it
#   (`nginx -t` and a real balancer). Only the binary is used, as a child process with its
#   own directory under var/; the package's system service is neither started nor needed.
# - docker-compose: its `config` command checks deploy/compose.yml against the Compose
#   schema offline (no Docker engine needed). Skipped when a `docker compose` plugin exists.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
missing=()
have "${SCOPEBOT_NGINX:-nginx}" || have /usr/sbin/nginx || missing+=(nginx)
have docker-compose || { have docker && docker compose version >/dev/null 2>&1; } || missing+=(docker-compose)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=""; fi
  fi
  if [ "$(id -u)" = "0" ] || [ -n "$SUDO" ]; then
    echo "Installing ${missing[*]} for the cluster and deploy tests (apt-get install)..."
    install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}")
    $SUDO "${install[@]}" >/dev/null 2>&1 || {
      $SUDO apt-get update -q >/dev/null 2>&1 || true
      $SUDO "${install[@]}" >/dev/null
    }
    exit 0
  fi
fi

echo "warning: ${missing[*]} not found and could not be installed; the cluster and deploy tests" >&2
echo "         will skip (or fail under CI=true). Install them, or set SCOPEBOT_NGINX." >&2
