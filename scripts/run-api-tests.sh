#!/usr/bin/env bash
# Start build/jisr on a fresh database and run the Node API tests against it.
#
#   scripts/run-api-tests.sh sqlite|postgres [TEST_DIR]
#
# TEST_DIR defaults to tests/api; every TEST_DIR/*.test.mjs and *.test.js file
# is passed to `node --test` explicitly. The tests get this environment:
#   JISR_BASE_URL   http://127.0.0.1:PORT   (server is already healthy)
#   JISR_DB_URL     sqlite:/tmp/.../jisr.db or postgresql://jisr@127.0.0.1:PORT/jisr_test
#   JISR_DB_ENGINE  sqlite | postgres
#   JISR_BIN        absolute path of build/jisr
# Options via environment:
#   JISR_BIN              server binary (default: build/jisr)
#   JISR_TEST_CONCURRENCY passed as --test-concurrency to node (node >= 20.10)
#   JISR_HEALTH_TIMEOUT   seconds to wait for /healthz (default 30)
# Exits with node's status (1 if the server cannot be started).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
readonly SCRIPTS="$ROOT/scripts"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

ENGINE=${1:-}
TEST_DIR=${2:-tests/api}
case "$ENGINE" in
  sqlite | postgres) ;;
  *)
    echo "usage: $0 sqlite|postgres [TEST_DIR]" >&2
    exit 2
    ;;
esac

BIN=${JISR_BIN:-$ROOT/build/jisr}
[[ "$BIN" = /* ]] || BIN="$ROOT/$BIN"
[[ -x "$BIN" ]] || die "$BIN not found or not executable (run: make build)"
command -v node >/dev/null 2>&1 || die "node not found (run: scripts/install-deps.sh)"
[[ "$TEST_DIR" = /* ]] || TEST_DIR="$ROOT/$TEST_DIR"

shopt -s nullglob
TEST_FILES=("$TEST_DIR"/*.test.mjs "$TEST_DIR"/*.test.js)
shopt -u nullglob
if [[ ${#TEST_FILES[@]} -eq 0 ]]; then
  die "no test files (*.test.mjs, *.test.js) in $TEST_DIR"
fi

free_port() {
  local port
  if command -v python3 >/dev/null 2>&1 &&
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) &&
    [[ "$port" =~ ^[0-9]+$ ]]; then
    printf '%s\n' "$port"
    return
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return
    fi
  done
  die "could not find a free TCP port"
}

# GET /healthz with plain bash (curl is not guaranteed to be installed).
healthy() {
  local port=$1
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET /healthz HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n" "$1" >&3
    IFS= read -r status <&3 || exit 1
    [[ "$status" =~ ^HTTP/1\.[01]\ 200 ]]
  ' _ "$port" 2>/dev/null
}

TMP=""
PG_DIR=""
SERVER_PID=""
SERVER_LOG=""

print_server_log() {
  local lines=$1
  [[ -n "$SERVER_LOG" && -s "$SERVER_LOG" ]] || {
    log "server log is empty"
    return 0
  }
  log "---- last $lines lines of the server log ----"
  tail -n "$lines" "$SERVER_LOG" | sed 's/^/server| /' >&2
  log "---- end of server log ----"
}

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  local pid=$SERVER_PID i status=0
  SERVER_PID=""
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "warning: server did not stop within 15 s after SIGTERM; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || status=$?
  if [[ $status -ne 0 ]]; then
    log "warning: server exited with status $status"
  fi
  return 0
}

# shellcheck disable=SC2317 # invoked via trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_server
  if [[ -n "$PG_DIR" ]]; then
    "$SCRIPTS/pg-throwaway.sh" stop "$PG_DIR" || log "warning: could not remove $PG_DIR"
  fi
  if [[ -n "$TMP" ]]; then
    rm -rf -- "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TMP=$(mktemp -d -t jisr-test.XXXXXX)
SERVER_LOG="$TMP/server.log"

case "$ENGINE" in
  sqlite)
    DB_URL="sqlite:$TMP/jisr.db"
    ;;
  postgres)
    PG_DIR=$(mktemp -d -t jisr-pg.XXXXXX)
    DB_URL=$("$SCRIPTS/pg-throwaway.sh" start "$PG_DIR") || die "could not start a throwaway PostgreSQL"
    ;;
esac

PORT=$(free_port)
BASE_URL="http://127.0.0.1:$PORT"
log "starting $BIN serve (db: $DB_URL, listen: 127.0.0.1:$PORT)"
# Every test client shares 127.0.0.1: the per-address login lock (20 by default) would end
# up locking the whole suite; per-account locking is what the tests exercise.
export JISR_LOGIN_LOCK_AFTER_ADDRESS=${JISR_LOGIN_LOCK_AFTER_ADDRESS:-1000}
(cd "$ROOT" && exec "$BIN" serve --db "$DB_URL" --listen "127.0.0.1:$PORT") >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

timeout_s=${JISR_HEALTH_TIMEOUT:-30}
deadline=$((SECONDS + timeout_s))
until healthy "$PORT"; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    status=0
    wait "$SERVER_PID" 2>/dev/null || status=$?
    SERVER_PID=""
    print_server_log 200
    die "server exited (status $status) before /healthz answered"
  fi
  if ((SECONDS >= deadline)); then
    print_server_log 200
    die "server did not answer GET /healthz with 200 within ${timeout_s} s"
  fi
  sleep 0.2
done
log "server is healthy at $BASE_URL"

node_args=(--test --test-reporter=spec)
if [[ -n "${JISR_TEST_CONCURRENCY:-}" ]]; then
  node_args+=("--test-concurrency=$JISR_TEST_CONCURRENCY")
fi

log "running node ${node_args[*]} on ${#TEST_FILES[@]} file(s) in ${TEST_DIR#"$ROOT"/}"
status=0
(
  cd "$ROOT"
  export JISR_BASE_URL="$BASE_URL" JISR_DB_URL="$DB_URL" JISR_BIN="$BIN" JISR_DB_ENGINE="$ENGINE"
  exec node "${node_args[@]}" "${TEST_FILES[@]}"
) || status=$?

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  log "error: the server died during the tests"
  [[ $status -ne 0 ]] || status=1
fi
stop_server
if [[ $status -ne 0 ]]; then
  print_server_log 100
  log "FAILED: $ENGINE tests in ${TEST_DIR#"$ROOT"/} (node exit status $status)"
else
  log "passed: $ENGINE tests in ${TEST_DIR#"$ROOT"/}"
fi
exit "$status"
