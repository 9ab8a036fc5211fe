from datetime import date
from decimal import Decimal

import orjson
import pytest

from ledgerline_events.contract import EVENT_TYPES, Money, UndecodableEvent, decode, encode
from ledgerline_events.contract.base import UNKNOWN_ACTOR
from ledgerline_events.contract.cash_application import Payer, PaymentReceived
from ledgerline_events.contract.catalogue import _CURRENT
from ledgerline_events.contract.invoicing import EarlyPaymentDiscount
from ledgerline_events.contract.money import quantize
from ledgerline_events.contract.personal_data import new_key
from ledgerline_events.contract.schema_export import export
from ledgerline_events.contract.upcasters import envelope_v1_to_v2

from ..sample import allocation, invoice


def test_an_event_survives_the_wire_unchanged() -> None:
    envelope = invoice("i-1", "120.50")
    assert decode(encode(envelope)) == envelope


def test_money_travels_as_decimal_strings() -> None:
    wire = orjson.loads(encode(allocation("a-1", "i-1", "0.10")))
    assert wire["payload"]["amount"] == {"amount": "0.10", "currency": "EUR"}


def test_money_refuses_floats_and_unknown_currencies() -> None:
    with pytest.raises(ValueError, match="floats"):
        Money(amount=0.1, currency="EUR")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="currency"):
        Money.of("1", "XYZ")


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_money_refuses_amounts_that_are_not_finite(amount: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        Money.of(amount, "EUR")


@pytest.mark.parametrize("amount", [5.0, "NaN"])
def test_an_event_with_a_float_or_nan_amount_on_the_wire_is_undecodable(amount: object) -> None:
    wire = orjson.loads(encode(allocation("a-1", "i-1", "5.00")))
    wire["payload"]["amount"]["amount"] = amount
    with pytest.raises(UndecodableEvent, match="amount"):
        decode(orjson.dumps(wire))


def test_instants_with_an_offset_are_read_as_utc() -> None:
    wire = orjson.loads(encode(invoice("i-1", "120.50")))
    wire["occurred_at"] = "2026-03-01T10:00:00+01:00"
    event = decode(orjson.dumps(wire))
    assert event.occurred_at.isoformat() == "2026-03-01T09:00:00+00:00"


def test_lower_case_currency_codes_are_read_upper_case() -> None:
    wire = orjson.loads(encode(allocation("a-1", "i-1", "5.00")))
    wire["payload"]["amount"]["currency"] = "eur"
    assert decode(orjson.dumps(wire)).payload.amount.currency == "EUR"  # type: ignore[attr-defined]


def test_decoding_bytes_and_decoding_the_parsed_object_agree() -> None:
    for envelope in (invoice("i-1", "120.50"), allocation("a-1", "i-1", "0.10")):
        wire = encode(envelope)
        assert decode(wire) == decode(orjson.loads(wire)) == envelope
        assert decode(wire).payload == envelope.payload


def test_money_never_mixes_currencies() -> None:
    with pytest.raises(ValueError, match="EUR with USD"):
        Money.of("1", "EUR") + Money.of("1", "USD")


@pytest.mark.parametrize(("amount", "currency", "rounded"), [
    ("0.125", "EUR", "0.13"), ("0.124", "EUR", "0.12"), ("1000.5", "JPY", "1001"),
    ("1.0005", "KWD", "1.001"),
])
def test_amounts_round_half_up_to_the_currency_minor_unit(amount: str, currency: str, rounded: str) -> None:
    assert quantize(Decimal(amount), currency) == Decimal(rounded)


def stored(event_type: str, version: int, aggregate_id: str, payload: dict[str, object]
           ) -> bytes:
    """An event as an older producer wrote it to the log, at schema `version`."""
    return orjson.dumps({
        "event_id": "00000000-0000-0000-0000-000000000001", "event_type": event_type,
        "schema_version": version, "customer_id": "C-1", "aggregate_id": aggregate_id,
        "aggregate_version": 1, "occurred_at": "2026-03-01T09:00:00Z",
        "recorded_at": "2026-03-01T09:00:00Z", "correlation_id": "c", "causation_id": None,
        "producer": event_type.split(".")[0], "payload": payload})


def test_payment_received_v1_is_upcast_to_the_current_version_on_read() -> None:
    event = decode(stored("cash-application.PaymentReceived", 1, "p-1", {
        "payment_id": "p-1", "amount": "99.90", "currency": "GBP", "received_on": "2026-03-01",
        "method": "bank_transfer"}))
    assert event.schema_version == 3
    assert event.payload.amount == Money.of("99.90", "GBP")  # type: ignore[attr-defined]


def test_who_paid_travels_sealed_and_cannot_be_read_once_the_key_is_gone() -> None:
    key = new_key()
    sealed = Payer(name="Jean Valjean", account="FR7630006000011234567890189").sealed("PAY-1", key)
    assert sealed is not None and "Valjean" not in sealed.model_dump_json()
    assert Payer.opened(sealed, key) == Payer(name="Jean Valjean",
                                              account="FR7630006000011234567890189")
    assert Payer.opened(sealed, None) is None  # erased
    assert Payer().sealed("PAY-2", key) is None  # nobody named: nothing to seal


def test_a_v2_payment_keeps_its_payer_in_plain_as_written() -> None:
    event = decode(stored("cash-application.PaymentReceived", 2, "p-2", {
        "payment_id": "p-2", "amount": {"amount": "10.00", "currency": "EUR"},
        "received_on": "2026-03-01", "method": "bank_transfer", "payer_name": "Jean",
        "payer_account": "FR76"}))
    assert event.schema_version == 3
    payment = event.payload
    assert isinstance(payment, PaymentReceived) and payment.payer is None
    assert (payment.payer_name_in_plain, payment.payer_account_in_plain) == ("Jean", "FR76")


def test_a_v1_call_keeps_its_name_in_plain_as_written_and_nothing_sealed() -> None:
    event = decode(stored("collections.CollectionCallLogged", 1, "call:1", {
        "call_id": "call-1", "contact_person": "Anne", "outcome": "reached",
        "called_at": "2026-03-01T09:00:00Z", "collector": "col-1"}))
    assert event.schema_version == 2
    assert event.payload.contact is None  # type: ignore[attr-defined]
    assert event.payload.contact_in_plain == "Anne"  # type: ignore[attr-defined]


def v1_invoice(terms: dict[str, object], gross: str = "1200.00", issued: str = "2026-03-01",
               currency: str = "EUR") -> bytes:
    return stored("invoicing.InvoiceIssued", 1, "i-1", {
        "invoice_id": "i-1", "invoice_number": "INV-1", "customer": {"customer_id": "C-1", "name": "A"},
        "currency": currency, "issue_date": issued, "due_date": "2026-03-31", "payment_terms": terms,
        "lines": [{"description": "x", "quantity": "1", "unit_price": gross, "tax_rate": "0",
                   "net": gross, "tax": "0"}],
        "net_total": {"amount": gross, "currency": currency},
        "tax_total": {"amount": "0", "currency": currency},
        "gross_total": {"amount": gross, "currency": currency}})


def test_invoice_issued_v1_is_upcast_with_the_discount_it_granted_on_the_gross() -> None:
    terms = {"kind": "early_payment_discount", "net_days": 30, "discount_days": 10,
             "discount_percent": "2.5"}
    event = decode(v1_invoice(terms, gross="120.12"))
    assert event.schema_version == 4  # through v2 (the discount), v3 (no delivery), v4 (no buyer)
    assert event.payload.proof_of_delivery is None  # type: ignore[attr-defined]
    assert event.payload.early_payment_discount == EarlyPaymentDiscount(  # type: ignore[attr-defined]
        amount=Money.of("3.00", "EUR"), until=date(2026, 3, 11))
    plain = decode(v1_invoice({"kind": "net", "net_days": 30}))
    assert plain.payload.early_payment_discount is None  # type: ignore[attr-defined]


def test_a_v1_invoice_that_cannot_be_upcast_is_undecodable_not_a_crash() -> None:
    terms = {"kind": "early_payment_discount", "net_days": 30, "discount_days": 10,
             "discount_percent": "2"}
    with pytest.raises(UndecodableEvent, match="cannot be upcast"):
        decode(v1_invoice(terms, issued="2026-13-45"))
    with pytest.raises(UndecodableEvent, match="cannot be upcast"):
        decode(v1_invoice(terms, currency="XXX"))


@pytest.mark.parametrize(("raw", "reason"), [
    (b"not json", "not JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"event_type": "invoicing.Nope", "schema_version": 1, "payload": {}}', "unknown event type"),
    (b'{"event_type": "invoicing.InvoiceCancelled", "schema_version": 9, "payload": {}}', "newer"),
])
def test_undecodable_messages_say_why(raw: bytes, reason: str) -> None:
    with pytest.raises(UndecodableEvent, match=reason):
        decode(raw)


def test_invalid_payload_names_the_field() -> None:
    wire = orjson.loads(encode(allocation("a-1", "i-1", "5.00")))
    wire["payload"]["amount"]["currency"] = "???"
    with pytest.raises(UndecodableEvent, match=r"payload|amount"):
        decode(orjson.dumps(wire))


def test_a_customer_id_with_a_slash_is_refused_since_no_url_could_name_it() -> None:
    wire = orjson.loads(encode(invoice("i-1", "100.00")))
    wire["customer_id"] = wire["payload"]["customer"]["customer_id"] = "FR/42"
    with pytest.raises(UndecodableEvent, match="customer_id"):
        decode(orjson.dumps(wire))


def test_an_envelope_written_before_actors_were_named_reads_as_the_unknown_actor() -> None:
    wire = orjson.loads(encode(invoice("i-1", "100.00")))
    assert wire["actor"] == {"kind": "component", "subject": "invoicing", "roles": []}
    old = {k: v for k, v in wire.items() if k not in ("actor", "envelope_version")}
    read = decode(orjson.dumps(old))
    assert (read.actor, read.envelope_version) == (UNKNOWN_ACTOR, 2)
    assert read.payload == decode(orjson.dumps(wire)).payload
    assert read == decode(orjson.dumps(envelope_v1_to_v2(old)))  # the upcaster, in words
    assert _CURRENT.validate_json(orjson.dumps(old)) == read  # and old history stays fast


def test_an_envelope_of_a_newer_version_is_refused_not_guessed() -> None:
    wire = orjson.loads(encode(invoice("i-1", "100.00")))
    with pytest.raises(UndecodableEvent, match="envelope_version"):
        decode(orjson.dumps({**wire, "envelope_version": 3}))


def test_every_event_exports_a_json_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    written = export(tmp_path)
    assert len(written) == len(EVENT_TYPES)
    schema = orjson.loads((tmp_path / "invoicing.InvoiceIssued.v4.schema.json").read_bytes())
    assert schema["properties"]["event_type"] == {"const": "invoicing.InvoiceIssued"}
