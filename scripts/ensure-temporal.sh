#!/usr/bin/env bash
# Ensure a Temporal CLI (which embeds the dev server: `temporal server start-dev`)
# is available. Prints progress to stderr and, as the ONLY stdout line, the
# absolute path of the binary.
#
# Order:
#   1. $TEMPORAL_CLI, if set (must be executable)
#   2. `temporal` on PATH
#   3. cached build at ${JUKI_CACHE:-$HOME/.cache/juki}/temporal-cli-<ver>/temporal
#   4. build it there with `go install github.com/temporalio/cli/cmd/temporal@<ver>`
#      (prebuilt release downloads are not reachable; the Go module proxy is)
#
# The version is pinned to v1.5.1: later tags carry a `replace` directive in go.mod,
# which `go install pkg@version` refuses. v1.5.1 needs Go >= 1.25 (a Go >= 1.21
# fetches that toolchain by itself from the module proxy, GOTOOLCHAIN=auto).
set -euo pipefail

VERSION="1.5.1"
CACHE="${JUKI_CACHE:-$HOME/.cache/juki}"
DIR="$CACHE/temporal-cli-$VERSION"
BIN="$DIR/temporal"

log() { echo "ensure-temporal: $*" >&2; }
die() { echo "ensure-temporal: ERROR: $*" >&2; exit 1; }

if [[ -n "${TEMPORAL_CLI:-}" ]]; then
  [[ -x "$TEMPORAL_CLI" && ! -d "$TEMPORAL_CLI" ]] || die "\$TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file"
  readlink -f "$TEMPORAL_CLI"
  exit 0
fi

if p="$(command -v temporal 2>/dev/null)" && [[ -n "$p" ]]; then
  readlink -f "$p"
  exit 0
fi

usable() { [[ -x "$BIN" ]] && "$BIN" --version >/dev/null 2>&1; }

if usable; then
  echo "$BIN"
  exit 0
fi

mkdir -p "$DIR"
exec 9>"$CACHE/.temporal-cli-$VERSION.lock"
if ! flock -n 9; then
  log "another run is building the Temporal CLI; waiting for it..."
  flock 9
fi
if usable; then # built by the run we waited for
  echo "$BIN"
  exit 0
fi

# --- find a Go toolchain -------------------------------------------------------
# (or point $TEMPORAL_CLI at an existing temporal binary, or put 'temporal' on PATH)
source "$(dirname "$0")/lib/find-go.sh"

# --- build ---------------------------------------------------------------------
LOG="$DIR/build.log"
log "building Temporal CLI v$VERSION with $GO ($gover) into $DIR"
log "the first build takes several minutes (5-15 min on 2 cores); later runs reuse it. Log: $LOG"
start=$(date +%s)
# Build into a temp dir and move into place so a killed build never leaves a half binary.
TMPBIN="$(mktemp -d "$DIR/.build.XXXXXX")"
trap 'rm -rf "$TMPBIN"' EXIT
# Link flags as in the CLI's release build (strip symbols, stamp the version); they
# only affect the link step, so the Go build cache is shared with a plain build.
if ! GOBIN="$TMPBIN" "$GO" install -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=$VERSION" \
     "github.com/temporalio/cli/cmd/temporal@v$VERSION" >"$LOG" 2>&1; then
  tail -n 30 "$LOG" >&2
  die "go install github.com/temporalio/cli/cmd/temporal@v$VERSION failed (full log: $LOG)"
fi
mv -f "$TMPBIN/temporal" "$BIN"
usable || die "built $BIN but it does not run"
log "built Temporal CLI v$VERSION in $(( $(date +%s) - start ))s"
echo "$BIN"
