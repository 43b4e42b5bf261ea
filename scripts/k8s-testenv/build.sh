#!/usr/bin/env bash
# Builds the test control plane from the Go module proxy with this machine's Go toolchain:
# kube-apiserver, kube-controller-manager, kube-scheduler and etcd (Kubernetes $K8S_VERSION)
# and KWOK, into a cache outside the repository. A no-op when the binaries are there.
#
# k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces the staging modules with
# ./staging paths), so a small wrapper module requires it and maps each staging module to its
# published v0.x release.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
source "$here/../heartbeat.sh"
CACHE="${TENANTCTL_CACHE:-$HOME/.cache/tenantctl}"
ROOT="$CACHE/k8s-testenv-$K8S_VERSION"
BIN="$ROOT/bin"
want=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok)
missing=0
for b in "${want[@]}"; do [ -x "$BIN/$b" ] || missing=1; done
if [ "$missing" = 0 ]; then echo "$BIN"; exit 0; fi

log() { printf '==> %s\n' "$*" >&2; }
start=$(date +%s)
rm -rf "$ROOT/wrapper"
mkdir -p "$ROOT/wrapper" "$BIN"
cd "$ROOT/wrapper"
export GOFLAGS=-mod=mod CGO_ENABLED=0

log "reading k8s.io/kubernetes@$K8S_VERSION's go.mod from the module proxy"
kmod_json="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION")"
kgomod="$(printf '%s' "$kmod_json" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
go_line="$(grep -m1 '^go ' "$kgomod")"
godebug_line="$(grep -m1 -E '^godebug [a-z]' "$kgomod" || true)"
staging="$(grep -E '^\s*k8s.io/[a-z0-9-]+ => ./staging/' "$kgomod" | awk '{print $1}')"

{
  echo "module tenantctl.local/k8s-testenv"
  echo
  echo "$go_line"
  if [ -n "$godebug_line" ]; then echo; echo "$godebug_line"; fi
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  for m in $staging; do printf '\t%s => %s %s\n' "$m" "$m" "$K8S_STAGING_VERSION"; done
  echo ")"
} > go.mod
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
GO
log "resolving modules (go mod tidy)"
go mod tidy >&2
log "building kube-apiserver, kube-controller-manager, kube-scheduler, etcd"
# Stamp the release version: the API server derives its emulation version and discovery from it.
minor="$(echo "$K8S_VERSION" | cut -d. -f2)"
vflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  vflags="$vflags -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
with_heartbeat "building the Kubernetes control plane (about 10 minutes on 2 cores, once)" go build -trimpath -ldflags "-s -w $vflags" -o "$BIN/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler >&2
with_heartbeat "building etcd" go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3 >&2
log "building kwok $KWOK_VERSION"
GOBIN="$BIN" with_heartbeat "building KWOK" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" >&2
log "built in $(( $(date +%s) - start )) s into $BIN"
echo "$BIN"
