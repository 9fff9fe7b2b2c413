#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests.
#
#   scripts/pg-throwaway.sh start DIR   create + start a cluster in DIR, print its URL on stdout
#   scripts/pg-throwaway.sh stop DIR    stop the cluster and remove DIR
#   scripts/pg-throwaway.sh url DIR     print the URL of a running cluster
#
# The cluster listens on 127.0.0.1 only (free port), keeps its unix socket inside
# DIR, trusts every local connection, runs with fsync=off, has the superuser
# "jisr" and a database "jisr_test":  postgresql://jisr@127.0.0.1:PORT/jisr_test
#
# Binaries come from the highest /usr/lib/postgresql/*/bin (override: PG_BINDIR).
# initdb refuses to run as root, so as root everything runs as the "postgres"
# system user (created by the postgresql package) and DIR is chowned to it;
# DIR's parent directories must therefore be traversable by that user
# (e.g. use `mktemp -d` directly under /tmp).
#
# Callers should `trap '"scripts/pg-throwaway.sh" stop "$DIR"' EXIT` so the
# cluster is stopped and DIR removed even when tests fail.
set -euo pipefail

readonly PG_USER=jisr
readonly PG_DB=jisr_test
readonly MARKER=.jisr-pg-throwaway

log() { printf 'pg-throwaway: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

find_bindir() {
  if [[ -n "${PG_BINDIR:-}" ]]; then
    [[ -x "$PG_BINDIR/pg_ctl" ]] || die "PG_BINDIR=$PG_BINDIR has no pg_ctl"
    printf '%s\n' "$PG_BINDIR"
    return
  fi
  local dir
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] ||
    die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (install: scripts/install-deps.sh --test)"
  printf '%s\n' "$dir"
}

# Run a command as the cluster owner (postgres when we are root), inside DIR.
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    (cd "$DIR" && runuser -u postgres -- "$@")
  else
    (cd "$DIR" && "$@")
  fi
}

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

cmd_start() {
  local bindir port url attempt started=0
  bindir=$(find_bindir)

  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  if [[ -e "$DIR/data" ]]; then
    die "$DIR/data already exists (stop the old cluster first: $0 stop $DIR)"
  fi
  if [[ -n "$(ls -A "$DIR")" && ! -e "$DIR/$MARKER" ]]; then
    die "$DIR is not empty; refusing to use it"
  fi
  : >"$DIR/$MARKER"
  mkdir -p "$DIR/sock"

  if [[ $EUID -eq 0 ]]; then
    id -u postgres >/dev/null 2>&1 ||
      die "running as root but there is no 'postgres' user (install the postgresql package)"
    chown -R postgres: "$DIR"
    runuser -u postgres -- test -w "$DIR" ||
      die "user postgres cannot write to $DIR (a parent directory is not traversable; use a directory under /tmp)"
  fi

  log "initdb ($bindir) in $DIR/data"
  if ! as_owner "$bindir/initdb" -D "$DIR/data" -U "$PG_USER" --auth=trust \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1; then
    cat "$DIR/initdb.log" >&2
    die "initdb failed"
  fi

  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    as_owner tee -a "$DIR/data/postgresql.conf" >/dev/null <<EOF

# --- jisr throwaway test cluster (attempt $attempt) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$DIR/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
logging_collector = off
EOF
    if as_owner "$bindir/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w -t 30 start >/dev/null; then
      started=1
      break
    fi
    if grep -qiE 'could not (bind|create listen)|address already in use' "$DIR/postgres.log" 2>/dev/null; then
      log "port $port was taken, retrying"
      continue
    fi
    break
  done
  if [[ $started -ne 1 ]]; then
    tail -n 50 "$DIR/postgres.log" >&2 2>/dev/null || true
    die "PostgreSQL did not start"
  fi

  if ! as_owner "$bindir/createdb" -h "$DIR/sock" -p "$port" -U "$PG_USER" "$PG_DB" >&2; then
    die "createdb $PG_DB failed"
  fi

  url="postgresql://$PG_USER@127.0.0.1:$port/$PG_DB"
  printf '%s\n' "$port" >"$DIR/port"
  printf '%s\n' "$url" >"$DIR/url"
  log "running on 127.0.0.1:$port (data in $DIR)"
  printf '%s\n' "$url"
}

cmd_stop() {
  [[ -d "$DIR" ]] || return 0
  DIR=$(cd "$DIR" && pwd)
  if [[ ! -e "$DIR/$MARKER" ]]; then
    if rmdir -- "$DIR" 2>/dev/null; then
      return 0 # empty directory (start failed early)
    fi
    die "$DIR was not created by $0; not touching it"
  fi
  if [[ -f "$DIR/data/postmaster.pid" ]]; then
    local bindir pid
    bindir=$(find_bindir)
    if ! as_owner "$bindir/pg_ctl" -D "$DIR/data" -m immediate -w -t 20 stop >/dev/null 2>&1; then
      pid=$(head -n 1 "$DIR/data/postmaster.pid" 2>/dev/null || true)
      if [[ "$pid" =~ ^[0-9]+$ ]]; then
        log "pg_ctl stop failed; killing postmaster $pid"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  rm -rf -- "$DIR"
}

cmd_url() {
  [[ -f "$DIR/url" ]] || die "no running cluster in $DIR"
  cat "$DIR/url"
}

[[ $# -eq 2 ]] || usage
DIR=$2
[[ -n "$DIR" ]] || usage
case "$1" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  *) usage ;;
esac
