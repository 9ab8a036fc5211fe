"""`ledgerline contract validate FILE|-`: a publisher checks its messages before publishing,
exactly as our consumers will read them (runtime.projection.read_message: decoding, upcasting,
the value policy), and a delivered order against invoicing's rules too. A file holds one JSON
message, a JSON array of them, or one message per line (JSON Lines)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import orjson

from ledgerline_events.contract.sales import OrderDelivered
from ledgerline_events.contract.values import value_policy
from ledgerline_events.runtime.projection import read_message
from ledgerline_invoicing.domain.deliveries import delivery_refusal


@dataclass(frozen=True)
class Verdict:
    where: str  # "message 2" or "line 7"
    said: str  # the event, or why it would be refused
    accepted: bool

    def describe(self) -> str:
        return f"{self.where}: {'ok' if self.accepted else 'refused'}: {self.said}"


def messages_in(raw: bytes) -> list[tuple[str, bytes]]:
    """Each message with where it is in the file, as bytes (a whole object keeps its own)."""
    try:
        whole = orjson.loads(raw)
    except orjson.JSONDecodeError:
        lines = raw.splitlines()
        return [(f"line {n}", line) for n, line in enumerate(lines, 1) if line.strip()]
    if isinstance(whole, list):
        return [(f"message {n}", orjson.dumps(m)) for n, m in enumerate(whole, 1)]
    return [("message 1", raw)]


def check(where: str, message: bytes) -> Verdict:
    read = read_message(message, value_policy())
    if isinstance(read, str):
        return Verdict(where, read, accepted=False)
    said = f"{read.event_type} v{read.schema_version}, event {read.event_id}"
    if isinstance(read.payload, OrderDelivered):
        refused = delivery_refusal(read.payload)
        if refused is not None:
            return Verdict(where, f"{said}: invoicing refuses it: {refused.field}: {refused} "
                                  f"({refused.rule})", accepted=False)
        said += f", order {read.payload.order_id}"
    return Verdict(where, said, accepted=True)


def validate(raw: bytes) -> list[Verdict]:
    found = messages_in(raw)
    return [check(where, message) for where, message in found] or [
        Verdict("file", "no message in it", accepted=False)]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser("contract", help="check messages as our consumers will read them")
    c.add_argument("action", choices=["validate"])
    c.add_argument("file", help="a JSON message, a JSON array or JSON Lines; - for stdin")


def run(args: argparse.Namespace) -> int:
    """0 when every message would be accepted, 1 when one would be refused, 2 unreadable file."""
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    verdicts = validate(raw)
    for verdict in verdicts:
        print(verdict.describe())
    refused = sum(not v.accepted for v in verdicts)
    print(f"{len(verdicts) - refused} accepted, {refused} refused", file=sys.stderr)
    return 1 if refused else 0
