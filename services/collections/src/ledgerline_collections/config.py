"""Collections settings: the runtime's shared settings (``LEDGERLINE_*`` environment
variables) plus the company's ageing buckets, dunning policy and payment details."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, SecretStr

from ledgerline_events.runtime import ServiceSettings

from .domain.ageing import DEFAULT_BUCKET_BOUNDS, AgeingBuckets
from .domain.dunning import DunningPolicy, ladder_policy
from .domain.letter_post import LetterPost
from .domain.letters import PaymentInstructions


class CollectionsSettings(ServiceSettings):
    service_name: ClassVar[str] = "collections"

    port: int = 8104

    # Ageing bucket upper bounds in days past due (LEDGERLINE_AGEING_BUCKETS='[30,60,90]').
    ageing_buckets: list[int] = Field(default_factory=lambda: list(DEFAULT_BUCKET_BOUNDS))

    # Dunning ladder: waiting days after due per level (friendly, reminder, final, agency),
    # minimum days after the previous level's letter, grace, minimum letter amount per currency.
    dunning_days_after_due: list[int] = Field(default_factory=lambda: [7, 21, 35, 50])
    dunning_min_days_after_previous: int = 7
    dunning_grace_days: int = 0
    dunning_minimum_amounts: dict[str, Decimal] = Field(default_factory=dict)

    # The daily run inside the worker: promises settled as of the day, then dunning (off by
    # default and in tests; `make up` turns it on). With review, the day's letters are
    # proposed and wait for a collector's approval (POST /dunning-runs/{run_id}/approve).
    dunning_schedule_enabled: bool = False
    dunning_schedule_at: time = time(6, 0)  # UTC
    dunning_review_required: bool = False

    # Collector -> customers they work: the dunning run's `collector` scope
    # (LEDGERLINE_COLLECTOR_PORTFOLIOS='{"cole": ["C-1", "C-2"]}').
    collector_portfolios: dict[str, list[str]] = Field(default_factory=dict)

    # Days the final notice gives before the hand-over (the creditor's name and bank details
    # printed on letters are every service's settings: ServiceSettings.creditor).
    final_notice_days: int = 10
    # The letter post: each letter a dunning run records goes by e-mail, its PDF attached, to
    # the contact in charge, or to the print queue (off by default and in tests; `make up`
    # turns it on, with Mailpit as the mail server).
    letter_post_enabled: bool = False
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 11025
    mail_from: str = "accounts-receivable@ledgerline.example"
    mail_message_domain: str = "ledgerline.example"
    letter_post_poll_s: float = 2.0
    # How long a letter being sent stays claimed; past it, its sender is taken to have stopped
    # and the letter is in doubt (a quarter of it is the SMTP timeout).
    letter_post_lease_s: float = Field(default=120.0, ge=1.0)
    # Where the letter post fetches an invoice's own PDF for a copy (invoicing's read API), and
    # the API key it reads with when no JWT secret is shared.
    invoicing_url: str = "http://127.0.0.1:8102"
    invoicing_api_key: SecretStr | None = None
    # Whose earlier write-offs on the same invoice and customer count against a caller's
    # approval limit: the caller's own ("caller") or everybody's ("everyone").
    write_off_limit_counts: Literal["caller", "everyone"] = "caller"
    # Four eyes: a write-off above this amount (in its own currency) is only requested until a
    # second person approves it (POST /write-offs/{id}/approve). None: one person suffices.
    write_off_second_approval_above: Decimal | None = None

    @property
    def buckets(self) -> AgeingBuckets:
        return AgeingBuckets(tuple(self.ageing_buckets))

    @property
    def dunning_policy(self) -> DunningPolicy:
        return ladder_policy(self.dunning_days_after_due, self.dunning_min_days_after_previous,
                             self.dunning_minimum_amounts, self.dunning_grace_days)

    @property
    def letter_post(self) -> LetterPost:
        return LetterPost(self.smtp_host, self.smtp_port, self.mail_from, self.mail_message_domain,
                          lease=timedelta(seconds=self.letter_post_lease_s))

    @property
    def payment_instructions(self) -> PaymentInstructions:
        return PaymentInstructions(**vars(self.creditor()), final_notice_days=self.final_notice_days)
