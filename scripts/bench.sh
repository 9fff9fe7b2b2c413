#!/usr/bin/env bash
# Load benchmarks of Jisr (issue #6): a server on a database of BENCH_PEOPLE people, wrk
# scenarios (pages, API reads and writes, login), nginx serving a static file of the person
# page's size as the upper bound, server RSS, start-up time, import throughput, and the
# Google Benchmark programs in build/ (bench/*_bench.cc).
#
#   scripts/bench.sh                      # what `make bench` runs (1,000,000 people)
#   BENCH_PEOPLE=2000 BENCH_QUICK=1 scripts/bench.sh   # a smoke run of about a minute
#
# Environment (defaults in brackets):
#   BENCH_PEOPLE     people in the database [1000000]
#   BENCH_SEED       seed of `jisr demo-data` [1]
#   BENCH_PREPARE    how the database is filled: demo-data (`jisr demo-data`), api (people,
#                    an organization and cases created through the HTTP API, for small runs
#                    before demo-data exists) or auto (demo-data when the binary has it) [auto]
#   BENCH_DATA_DIR   where generated databases are kept between runs [build/bench-data]
#                    (one file per people count, seed, prepare mode and migration level;
#                    a run works on a copy, so the kept file stays as generated)
#   BENCH_FRESH=1    generate the database again even if a kept one matches
#   BENCH_DURATION   length of each wrk scenario [20s; 5s with BENCH_QUICK=1]
#   BENCH_CONNS      concurrent connections [64]
#   BENCH_THREADS    wrk threads [2]
#   BENCH_LOGIN_CONNS  connections of the login scenario [8]: a login is an Argon2id hash
#                    (~0.1-0.2 s of one core, 64 MB), so 64 connections only measure queueing
#   BENCH_SCENARIOS  space-separated subset of the scenario names (see the table) [all]
#   BENCH_GBENCH     1: run build/*_bench programs after the load runs [1; 0 with BENCH_QUICK=1]
#   BENCH_GBENCH_FILTER  --benchmark_filter for them [all]
#   BENCH_OUT        results file [bench/results/<UTC date>-<host>.md]
#   BENCH_WEB_ROOT   --web-root of the server (a folder with web/ and node_modules/) [source tree]
#   BENCH_LOG_LEVEL  server log level (the log goes to a file, as in production) [info]
#   BENCH_KEEP=1     keep the temporary folder (server log, wrk output, run database)
#   TMPDIR           where the temporary folder goes; it holds a copy of the database
#   JISR_BIN         server binary [build/jisr]
# Needs wrk, nginx, sqlite3 and curl (scripts/install-deps.sh --bench installs them).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT

