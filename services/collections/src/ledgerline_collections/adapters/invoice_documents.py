"""Invoicing's invoice documents, over HTTP: the letter post sends a customer a copy of an
invoice as invoicing issued it (invoicing owns the document; the copy must be the original's
bytes), and needs it at once, so we ask invoicing synchronously, as a read-only machine caller
(runtime.auth.machine_credentials)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import httpx

from ledgerline_events.runtime.peers import Peer

from .smtp import Attachment

FETCH_TIMEOUT_S = 30


class InvoiceDocuments(Peer):
    """Raises runtime.peers.PeerUnavailable when invoicing does not give the document now
    (down, or not there yet): the letter is tried again later."""

    def __init__(self, base_url: str, credentials: Callable[[], dict[str, str]],
                 client: httpx.AsyncClient | None = None) -> None:
        super().__init__("invoicing", base_url, credentials, client, timeout_s=FETCH_TIMEOUT_S)

    async def pdf(self, invoice_id: str) -> bytes:
        return (await self.get(f"/invoices/{quote(invoice_id, safe='')}/pdf")).content

    async def e_invoice(self, invoice_id: str) -> Attachment | None:
        """The invoice's legal e-invoice (Factur-X, FatturaPA or UBL) as invoicing wrote it;
        None while it is not written yet."""
        listed = (await self.get("/e-invoices", {"invoice_id": invoice_id})).json()
        written = [d for d in listed if d["sha256"] and not d["credit_note_id"]]
        if not written:
            return None
        found = await self.get(f"/e-invoices/{quote(written[0]['document_id'], safe='')}")
        return Attachment(written[0]["filename"], written[0]["media_type"], found.content)
