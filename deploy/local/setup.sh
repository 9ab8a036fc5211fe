#!/usr/bin/env bash
# Everything a fresh Debian machine needs to run and test ledgerline, safe to run again:
# Java 17 + Maven (checked; installed from Debian's packages when missing), uv (pinned),
# the locked Python environment (.venv from uv.lock), the Kafka broker artifacts (Maven
# Central), Mailpit (built with Go from the module proxy), the PostgreSQL server and
# Chromium + chromedriver for the browser test (Debian's packages). Never prompts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
uv_version=0.9.30
export DEBIAN_FRONTEND=noninteractive

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

apt_updated=""
apt_install() {
  command -v apt-get >/dev/null || die "need $*, and apt-get is not available: install them by hand"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to install $*"
    sudo="sudo -n"
  fi
  if [ -z "$apt_updated" ]; then $sudo apt-get update -qq; apt_updated=1; fi
  say "installing $* from Debian's packages"
  $sudo apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}

ensure_java() {
  local major=""
  command -v java >/dev/null && major=$(java_major)
  if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    apt_install openjdk-17-jre-headless
    major=$(java_major)
  fi
  [ -n "$major" ] && [ "$major" -ge 17 ] || die "Java 17+ is required for Kafka (found: '${major:-none}')"
  say "java $major ok"
}

ensure_maven() {
  command -v mvn >/dev/null || apt_install maven
  command -v mvn >/dev/null || die "Maven (mvn) is required to fetch the Kafka artifacts"
  say "maven ok"
}

ensure_uv() {
  if ! command -v uv >/dev/null; then
    local py; py=$(command -v python3 || true)
    [ -n "$py" ] || apt_install python3 python3-pip
    say "installing uv $uv_version with pip"
    python3 -m pip install -q --disable-pip-version-check "uv==$uv_version" </dev/null ||
      python3 -m pip install -q --disable-pip-version-check --user --break-system-packages \
        "uv==$uv_version" </dev/null
    hash -r
    export PATH="$HOME/.local/bin:$PATH"
  fi
  command -v uv >/dev/null || die "uv is not on PATH after installing it"
  local have; have=$(uv --version | awk '{print $2}')
  [ "$have" = "$uv_version" ] || say "warning: uv $have found, the project pins $uv_version"
  say "uv $have ok"
}

# The dashboard's browser test drives Debian's Chromium through Debian's chromedriver.
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || die "chromium/chromedriver missing"
  say "chromium ok"
}

ensure_fonts() {  # the font archival PDFs (Factur-X) embed (runtime/pdf.py)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || apt_install fonts-dejavu-core
  say "fonts ok"
}

ensure_node() {  # npm fetches the AsyncAPI schema and parser the contract tests read with
  command -v npm >/dev/null || apt_install nodejs npm
  command -v node >/dev/null || die "Node.js (node, npm) is required for the AsyncAPI checks"
  say "node ok ($(node --version))"
}

sync_python() {
  if [ -f uv.lock ]; then
    uv sync --frozen </dev/null
  else
    say "no uv.lock yet: resolving (commit the uv.lock this writes)"
    uv sync </dev/null
  fi
  say "python environment ok (.venv)"
}

ensure_java
ensure_maven
ensure_uv
ensure_chromium
ensure_fonts
ensure_node
sync_python
"$root/deploy/local/kafka.sh" install
"$root/deploy/local/postgres.sh" install </dev/null
"$root/deploy/local/mailpit.sh" install </dev/null
"$root/deploy/local/schemas.sh" install </dev/null
say "done. Next: make up (everything) or make test (whole suite)"
