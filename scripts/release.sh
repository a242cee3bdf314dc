#!/usr/bin/env bash
# `npm run release [-- --out DIR] [-- --no-build] [-- --tar]`: the release artifact for a closed network
# (README "Operations" → "Closed-network install"). Makes DIR/juki-<version>/ (default DIR: release/):
#   app/            dist/ (compiled code, prebuilt workflow bundle, static files, reference data, templates/fonts),
#                   package.json, package-lock.json and the production node_modules (installed here, native modules
#                   built for this Node and platform: no npm, compiler or registry needed where it is installed)
#   cache/          the tools the project's scripts otherwise download, laid out as ~/.cache/juki: Node.js 24, the
#                   Temporal CLI (dev server), the Temporal server and SQL tool when built (scripts/ensure-temporal-
#                   server.sh), the time-skipping test server's jars (scripts/ensure-test-server.sh)
#   install-offline.sh, RELEASE.json (version, platform, contents), SHA256SUMS (every file; checked by the install)
# and with --tar also DIR/juki-<version>.tar.gz.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/use-node.sh
OUT=release BUILD=1 TAR=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --tar) TAR=1; shift ;;
    *) echo "release: unknown argument $1" >&2; exit 2 ;;
  esac
done
CACHE="${JUKI_CACHE:-$HOME/.cache/juki}"
VERSION="$(node -p 'require("./package.json").version')"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
REL="$OUT/juki-$VERSION"
log() { echo "==> release: $*" >&2; }

[[ $BUILD == 1 ]] && npm run build
[[ -f dist/workflow-bundle.js ]] || { echo "release: dist/ is not built (npm run build)" >&2; exit 1; }
rm -rf "$REL"
mkdir -p "$REL/app" "$REL/cache"
log "app: dist/ and the production node_modules"
cp -a dist package.json package-lock.json "$REL/app/"
(cd "$REL/app" && npm ci --omit=dev --prefer-offline --no-audit --no-fund --loglevel=error)
for bad in tsx typescript vitest esbuild; do
  [[ ! -e "$REL/app/node_modules/$bad" ]] || { echo "release: $bad in the production node_modules" >&2; exit 1; }
done

log "tools from $CACHE"
NODE_DIR="$(dirname "$JUKI_NODE_BIN")"
cp -a "$NODE_DIR" "$REL/cache/$(basename "$NODE_DIR")"
tool() { # <cache dir name> <executable inside>: copied when present and complete
  local d="$CACHE/$1"
  if [[ -x "$d/$2" ]]; then
    mkdir -p "$REL/cache/$1"
    local f
    for f in "$d"/* "$d"/.complete; do
      [[ -e "$f" ]] || continue
      case "$(basename "$f")" in build.log | app.jsa*) continue ;; esac # a build's log; a JVM's own CDS archive
      cp -a "$f" "$REL/cache/$1/" || return 1
    done
    log "  $1"
  else
    log "  $1: not in the cache, left out"
  fi
}
tool "$(basename "$(dirname "$(bash scripts/ensure-temporal.sh)")")" temporal || exit 1
for d in "$CACHE"/temporal-server-*/; do [[ ! -d "$d" ]] || tool "$(basename "$d")" temporal-server || exit 1; done
for d in "$CACHE"/temporal-test-server-*/; do [[ ! -d "$d" ]] || tool "$(basename "$d")" temporal-test-server || exit 1; done
cp scripts/install-offline.sh "$REL/"

node -e '
const fs = require("fs"), path = require("path"), os = require("os");
const [rel, version] = process.argv.slice(1);
fs.writeFileSync(path.join(rel, "RELEASE.json"), JSON.stringify({
  name: "juki-cases", version, builtAt: new Date().toISOString(),
  platform: `${process.platform}-${process.arch}`, node: process.version, modulesAbi: process.versions.modules,
  tools: fs.readdirSync(path.join(rel, "cache")).sort(),
}, null, 2) + "\n");' "$REL" "$VERSION"
log "checksums"
(cd "$REL" && find . -type f ! -name SHA256SUMS -print0 | LC_ALL=C sort -z | xargs -0 sha256sum >SHA256SUMS)
if [[ $TAR == 1 ]]; then
  log "tarball"
  tar -C "$OUT" -czf "$OUT/juki-$VERSION.tar.gz" "juki-$VERSION"
  (cd "$OUT" && sha256sum "juki-$VERSION.tar.gz" >"juki-$VERSION.tar.gz.sha256")
fi
log "$REL ($(du -sh "$REL" | cut -f1), $(wc -l <"$REL/SHA256SUMS") files)"
echo "$REL"
