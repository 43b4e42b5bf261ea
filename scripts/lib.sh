# Shared set-up steps of the project's scripts. Each step installs what it needs and is a
# no-op when it is already in place, so a fresh machine and a warm one run the same script.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# npm packages, exactly as locked; reinstalled only when the lock file changed.
ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build() {
  step "building (tsc)"
  node node_modules/typescript/bin/tsc -p tsconfig.build.json
}