log() { printf '[bench] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

BIN=${JISR_BIN:-$ROOT/build/jisr}
[[ "$BIN" = /* ]] || BIN="$ROOT/$BIN"
PEOPLE=${BENCH_PEOPLE:-1000000}
SEED=${BENCH_SEED:-1}
PREPARE=${BENCH_PREPARE:-auto}
DATA_DIR=${BENCH_DATA_DIR:-$ROOT/build/bench-data}
QUICK=${BENCH_QUICK:-0}
if [[ "$QUICK" == 1 ]]; then
  DURATION=${BENCH_DURATION:-5s}
  GBENCH=${BENCH_GBENCH:-0}
  WARMUP=2s
else
  DURATION=${BENCH_DURATION:-20s}
  GBENCH=${BENCH_GBENCH:-1}
  WARMUP=10s
fi
CONNS=${BENCH_CONNS:-64}
LOGIN_CONNS=${BENCH_LOGIN_CONNS:-8}
THREADS=${BENCH_THREADS:-2}
SCENARIOS=${BENCH_SCENARIOS:-all}
LOG_LEVEL=${BENCH_LOG_LEVEL:-info}
HOST_SHORT=$(hostname -s 2>/dev/null || echo host)
OUT=${BENCH_OUT:-$ROOT/bench/results/$(date -u +%Y%m%d-%H%M)-$HOST_SHORT.md}
LUA="$ROOT/bench/wrk/jisr.lua"
PASSWORD="bench-password-2026"

[[ "$PEOPLE" =~ ^[0-9]+$ && "$PEOPLE" -ge 10 ]] || die "BENCH_PEOPLE must be a number >= 10"
[[ -x "$BIN" ]] || die "$BIN not found or not executable (run: make build)"
for tool in wrk nginx sqlite3 curl; do
  command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run: scripts/install-deps.sh --bench)"
done
[[ -f "$LUA" ]] || die "$LUA is missing"

# ---- temporary folder, processes, clean-up ---------------------------------------------------
TMP=$(mktemp -d -t jisr-bench.XXXXXX)
SERVER_PID=""
NGINX_PID=""

stop_pid() {
  local pid=$1 i
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null || true
}

stop_server() {
  stop_pid "$SERVER_PID"
  SERVER_PID=""
}

stop_nginx() {
  stop_pid "$NGINX_PID"
  NGINX_PID=""
}

# shellcheck disable=SC2317 # invoked via trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_server
  stop_nginx
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
    log "kept $TMP"
  else
    rm -rf -- "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 30000))
}

now_ms() { date +%s%3N; }

urlencode() { # percent-encodes every byte outside A-Z a-z 0-9 - . _ ~
  local LC_ALL=C s=$1 i c out=""
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9.~_-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# The results file is assembled in $TMP/report.md; sections are appended as they are measured.
REPORT="$TMP/report.md"
: >"$REPORT"
say() { printf '%s\n' "$*" >>"$REPORT"; }

sql() { sqlite3 -batch -noheader "$1" "$2"; }

# ---- the binary's migration level (part of the cache key) ----------------------------------
MIGRATIONS=$("$BIN" migrate --db "sqlite:$TMP/probe.db" --log-level error 2>/dev/null |
  sed -n 's/^migrations: \([0-9]*\) applied.*/\1/p')
[[ -n "$MIGRATIONS" ]] || die "could not read the migration level of $BIN"
rm -f "$TMP"/probe.db*

if [[ "$PREPARE" == auto ]]; then
  help_text=$("$BIN" --help 2>/dev/null || true)
  if grep -q "^ *demo-data " <<<"$help_text"; then PREPARE=demo-data; else PREPARE=api; fi
fi
case "$PREPARE" in demo-data | api) ;; *) die "BENCH_PREPARE must be demo-data, api or auto" ;; esac

# ---- preparing the database ----------------------------------------------------------------
# Each prepare function fills the SQLite file $1 with about $PEOPLE people and sets IMPORT_CMD
# to the command it ran (for the report). Its wall time is the import time.
IMPORT_CMD=""

prepare_demo_data() {
  local db=$1
  log "jisr demo-data --people $PEOPLE --seed $SEED (this takes minutes at 1,000,000 people)"
  "$BIN" demo-data --people "$PEOPLE" --seed "$SEED" --db "sqlite:$db" >"$TMP/demo-data.log" 2>&1 ||
    {
      tail -n 30 "$TMP/demo-data.log" >&2
      die "jisr demo-data failed"
    }
  tail -n 5 "$TMP/demo-data.log" | sed 's/^/  demo-data| /' >&2
  IMPORT_CMD="jisr demo-data --people $PEOPLE --seed $SEED --db sqlite:FILE"
}

# Small-scale stand-in for demo-data: an association in MA-CAS, a social worker of it, and
# $PEOPLE people registered through POST /api/v1/people (one curl process, keep-alive),
# a case opened for every fourth of them.
prepare_api() {
  local db=$1 port pid token ntoken org i
  "$BIN" migrate --db "sqlite:$db" --log-level error >/dev/null
  printf '%s\n' "$PASSWORD" | "$BIN" user add --db "sqlite:$db" --username bench-prep-admin \
    --role admin --scope national --password-stdin --log-level error >/dev/null
  port=$(free_port)
  JISR_LOGIN_LOCK_AFTER_ADDRESS=100000 "$BIN" serve --db "sqlite:$db" --listen "127.0.0.1:$port" \
    --log-level warn ${BENCH_WEB_ROOT:+--web-root "$BENCH_WEB_ROOT"} >"$TMP/prepare-server.log" 2>&1 &
  pid=$!
  SERVER_PID=$pid
  wait_healthy "$port" 30 || die "prepare: the server did not start (see $TMP/prepare-server.log)"
  token=$("$BIN" token create --db "sqlite:$db" --user bench-prep-admin --log-level error 2>/dev/null)
  org=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"kind":"association","name_fr":"Association Bench","name_ar":"جمعية الاختبار","province":"MA-CAS"}' \
    "http://127.0.0.1:$port/api/v1/organizations" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  [[ -n "$org" ]] || die "prepare: could not create the organization"
  printf '%s\n' "$PASSWORD" | "$BIN" user add --db "sqlite:$db" --username bench-prep-worker \
    --role social_worker --scope province:MA-CAS --org "$org" --password-stdin \
    --log-level error >/dev/null
  ntoken=$("$BIN" token create --db "sqlite:$db" --user bench-prep-worker --log-level error 2>/dev/null)
  local -a lat_first=(Youssef Fatima Mohamed Khadija Ahmed Aicha Omar Salma Hamza Meryem Ilyas Nora)
  local -a ar_first=(يوسف فاطمة محمد خديجة أحمد عائشة عمر سلمى حمزة مريم إلياس نورة)
  local -a sexes=(M F M F M F M F M F M F)
  local -a lat_last=(Alaoui Bennani Tazi Idrissi Berrada Chraibi Fassi Amrani Naciri Benjelloun Zahraoui Ouazzani)
  local -a ar_last=(العلوي بناني التازي الإدريسي برادة الشرايبي الفاسي العمراني الناصري بنجلون الزهراوي الوزاني)
  local f l cfg="$TMP/prepare-people.curl"
  for ((i = 0; i < PEOPLE; i++)); do
    ((i == 0)) || echo next
    f=$((i % 12))
    l=$(((i / 12 + i * 7) % 12))
    printf 'url = "http://127.0.0.1:%s/api/v1/people"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' "$port"
    printf 'header = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' \
      "$ntoken"
    printf 'data = "{\\"first_name_lat\\":\\"%s\\",\\"last_name_lat\\":\\"%s\\",\\"first_name_ar\\":\\"%s\\",\\"last_name_ar\\":\\"%s\\",\\"sex\\":\\"%s\\",\\"birth_date\\":\\"%04d-%02d-%02d\\",\\"birth_date_precision\\":\\"exact\\",\\"province\\":\\"MA-CAS\\",\\"target_groups\\":[\\"children_without_family\\"],\\"consent\\":{\\"given\\":true},\\"confirm_new\\":true}"\n' \
      "${lat_first[f]}" "${lat_last[l]}" "${ar_first[f]}" "${ar_last[l]}" "${sexes[f]}" \
      $((2008 + i % 12)) $((1 + i % 12)) $((1 + i % 28))
  done >"$cfg"
  log "prepare (api): registering $PEOPLE people through POST /api/v1/people"
  curl -s --config "$cfg" >"$TMP/prepare-people.status"
  local ok
  ok=$(grep -c '^201$' "$TMP/prepare-people.status" || true)
  ((ok == PEOPLE)) || log "warning: $ok of $PEOPLE registrations answered 201"
  cfg="$TMP/prepare-cases.curl"
  local sep=""
  while IFS= read -r id; do
    printf '%s' "$sep"
    sep=$'next\n'
    printf 'url = "http://127.0.0.1:%s/api/v1/cases"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' "$port"
    printf 'header = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' \
      "$ntoken"
    printf 'data = "{\\"person_id\\":\\"%s\\",\\"module\\":\\"child_protection\\",\\"risk_level\\":\\"medium\\"}"\n' \
      "$id"
  done < <(sql "$db" "SELECT id FROM people WHERE rowid % 4 = 0 ORDER BY rowid") >"$cfg"
  log "prepare (api): opening a case for every fourth person"
  curl -s --config "$cfg" >"$TMP/prepare-cases.status"
  stop_server
  IMPORT_CMD="scripts/bench.sh prepare_api (POST /api/v1/people × $PEOPLE through curl, keep-alive)"
}

