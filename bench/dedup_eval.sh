#!/usr/bin/env bash
# bench/dedup_eval.sh — evaluate the person matcher (src/match) on the labelled dev set
# /work/shared/data/dedup-dev and on the synthetic "messier" set, through the unit tests
# that print precision/recall/F1.
#
#   bench/dedup_eval.sh              dev set + messier set metrics
#   bench/dedup_eval.sh --estimate   re-run the EM weight estimation on the dev set and
#                                    print the values in the form src/match/weights.cc uses
#
# Environment: BUILD (default build-match/), JISR_SHARED_DIR (default <repo>/../shared).
# Once `jisr dedup` is wired, the same numbers come from:
#   jisr dedup --input $JISR_SHARED_DIR/data/dedup-dev/records.csv --output /tmp/pairs.csv \
#              --truth $JISR_SHARED_DIR/data/dedup-dev/truth.csv
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build-match}
filter='DedupDevSet.PairwiseF1AboveFloor:MessierSet.*'
case "${1:-}" in
  --estimate) filter='DedupDevSet.DefaultWeightsAreTheEmEstimate' ;;
  "") ;;
  *) echo "usage: $0 [--estimate]" >&2; exit 2 ;;
esac

if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$root" -B "$build" -DJISR_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$build" -j2 --target jisr_unit_tests >/dev/null
export JISR_SHARED_DIR=${JISR_SHARED_DIR:-$root/../shared}
exec "$build/jisr_unit_tests" --gtest_filter="$filter"
