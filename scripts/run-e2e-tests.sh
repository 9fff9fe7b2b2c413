#!/usr/bin/env bash
# Browser (end-to-end) tests: start build/jisr on a fresh SQLite database and run
# `node --test tests/e2e/*.test.mjs` against it with headless Chromium.
#
# Environment given to the tests: JISR_BASE_URL, JISR_DB_URL, JISR_DB_ENGINE=sqlite,
# JISR_BIN (see run-api-tests.sh) and CHROMIUM_PATH (default /usr/bin/chromium).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  echo "[run-e2e-tests] error: Chromium not found at $CHROMIUM_PATH (run: scripts/install-deps.sh --test)" >&2
  exit 1
fi
if [[ ! -d "$ROOT/node_modules/playwright-core" ]]; then
  echo "[run-e2e-tests] error: node_modules/playwright-core missing (run: scripts/install-deps.sh)" >&2
  exit 1
fi

exec "$ROOT/scripts/run-api-tests.sh" sqlite tests/e2e
