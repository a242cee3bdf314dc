#!/usr/bin/env bash
# Installs node modules (the versions in package-lock.json) when they are missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  echo "==> node modules: installing (locked versions; the first run builds the SQLite driver, a few minutes)" >&2
  # npm install, not npm ci: npm 11 leaves other platforms' optional packages out of the lock and npm ci then refuses it
  npm install --no-audit --no-fund --loglevel=error >&2
else
  echo "==> node modules: up to date" >&2
fi
