#!/usr/bin/env bash
# Closed-network install from a release made by `npm run release` (README "Operations" → "Closed-network install").
# Needs nothing from the network: no registry, no Go module proxy, no Maven, no apt.
#   bash install-offline.sh <target-dir>      (run from inside the release directory, or give RELEASE=<dir>)
# 1. checks every file against SHA256SUMS and the platform against RELEASE.json;
# 2. copies app/ to <target-dir> and the tools (Node.js 24, Temporal CLI and server, test-server jars) into
#    ${JUKI_CACHE:-~/.cache/juki}, where the project's scripts look before they would download anything;
# 3. writes <target-dir>/env.sh (Node first on PATH, TEMPORAL_CLI_PATH) and checks that the installed Node loads the
#    code and the native modules (better-sqlite3).
set -euo pipefail
REL="${RELEASE:-$(cd "$(dirname "$0")" && pwd)}"
TARGET="${1:?usage: install-offline.sh <target-dir>}"
CACHE="${JUKI_CACHE:-$HOME/.cache/juki}"
log() { echo "==> install-offline: $*" >&2; }
die() { echo "install-offline: ERROR: $*" >&2; exit 1; }

[[ -f "$REL/RELEASE.json" && -f "$REL/SHA256SUMS" ]] || die "$REL is not a release directory"
log "checking $(wc -l <"$REL/SHA256SUMS") files against SHA256SUMS"
(cd "$REL" && sha256sum --check --quiet --strict SHA256SUMS) || die "checksum mismatch: the release is damaged"
platform="$(uname -s | tr 'A-Z' 'a-z')-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
grep -q "\"platform\": \"$platform\"" "$REL/RELEASE.json" || die "the release is not for $platform ($(grep platform "$REL/RELEASE.json"))"

log "tools into $CACHE"
mkdir -p "$CACHE"
for d in "$REL"/cache/*/; do
  name="$(basename "$d")"
  rm -rf "${CACHE:?}/$name.installing" && cp -a "$d" "$CACHE/$name.installing"
  rm -rf "${CACHE:?}/$name" && mv "$CACHE/$name.installing" "$CACHE/$name"
  log "  $name"
done
NODE="$(ls -d "$CACHE"/node-24.*/bin | tail -1)/node"
[[ -x "$NODE" ]] || die "no Node.js 24 in the release"
CLI="$(ls "$CACHE"/temporal-cli-*/temporal 2>/dev/null | tail -1 || true)"

log "application into $TARGET"
mkdir -p "$TARGET"
rm -rf "$TARGET/dist" "$TARGET/node_modules"
cp -a "$REL/app/." "$TARGET/"
cat >"$TARGET/env.sh" <<ENV
# source this file: the installed Node.js first on PATH, the Temporal CLI for the dev server
export PATH="$(dirname "$NODE"):\$PATH"
export JUKI_CACHE="$CACHE"
${CLI:+export TEMPORAL_CLI_PATH="$CLI"}
ENV
log "checking the installed runtime"
(cd "$TARGET" && "$NODE" -e '
  const sqlite = require.resolve("better-sqlite3", { paths: [require.resolve("@mikro-orm/sqlite")] });
  require(sqlite)(":memory:").prepare("select 1").get();
  require("./dist/src/config");
  if (!require("fs").existsSync("dist/workflow-bundle.js")) throw new Error("no workflow bundle");
  console.error("    node " + process.version + ": the code, the workflow bundle and better-sqlite3 load");')
[[ -z "$CLI" ]] || "$CLI" --version >&2
log "done: source $TARGET/env.sh, then e.g. node dist/scripts/db/migrate.js, node dist/src/worker/main.js, node dist/src/api/main.js"
