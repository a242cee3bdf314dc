#!/usr/bin/env bash
# Stop the private MariaDB instance started by scripts/ensure-mariadb.sh.
# Idempotent: says so and exits 0 when it is not running. Data is kept
# (remove ${JUKI_CACHE:-$HOME/.cache/juki}/mariadb-data to start afresh).
set -euo pipefail

CACHE="${JUKI_CACHE:-$HOME/.cache/juki}"
RUN="$CACHE/mariadb-run"
SOCK="$RUN/mariadb.sock"
PIDF="$RUN/mariadb.pid"

log() { echo "stop-mariadb: $*" >&2; }

pid=""
[[ -f "$PIDF" ]] && pid="$(cat "$PIDF" 2>/dev/null || true)"
if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
  rm -f "$PIDF"
  log "not running"
  exit 0
fi
# Make sure the pid really is our mariadbd (pid files can go stale and pids get reused).
if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--pid-file=$PIDF"; then
  rm -f "$PIDF"
  log "pid $pid from $PIDF is not our mariadbd; not touching it"
  exit 0
fi

log "stopping mariadbd (pid $pid)"
kill -TERM "$pid"
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  log "still running after 30 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
fi
rm -f "$PIDF" "$SOCK"
log "stopped"
