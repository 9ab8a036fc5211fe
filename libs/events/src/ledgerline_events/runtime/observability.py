"""Structured JSON logs with correlation ids, and Prometheus metrics of the runtime."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO, cast

import structlog
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from .host import Runtime


class _CurrentStream:
    """sys.stdout or sys.stderr as it is when a line is written, not when logging was set up
    (a command run in-process under a test's captured, later closed, streams)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, text: str) -> int:
        return int(getattr(sys, self.name).write(text))

    def flush(self) -> None:
        getattr(sys, self.name).flush()


def configure_logging(level: str = "INFO", *, json: bool = True, to_stderr: bool = False) -> None:
    """Services log to stdout; a command whose stdout is its output logs to stderr."""
    out = cast(TextIO, _CurrentStream("stderr" if to_stderr else "stdout"))
    logging.basicConfig(format="%(message)s", stream=out, level=level, force=True)
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )


class RuntimeCollector(Collector):
    """Reads the runtime's counters at scrape time (no global metric singletons)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        service = self.runtime.settings.service_name
        applied = CounterMetricFamily("ledgerline_events_applied", "Events applied to projections",
                                      labels=["service", "topic"])
        runner = self.runtime.runner
        totals = runner.totals if runner is not None else None
        for topic, n in (totals.by_topic.items() if totals else []):
            applied.add_metric([service, topic], n)
        yield applied
        for name, doc, value in (
            ("ledgerline_events_duplicates_dropped", "Redelivered events dropped",
             totals.duplicates if totals else 0),
            ("ledgerline_events_dead_lettered", "Events sent to the dead-letter topic",
             totals.dead_lettered if totals else 0),
            ("ledgerline_events_published", "Events published by the outbox relay",
             self.runtime.relay.published if self.runtime.relay else 0),
        ):
            family = CounterMetricFamily(name, doc, labels=["service"])
            family.add_metric([service], value)
            yield family
        lag = GaugeMetricFamily("ledgerline_consumer_lag", "Messages not yet applied",
                                labels=["service", "topic"])
        for topic, n in (runner.lag().items() if runner is not None else []):
            lag.add_metric([service, topic], n)
        yield lag
        halted = GaugeMetricFamily(
            "ledgerline_consumer_halted",
            "1 while the consumer is stopped by a systemic failure (offsets kept; alert on it)",
            labels=["service"])
        halted.add_metric([service], 1 if runner is not None and runner.halted else 0)
        yield halted
