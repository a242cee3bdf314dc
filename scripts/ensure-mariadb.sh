#!/usr/bin/env bash
# Ensure a private MariaDB instance for tests/CI is running.
#
#   * installs mariadb-server with apt if `mariadbd` is missing
#   * data dir   ${JUKI_CACHE:-$HOME/.cache/juki}/mariadb-data (initialised if empty)
#   * listens on 127.0.0.1:${MARIADB_PORT:-3307}, own socket/pid/log under the cache dir
#   * creates database juki_test and user juki/juki with all privileges on
#     juki_test and on every `juki\_%` database (tests may create per-run DBs)
#
# Idempotent: when it is already running it only re-checks the grants.
# Progress goes to stderr; the last (only) stdout line is the connection URL:
#   mariadb://juki:juki@127.0.0.1:3307/juki_test
# Stop it with scripts/stop-mariadb.sh.
set -euo pipefail

CACHE="${JUKI_CACHE:-$HOME/.cache/juki}"
PORT="${MARIADB_PORT:-3307}"
DATA="$CACHE/mariadb-data"
RUN="$CACHE/mariadb-run"   # socket + pid (kept short: unix socket paths max ~107 chars)
SOCK="$RUN/mariadb.sock"
PIDF="$RUN/mariadb.pid"
LOGF="$CACHE/mariadb.log"
URL="mariadb://juki:juki@127.0.0.1:$PORT/juki_test"
# InnoDB buffer pool: holds the 720 000-resident search bench's resident table and indexes (≈ 700 MB) beside the
# tests' small databases, so the bench measures a warm cache as a city's server runs (issue 15 item 4)
POOL_MB=2048
POOL="${POOL_MB}M"

log() { echo "ensure-mariadb: $*" >&2; }
die() { echo "ensure-mariadb: ERROR: $*" >&2; exit 1; }

export PATH="$PATH:/usr/sbin:/usr/local/sbin"

# --- install -------------------------------------------------------------------
if ! command -v mariadbd >/dev/null 2>&1; then
  [[ $EUID -eq 0 ]] || die "mariadbd is not installed; run as root or: sudo apt-get install -y mariadb-server"
  log "mariadbd not found; installing mariadb-server with apt (one-off, ~1 min)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends mariadb-server mariadb-client >&2 || die "apt-get install mariadb-server failed"
  command -v mariadbd >/dev/null 2>&1 || die "mariadb-server installed but mariadbd still not found"
fi
for tool in mariadb mariadb-admin mariadb-install-db; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (package mariadb-client / mariadb-server)"
done

OSUSER="$(id -un)"
admin() { mariadb-admin --no-defaults --socket="$SOCK" -uroot "$@"; }
sql()   { mariadb --no-defaults --socket="$SOCK" -uroot --batch; }
alive() { [[ -S "$SOCK" ]] && admin --connect-timeout=2 ping >/dev/null 2>&1; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

mkdir -p "$CACHE" "$RUN"
exec 9>"$CACHE/.mariadb.lock"
if ! flock -n 9; then
  log "another run is starting MariaDB; waiting for it..."
  flock 9
fi

if alive; then
  log "already running (pid $(cat "$PIDF" 2>/dev/null || echo '?'), port $PORT)"
  # an instance started with a smaller pool grows it online (MariaDB resizes the buffer pool without a restart)
  if (( $(echo 'SELECT @@innodb_buffer_pool_size' | sql | tail -n 1) < POOL_MB * 1048576 )); then
    log "growing the InnoDB buffer pool to $POOL"
    echo "SET GLOBAL innodb_buffer_pool_size = $((POOL_MB * 1048576))" | sql
  fi
else
  # A stale pid file from a killed instance is harmless; a *live* foreign listener is not.
  if port_busy; then
    die "127.0.0.1:$PORT is already in use by another process (not our instance: no answer on $SOCK).
  Stop it, or pick another port: MARIADB_PORT=3308 $0"
  fi

  # --- initialise ----------------------------------------------------------------
  if [[ ! -d "$DATA/mysql" ]]; then
    log "initialising data directory $DATA"
    rm -rf "$DATA"
    mkdir -p "$DATA"
    if ! mariadb-install-db --no-defaults --datadir="$DATA" --user="$OSUSER" \
          --auth-root-authentication-method=socket --auth-root-socket-user="$OSUSER" \
          --skip-test-db --skip-name-resolve >"$CACHE/mariadb-install-db.log" 2>&1; then
      tail -n 30 "$CACHE/mariadb-install-db.log" >&2
      rm -rf "$DATA"
      die "mariadb-install-db failed (log: $CACHE/mariadb-install-db.log)"
    fi
  fi

  # --- start ---------------------------------------------------------------------
  log "starting mariadbd on 127.0.0.1:$PORT (data $DATA, log $LOGF)"
  rm -f "$SOCK" "$PIDF"
  USER_OPT=()
  [[ $EUID -eq 0 ]] && USER_OPT=(--user=root)
  # --no-defaults: ignore /etc/mysql/*.cnf (system instance's socket, port, ...).
  # Settings are tuned for disposable test data: durability traded for speed.
  # 9>&- : the daemon must not inherit (and so hold forever) our lock.
  setsid mariadbd --no-defaults "${USER_OPT[@]}" \
    --datadir="$DATA" --socket="$SOCK" --pid-file="$PIDF" --log-error="$LOGF" \
    --bind-address=127.0.0.1 --port="$PORT" --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-connections=500 --skip-log-bin \
    --innodb-buffer-pool-size=$POOL --innodb-flush-log-at-trx-commit=2 \
    --innodb-doublewrite=0 --sync-binlog=0 \
    </dev/null >>"$LOGF" 2>&1 9>&- &
  pid=$!

  for _ in $(seq 1 600); do
    alive && break
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOGF" >&2
      die "mariadbd exited during start-up (log: $LOGF)"
    fi
    sleep 0.1
  done
  alive || { tail -n 30 "$LOGF" >&2; die "mariadbd did not answer within 60 s (log: $LOGF)"; }
  log "mariadbd up (pid $pid)"
fi

# --- database + user (idempotent) ---------------------------------------------
sql <<'SQL' || die "could not create database/user (log: $LOGF)"
CREATE DATABASE IF NOT EXISTS `juki_test` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'juki'@'localhost' IDENTIFIED BY 'juki';
CREATE USER IF NOT EXISTS 'juki'@'127.0.0.1' IDENTIFIED BY 'juki';
GRANT ALL PRIVILEGES ON `juki_test`.* TO 'juki'@'localhost', 'juki'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `juki\_%`.* TO 'juki'@'localhost', 'juki'@'127.0.0.1';
-- the audit tests (test/security/audit-chain.test.ts) make an application user with INSERT/SELECT-only audit_log
GRANT CREATE USER ON *.* TO 'juki'@'localhost', 'juki'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `juki\_%`.* TO 'juki'@'localhost', 'juki'@'127.0.0.1' WITH GRANT OPTION;
SQL

echo "$URL"
