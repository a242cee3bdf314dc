#!/usr/bin/env bash
# `npm test`: installs whatever is missing, starts a private MariaDB, then runs lint, the type check and every
# test layer (unit, workflow on the time-skipping server, integration on the Temporal dev server + MariaDB + SQLite,
# e2e: the web UI in headless Chromium against the running system).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/use-node.sh # Node.js >= 24 first on PATH (already there under .ci/run)

echo "==> [1/6] system tools (pdftotext for certificate checks, Chromium for the web UI tests, promtool, python3-yaml)" >&2
missing=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || missing+=(chromium)
python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml) # test/unit/docker-compose.test.ts reads the compose file
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)       # test/unit/ops-files.test.ts: promtool check/test rules
if (( ${#missing[@]} )); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "    installing ${missing[*]}" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2
  else
    echo "missing system packages: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2; exit 1
  fi
fi
echo "==> [2/6] node modules (Node $(node --version))" >&2
bash scripts/lib/ensure-node-modules.sh
echo "==> [3/6] Temporal CLI (dev server for integration tests)" >&2
TEMPORAL_CLI_PATH="$(bash scripts/ensure-temporal.sh)"
export TEMPORAL_CLI_PATH
echo "==> [4/6] Temporal time-skipping test server" >&2
TEMPORAL_TEST_SERVER="$(bash scripts/ensure-test-server.sh)"
export TEMPORAL_TEST_SERVER
echo "==> [5/6] MariaDB" >&2
MARIADB_URL="${MARIADB_URL:-$(bash scripts/ensure-mariadb.sh)}"
export MARIADB_URL
echo "==> [5b/6] Temporal server + PostgreSQL (the cluster test, test/cluster/)" >&2
bash scripts/ensure-temporal-server.sh >/dev/null
bash scripts/ensure-postgres.sh >/dev/null
echo "==> [6/6] lint, type check, tests" >&2
npm run lint --silent
npx tsc -p tsconfig.json --noEmit
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest.json "$@" || status=$?
node -e '
  const r = require("./test-artifacts/vitest.json");
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit "$status"
