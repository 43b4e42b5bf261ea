#!/usr/bin/env bash
# Builds yaml-oracle (main.go beside this script): Argo CD's manifest decoding
# (k8s.io/apimachinery's YAMLOrJSONDecoder, sigs.k8s.io/yaml) as a tiny command, into
# ~/.cache/tenantctl, so the tests can check verify's YAML reader against the real thing.
# The module comes from the Go module proxy (cached by the control-plane build). Prints the path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APIMACHINERY=v0.34.4
CACHE="${TENANTCTL_CACHE:-$HOME/.cache/tenantctl}/yaml-oracle-$APIMACHINERY"
BIN="$CACHE/bin/yaml-oracle"
SUM="$(sha256sum "$here/main.go" | cut -c1-16)"
if [ -x "$BIN" ] && [ "$(cat "$CACHE/source.sha" 2>/dev/null)" = "$SUM" ]; then echo "$BIN"; exit 0; fi
WORK="$CACHE/build"
rm -rf "$WORK"
mkdir -p "$WORK" "$CACHE/bin"
cp "$here/main.go" "$WORK/main.go"
cd "$WORK"
printf 'module tenantctl.local/yaml-oracle\n\ngo 1.24\n\nrequire k8s.io/apimachinery %s\n' "$APIMACHINERY" > go.mod
GOFLAGS=-mod=mod go mod tidy >&2
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$BIN.tmp" . >&2
mv "$BIN.tmp" "$BIN"
echo "$SUM" > "$CACHE/source.sha"
rm -rf "$WORK"
echo "$BIN"
