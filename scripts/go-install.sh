#!/usr/bin/env bash
# Builds a Go program with `go install <module>/<package>@<version>` from the Go module proxy
# into ~/.cache/tenantctl/<name>-<version>/bin/<name> (once), with a progress line while the
# compiler runs. Prints the binary's path.
#   bash scripts/go-install.sh <name> <module>/<package> <version>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/heartbeat.sh"
name="$1" package="$2" version="$3"
CACHE="${TENANTCTL_CACHE:-$HOME/.cache/tenantctl}/$name-$version"
BIN="$CACHE/bin/$name"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE/bin"
GOBIN="$CACHE/bin.partial" with_heartbeat "building $name $version" \
  go install -trimpath -ldflags "-s -w" "$package@$version" >&2
mv "$CACHE/bin.partial/$name" "$BIN"
rm -rf "$CACHE/bin.partial"
echo "$BIN"
