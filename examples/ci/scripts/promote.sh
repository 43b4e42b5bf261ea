#!/usr/bin/env bash
# The platform team, in a clone of the platform repository: carry what tenants run on one
# cluster (n8n versions, images) to another, re-render, and commit on a new branch for a
# pull request. Prints the branch's name, or nothing when there is nothing to promote.
#   promote.sh <spec> <rendered-dir> <from> <to> [<tenant>,<tenant>...]
set -euo pipefail
if [ "$#" -lt 4 ]; then
  echo "usage: $0 <spec> <rendered-dir> <from> <to> [tenants]" >&2
  exit 2
fi
spec="$1" rendered="$2" from="$3" to="$4" tenants="${5:-}"
tenant_flag=()
[ -z "$tenants" ] || tenant_flag=(--tenants "$tenants")
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-platform-ci}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-platform-ci@localhost}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}"
branch="promote/$from-to-$to-$(date -u +%Y%m%d%H%M%S)"
git switch --quiet -c "$branch"
tenantctl promote "$spec" --from "$from" --to "$to" "${tenant_flag[@]}" >&2
if git diff --quiet -- "$spec"; then
  git switch --quiet -
  git branch --quiet -D "$branch"
  exit 0
fi
tenantctl render "$spec" --out "$rendered" >&2
git add -- "$spec" "$rendered"
git commit --quiet -m "promote $from to $to${tenants:+ ($tenants)}"
echo "$branch"
