#!/usr/bin/env bash
# `npm run cluster`: the production shape on this machine (README "Cluster"): the Temporal server on PostgreSQL with
# mutual TLS, the registry on MariaDB, two workers, two APIs and the partner simulators, each its own process.
# Installs / builds what is missing first (the Temporal server build takes 10-20 min once). Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/use-node.sh # Node.js >= 24 first on PATH
echo "==> [1/4] node modules (Node $(node --version))" >&2
bash scripts/lib/ensure-node-modules.sh
echo "==> [2/4] Temporal server + SQL tool, Temporal CLI" >&2
bash scripts/ensure-temporal-server.sh >/dev/null
bash scripts/ensure-temporal.sh >/dev/null
echo "==> [3/4] PostgreSQL (Temporal) and MariaDB (registry)" >&2
bash scripts/ensure-postgres.sh >/dev/null
MARIADB_URL="${MARIADB_URL:-$(bash scripts/ensure-mariadb.sh)}"
export MARIADB_URL
echo "==> [4/4] starting the cluster" >&2
exec node node_modules/.bin/tsx scripts/cluster.ts "$@"
