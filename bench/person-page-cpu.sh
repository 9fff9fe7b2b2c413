#!/usr/bin/env bash
# bench/person-page-cpu.sh — server CPU per person file page under wrk, for comparing binaries.
#
#   bench/person-page-cpu.sh BIN DB LABEL [SECONDS]
#
# DB is a SQLite file made by `jisr demo-data` (it is not modified: each run works on a copy in
# $TMPDIR, deleted at the end — mind the disk, one copy at a time). The run adds a national
# supervisor (bench-reader), signs in through the login form, draws 2,000 random people, warms
# up for 3 s, then runs `wrk -t2 -c64 -d SECONDS` (default 8) on random /people/{id} with the
# session cookie, and prints one line:
#
#   LABEL cpu_us_per_req=.. pread64=.. fdatasync=.. futex=.. page_bytes=.. load=.. JISR_RESULT ...
#
# cpu_us_per_req is the server's utime+stime (/proc/PID/stat) over the wrk run divided by the
# requests answered; the syscall counts per request come from `perf stat` (tracepoints; skipped
# when perf is missing). Extra server options: JISR_EXTRA="--threads 8 --db-pool 8". Alternate
# the binaries in pairs on a shared machine: CPU per request moves by ±30% with the load.
set -euo pipefail
[[ $# -ge 3 ]] || {
  sed -n '2,18p' "$0"
  exit 2
}
BIN=$(realpath "$1")
SRC=$2
LABEL=$3
DUR=${4:-8}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-18431}
W=$(mktemp -d "${TMPDIR:-/tmp}/jisr-page-cpu.XXXXXX")
PID=
cleanup() {
  [[ -n "$PID" ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT
PASSWORD=bench-password-123456
cp --sparse=always "$SRC" "$W/db"
printf '%s\n' "$PASSWORD" | "$BIN" user add --db "sqlite:$W/db" --username bench-reader \
  --role national_supervisor --scope national --password-stdin --log-level error >/dev/null 2>&1 ||
  printf '%s\n' "$PASSWORD" | "$BIN" user passwd --db "sqlite:$W/db" --username bench-reader \
    --password-stdin --log-level error >/dev/null
sqlite3 -batch -noheader "$W/db" "SELECT '/people/' || id FROM people ORDER BY random() LIMIT 2000" \
  >"$W/pages.txt"
# shellcheck disable=SC2086
JISR_LOGIN_LOCK_AFTER_ADDRESS=100000 "$BIN" serve --db "sqlite:$W/db" --listen "127.0.0.1:$PORT" \
  --log-level info --web-root "$ROOT" ${JISR_EXTRA:-} >"$W/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done
jar=$W/cookies
csrf=$(curl -s -c "$jar" "http://127.0.0.1:$PORT/login" |
  sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
  --data-urlencode "_csrf=$csrf" --data-urlencode "username=bench-reader" \
  --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "http://127.0.0.1:$PORT/login")
[[ $status == 303 ]] || {
  echo "login answered $status" >&2
  exit 1
}
SESSION=$(awk '$6 == "jisr_session" { print $7 }' "$jar")
export JISR_PATHS=$W/pages.txt JISR_COOKIE="jisr_session=$SESSION"
size=$(curl -s -b "jisr_session=$SESSION" "http://127.0.0.1:$PORT$(head -n 1 "$W/pages.txt")" | wc -c)
wrk -t2 -c64 -d3s -s "$ROOT/bench/wrk/jisr.lua" "http://127.0.0.1:$PORT/" >/dev/null
cpu0=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
PS=
if command -v perf >/dev/null; then
  perf stat -e syscalls:sys_enter_pread64,syscalls:sys_enter_fdatasync,syscalls:sys_enter_futex \
    -x, -o "$W/stat.txt" -p "$PID" -- sleep "$DUR" >/dev/null 2>&1 &
  PS=$!
fi
out=$(wrk -t2 -c64 -d"${DUR}s" -s "$ROOT/bench/wrk/jisr.lua" "http://127.0.0.1:$PORT/")
cpu1=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
if [[ -n "$PS" ]]; then wait "$PS" || true; fi
line=$(grep JISR_RESULT <<<"$out")
req=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
us=$(awk -v c=$((cpu1 - cpu0)) -v r="$req" -v t="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", c / t * 1e6 / r }')
calls=$(awk -F, -v r="$req" '/sys_enter/ { split($3, a, "_enter_"); printf "%s=%.2f ", a[2], $1 / r }' \
  "$W/stat.txt" 2>/dev/null || true)
echo "$LABEL cpu_us_per_req=$us ${calls}page_bytes=$size load=$(cut -d' ' -f1 /proc/loadavg) $line"