# ---- server ------------------------------------------------------------------------------------
healthy() { [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/healthz")" == 200 ]]; }

wait_healthy() {
  local port=$1 timeout_s=$2 deadline
  deadline=$(($(now_ms) + timeout_s * 1000))
  until healthy "$port"; do
    [[ -n "$SERVER_PID" ]] && ! kill -0 "$SERVER_PID" 2>/dev/null && return 1
    (($(now_ms) < deadline)) || return 1
    sleep 0.01
  done
}

# start_server DB PORT: starts `jisr serve` and waits for /healthz; sets STARTUP_MS to the
# milliseconds from exec to the first 200.
start_server() {
  local db=$1 port=$2 t0 t1
  t0=$(now_ms)
  JISR_LOGIN_LOCK_AFTER_ADDRESS=100000 "$BIN" serve --db "sqlite:$db" --listen "127.0.0.1:$port" \
    --log-level "$LOG_LEVEL" ${BENCH_WEB_ROOT:+--web-root "$BENCH_WEB_ROOT"} >>"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  if ! wait_healthy "$port" 120; then
    tail -n 40 "$TMP/server.log" >&2
    die "the server did not answer /healthz"
  fi
  t1=$(now_ms)
  STARTUP_MS=$((t1 - t0))
}

rss_of() { # VmRSS and VmHWM of the server, in MB
  awk '/^VmRSS|^VmHWM/ { printf "%s %.0f MB  ", $1, $2 / 1024 }' "/proc/$SERVER_PID/status"
}

# ---- main ----------------------------------------------------------------------------------------
mkdir -p "$DATA_DIR" "$(dirname "$OUT")"
KEY="p${PEOPLE}-s${SEED}-m${MIGRATIONS}-${PREPARE}"
PRISTINE="$DATA_DIR/jisr-$KEY.db"
META="$PRISTINE.meta"
count_people() { sql "$1" "SELECT count(*) FROM people" 2>/dev/null || echo 0; }

if [[ "${BENCH_FRESH:-0}" != 1 && -f "$PRISTINE" && -f "$META" ]] &&
  [[ "$(count_people "$PRISTINE")" == "$(sed -n 's/^people=//p' "$META")" ]]; then
  log "reusing $PRISTINE ($(sed -n 's/^people=//p' "$META") people)"
