"""Configuration every service shares, from environment variables with local defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ledgerline_events.contract import Topics
from ledgerline_events.contract.creditor import Creditor
from ledgerline_events.contract.values import ValuePolicy

from .oidc import OidcProvider


class AuthSettings(BaseSettings):
    """Who may call (runtime/auth.py), shared by the services and the dashboard."""

    model_config = SettingsConfigDict(env_prefix="LEDGERLINE_", extra="ignore")

    # At least one way to check callers, or a service refuses to start. The secret signs
    # bearer JWTs (HS256); the keys are JSON {key: {sub, roles}}.
    auth_jwt_secret: SecretStr | None = None
    auth_api_keys: SecretStr | None = None
    # Tokens must expire within this many seconds of being presented (claim `exp`).
    auth_max_token_lifetime_s: int = 24 * 3600
    # An OpenID Connect provider's RS256 tokens, beside the secret's (runtime/oidc.py).
    auth_oidc_issuer: str | None = None
    auth_oidc_jwks_url: str | None = None
    auth_oidc_audience: str | None = None
    auth_oidc_roles_claim: str = "roles"

    def oidc_provider(self) -> OidcProvider | None:
        if not (self.auth_oidc_issuer and self.auth_oidc_jwks_url):
            return None
        return OidcProvider(self.auth_oidc_issuer, self.auth_oidc_jwks_url,
                            self.auth_oidc_audience, self.auth_oidc_roles_claim)


class ServiceSettings(AuthSettings):
    """Subclass per service and set `service_name`. Env prefix: ``LEDGERLINE_``."""

    service_name: ClassVar[str] = ""

    pg_dsn: str = "postgresql://postgres@127.0.0.1:15432/ledgerline"
    pg_pool_min: int = 2
    pg_pool_max: int = 10
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    schema_prefix: str = ""  # isolates test runs sharing one database
    run_worker: bool = True  # relay + consumers in this process beside the API
    consumer_batch_size: int = 2000
    # A batch short of full waits this long for more before its transaction. Each batch costs
    # ~10 statements whatever its size; at 100-200 payments/s batches held 1-3 payments.
    consumer_linger_ms: int = 10
    # Events refused one after the other (dead-lettered after decoding) before the consumer
    # stops as for a systemic failure: so many refusals are likelier a bad deployment.
    consumer_max_refused_in_row: int = 100
    log_level: str = "INFO"
    log_json: bool = True
    # Largest request body accepted (bytes); larger answers 413. Services may raise it per
    # route (cash-application's statement import).
    max_request_bytes: int = 1024 * 1024
    # The value policy of every edge (contract/values.py): largest amount in any currency,
    # and the window every date and instant must lie in.
    max_amount: Decimal = ValuePolicy.max_amount
    earliest_date: date = ValuePolicy.earliest
    latest_date: date = ValuePolicy.latest
    # A command's business date (`occurred_at`) may be at most this far after now: clocks of
    # callers drift, and nothing is known about the future.
    business_time_tolerance_seconds: int = 300
    # Printed on every document (invoices, letters): who the customer pays, and how.
    creditor_name: str = Creditor.name
    bank_name: str = Creditor.bank_name
    bank_account_holder: str = Creditor.account_holder
    bank_iban: str = Creditor.iban
    bank_bic: str = Creditor.bic

    def creditor(self) -> Creditor:
        return Creditor(self.creditor_name, self.bank_name, self.bank_account_holder,
                        self.bank_iban, self.bank_bic)

    def value_policy(self) -> ValuePolicy:
        return ValuePolicy(self.max_amount, self.earliest_date, self.latest_date)

    @property
    def topics(self) -> Topics:
        return Topics(prefix=self.topic_prefix)

    @property
    def write_schema(self) -> str:
        """Event store, idempotency keys, outbox and the service's own write-side tables."""
        return f"{self.schema_prefix}{self.service_name.replace('-', '_')}"

    @property
    def read_schema(self) -> str:
        """Projections, their consumed offsets and processed event ids."""
        return f"{self.write_schema}_read"

    @property
    def consumer_group(self) -> str:
        return f"{self.topic_prefix}ledgerline.{self.service_name}"
