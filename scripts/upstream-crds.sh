#!/usr/bin/env bash
# Prints, one per line, `<project> <directory>` of the upstream CRD manifests at the versions
# tenantctl pins (src/versions.json, "crds"), taken from the projects' published Go modules:
# the Go module proxy downloads them into the Go module cache, outside the repository. Those the
# proxy refuses (RabbitMQ's operators) are vendored unchanged under vendor/crds/ ("vendored").
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node -e '
  const crds = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).crds;
  for (const [name, c] of Object.entries(crds)) {
    if (c.vendored) console.log(name, "vendored", "-", c.vendored);
    else for (const p of c.paths) console.log(name, c.module, c.version, p);
  }
' "$repo/src/versions.json" | while read -r name module version path; do
  if [ "$module" = vendored ]; then
    echo "$name $repo/$path"
    continue
  fi
  dir="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  if [ -z "$dir" ] || [ ! -d "$dir/$path" ]; then
    echo "cannot get the CRDs of $name ($module@$version, $path) from the Go module proxy" >&2
    exit 1
  fi
  echo "$name $dir/$path"
done
