"""Configuration every service shares, from environment variables with local defaults."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ledgerline_events.contract import Topics


class ServiceSettings(BaseSettings):
    """Subclass per service and set `service_name`. Env prefix: ``LEDGERLINE_``."""

    model_config = SettingsConfigDict(env_prefix="LEDGERLINE_", extra="ignore")

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
    log_level: str = "INFO"
    log_json: bool = True
    # Access control (runtime/auth.py): at least one of the two, or the service refuses to
    # start. The secret signs bearer JWTs (HS256); the keys are JSON {key: {sub, roles}}.
    auth_jwt_secret: SecretStr | None = None
    auth_api_keys: SecretStr | None = None
    # Largest request body accepted (bytes); larger answers 413. Services may raise it per
    # route (cash-application's statement import).
    max_request_bytes: int = 1024 * 1024
    # A command's business date (`occurred_at`) may be at most this far after now: clocks of
    # callers drift, and nothing is known about the future.
    business_time_tolerance_seconds: int = 300

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
