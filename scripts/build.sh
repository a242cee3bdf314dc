#!/usr/bin/env bash
# `npm run build`: compiles src/, templates/ and the admin scripts to dist/ (tsconfig.build.json), copies what runs
# beside the code (static web files, the failure converter, reference data, fonts) and prebuilds the workflow bundle
# (dist/workflow-bundle.js). Everything in dist/ runs as `node dist/...` on the production node_modules: no tsx, no
# TypeScript (README "Operations" → "Build and image").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/use-node.sh
rm -rf dist
echo "==> build: tsc -p tsconfig.build.json" >&2
node node_modules/typescript/bin/tsc -p tsconfig.build.json
echo "==> build: assets" >&2
(cd src && find . -type f ! -name '*.ts' -print0) | while IFS= read -r -d '' f; do
  mkdir -p "dist/src/$(dirname "$f")" && cp "src/$f" "dist/src/$f"
done
(cd templates && find . -type f ! -name '*.ts' -print0) | while IFS= read -r -d '' f; do
  mkdir -p "dist/templates/$(dirname "$f")" && cp "templates/$f" "dist/templates/$f"
done
echo "==> build: workflow bundle" >&2
node dist/scripts/build-workflow-bundle.js
rm -rf dist/node_modules # the bundler's generated entry (src/worker/workflow-entry.ts): not needed at run time
node -e 'const p=require("./package.json");require("fs").writeFileSync("dist/BUILD_INFO.json",JSON.stringify({name:p.name,version:p.version,node:process.version,builtAt:new Date().toISOString()},null,2)+"\n")'
echo "==> build: dist/ ready ($(find dist -name '*.js' | wc -l) JavaScript files)" >&2
