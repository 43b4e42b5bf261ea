#!/usr/bin/env bash
# Builds a one-file Go command (the main.go in scripts/<name>/) against one module from the Go
# module proxy, into ~/.cache/tenantctl/<name>-<version>/bin/<name>, once per version of
# main.go. Prints the binary's path. Used for the tools tests check tenantctl against
# (Argo CD's YAML decoding, its ApplicationSet templating).
#   bash scripts/go-command.sh <name> <module> <version>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/heartbeat.sh"
name="$1" module="$2" version="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$name"
CACHE="${TENANTCTL_CACHE:-$HOME/.cache/tenantctl}/$name-$version"
BIN="$CACHE/bin/$name"
SUM="$(sha256sum "$here/main.go" | cut -c1-16)"
if [ -x "$BIN" ] && [ "$(cat "$CACHE/source.sha" 2>/dev/null)" = "$SUM" ]; then echo "$BIN"; exit 0; fi
WORK="$CACHE/build"
rm -rf "$WORK"
mkdir -p "$WORK" "$CACHE/bin"
cp "$here/main.go" "$WORK/main.go"
cd "$WORK"
printf 'module tenantctl.local/%s\n\ngo 1.24\n\nrequire %s %s\n' "$name" "$module" "$version" > go.mod
GOFLAGS=-mod=mod go mod tidy >&2
CGO_ENABLED=0 with_heartbeat "building $name" go build -trimpath -ldflags "-s -w" -o "$BIN.tmp" . >&2
mv "$BIN.tmp" "$BIN"
echo "$SUM" > "$CACHE/source.sha"
rm -rf "$WORK"
echo "$BIN"
