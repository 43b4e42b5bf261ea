#!/usr/bin/env bash
# The platform repository's pull request check: the spec is valid, the committed tree is
# exactly what it renders, the tree Argo CD will apply keeps every tenant isolated (SARIF per
# cluster, for code scanning), and what the change does to the monthly cost (a Markdown
# comment). Writes every report even when a step fails; exits 1 when any failed.
#   check.sh <spec> <rendered-dir> <report-dir> [<base-ref>]
set -uo pipefail
if [ "$#" -lt 3 ]; then
  echo "usage: $0 <spec> <rendered-dir> <report-dir> [base-ref]" >&2
  exit 2
fi
spec="$1" rendered="$2" reports="$3" base="${4:-}"
mkdir -p "$reports"
failed=0
step() { echo "== $*" >&2; }

step "validate $spec"
tenantctl validate "$spec" || failed=1
step "render --check: is $rendered what $spec renders?"
tenantctl render "$spec" --out "$rendered" --check || failed=1

clusters="$(tenantctl clusters "$spec" --keys)" || { echo "cannot list the clusters of $spec" >&2; exit 1; }
[ -n "$clusters" ] || clusters="-"
base_spec=""
if [ -n "$base" ]; then
  base_spec="$(mktemp)"
  git show "$base:$spec" > "$base_spec" 2>/dev/null || base_spec=""
fi
{
  echo "### Monthly cost"
  echo
} > "$reports/cost.md"
for cluster in $clusters; do
  flag=()
  [ "$cluster" = "-" ] || flag=(--cluster "$cluster")
  name="${cluster/#-/cluster}"
  step "verify the committed tree ${flag[*]}"
  tenantctl verify "$rendered" "${flag[@]}" --format sarif --out "$reports/verify-$name.sarif" || failed=1
  step "cost ${flag[*]}"
  tenantctl cost "$spec" "${flag[@]}" > "$reports/cost-$name.txt" || failed=1
  {
    echo "#### ${name}"
    echo
    echo '```diff'
    if [ -n "$base_spec" ] && tenantctl cost "$base_spec" "${flag[@]}" > "$reports/cost-$name.base.txt" 2>/dev/null; then
      if cmp -s "$reports/cost-$name.base.txt" "$reports/cost-$name.txt"; then
        echo "(no change)"
      else
        diff -U 2 --label "before" --label "after" "$reports/cost-$name.base.txt" "$reports/cost-$name.txt"
      fi
    else
      echo "(new: no cost before this change)"
      cat "$reports/cost-$name.txt"
    fi
    echo '```'
    echo
  } >> "$reports/cost.md"
done
[ -z "$base_spec" ] || rm -f "$base_spec"
if [ "$failed" -ne 0 ]; then echo "check failed: see the steps above" >&2; fi
exit "$failed"
