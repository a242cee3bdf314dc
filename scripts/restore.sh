#!/usr/bin/env bash
# `scripts/restore.sh`: README "Operations" → "Backup and restore" (logic: scripts/lib/backup.ts, scripts/backup-restore.ts).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/lib/use-node.sh"
exec node "$ROOT/node_modules/.bin/tsx" "$ROOT/scripts/backup-restore.ts" restore "$@"
