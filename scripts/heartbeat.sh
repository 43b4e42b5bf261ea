# with_heartbeat "<what>" <command…>: runs the command and, while it runs, prints
# "  … still <what> (Ns)" to stderr every HEARTBEAT_SECONDS (30): a long Go build or npm
# install never leaves a cold machine's user looking at a silent terminal.
with_heartbeat() {
  local what="$1"
  shift
  local every="${HEARTBEAT_SECONDS:-30}" start
  start=$(date +%s)
  (
    while sleep "$every"; do
      printf '  … still %s (%ss)\n' "$what" "$(($(date +%s) - start))" >&2
    done
  ) &
  local beat=$! status=0
  "$@" || status=$?
  kill "$beat" 2>/dev/null || true
  wait "$beat" 2>/dev/null || true
  return "$status"
}
