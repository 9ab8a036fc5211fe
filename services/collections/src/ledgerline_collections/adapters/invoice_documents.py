"""Invoicing's invoice documents, over HTTP: the letter post sends a customer a copy of an
invoice as invoicing issued it (invoicing owns the document; the copy must be the original's
bytes), and needs it at once, so we ask invoicing synchronously, as a read-only machine caller
(runtime.auth.machine_credentials)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import httpx

from .smtp import Attachment

FETCH_TIMEOUT_S = 30


class DocumentUnavailable(Exception):
    """Invoicing did not give the document now (down, or not there yet): tried again later."""


class InvoiceDocuments:
    def __init__(self, base_url: str, credentials: Callable[[], dict[str, str]],
                 client: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.client = client or httpx.AsyncClient(timeout=FETCH_TIMEOUT_S)

    async def pdf(self, invoice_id: str) -> bytes:
        return (await self._get(f"/invoices/{quote(invoice_id, safe='')}/pdf")).content

    async def e_invoice(self, invoice_id: str) -> Attachment | None:
        """The invoice's legal e-invoice (Factur-X, FatturaPA or UBL) as invoicing wrote it;
        None while it is not written yet."""
        listed = (await self._get(f"/e-invoices?invoice_id={quote(invoice_id, safe='')}")).json()
        written = [d for d in listed if d["sha256"] and not d["credit_note_id"]]
        if not written:
            return None
        found = await self._get(f"/e-invoices/{quote(written[0]['document_id'], safe='')}")
        return Attachment(written[0]["filename"], written[0]["media_type"], found.content)

    async def _get(self, path: str) -> httpx.Response:
        url = f"{self.base_url}{path}"
        try:
            response = await self.client.get(url, headers=self.credentials())
        except httpx.HTTPError as exc:
            raise DocumentUnavailable(f"invoicing not reachable: {exc!r}") from exc
        if response.status_code != 200:
            raise DocumentUnavailable(f"invoicing answered {response.status_code} for {url}")
        return response

