#!/usr/bin/env bash
# Prints, one per line, `<name> <directory>` of the upstream CRD manifests at the versions
# tenantctl pins, taken from the projects' published Go modules (downloaded by the Go module
# proxy into the Go module cache; nothing third-party is committed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/crd-versions.sh"
module_dir() {
  local dir
  dir="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "$1@$2" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "cannot download $1@$2 from the Go module proxy" >&2
    exit 1
  fi
  echo "$dir"
}
echo "cloudnative-pg $(module_dir github.com/cloudnative-pg/cloudnative-pg "$CNPG_VERSION")/config/crd/bases"
