#!/usr/bin/env bash
# Ensure ONE private PostgreSQL 15 instance on this machine (for the Temporal cluster: scripts/lib/temporal-cluster.ts).
#
#   * installs postgresql-15 with apt if its binaries are missing
#   * everything under ${JUKI_POSTGRES_DIR:-/var/tmp/juki-postgres}: data/ (initdb if empty), run/ (socket), log
#     (not under ~/.cache: as root the server runs as the OS user `postgres`, since PostgreSQL refuses to run as
#     root, and that user cannot enter /root)
#   * listens on 127.0.0.1:${POSTGRES_PORT:-5433} (not the system default 5432)
#   * role temporal/temporal with CREATEDB (each cluster makes its own temporal_<x> / temporal_visibility_<x>)
#
# Idempotent: reused when already running. Progress goes to stderr; the only stdout line is the connection URL:
#   postgres://temporal:temporal@127.0.0.1:5433/postgres
# Stop it with: scripts/ensure-postgres.sh --stop
set -euo pipefail

CACHE="${JUKI_CACHE:-$HOME/.cache/juki}"
PORT="${POSTGRES_PORT:-5433}"
BASE="${JUKI_POSTGRES_DIR:-/var/tmp/juki-postgres}"
DATA="$BASE/data"
RUN="$BASE/run" # unix socket dir (short path)
LOGF="$BASE/postgres.log"
URL="postgres://temporal:temporal@127.0.0.1:$PORT/postgres"
BIN=/usr/lib/postgresql/15/bin

log() { echo "ensure-postgres: $*" >&2; }
die() { echo "ensure-postgres: ERROR: $*" >&2; exit 1; }

if [[ ! -x "$BIN/postgres" ]]; then
  [[ $EUID -eq 0 ]] || die "PostgreSQL 15 is not installed; run as root or: sudo apt-get install -y postgresql-15"
  log "postgresql-15 not found; installing it with apt (one-off, ~1 min)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends postgresql-15 postgresql-client-15 >&2 || die "apt-get install postgresql-15 failed"
  [[ -x "$BIN/postgres" ]] || die "postgresql-15 installed but $BIN/postgres still not found"
fi

# PostgreSQL never runs as root: as root, run the server as `postgres` (the Debian package makes that user).
AS=()
if [[ $EUID -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  AS=(runuser -u postgres --)
fi
pgctl() { "${AS[@]}" "$BIN/pg_ctl" -D "$DATA" "$@"; }
psql_super() { "${AS[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$PORT" -d postgres "$@"; }
alive() { "$BIN/pg_isready" -q -h "$RUN" -p "$PORT" >/dev/null 2>&1; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

mkdir -p "$CACHE" "$BASE" "$RUN"
[[ $EUID -eq 0 ]] && chown postgres "$BASE" "$RUN"

exec 9>"$CACHE/.postgres.lock"
if ! flock -n 9; then
  log "another run is starting PostgreSQL; waiting for it..."
  flock 9
fi

if [[ "${1:-}" == "--stop" ]]; then
  if alive; then pgctl stop -m fast >&2; else log "not running"; fi
  exit 0
fi

if alive; then
  log "already running (port $PORT, data $DATA)"
else
  port_busy && die "127.0.0.1:$PORT is in use by another process (not our instance). Pick another: POSTGRES_PORT=5434 $0"
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    log "initialising data directory $DATA"
    rm -rf "$DATA"
    mkdir -p "$DATA"
    [[ $EUID -eq 0 ]] && chown postgres "$DATA"
    "${AS[@]}" "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
      --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 || {
      tail -n 30 "$BASE/initdb.log" >&2
      die "initdb failed (log: $BASE/initdb.log)"
    }
  fi
  touch "$LOGF"
  [[ $EUID -eq 0 ]] && chown postgres "$LOGF"
  log "starting PostgreSQL 15 on 127.0.0.1:$PORT (data $DATA, log $LOGF)"
  # Settings for disposable test/cluster data on a small machine: durability traded for speed.
  # 9>&- : the server must not inherit (and so hold forever) our lock.
  pgctl start -w -t 60 -l "$LOGF" -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$RUN \
    -c max_connections=300 -c shared_buffers=128MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >&2 9>&- || { tail -n 30 "$LOGF" >&2; die "PostgreSQL did not start (log: $LOGF)"; }
fi

psql_super <<'SQL' >&2 || die "could not create role temporal (log: $LOGF)"
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'temporal') THEN
    CREATE ROLE temporal LOGIN CREATEDB PASSWORD 'temporal';
  END IF;
END $$;
SQL

echo "$URL"
