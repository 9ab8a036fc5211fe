"""Collections' late-payment interest, over HTTP: a statement shows the interest the
customer's invoices earned and no note claimed yet. Collections owns that figure (the rates,
the disputes, the claims and waivers), and a statement is asked for now, so we ask it
synchronously, as a read-only machine caller (runtime.auth.machine_credentials)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import httpx
import structlog

from ledgerline_events.contract.money import Money
from ledgerline_events.runtime.peers import Peer, PeerUnavailable

from ..domain.statement import InterestAccrued

log = structlog.get_logger("ledgerline.invoicing.accrued_interest")


class AccruedInterest(Peer):
    def __init__(self, base_url: str, credentials: Callable[[], dict[str, str]],
                 client: httpx.AsyncClient | None = None) -> None:
        super().__init__("collections", base_url, credentials, client)

    async def of(self, customer_id: str, as_of: date) -> list[InterestAccrued] | None:
        """Per invoice, what it earned by the end of `as_of` and nobody claimed or waived;
        None when collections does not answer (the statement then says it is not known)."""
        try:
            response = await self.get(f"/customers/{quote(customer_id, safe='')}/late-interest",
                                      {"as_of": as_of.isoformat()})
        except PeerUnavailable as missing:
            log.warning("accrued_interest.unavailable", reason=str(missing))
            return None
        return [InterestAccrued(
            invoice_id=i["invoice_id"], invoice_number=i["invoice_number"],
            days_accrued=i["days_accrued"], interest=_money(i["interest"]),
            indemnity=_money(i["indemnity"])) for i in response.json()["invoices"]]


def _money(found: dict[str, str]) -> Money:
    return Money(amount=Decimal(found["amount"]), currency=found["currency"])
