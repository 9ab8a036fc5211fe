"""Reading the services' HTTP read APIs. A failed read becomes a `Fetched` with a notice
for its panel, never an error page: the other panels still show."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Fetched:
    """The JSON a service answered, or why there is none (`notice`, shown on the panel)."""

    data: Any = None
    notice: str | None = None
    not_found: bool = False

    @property
    def ok(self) -> bool:
        return self.notice is None


class ReadApis:
    """One shared HTTP client; `get(service, path)` never raises."""

    def __init__(self, urls: Mapping[str, str], client: httpx.AsyncClient,
                 token: str | None = None) -> None:
        self.urls = dict(urls)
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else None

    def as_viewer(self, token: str) -> ReadApis:
        """The same services, read as the signed-in person: each applies its own rules."""
        return ReadApis(self.urls, self.client, token)

    async def get(self, service: str, path: str,
                  params: Mapping[str, str] | tuple[tuple[str, str], ...] | None = None
                  ) -> Fetched:
        url = self.urls[service] + path
        try:
            response = await self.client.get(url, params=params, headers=self.headers)
        except httpx.HTTPError as exc:
            return Fetched(notice=f"The {service} service is not reachable ({type(exc).__name__} "
                                  f"at {self.urls[service]}); this panel is empty until it is back.")
        if response.status_code == 404:
            return Fetched(notice=f"The {service} service knows nothing about this.", not_found=True)
        if response.status_code >= 400:
            return Fetched(notice=f"The {service} service answered {response.status_code} "
                                  f"for {path}: {response.text[:200]}")
        try:
            return Fetched(data=response.json())
        except ValueError:
            return Fetched(notice=f"The {service} service sent something that is not JSON for {path}.")

    async def document(self, service: str, path: str) -> tuple[bytes, str] | None:
        """A document (a letter's PDF) as the service sends it, with its media type; None if
        the service has none or cannot be reached."""
        try:
            response = await self.client.get(self.urls[service] + path, headers=self.headers)
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        return response.content, response.headers.get("content-type", "application/octet-stream")

    async def get_many(self, requests: Mapping[str, tuple[str, str, Mapping[str, str] | None]]
                       ) -> dict[str, Fetched]:
        """Several reads at once: name -> (service, path, params)."""
        names = list(requests)
        answers = await asyncio.gather(*(self.get(*requests[n]) for n in names))
        return dict(zip(names, answers, strict=True))

    async def health(self) -> dict[str, bool]:
        checks = await asyncio.gather(*(self.get(s, "/health") for s in self.urls))
        return {s: c.ok for s, c in zip(self.urls, checks, strict=True)}
