#!/usr/bin/env bash
# `npm run replay:record -- <generation> [--curate-only]`: records a new generation of histories,
# test/replay/histories/<generation>/ (name it `<date>-<what the next change is>`), from the test run. Older generations
# stay: cases started under them may still be open when the next version deploys, and the replay test replays them all.
#  1. runs the workflow tests (time-skipping server), the integration tests that drive whole procedures (dev server,
#     MariaDB) and test/replay/scenarios (cases left waiting) with RECORD_HISTORIES set: every harness saves the
#     history of every workflow it ran, decoded, before it closes (test/support/history-recorder.ts);
#  2. curates the fixed, named selection of scripts/replay/selection.ts into test/replay/histories/<generation>/
#     (+ manifest.json);
#  3. replays them (vitest project `replay`).
# Recordings go to test-artifacts/recorded-histories (or $RECORD_HISTORIES), emptied first. `--curate-only` skips
# step 1 and curates what is there.
# Record from the code as it is deployed: the recordings are what the next version of the workflows must replay.
set -euo pipefail
cd "$(dirname "$0")/.."

generation=""
curate_only=""
for a in "$@"; do
  case "$a" in
    --curate-only) curate_only=1 ;;
    -*) echo "unknown option $a" >&2; exit 2 ;;
    *) generation="$a" ;;
  esac
done
if [[ ! "$generation" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9-]+$ ]]; then
  echo "usage: npm run replay:record -- <YYYY-MM-DD-what-changes-next> [--curate-only]" >&2
  echo "existing generations: $(ls test/replay/histories | tr '\n' ' ')" >&2
  exit 2
fi

out="${RECORD_HISTORIES:-test-artifacts/recorded-histories}"
if [[ -z "$curate_only" ]]; then
  bash scripts/lib/ensure-node-modules.sh
  TEMPORAL_CLI_PATH="${TEMPORAL_CLI_PATH:-$(bash scripts/ensure-temporal.sh)}"
  TEMPORAL_TEST_SERVER="${TEMPORAL_TEST_SERVER:-$(bash scripts/ensure-test-server.sh)}"
  MARIADB_URL="${MARIADB_URL:-$(bash scripts/ensure-mariadb.sh)}"
  export TEMPORAL_CLI_PATH TEMPORAL_TEST_SERVER MARIADB_URL
  rm -rf "$out"
  mkdir -p "$out"
  RECORD_HISTORIES="$(cd "$out" && pwd)"
  export RECORD_HISTORIES
  # one layer at a time: the time-skipping tests are timing-sensitive on a small machine
  echo "==> recording: workflow layer" >&2
  npx vitest run --project workflow \
    test/workflow/move-in.workflow.test.ts test/workflow/move-in-from-abroad.workflow.test.ts \
    test/workflow/case-work.workflow.test.ts \
    test/workflow/move-pair.workflow.test.ts test/workflow/online-move-out.workflow.test.ts \
    test/workflow/retry-safety.workflow.test.ts test/workflow/address-annex.workflow.test.ts \
    test/workflow/birth.workflow.test.ts \
    test/workflow/individual-number.workflow.test.ts \
    test/workflow/card-issuance.workflow.test.ts test/workflow/card-events.workflow.test.ts \
    test/workflow/card-continued-use.workflow.test.ts \
    test/workflow/move-within.workflow.test.ts test/workflow/household-death.workflow.test.ts
  echo "==> recording: integration layer" >&2
  npx vitest run --project integration \
    test/integration/move-in.integration.test.ts test/integration/two-town-move.integration.test.ts \
    test/integration/online-move-out.integration.test.ts test/integration/held-certificate-purge.integration.test.ts \
    test/integration/move-out-household.integration.test.ts test/integration/individual-number.integration.test.ts \
    test/integration/card-issuance.integration.test.ts test/integration/card-events.integration.test.ts
  echo "==> recording: cases left waiting" >&2
  npx vitest run --project replay-scenarios
  unset RECORD_HISTORIES
fi
echo "==> curating into test/replay/histories/$generation" >&2
npx tsx scripts/replay/curate-histories.ts "$out" "test/replay/histories/$generation"
echo "==> replaying" >&2
npx vitest run --project replay
