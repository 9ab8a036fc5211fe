"""The credit service running in-process against the real broker and database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from ledgerline_credit.bootstrap import CreditService
from ledgerline_credit.config import CreditSettings
from ledgerline_events.contract import Envelope, encode


@dataclass
class MovableClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 10, 12, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class CreditUnderTest:
    app: FastAPI
    http: httpx.AsyncClient
    settings: CreditSettings
    producer: AIOKafkaProducer
    clock: MovableClock

    @property
    def service(self) -> CreditService:
        service: CreditService = self.app.state.service
        return service

    async def publish(self, topic: str, *events: Envelope) -> None:
        for e in events:
            await self.producer.send_and_wait(topic, value=encode(e), key=e.partition_key)

    async def view(self, customer_id: str) -> dict[str, Any]:
        response = await self.http.get(f"/customers/{customer_id}/credit")
        return response.json() if response.status_code == 200 else {}

    async def set_limit(self, customer_id: str, amount: str, currency: str = "EUR") -> None:
        response = await self.http.put(
            f"/customers/{customer_id}/credit-limits/{currency}",
            json={"limit": amount, "set_by": "anna", "reason": "annual review"})
        assert response.status_code == 200, response.text