else
  rm -f "$PRISTINE" "$PRISTINE-wal" "$PRISTINE-shm" "$META"
  t0=$(now_ms)
  "prepare_${PREPARE//-/_}" "$PRISTINE"
  t1=$(now_ms)
  sql "$PRISTINE" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  {
    echo "people=$(count_people "$PRISTINE")"
    echo "import_ms=$((t1 - t0))"
    echo "command=$IMPORT_CMD"
    echo "date=$(date -u +%FT%TZ)"
  } >"$META"
fi
import_ms=$(sed -n 's/^import_ms=//p' "$META")
import_cmd=$(sed -n 's/^command=//p' "$META")
import_date=$(sed -n 's/^date=//p' "$META")

DB="$TMP/run.db"
cp --sparse=always "$PRISTINE" "$DB"
n_people=$(count_people "$DB")
n_services=$(sql "$DB" "SELECT count(*) FROM case_services")
n_cases=$(sql "$DB" "SELECT count(*) FROM cases")
n_orgs=$(sql "$DB" "SELECT count(*) FROM organizations")
n_users=$(sql "$DB" "SELECT count(*) FROM users")
db_mb=$(du -m "$PRISTINE" | cut -f1)
log "database: $n_people people, $n_cases cases, $n_services services, $n_orgs organizations, ${db_mb} MB"

# ---- accounts: a national reader, and the worker with the most open cases ------------------
# (not demo-loader, the account `jisr demo-data` writes as: it owns most cases of the demo, 14,329
# of 17,990 at 20,000 people, which is no one's caseload). Since the demo data's caseloads
# (docs/demo-data.md, "Caseloads") every case has a worker of its organization who was given at
# most 60 cases, so the worker picked holds a realistic caseload (≤ 60 open cases) at any size.
# Those workers have no password until one is set: `user passwd` below sets the bench's.
add_user() { # add_user NAME ROLE SCOPE [ORG]
  printf '%s\n' "$PASSWORD" | "$BIN" user add --db "sqlite:$DB" --username "$1" --role "$2" \
    --scope "$3" ${4:+--org "$4"} --password-stdin --log-level error >/dev/null
}
add_user bench-reader national_supervisor national
WORKER=$(sql "$DB" "SELECT u.username FROM users u JOIN (
    SELECT owner_user_id AS uid FROM cases WHERE status <> 'closed' AND owner_user_id IS NOT NULL
    UNION ALL
    SELECT assigned_user_id FROM cases WHERE status <> 'closed' AND assigned_user_id IS NOT NULL
      AND assigned_user_id IS NOT owner_user_id) m ON m.uid = u.id
  WHERE u.active = 1 AND u.username <> 'demo-loader' AND u.role IN ('social_worker', 'provincial_coordinator',
    'association_worker', 'eps_director')
  GROUP BY u.id ORDER BY count(*) DESC, u.username LIMIT 1")
[[ -n "$WORKER" ]] || die "no user with open cases in the database (caseload and writes need one)"
printf '%s\n' "$PASSWORD" | "$BIN" user passwd --db "sqlite:$DB" --username "$WORKER" \
  --password-stdin --log-level error >/dev/null
