#!/usr/bin/env bash
# Installs node modules when they are missing or older than package-lock.json (npm ci: exact, reproducible).
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  echo "==> node modules: installing with npm ci (first run builds the SQLite driver; a few minutes)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
else
  echo "==> node modules: up to date" >&2
fi
