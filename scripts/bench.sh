#!/usr/bin/env bash
# `npm run bench -- [cases] [concurrency]`: move-in beside the no-op ceiling (ratio, paced 5/s latency, CPU ms per case
# per process, SQL per case; README "Throughput"), birth throughput/latency and PDF render time on real parts;
# `npm run bench -- cluster [cases] [concurrency]`: the same move-in/ceiling figures on the cluster shape (Temporal on
#   PostgreSQL with mTLS and 4 shards, two workers, two APIs, the registry on MariaDB; README "Throughput")
# `npm run bench -- pair [households] [concurrency]`: the two-town move pair
# `npm run bench -- cluster-pair [households] [concurrency]`, `npm run bench -- cluster-birth [births] [concurrency]`:
#   the move pair and births on the cluster shape (town B of the pair: a second town on the same cluster)
# `npm run bench -- held [count] [burst]`: N open held 転出証明書情報, worker/server RSS, a burst of purges due at once
# `npm run bench -- workflow-thread [replays] [rounds]`: the sandbox's CPU per workflow, 転入 vs the ceiling (replays)
# `npm run bench -- search [queries per form]`: resident search at 720 000 residents on MariaDB (loaded once, reused)
# (Temporal dev server in memory, SQLite by default or DATABASE_URL, CS simulator over HTTP).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/use-node.sh # Node.js >= 24 first on PATH
bash scripts/lib/ensure-node-modules.sh
# the demo staff log in with the password alone (README "Security"); production refuses this switch
export STAFF_SECOND_FACTOR="${STAFF_SECOND_FACTOR:-demo-password}"
# JUKI_APP_BUILD=dist: the API, the workers and the ceiling worker run compiled (`npm run build` first), as shipped
if [[ -n "${JUKI_APP_BUILD:-}" ]]; then
  [[ -f "$JUKI_APP_BUILD/src/worker/main.js" ]] || { echo "JUKI_APP_BUILD=$JUKI_APP_BUILD: run npm run build first" >&2; exit 1; }
  node node_modules/typescript/bin/tsc -p tsconfig.bench.json --outDir "$JUKI_APP_BUILD"
fi
if [[ -z "${TEMPORAL_ADDRESS:-}" ]]; then TEMPORAL_CLI_PATH="$(bash scripts/ensure-temporal.sh)"; export TEMPORAL_CLI_PATH; fi
if [[ "${1:-}" =~ ^cluster(-pair|-birth)?$ ]]; then
  bash scripts/ensure-temporal-server.sh >/dev/null
  bash scripts/ensure-postgres.sh >/dev/null
  MARIADB_URL="${MARIADB_URL:-$(bash scripts/ensure-mariadb.sh)}"
  export MARIADB_URL
  case "$1" in
    cluster) exec node node_modules/.bin/tsx test/bench/move-in.bench.ts "$@" ;;
    cluster-pair) shift && exec node node_modules/.bin/tsx test/bench/move-pair.bench.ts cluster "$@" ;;
    cluster-birth) shift && exec node node_modules/.bin/tsx test/bench/birth.bench.ts cluster "$@" ;;
  esac
fi
if [[ "${1:-}" == "workflow-thread" ]]; then
  shift
  TEMPORAL_TEST_SERVER="${TEMPORAL_TEST_SERVER:-$(bash scripts/ensure-test-server.sh)}"
  export TEMPORAL_TEST_SERVER
  exec node node_modules/.bin/tsx test/bench/workflow-thread.bench.ts "$@"
fi
if [[ "${1:-}" == "search" ]]; then
  shift
  exec node node_modules/.bin/tsx test/bench/resident-search.bench.ts "$@"
fi
if [[ "${1:-}" == "pair" ]]; then
  shift
  exec node node_modules/.bin/tsx test/bench/move-pair.bench.ts "$@"
fi
if [[ "${1:-}" == "held" ]]; then
  shift
  exec node node_modules/.bin/tsx test/bench/held-certificates.bench.ts "$@"
fi
node node_modules/.bin/tsx test/bench/move-in.bench.ts "$@"
echo "--- births (intake → 決裁 → 個人番号 from the J-LIS simulator → 住民票コード通知票)"
node node_modules/.bin/tsx test/bench/birth.bench.ts "$@"
echo "--- certificate renderer (untuned pdfmake vs tuned renderer, same process)"
node node_modules/.bin/tsx test/bench/pdf-render.bench.ts
