#!/usr/bin/env bash
# Installs node modules (the versions in package-lock.json) when they are missing or older than the lock file, and
# rebuilds the native ones (better-sqlite3) when they were built for another Node than the one now on PATH:
# node_modules/.juki-node-abi records `process.versions.modules` (the ABI), platform and arch of the last build.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/use-node.sh
stamp=node_modules/.package-lock.json
abi_stamp=node_modules/.juki-node-abi
abi="abi $(node -p 'process.versions.modules + " " + process.platform + "-" + process.arch')"
built_for="$(cat "$abi_stamp" 2>/dev/null || true)"
[[ -d node_modules ]] || built_for="$abi" # a first install builds everything for this Node
installed=no
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  installed=yes
  echo "==> node modules: installing with Node $(node --version) (locked versions)" >&2
  # npm install, not npm ci: npm 11 leaves other platforms' optional packages out of the lock and npm ci then refuses it
  npm install --no-audit --no-fund --loglevel=error >&2
fi
if [[ "$built_for" != "$abi" ]]; then
  # npm install leaves packages it did not change as they were, native builds for another Node included
  echo "==> node modules: built for ${built_for:-an unrecorded Node}, now Node $(node --version) ($abi): rebuilding native modules" >&2
  npm rebuild --loglevel=error >&2
elif [[ "$installed" == no ]]; then
  echo "==> node modules: up to date (Node $(node --version), $abi)" >&2
fi
echo "$abi" >"$abi_stamp"
