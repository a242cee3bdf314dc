#!/usr/bin/env bash
# Ensure the Temporal server (the production server, not the CLI's dev server) and its SQL schema tool are built.
# Prints progress to stderr and, on stdout, three lines (KEY=path):
#   TEMPORAL_SERVER_BIN=<abs path of `temporal-server`>
#   TEMPORAL_SQL_TOOL_BIN=<abs path of `temporal-sql-tool`>
#   TEMPORAL_SCHEMA_DIR=<abs path of the module's schema/ directory (postgresql/v12/{temporal,visibility}/versioned)>
#
# Built once with `go install go.temporal.io/server/cmd/server@v<ver>` and `.../cmd/tools/sql@v<ver>` into
# ${JUKI_CACHE:-$HOME/.cache/juki}/temporal-server-<ver>/ (prebuilt release downloads are not reachable; the Go module
# proxy is). The schema files are copied there from the Go module cache, so a later `go clean -modcache` does no harm.
# Go: as scripts/ensure-temporal.sh (the machine's go, /usr/local/go/bin/go; v1.29.1 needs Go >= 1.24, which a
# Go >= 1.21 fetches by itself, GOTOOLCHAIN=auto).
set -euo pipefail

VERSION="1.29.1"
CACHE="${JUKI_CACHE:-$HOME/.cache/juki}"
DIR="$CACHE/temporal-server-$VERSION"
SERVER="$DIR/temporal-server"
SQLTOOL="$DIR/temporal-sql-tool"
SCHEMA="$DIR/schema"

log() { echo "ensure-temporal-server: $*" >&2; }
die() { echo "ensure-temporal-server: ERROR: $*" >&2; exit 1; }

usable() {
  [[ -x "$SERVER" && -x "$SQLTOOL" && -d "$SCHEMA/postgresql/v12/temporal/versioned" ]] &&
    "$SQLTOOL" --help >/dev/null 2>&1
}
print() {
  echo "TEMPORAL_SERVER_BIN=$SERVER"
  echo "TEMPORAL_SQL_TOOL_BIN=$SQLTOOL"
  echo "TEMPORAL_SCHEMA_DIR=$SCHEMA"
}

if usable; then print; exit 0; fi

mkdir -p "$DIR"
exec 9>"$CACHE/.temporal-server-$VERSION.lock"
if ! flock -n 9; then
  log "another run is building the Temporal server; waiting for it..."
  flock 9
fi
if usable; then print; exit 0; fi

source "$(dirname "$0")/lib/find-go.sh"

LOG="$DIR/build.log"
log "building Temporal server v$VERSION and temporal-sql-tool with $GO into $DIR"
log "the first build takes several minutes (10-20 min on 2 cores); later runs reuse it. Log: $LOG"
start=$(date +%s)
TMPBIN="$(mktemp -d "$DIR/.build.XXXXXX")"
trap 'rm -rf "$TMPBIN"' EXIT
# -s -w: strip symbols (as the release build); ServerVersion is a constant in the module, nothing to stamp.
if ! GOBIN="$TMPBIN" "$GO" install -ldflags "-s -w" \
     "go.temporal.io/server/cmd/server@v$VERSION" "go.temporal.io/server/cmd/tools/sql@v$VERSION" >"$LOG" 2>&1; then
  tail -n 30 "$LOG" >&2
  die "go install go.temporal.io/server/cmd/{server,tools/sql}@v$VERSION failed (full log: $LOG)"
fi
MOD="$("$GO" env GOMODCACHE)/go.temporal.io/server@v$VERSION"
[[ -d "$MOD/schema/postgresql/v12" ]] || die "schema files not found in $MOD/schema"
rm -rf "$SCHEMA" && cp -r "$MOD/schema" "$SCHEMA" && chmod -R u+w "$SCHEMA"
mv -f "$TMPBIN/server" "$SERVER"
mv -f "$TMPBIN/sql" "$SQLTOOL"
usable || die "built $SERVER / $SQLTOOL but they do not run"
log "built Temporal server v$VERSION in $(( $(date +%s) - start ))s"
print
