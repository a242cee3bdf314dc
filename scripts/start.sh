#!/usr/bin/env bash
# `npm start [-- --demo]`: installs what is missing, then brings the whole registry office up on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/use-node.sh # Node.js >= 24 first on PATH
echo "==> [1/3] node modules (Node $(node --version))" >&2
bash scripts/lib/ensure-node-modules.sh
echo "==> [2/3] Temporal CLI (dev server)" >&2
if [[ -z "${TEMPORAL_ADDRESS:-}" ]]; then
  TEMPORAL_CLI_PATH="$(bash scripts/ensure-temporal.sh)"
  export TEMPORAL_CLI_PATH
else
  echo "    using the Temporal server at $TEMPORAL_ADDRESS" >&2
fi
echo "==> [3/3] starting the system" >&2
# the demo staff log in with the password alone (README "Security"); production refuses this switch
export STAFF_SECOND_FACTOR="${STAFF_SECOND_FACTOR:-demo-password}"
exec node node_modules/.bin/tsx scripts/start.ts "$@"
