# shellcheck shell=bash
# Sourced (`source scripts/lib/use-node.sh`) by every entry point (.ci/run, npm start, npm test, npm run bench)
# before anything else: puts a Node.js >= 24 with its npm and npx first on PATH (scripts/lib/ensure-node.sh fetches
# one into ~/.cache/juki when the machine's is older) and points node-gyp at that Node's own headers, so native
# modules (better-sqlite3) are built for its ABI. Idempotent: a second source (npm test under .ci/run) only checks.
# A developer's shell can source it too, after which plain `npx vitest …` runs on the same Node.
_juki_node_lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "${JUKI_NODE_BIN:-}" || "$(command -v node 2>/dev/null)" != "$JUKI_NODE_BIN/node" ]]; then
  JUKI_NODE_BIN="$(bash "$_juki_node_lib/ensure-node.sh")" || {
    echo "use-node: no Node.js >= 24 (see the messages above)" >&2
    exit 1
  }
  export JUKI_NODE_BIN
  [[ "$(command -v node 2>/dev/null)" == "$JUKI_NODE_BIN/node" ]] || export PATH="$JUKI_NODE_BIN:$PATH"
fi
# node-gyp takes its headers from a nodedir setting (this machine's ~/.npmrc names /usr, the system Node 20's);
# a Node release ships its own in <prefix>/include/node: use those when they are this Node's version. The variable
# is node-gyp's own (it overrides npm_config_nodedir; npm 11 warns about an npm_config_ one it does not know).
_juki_node_h="$(dirname "$JUKI_NODE_BIN")/include/node/node_version.h"
if [[ -f "$_juki_node_h" ]] &&
  [[ "v$(awk '/^#define NODE_(MAJOR|MINOR|PATCH)_VERSION /{v = v (v == "" ? "" : ".") $3} END {print v}' "$_juki_node_h")" == \
    "$("$JUKI_NODE_BIN/node" --version)" ]]; then
  export npm_package_config_node_gyp_nodedir="${_juki_node_h%/include/node/node_version.h}"
fi
unset _juki_node_lib _juki_node_h
