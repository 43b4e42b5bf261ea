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

# Debian packages, when any is named: apt-get update once, then install them (root or sudo).
apt_install() {
  [ "$#" -gt 0 ] || return 0
  step "installing OS packages: $*"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
}

# PostgreSQL and Redis (for tenantctl up and its tests), openssl (test certificates): Debian packages.
ensure_os_packages() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  # `up` installs Python components (the sample product) into a virtual environment.
  python3 -c "import ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
  apt_install "${missing[@]}"
}

# The Go toolchain builds the test control plane (kube-apiserver, etcd, KWOK) from the Go module proxy.
ensure_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "Go is needed to build the test control plane: install Go 1.24 or later (https://go.dev/dl) or apt-get install golang-go" >&2
    exit 1
  fi
}

# The test control plane, built once into ~/.cache/tenantctl (cold: about 7 minutes on 2 cores).
ensure_k8s_testenv() {
  step "test control plane (kube-apiserver, etcd, controller-manager, scheduler, KWOK)"
  bash scripts/k8s-testenv/build.sh >/dev/null
}

# The n8n releases the suite runs (src/versions.json n8nSupported) from npm into ~/.cache/tenantctl,
# with the Node.js 24 that n8n 2.x needs (once; about 3 minutes and 2 GB each).
ensure_n8n() {
  step "n8n releases for the end-to-end tests (and Node.js 24 for n8n 2.x)"
  node --input-type=module -e "
    const { ensureN8n } = await import('./dist/runtime/local/n8n-install.js');
    const { PINNED } = await import('./dist/versions.js');
    for (const version of PINNED.n8nSupported) await ensureN8n(version, (line) => console.error(line));
  "
}

# np-guard's netpol-analyzer, the independent analyzer verify is cross-checked against.
ensure_netpolicy() {
  step "netpol-analyzer (netpolicy) for the verify cross-check"
  TENANTCTL_NETPOLICY="$(bash scripts/netpolicy/build.sh)"
  export TENANTCTL_NETPOLICY
}

# Prometheus's promtool: the tenants' alert rules pass `check rules` and their unit tests.
# A cold build takes about 4.5 minutes on 2 cores.
ensure_promtool() {
  step "promtool (Prometheus v0.316.0 = 3.16) for the alert rules' checks and unit tests"
  TENANTCTL_PROMTOOL="$(bash scripts/go-install.sh promtool github.com/prometheus/prometheus/cmd/promtool v0.316.0)"
  export TENANTCTL_PROMTOOL
}

# Grafana's dashboard model (Grafana Foundation SDK, strict decoding) for the rendered dashboards,
# and Prometheus with prom-label-proxy, which the tenants' metrics datasources go through.
ensure_observability_tools() {
  step "grafana-dashboard (Grafana's dashboard model), Prometheus and prom-label-proxy"
  TENANTCTL_GRAFANA_DASHBOARD="$(bash scripts/grafana-dashboard/build.sh)"
  TENANTCTL_PROMETHEUS="$(bash scripts/go-install.sh prometheus github.com/prometheus/prometheus/cmd/prometheus v0.316.0)"
  TENANTCTL_PROM_LABEL_PROXY="$(bash scripts/go-install.sh prom-label-proxy github.com/prometheus-community/prom-label-proxy v0.11.1)"
  export TENANTCTL_GRAFANA_DASHBOARD TENANTCTL_PROMETHEUS TENANTCTL_PROM_LABEL_PROXY
}

# Argo CD's manifest decoding as a tiny Go command: verify's YAML reader is checked against it.
ensure_yaml_oracle() {
  step "yaml-oracle (apimachinery's YAML decoding) for verify's reader"
  TENANTCTL_YAML_ORACLE="$(bash scripts/yaml-oracle/build.sh)"
  export TENANTCTL_YAML_ORACLE
}

# Argo CD's ApplicationSet templating (text/template with Sprig) as a tiny Go command: the
# generated applications' names are rendered as Argo CD renders them.
ensure_appset_template() {
  step "appset-template (Argo CD's ApplicationSet templating) for the application sets' test"
  TENANTCTL_APPSET_TEMPLATE="$(bash scripts/appset-template/build.sh)"
  export TENANTCTL_APPSET_TEMPLATE
}

# cfn-lint (PyPI) in a virtual environment under ~/.cache/tenantctl: every synthesized
# CloudFormation template is linted with it. Reinstalled only when the pinned version changes.
CFN_LINT_VERSION="1.58.0"
ensure_cfn_lint() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/tenantctl/venv-cfn-lint-$CFN_LINT_VERSION"
  if [ ! -x "$venv/bin/cfn-lint" ]; then
    step "installing cfn-lint $CFN_LINT_VERSION (PyPI) into $venv"
    command -v python3 >/dev/null 2>&1 || ensure_os_packages
    python3 -m venv "$venv.partial" 2>/dev/null || {
      apt_install python3-venv
      rm -rf "$venv.partial"
      python3 -m venv "$venv.partial"
    }
    "$venv.partial/bin/pip" install --quiet --disable-pip-version-check --progress-bar on "cfn-lint==$CFN_LINT_VERSION"
    rm -rf "$venv"
    mv "$venv.partial" "$venv"
    # The venv's scripts name their interpreter by absolute path: point them at the final place.
    sed -i "1s|$venv.partial|$venv|" "$venv/bin/cfn-lint" "$venv/bin/pip"
  fi
  step "cfn-lint $CFN_LINT_VERSION for the synthesized CloudFormation templates"
  TENANTCTL_CFN_LINT="$venv/bin/cfn-lint"
  export TENANTCTL_CFN_LINT
}

# The CI templates' checkers: actionlint (from the Go module proxy) for the GitHub workflows,
# with shellcheck (Debian) for their run: steps and the scripts they call; git for the test
# that runs the delivery flow on local repositories.
ensure_ci_tools() {
  local missing=()
  command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
  command -v git >/dev/null 2>&1 || missing+=(git)
  apt_install "${missing[@]}"
  step "actionlint for the CI templates"
  TENANTCTL_ACTIONLINT="$(bash scripts/actionlint/build.sh)"
  export TENANTCTL_ACTIONLINT
}

# Chromium (Debian) for the test that opens verify's HTML report as a person would.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 || apt_install chromium
}
