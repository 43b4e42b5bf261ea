#!/usr/bin/env bash
# An application's pipeline, in a clone of the platform repository: set a freshly pushed image
# for tenants' components on one cluster, re-render the tree, and commit both on a new branch
# (the pipeline then pushes it and opens the pull request). Prints the branch's name.
#   set-image.sh <spec> <rendered-dir> <cluster|-> <image> "<tenant>/<component> ..."...
# "-" for a spec with one cluster. Nothing is committed when any edit is refused.
set -euo pipefail
if [ "$#" -lt 5 ]; then
  echo "usage: $0 <spec> <rendered-dir> <cluster|-> <image> <tenant>/<component>..." >&2
  exit 2
fi
spec="$1" rendered="$2" cluster="$3" image="$4"
shift 4
cluster_flag=()
[ "$cluster" = "-" ] || cluster_flag=(--cluster "$cluster")
# set-image/<repository>-<tag>, e.g. set-image/api-3.3.0 for …/portal/api:3.3.0
name="${image##*/}"
branch="set-image/${name//[:@]/-}"
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-platform-ci}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-platform-ci@localhost}"
export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}"
git switch --quiet -c "$branch"
targets=()
# An argument may hold several targets separated by spaces (a pipeline variable, passed quoted).
for arg in "$@"; do
  read -r -a words <<< "$arg"
  targets+=("${words[@]}")
done
for target in "${targets[@]}"; do
  tenantctl set-image "$spec" "$target" "$image" "${cluster_flag[@]}" >&2
done
tenantctl render "$spec" --out "$rendered" >&2
git add -- "$spec" "$rendered"
git commit --quiet -m "set-image ${targets[*]} to ${image}${cluster_flag[*]:+ on $cluster}"
echo "$branch"
