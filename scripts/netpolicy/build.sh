#!/usr/bin/env bash
# Builds np-guard's netpol-analyzer (the `netpolicy` CLI), the independent analyzer verify's
# connectivity is cross-checked against, into ~/.cache/tenantctl (once; about 90 s).
# `go install …@v1.4.4` fails here: the module proxy refuses the version list it reads for
# deprecation notices, and the checksum database lacks np-guard/models. So a wrapper module
# requires the version and takes the go.sum that netpol-analyzer itself publishes.
# Prints the binary's path.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../heartbeat.sh"
VERSION=v1.4.4
CACHE="${TENANTCTL_CACHE:-$HOME/.cache/tenantctl}/netpolicy-$VERSION"
BIN="$CACHE/bin/netpolicy"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
WORK="$CACHE/build"
mkdir -p "$WORK" "$CACHE/bin"
cd "$WORK"
go mod download "github.com/np-guard/netpol-analyzer@$VERSION" >&2
MOD="$(go env GOMODCACHE)/github.com/np-guard/netpol-analyzer@$VERSION"
GO_LINE="$(grep '^go ' "$MOD/go.mod" | cut -d' ' -f2)"
printf 'module tenantctl.local/netpolicy-build\n\ngo %s\n\nrequire github.com/np-guard/netpol-analyzer %s\n' "$GO_LINE" "$VERSION" > go.mod
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/np-guard/netpol-analyzer/cmd/netpolicy"\n' > tools.go
cp "$MOD/go.sum" go.sum
chmod u+w go.sum
go mod tidy >&2
with_heartbeat "building netpol-analyzer" go build -trimpath -ldflags "-s -w" -o "$BIN.tmp" github.com/np-guard/netpol-analyzer/cmd/netpolicy >&2
mv "$BIN.tmp" "$BIN"
rm -rf "$WORK"
echo "$BIN"
