#!/usr/bin/env bash
# Builds rhysd/actionlint (the GitHub Actions workflow checker) from the Go module proxy into
# ~/.cache/tenantctl (once): the CI templates in examples/ci/ are checked with it.
# Prints the binary's path.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../heartbeat.sh"
VERSION=v1.7.12
CACHE="${TENANTCTL_CACHE:-$HOME/.cache/tenantctl}/actionlint-$VERSION"
BIN="$CACHE/bin/actionlint"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE/bin"
GOBIN="$CACHE/bin.partial" with_heartbeat "building actionlint $VERSION" \
  go install -trimpath -ldflags "-s -w" "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2
mv "$CACHE/bin.partial/actionlint" "$BIN"
rm -rf "$CACHE/bin.partial"
echo "$BIN"
