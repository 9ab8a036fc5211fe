"""Asking another of our services synchronously, in the few cases the caller needs the answer
now (a letter's invoice copy, a statement's interest): its base URL, headers that sign us in
as a read-only machine caller (auth.machine_credentials), one client. Down, or any answer but
200, is PeerUnavailable with the reason: the caller decides whether to try later or say so."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx


class PeerUnavailable(Exception):
    """The other service did not answer now (down, refused, or nothing there yet)."""


class Peer:
    def __init__(self, name: str, base_url: str, credentials: Callable[[], dict[str, str]],
                 client: httpx.AsyncClient | None = None, timeout_s: float = 10.0) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.client = client or httpx.AsyncClient(timeout=timeout_s)

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        url = f"{self.base_url}{path}"
        try:
            response = await self.client.get(url, params=params, headers=self.credentials())
        except httpx.HTTPError as exc:
            raise PeerUnavailable(f"{self.name} not reachable: {exc!r}") from exc
        if response.status_code != 200:
            raise PeerUnavailable(f"{self.name} answered {response.status_code} for {url}")
        return response
