#!/usr/bin/env bash
# Builds mikefarah/yq (the YAML editor people reach for to bump an image tag) from the Go
# module proxy into ~/.cache/tenantctl (once): `npm run bench` times tenantctl's in-place
# edits against it and counts the lines each leaves changed. Prints the binary's path.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../heartbeat.sh"
VERSION=v4.54.3
CACHE="${TENANTCTL_CACHE:-$HOME/.cache/tenantctl}/yq-$VERSION"
BIN="$CACHE/bin/yq"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE/bin"
GOBIN="$CACHE/bin.partial" with_heartbeat "building yq $VERSION" \
  go install -trimpath -ldflags "-s -w" "github.com/mikefarah/yq/v4@$VERSION" >&2
mv "$CACHE/bin.partial/yq" "$BIN"
rm -rf "$CACHE/bin.partial"
echo "$BIN"
