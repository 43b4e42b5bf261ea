#!/usr/bin/env bash
# Builds appset-template (main.go beside this script): Argo CD's ApplicationSet go templates
# (text/template with Sprig, as the ApplicationSet controller renders them) as a tiny command,
# into ~/.cache/tenantctl, so the tests can render the generated applications' names, projects
# and namespaces as Argo CD would. Sprig comes from the Go module proxy. Prints the path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SPRIG=v3.3.0
CACHE="${TENANTCTL_CACHE:-$HOME/.cache/tenantctl}/appset-template-$SPRIG"
BIN="$CACHE/bin/appset-template"
SUM="$(sha256sum "$here/main.go" | cut -c1-16)"
if [ -x "$BIN" ] && [ "$(cat "$CACHE/source.sha" 2>/dev/null)" = "$SUM" ]; then echo "$BIN"; exit 0; fi
WORK="$CACHE/build"
rm -rf "$WORK"
mkdir -p "$WORK" "$CACHE/bin"
cp "$here/main.go" "$WORK/main.go"
cd "$WORK"
printf 'module tenantctl.local/appset-template\n\ngo 1.24\n\nrequire github.com/Masterminds/sprig/v3 %s\n' "$SPRIG" > go.mod
GOFLAGS=-mod=mod go mod tidy >&2
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$BIN.tmp" . >&2
mv "$BIN.tmp" "$BIN"
echo "$SUM" > "$CACHE/source.sha"
rm -rf "$WORK"
echo "$BIN"
