#!/usr/bin/env bash
# bench/search_compare.sh — the same synthetic people and noisy queries against Jisr's
# SearchIndex, PostgreSQL pg_trgm (GIN trigram index, `name % q ORDER BY similarity`) and
# SQLite FTS5 (trigram tokenizer, OR of the query's trigrams ORDER BY bm25 rank): latency
# percentiles and recall@10, overall and on cross-script queries. The driver is
# bench/search_compare_bench.cc (see its header for the data and the recall rule).
#
#   bench/search_compare.sh [PEOPLE] [QUERIES] [SQL_QUERIES]
#       default 100000 persons, 2000 queries; the SQL engines answer the first SQL_QUERIES
#       (default: all) — at 100k an FTS5 query takes seconds.
#
# Environment: BUILD (default <repo>/build, configured with -DJISR_BUILD_BENCH=ON).
# PostgreSQL runs in a throwaway cluster (scripts/pg-throwaway.sh, fsync off); SQLite in a
# temporary file. Both are removed at exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build}
people=${1:-100000}
queries=${2:-2000}
sql_queries=${3:-0}

if ! grep -q 'JISR_BUILD_BENCH:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  cmake -S "$root" -B "$build" -DJISR_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" -j2 --target search_compare_bench >/dev/null

work=$(mktemp -d /tmp/jisr-search-compare.XXXXXX)
chmod 755 "$work"
cleanup() {
  "$root/scripts/pg-throwaway.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
url=$("$root/scripts/pg-throwaway.sh" start "$work/pg")

echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "postgres: $(psql "$url" -Atc 'SHOW server_version' 2>/dev/null || echo '?'), sqlite: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
"$build/search_compare_bench" --people "$people" --queries "$queries" --sql-queries "$sql_queries" --pg "$url" --sqlite "$work/fts.db"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
