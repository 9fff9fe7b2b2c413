#!/usr/bin/env bash
# Run every test suite, keep going after failures, and summarise.
#
#   scripts/run-all-tests.sh [SUITE...]
#
# Suites, in order (default: all):
#   unit          ctest --test-dir build          (release build; with a throwaway
#                 PostgreSQL in JISR_TEST_PG_URL for the PostgreSQL-only unit tests)
#   unit-asan     ctest --test-dir build-asan     (ASan + UBSan build of jisr_unit_tests)
#   api-sqlite    scripts/run-api-tests.sh sqlite
#   api-postgres  scripts/run-api-tests.sh postgres
#   e2e           scripts/run-e2e-tests.sh
#
# Expects the builds to exist (make build, make asan; `make test` does it all).
# Prints a per-suite summary, then exactly one line `tests: P passed, F failed`,
# and exits non-zero if anything failed. A suite that fails without reporting
# any failed test (build missing, server did not start, crash) counts as one
# failed test. Full logs are kept in build/test-logs/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
cd "$ROOT"

readonly ALL_SUITES=(unit unit-asan api-sqlite api-postgres e2e)
LOG_DIR="$ROOT/build/test-logs"
mkdir -p "$LOG_DIR"

# Sanitizer defaults (the caller's settings win).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if (($# > 0)); then
  suites=("$@")
  for s in "${suites[@]}"; do
    [[ " ${ALL_SUITES[*]} " == *" $s "* ]] || {
      echo "unknown suite '$s' (known: ${ALL_SUITES[*]})" >&2
      exit 2
    }
  done
else
  suites=("${ALL_SUITES[@]}")
fi

suite_cmd() {
  case "$1" in
    unit) echo scripts/with-pg.sh ctest --test-dir build --output-on-failure --no-tests=error ;;
    unit-asan) echo ctest --test-dir build-asan --output-on-failure --no-tests=error ;;
    api-sqlite) echo scripts/run-api-tests.sh sqlite ;;
    api-postgres) echo scripts/run-api-tests.sh postgres ;;
    e2e) echo scripts/run-e2e-tests.sh ;;
  esac
}

strip_ansi() { sed -E $'s/\x1b\\[[0-9;]*[A-Za-z]//g' "$1"; }

# Sets PASSED/FAILED from a suite log; returns 1 if no counts were found.
parse_counts() {
  local logf=$1 line total failed
  PASSED=0
  FAILED=0
  # ctest: "95% tests passed, 1 tests failed out of 20"
  line=$(strip_ansi "$logf" | grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' | tail -n 1 || true)
  if [[ -n "$line" ]]; then
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$line")
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    PASSED=$((total - failed))
    FAILED=$failed
    return 0
  fi
  # node --test: spec reporter "ℹ pass N", TAP reporter "# pass N"
  local p f c
  p=$(strip_ansi "$logf" | grep -E '^(ℹ|#) pass [0-9]+$' | tail -n 1 | awk '{print $3}' || true)
  f=$(strip_ansi "$logf" | grep -E '^(ℹ|#) fail [0-9]+$' | tail -n 1 | awk '{print $3}' || true)
  c=$(strip_ansi "$logf" | grep -E '^(ℹ|#) cancelled [0-9]+$' | tail -n 1 | awk '{print $3}' || true)
  if [[ -n "$p" || -n "$f" ]]; then
    PASSED=${p:-0}
    FAILED=$((${f:-0} + ${c:-0}))
    return 0
  fi
  return 1
}

total_passed=0
total_failed=0
any_failed=0
summary=()

for suite in "${suites[@]}"; do
  read -r -a cmd <<<"$(suite_cmd "$suite")"
  logf="$LOG_DIR/$suite.log"
  printf '\n===== %s: %s =====\n' "$suite" "${cmd[*]}"
  start=$SECONDS
  set +e
  "${cmd[@]}" 2>&1 | tee "$logf"
  rc=${PIPESTATUS[0]}
  set -e
  secs=$((SECONDS - start))

  note=""
  counted=1
  parse_counts "$logf" || counted=0
  if ((rc != 0 && FAILED == 0)); then
    FAILED=1
    if ((counted)); then
      note="  (exit status $rc but no failed test: counted as 1 failure)"
    else
      note="  (exit status $rc, no test counts: counted as 1 failure)"
    fi
  elif ((!counted)); then
    note="  (no test counts found)"
  fi
  if ((rc == 0 && FAILED > 0)); then
    rc=1
  fi
  ((rc == 0)) || any_failed=1
  total_passed=$((total_passed + PASSED))
  total_failed=$((total_failed + FAILED))
  if ((rc == 0)); then status=ok; else status=FAILED; fi
  summary+=("$(printf '  %-13s %-6s %4d passed, %3d failed  %4ds%s' "$suite" "$status" "$PASSED" "$FAILED" "$secs" "$note")")
done

printf '\n===== summary (logs in %s) =====\n' "${LOG_DIR#"$ROOT"/}"
printf '%s\n' "${summary[@]}"
printf 'tests: %d passed, %d failed\n' "$total_passed" "$total_failed"
((any_failed == 0))