WORKER_ID=$(sql "$DB" "SELECT id FROM users WHERE username = '$WORKER'")
WORKER_CASES=$(sql "$DB" "SELECT count(*) FROM cases WHERE status <> 'closed' AND
  (owner_user_id = '$WORKER_ID' OR assigned_user_id = '$WORKER_ID')")
WORKER_PROVINCE=$(sql "$DB" "SELECT p.province_code FROM cases c JOIN people p ON p.id = c.person_id
  WHERE c.owner_user_id = '$WORKER_ID' OR c.assigned_user_id = '$WORKER_ID'
  GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
log "worker: $WORKER ($WORKER_CASES open cases, province $WORKER_PROVINCE)"

# ---- samples for the scenarios (each request takes a random line) ---------------------------
SAMPLE=2000
sql "$DB" "SELECT '/people/' || id FROM people ORDER BY random() LIMIT $SAMPLE" >"$TMP/person-pages.txt"
sed 's|^/people/|/api/v1/people/|' "$TMP/person-pages.txt" >"$TMP/api-people.txt"
sql "$DB" "SELECT '/cases/' || id FROM cases ORDER BY random() LIMIT $SAMPLE" >"$TMP/case-pages.txt"
sql "$DB" "SELECT '/institutions/' || organization_id FROM institutions ORDER BY random()
  LIMIT $SAMPLE" >"$TMP/institution-pages.txt"
# Search: a family name, or a given and a family name, drawn from the people themselves.
sql "$DB" "SELECT CASE WHEN abs(random()) % 2 = 0 THEN last_name_lat
    ELSE first_name_lat || ' ' || last_name_lat END
  FROM people WHERE last_name_lat IS NOT NULL ORDER BY random() LIMIT $SAMPLE" |
  while IFS= read -r q; do echo "/people?q=$(urlencode "$q")"; done >"$TMP/search-pages.txt"
sed 's|^/people?|/api/v1/people?|' "$TMP/search-pages.txt" >"$TMP/api-search.txt"
sql "$DB" "SELECT '/api/v1/cases/' || c.id || '/notes' FROM cases c
  WHERE c.status <> 'closed' AND (c.owner_user_id = '$WORKER_ID' OR c.assigned_user_id = '$WORKER_ID')
  ORDER BY random() LIMIT $SAMPLE" >"$TMP/note-paths.txt"
sed 's|^/api/v1/cases/|/cases/|' "$TMP/note-paths.txt" >"$TMP/note-form-paths.txt"

# ---- start-up time: median of 3 starts on this database --------------------------------------
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
startups=()
for i in 1 2 3; do
  start_server "$DB" "$PORT"
  startups+=("$STARTUP_MS")
  ((i == 3)) || stop_server
done
startup_median=$(printf '%s\n' "${startups[@]}" | sort -n | sed -n 2p)
log "start-up: ${startups[*]} ms (median $startup_median ms)"

# ---- sessions and tokens ---------------------------------------------------------------------
# login USER: the real form (GET /login, its CSRF field and cookie, POST); sets SESSION to the
# session cookie's value.
login() {
  local user=$1 jar="$TMP/cookies-$1" csrf status session
  csrf=$(curl -s -c "$jar" "$BASE/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  [[ -n "$csrf" ]] || die "no CSRF field in the login form"
  status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "username=$user" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "$BASE/login")
  [[ "$status" == 303 ]] || die "login of $user answered $status"
  session=$(awk '$6 == "jisr_session" { print $7 }' "$jar")
  [[ -n "$session" ]] || die "no session cookie after the login of $user"
  SESSION=$session
}
login bench-reader
READER_SESSION=$SESSION
login "$WORKER"
WORKER_SESSION=$SESSION
# The session's CSRF token, from a form of one of the worker's cases (for the form write).
WORKER_CSRF=$(curl -s -b "jisr_session=$WORKER_SESSION" \
  "$BASE$(head -n 1 "$TMP/note-paths.txt" | sed 's|^/api/v1/cases/\(.*\)/notes|/cases/\1|')" |
  sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
READER_TOKEN=$("$BIN" token create --db "sqlite:$DB" --user bench-reader --log-level error 2>/dev/null)
WORKER_TOKEN=$("$BIN" token create --db "sqlite:$DB" --user "$WORKER" --log-level error 2>/dev/null)

# ---- scenarios ---------------------------------------------------------------------------------
# Each: name | what | env for jisr.lua (KEY=VALUE;...) | path (when JISR_PATHS is not given)
LOGIN_CSRF=benchbenchbenchbenchbenchbenchbenchbench
PERSON_BODY="{\"first_name_lat\":\"Bench{tag}\",\"last_name_lat\":\"Alaoui\",\"first_name_ar\":\"يوسف\",\"last_name_ar\":\"العلوي\",\"sex\":\"M\",\"birth_date\":\"2014-05-06\",\"birth_date_precision\":\"exact\",\"province\":\"$WORKER_PROVINCE\",\"target_groups\":[\"children_without_family\"],\"consent\":{\"given\":true},\"confirm_new\":true}"
NOTE_BODY='{"body":"Visite à domicile {n}: la famille est présente, suivi dans deux semaines.","confidential":false}'
declare -a NAMES=() WHAT=() PAGE=()
declare -A ENVS=() FIXED=()
scenario() { # scenario NAME PAGE(0/1) WHAT FIXED_PATH ENV...
  local name=$1
  NAMES+=("$name")
  PAGE+=("$2")
  WHAT+=("$3")
  FIXED[$name]=$4
  shift 4
  ENVS[$name]=$(printf '%s\n' "$@")
}
scenario person_page 1 "GET /people/{id} (person file, random of $SAMPLE)" "" \
  "JISR_PATHS=$TMP/person-pages.txt" "JISR_COOKIE=jisr_session=$READER_SESSION"
scenario case_page 1 "GET /cases/{id} (case page, random)" "" \
  "JISR_PATHS=$TMP/case-pages.txt" "JISR_COOKIE=jisr_session=$READER_SESSION"
scenario search_page 1 "GET /people?q= (person search, names from the data)" "" \
  "JISR_PATHS=$TMP/search-pages.txt" "JISR_COOKIE=jisr_session=$READER_SESSION"
scenario caseload 1 "GET /caseload ($WORKER: $WORKER_CASES open cases)" /caseload \
  "JISR_COOKIE=jisr_session=$WORKER_SESSION"
scenario institutions 1 "GET /institutions (institution list, first page)" /institutions \
  "JISR_COOKIE=jisr_session=$READER_SESSION"
scenario people_list 1 "GET /people (people list, first page)" /people \
  "JISR_COOKIE=jisr_session=$READER_SESSION"
scenario institution_page 1 "GET /institutions/{id} (institution record, random)" "" \
  "JISR_PATHS=$TMP/institution-pages.txt" "JISR_COOKIE=jisr_session=$READER_SESSION"
scenario expiring 1 "GET /institutions/expiring (authorizations to renew)" /institutions/expiring \
  "JISR_COOKIE=jisr_session=$READER_SESSION"
scenario referrals 1 "GET /referrals ($WORKER's referral list)" /referrals \
  "JISR_COOKIE=jisr_session=$WORKER_SESSION"
scenario api_person_get 0 "GET /api/v1/people/{id} (token)" "" \
  "JISR_PATHS=$TMP/api-people.txt" "JISR_TOKEN=$READER_TOKEN" JISR_ACCEPT=application/json
scenario api_people_list 0 "GET /api/v1/people (token, first page)" /api/v1/people \
  "JISR_TOKEN=$READER_TOKEN" JISR_ACCEPT=application/json
scenario api_search 0 "GET /api/v1/people?q= (token, search)" "" \
  "JISR_PATHS=$TMP/api-search.txt" "JISR_TOKEN=$READER_TOKEN" JISR_ACCEPT=application/json
scenario api_person_post 0 "POST /api/v1/people (token, confirm_new, province $WORKER_PROVINCE)" \
  /api/v1/people JISR_METHOD=POST "JISR_TOKEN=$WORKER_TOKEN" JISR_ACCEPT=application/json \
  JISR_CTYPE=application/json "JISR_BODY=$PERSON_BODY" JISR_EXPECT=201
scenario api_note_post 0 "POST /api/v1/cases/{id}/notes (token, the worker's cases)" "" \
  JISR_METHOD=POST "JISR_PATHS=$TMP/note-paths.txt" "JISR_TOKEN=$WORKER_TOKEN" \
  JISR_ACCEPT=application/json JISR_CTYPE=application/json "JISR_BODY=$NOTE_BODY" JISR_EXPECT=201
scenario note_form 0 "POST /cases/{id}/notes (form, session + CSRF, the worker's cases)" "" \
  JISR_METHOD=POST "JISR_PATHS=$TMP/note-form-paths.txt" "JISR_COOKIE=jisr_session=$WORKER_SESSION" \
  JISR_CTYPE=application/x-www-form-urlencoded \
  "JISR_BODY=_csrf=${WORKER_CSRF:-none}&body=Visite+%C3%A0+domicile+{n}%2C+suivi+dans+deux+semaines." \
  JISR_EXPECT=303
scenario login 0 "POST /login (form; Argon2id password check, new session)" /login \
  JISR_METHOD=POST "JISR_COOKIE=jisr_csrf=$LOGIN_CSRF" \
  JISR_CTYPE=application/x-www-form-urlencoded \
  "JISR_BODY=_csrf=$LOGIN_CSRF&username=bench-reader&password=$PASSWORD&next=/" JISR_EXPECT=303

wanted() { [[ "$SCENARIOS" == all || " $SCENARIOS " == *" $1 "* ]]; }

# run_wrk NAME URL DURATION [CONNECTIONS]: runs wrk with the scenario's environment; sets RESULT
# to the JISR_RESULT line.
run_wrk() {
  local name=$1 url=$2 duration=$3 conns=${4:-$CONNS} out="$TMP/wrk-$1.txt" line kv
  local -a envs=()
  while IFS= read -r kv; do
    [[ -n "$kv" ]] && envs+=("$kv")
  done <<<"${ENVS[$name]:-}"
  env "${envs[@]}" wrk -t "$THREADS" -c "$conns" -d "$duration" --timeout 10s --latency \
    -s "$LUA" "$url" >"$out" 2>&1 || true
  line=$(grep '^JISR_RESULT' "$out" | tail -n 1)
  [[ -n "$line" ]] || {
    cat "$out" >&2
    die "wrk gave no result for $name"
  }
  RESULT=$line
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# Checks one request of the scenario with curl (status and size) before loading it.
precheck() {
  local name=$1 path=$2 method=GET body="" expect=200 cookie="" token="" ctype="" accept=text/html kv
  while IFS= read -r kv; do
    case "$kv" in
      JISR_METHOD=*) method=${kv#*=} ;;
      JISR_BODY=*) body=${kv#*=} ;;
      JISR_EXPECT=*) expect=${kv#*=} ;;
      JISR_COOKIE=*) cookie=${kv#*=} ;;
      JISR_TOKEN=*) token=${kv#*=} ;;
      JISR_CTYPE=*) ctype=${kv#*=} ;;
      JISR_ACCEPT=*) accept=${kv#*=} ;;
    esac
  done <<<"${ENVS[$name]}"
  body=${body//\{n\}/1}
  body=${body//\{tag\}/precheck}
  local -a args=(-s -o "$TMP/precheck-$name.out" -w '%{http_code} %{size_download}' -X "$method"
    -H "Accept: $accept")
  [[ -n "$cookie" ]] && args+=(-H "Cookie: $cookie")
  [[ -n "$token" ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n "$ctype" ]] && args+=(-H "Content-Type: $ctype")
  [[ -n "$body" ]] && args+=(--data-binary "$body")
  local got
  got=$(curl "${args[@]}" "$BASE$path")
  if [[ "${got%% *}" != "$expect" ]]; then
    log "$name: $method $path answered ${got%% *}, expected $expect: $(head -c 300 "$TMP/precheck-$name.out")"
    return 1
  fi
  echo "${got#* }"
}

first_path() { # the path of the scenario's first request
  local kv
  while IFS= read -r kv; do
    if [[ "$kv" == JISR_PATHS=* ]]; then
      [[ -s "${kv#*=}" ]] || return 1
      head -n 1 "${kv#*=}"
      return
    fi
  done <<<"${ENVS[$1]}"
  echo "${FIXED[$1]}"
}

# Warm-up: the person page, then RSS.
PAGE_BYTES=$(precheck person_page "$(first_path person_page)") || die "the person page does not answer 200"
log "warm-up ($WARMUP on the person page; a person page is $PAGE_BYTES bytes)"
run_wrk person_page "$BASE" "$WARMUP"
RSS_WARM=$(rss_of)

declare -A RPS=() P50=() P99=() NOTE=()
for idx in "${!NAMES[@]}"; do
  name=${NAMES[idx]}
  wanted "$name" || continue
  if ! path=$(first_path "$name"); then
    NOTE[$name]="skipped: no sample (no such rows in the database)"
    continue
  fi
  if ! size=$(precheck "$name" "$path"); then
    NOTE[$name]="skipped: the first request did not answer as expected (see the log)"
    continue
  fi
  [[ "$name" == login ]] && RSS_BEFORE_LOGIN=$(rss_of)
  conns=$CONNS
  [[ "$name" == login ]] && conns=$LOGIN_CONNS
  log "$name: ${WHAT[idx]} — wrk -t$THREADS -c$conns -d$DURATION"
  run_wrk "$name" "$BASE${FIXED[$name]}" "$DURATION" "$conns"
  res=$RESULT
  RPS[$name]=$(field rps "$res")
  P50[$name]=$(field p50_ms "$res")
  P99[$name]=$(field p99_ms "$res")
  bad=$(field bad_status "$res")
  errs=$(field socket_errors "$res")
  NOTE[$name]="${size} B"
  ((conns == CONNS)) || NOTE[$name]+="; $conns connections"
  ((bad == 0)) || NOTE[$name]+="; $bad answers other than expected (first: $(field first_bad "$res"))"
  ((errs == 0)) || NOTE[$name]+="; $errs socket errors"
  log "  ${RPS[$name]} req/s, p50 ${P50[$name]} ms, p99 ${P99[$name]} ms (${NOTE[$name]})"
done
RSS_AFTER=$(rss_of)

# ---- nginx: a static file of the person page's size ---------------------------------------------
NGX="$TMP/nginx"
mkdir -p "$NGX/www" "$NGX/tmp"
head -c "$PAGE_BYTES" /dev/zero | tr '\0' 'x' >"$NGX/www/page.html"
NGX_PORT=$(free_port)
NGX_USER=""
# As root, nginx's workers would run as nobody, who cannot read the private temporary folder.
[[ $EUID -eq 0 ]] && NGX_USER="user $(id -un) $(id -gn);"
cat >"$NGX/nginx.conf" <<EOF
$NGX_USER
daemon off;
worker_processes auto;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $NGX/tmp/body;
  proxy_temp_path $NGX/tmp/proxy;
  fastcgi_temp_path $NGX/tmp/fastcgi;
  uwsgi_temp_path $NGX/tmp/uwsgi;
  scgi_temp_path $NGX/tmp/scgi;
  default_type text/html;
  sendfile on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$NGX_PORT;
    root $NGX/www;
  }
}
EOF
nginx -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" >"$NGX/stdout.log" 2>&1 &
NGINX_PID=$!
for ((i = 0; i < 100; i++)); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGX_PORT/page.html")" == 200 ]] && break
  sleep 0.05
done
ENVS[nginx]=""
log "nginx: static $PAGE_BYTES-byte file — wrk -t$THREADS -c$CONNS -d$DURATION"
run_wrk nginx "http://127.0.0.1:$NGX_PORT/page.html" "$DURATION"
res=$RESULT
NGINX_RPS=$(field rps "$res")
NGINX_P50=$(field p50_ms "$res")
NGINX_P99=$(field p99_ms "$res")
log "  $NGINX_RPS req/s, p50 $NGINX_P50 ms, p99 $NGINX_P99 ms"
stop_nginx

server_pid=$SERVER_PID
stop_server

# ---- Google Benchmark programs ---------------------------------------------------------------
GB_OUT=""
if [[ "$GBENCH" == 1 ]]; then
  shopt -s nullglob
  for prog in "$ROOT"/build/*_bench; do
    [[ -x "$prog" ]] || continue
    log "$(basename "$prog") ${BENCH_GBENCH_FILTER:+--benchmark_filter=$BENCH_GBENCH_FILTER}"
    "$prog" ${BENCH_GBENCH_FILTER:+--benchmark_filter="$BENCH_GBENCH_FILTER"} \
      >"$TMP/$(basename "$prog").txt" 2>&1 || log "warning: $(basename "$prog") failed"
    GB_OUT+="### $(basename "$prog")"$'\n\n```\n'"$(grep -E '^(BM_|Benchmark|-{5})' "$TMP/$(basename "$prog").txt")"$'\n```\n\n'
  done
  shopt -u nullglob
  [[ -n "$GB_OUT" ]] || GB_OUT="No build/*_bench program (configure with -DJISR_BUILD_BENCH=ON)."$'\n'
fi

# ---- report --------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "n/a" }'; }
per_s() { awk -v n="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%.0f", n * 1000 / ms; else print "n/a" }'; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
say "# Jisr load benchmarks — $(date -u '+%F %H:%M UTC')"
say ""
say "Machine: $(hostname -s), $(nproc) CPUs ($cpu), $mem RAM, $(uname -sr), load average before the run: $LOAD_BEFORE."
say "Commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with local changes)'); binary: ${BIN#"$ROOT"/}."
say "Command: \`BENCH_PEOPLE=$PEOPLE BENCH_SEED=$SEED BENCH_DURATION=$DURATION BENCH_CONNS=$CONNS BENCH_THREADS=$THREADS scripts/bench.sh\`"
say "Database: SQLite, $n_people people, $n_cases cases, $n_services services, $n_orgs organizations, $n_users users; ${db_mb} MB; prepared by \`$import_cmd\` ($import_date)."
say "wrk: \`wrk -t$THREADS -c$CONNS -d$DURATION --latency -s bench/wrk/jisr.lua\`, wrk, server and nginx on the same machine."
say ""
say "| scenario | what | req/s | p50 ms | p99 ms | vs nginx | notes |"
say "|---|---|--:|--:|--:|--:|---|"
for idx in "${!NAMES[@]}"; do
  name=${NAMES[idx]}
  wanted "$name" || continue
  vs=""
  [[ "${PAGE[idx]}" == 1 && -n "${RPS[$name]:-}" ]] && vs=$(ratio "${RPS[$name]}" "$NGINX_RPS")
  say "| $name | ${WHAT[idx]} | ${RPS[$name]:-–} | ${P50[$name]:-–} | ${P99[$name]:-–} | $vs | ${NOTE[$name]:-} |"
done
say "| nginx | static file of $PAGE_BYTES bytes (nginx $(nginx -v 2>&1 | sed 's|.*/||'), access log off) | $NGINX_RPS | $NGINX_P50 | $NGINX_P99 | 100% | upper bound |"
say ""
say "- Start-up (exec of \`jisr serve\` to the first 200 from /healthz): ${startups[*]} ms, median **$startup_median ms** (target ≤ 3000)."
say "- Server RSS after warm-up: $RSS_WARM; after the page and API scenarios: ${RSS_BEFORE_LOGIN:-$RSS_AFTER}; at the end: $RSS_AFTER (target ≤ 1 GB; pid $server_pid)."
say "- Import: $n_people people in $(awk -v ms="$import_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s = **$(per_s "$n_people" "$import_ms") people/s**, $(per_s "$n_services" "$import_ms") services/s (wall time of the prepare step, $PREPARE)."
if [[ -n "${RPS[person_page]:-}" ]]; then
  say "- Person file page p99 at $CONNS connections: **${P99[person_page]} ms** (target ≤ 20 ms); throughput $(ratio "${RPS[person_page]}" "$NGINX_RPS") of nginx's (target ≥ 25%)."
fi
# Server-side handler time per route, from the server's request log (every request of the run).
ROUTES=$(sed -n 's/.*"event":"http_request".*"method":"\([A-Z]*\)","ms":\([0-9.e+-]*\).*"route":"\([^"]*\)".*/\1:\3 \2/p' \
  "$TMP/server.log" | sort -k1,1 -k2,2g | awk '
  function flush() {
    if (n > 0) printf "| %s | %d | %.2f | %.2f | %.2f |\n", r, n, v[int((n - 1) * 0.5) + 1],
      v[int((n - 1) * 0.99) + 1], v[n]
  }
  $1 != r { flush(); r = $1; n = 0 }
  { v[++n] = $2 }
  END { flush() }')
if [[ -n "$ROUTES" ]]; then
  say ""
  say "Time in the server per route (its request log: handler time, without queueing), all requests of the run:"
  say ""
  say "| route | requests | p50 ms | p99 ms | max ms |"
  say "|---|--:|--:|--:|--:|"
  say "$ROUTES"
fi
if [[ -n "$GB_OUT" ]]; then
  say ""
  say "## Google Benchmark programs"
  say ""
  say "$GB_OUT"
fi
cp "$REPORT" "$OUT"
cat "$REPORT"
log "results written to ${OUT#"$ROOT"/}"
