# Sourced by scripts/ensure-temporal.sh and scripts/ensure-temporal-server.sh (which define log and die): sets GO to a
# Go toolchain able to build Temporal — the machine's `go`, /usr/local/go/bin/go, or Debian's golang-go when it is
# >= 1.21 (a Go >= 1.21 fetches the newer toolchain the module asks for by itself, GOTOOLCHAIN=auto). Debian 12's
# golang-go is Go 1.19: too old to build Temporal and too old to fetch a newer toolchain, so it is never installed.
GO="$(command -v go 2>/dev/null || true)"
[[ -z "$GO" && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
if [[ -z "$GO" ]]; then
  cand="$(apt-cache policy golang-go 2>/dev/null | awk '/Candidate:/ {print $2}' | sed -E 's/^[0-9]+://; s/~.*//')"
  if [[ -n "$cand" && "$cand" != "(none)" ]] && [[ "$(printf '%s\n' 1.21 "$cand" | sort -V | head -1)" == "1.21" ]]; then
    log "Go not found; installing golang-go $cand with apt..."
    apt-get install -y -q golang-go >&2 || die "apt-get install golang-go failed"
    GO="$(command -v go)"
  else
    die "Go is not installed, and this system's golang-go package (${cand:-none}) is too old (need Go >= 1.21).
  Install Go >= 1.25 (https://go.dev/dl/, unpack to /usr/local/go and add /usr/local/go/bin to PATH)."
  fi
fi
gover="$("$GO" env GOVERSION 2>/dev/null | sed 's/^go//')"
if [[ "$(printf '%s\n' 1.21 "$gover" | sort -V | head -1)" != "1.21" ]]; then
  die "$GO is Go $gover; need Go >= 1.21 (which then fetches the toolchain Temporal needs itself). See https://go.dev/dl/"
fi
