"""Invoicing's invoice documents, over HTTP: the letter post sends a customer a copy of an
invoice as invoicing issued it (invoicing owns the document; the copy must be the original's
bytes), and needs it at once, the one case where we ask another service synchronously. We read
as a machine caller with a read-only role: a short-lived token signed with the shared secret,
or the API key the settings give."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import httpx

from ledgerline_events.runtime.auth import mint_token

FETCH_TIMEOUT_S = 30
TOKEN_TTL_S = 300


class DocumentUnavailable(Exception):
    """Invoicing did not give the document now (down, or not there yet): tried again later."""


class InvoiceDocuments:
    def __init__(self, base_url: str, credentials: Callable[[], dict[str, str]],
                 client: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.client = client or httpx.AsyncClient(timeout=FETCH_TIMEOUT_S)

    async def pdf(self, invoice_id: str) -> bytes:
        url = f"{self.base_url}/invoices/{quote(invoice_id, safe='')}/pdf"
        try:
            response = await self.client.get(url, headers=self.credentials())
        except httpx.HTTPError as exc:
            raise DocumentUnavailable(f"invoicing not reachable: {exc!r}") from exc
        if response.status_code != 200:
            raise DocumentUnavailable(f"invoicing answered {response.status_code} for {url}")
        return response.content


def service_credentials(jwt_secret: str | None, api_key: str | None
                        ) -> Callable[[], dict[str, str]]:
    """Headers that sign collections in as a read-only machine caller."""
    def headers() -> dict[str, str]:
        if jwt_secret:
            token = mint_token(jwt_secret, "collections-letter-post", ["auditor"],
                               ttl_s=TOKEN_TTL_S)
            return {"Authorization": f"Bearer {token}"}
        return {"X-API-Key": api_key} if api_key else {}
    return headers
