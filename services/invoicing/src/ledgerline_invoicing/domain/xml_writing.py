"""Writing e-invoice XML: elements named `prefix:local` against the format's namespaces, text
as given, amounts as plain decimals; the same facts give the same bytes."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree


class Writer:
    def __init__(self, namespaces: dict[str | None, str]) -> None:
        self.namespaces = namespaces  # None: the default namespace (unprefixed names)

    def _name(self, tag: str) -> str:
        prefix, _, local = tag.rpartition(":")
        namespace = self.namespaces.get(prefix or None)
        return f"{{{namespace}}}{local}" if namespace else local

    def root(self, tag: str, **attributes: str) -> etree._Element:
        return etree.Element(self._name(tag), attributes,
                             nsmap=self.namespaces)  # type: ignore[arg-type]  # None: default

    def sub(self, parent: etree._Element, tag: str, text: str | None = None,
            **attributes: str) -> etree._Element:
        element = etree.SubElement(parent, self._name(tag), attributes)
        if text is not None:
            element.text = text
        return element

    @staticmethod
    def document(root: etree._Element) -> bytes:
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    pretty_print=True))


def amount(value: Decimal) -> str:
    """A decimal as written in the event (no exponent, its own scale)."""
    return format(value, "f")
