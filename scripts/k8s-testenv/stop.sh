#!/usr/bin/env bash
# Stops the test control plane started by start.sh STATE_DIR (its data stays in STATE_DIR).
set -uo pipefail
STATE="${1:?usage: stop.sh STATE_DIR}"
for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  pidfile="$STATE/$name.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  rm -f "$pidfile"
done
