#!/usr/bin/env bash
# Install the Debian 12 (bookworm) packages and npm modules Jisr needs.
# Only missing packages are installed; when everything is present this is fast
# and changes nothing.
#
#   scripts/install-deps.sh [--test] [--bench]
#     --test   also the test-only packages (PostgreSQL server, Chromium)
#     --bench  also the benchmark tools (wrk, nginx, curl)
#
# As root, apt-get is called directly; otherwise through sudo when available.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT

log() { printf '[install-deps] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

with_test=0
with_bench=0
for arg in "$@"; do
  case "$arg" in
    --test) with_test=1 ;;
    --bench) with_bench=1 ;;
    -h | --help)
      sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown option: $arg (try --help)" ;;
  esac
done

packages=(
  build-essential cmake pkg-config ccache git
  librestinio-dev libasio-dev libhttp-parser-dev libfmt-dev libspdlog-dev
  libkainjow-mustache-dev nlohmann-json3-dev libcli11-dev libsodium-dev libicu-dev
  libsqlite3-dev sqlite3 libpq-dev libxlsxwriter-dev libmimalloc2.0
  libgtest-dev libgmock-dev libbenchmark-dev
  fonts-noto-core
)
((with_test)) && packages+=(postgresql chromium)
((with_bench)) && packages+=(wrk nginx curl)

# Node.js: keep an existing node >= 18 with npm (e.g. NodeSource or /usr/local);
# otherwise use Debian's nodejs + npm.
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || return 1
  [[ "$major" =~ ^[0-9]+$ ]] && ((major >= 18))
}
if ! node_ok; then
  packages+=(nodejs npm)
fi

# ---- Debian packages --------------------------------------------------------
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian 12 only"

# One dpkg-query call for all packages; unknown packages print nothing.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null |
  awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }' || true)
missing=()
for pkg in "${packages[@]}"; do
  if ! grep -qxF -- "$pkg" <<<"$installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  log "missing Debian packages: ${missing[*]}"
  if [[ $EUID -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
    log "using sudo for apt-get"
  else
    log "not running as root and sudo is not available; as root, run:"
    log "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
    die "apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Use-Pty=0 \
    --no-install-recommends "${missing[@]}" ||
    die "apt-get install failed"
  log "installed: ${missing[*]}"
else
  log "all ${#packages[@]} Debian packages present"
fi

# ---- npm modules (browser assets + test tooling) -----------------------------
node_ok || die "node >= 18 and npm are required but not available after installation"
if [[ -f "$ROOT/package-lock.json" ]]; then
  stamp="$ROOT/node_modules/.package-lock.json"
  if [[ ! -d "$ROOT/node_modules" || ! -f "$stamp" || "$ROOT/package-lock.json" -nt "$stamp" ||
    "$ROOT/package.json" -nt "$stamp" ]]; then
    log "running npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund) || die "npm ci failed"
  else
    log "node_modules up to date"
  fi
fi
