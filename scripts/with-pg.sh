#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster (scripts/pg-throwaway.sh) whose URL is
# in JISR_TEST_PG_URL, and removes the cluster afterwards whatever the command's outcome.
# The unit suite uses it so the PostgreSQL-only unit tests (db::Batch on PostgreSQL) run in
# `make test` instead of skipping.
#
#   scripts/with-pg.sh ctest --test-dir build --output-on-failure
#
# Exits with the command's status; fails (status 1) if the cluster cannot be started.
set -euo pipefail
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
(($# > 0)) || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
PG_DIR=$(mktemp -d /tmp/jisr-unit-pg.XXXXXX)
trap '"$SCRIPTS/pg-throwaway.sh" stop "$PG_DIR" >/dev/null 2>&1 || true' EXIT
JISR_TEST_PG_URL=$("$SCRIPTS/pg-throwaway.sh" start "$PG_DIR") || {
  echo "with-pg: could not start a throwaway PostgreSQL cluster" >&2
  exit 1
}
export JISR_TEST_PG_URL
echo "with-pg: JISR_TEST_PG_URL=$JISR_TEST_PG_URL" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
