# Upstream CRD modules at the versions tenantctl pins, read from src/versions.json.
_pins="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/src/versions.json"
CNPG_VERSION="v$(node -p "JSON.parse(require('fs').readFileSync('$_pins','utf8')).cloudnativePg")"
