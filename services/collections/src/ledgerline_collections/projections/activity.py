"""Collections activity projection: disputes, promises, calls, letters and write-offs, from
our own topic (one topic, kept in order per customer), for the account view, worklist,
dispute register and KPIs."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import orjson

from ledgerline_events.contract import Envelope, Topics
from ledgerline_events.contract.collections import (
    AccountHandedOver,
    CollectionCallLogged,
    DebtWrittenOff,
    DisputeOpened,
    DisputeResolved,
    DunningRunApproved,
    DunningRunProposed,
    PromiseToPayBroken,
    PromiseToPayKept,
    PromiseToPayRecorded,
    ReminderSent,
    ReminderVoided,
    WrittenOffDebtRecovered,
)
from ledgerline_events.contract.customer_master import PersonalDataErased
from ledgerline_events.contract.deliveries import (
    DocumentKind,
    InvoiceCopyRequested,
    LetterBounced,
    LetterDeliveryFailed,
    LetterDeliveryInDoubt,
    LetterEmailed,
    LetterQueuedForPrint,
)
from ledgerline_events.contract.late_interest import InterestTermsAgreed, ReferenceRateRecorded

SCHEMA = """
CREATE TABLE IF NOT EXISTS dispute (
    dispute_id text PRIMARY KEY, invoice_id text NOT NULL, customer_id text NOT NULL,
    amount numeric NOT NULL, currency text NOT NULL, reason text NOT NULL,
    description text NOT NULL, opened_on date NOT NULL, status text NOT NULL,
    outcome text, note text, resolved_on date);
CREATE TABLE IF NOT EXISTS promise (
    promise_id text PRIMARY KEY, customer_id text NOT NULL, invoice_ids text[] NOT NULL,
    amount numeric NOT NULL, currency text NOT NULL, promised_date date NOT NULL,
    recorded_on date NOT NULL, recorded_by text NOT NULL, status text NOT NULL,
    kept_on date, broken_on date, amount_short numeric);
CREATE TABLE IF NOT EXISTS call_log (
    call_id text PRIMARY KEY, customer_id text NOT NULL, contact_person text NOT NULL,
    outcome text NOT NULL, note text NOT NULL, called_at timestamptz NOT NULL,
    collector text NOT NULL, contact jsonb);  -- contact: sealed (the key opens it when read)
CREATE TABLE IF NOT EXISTS reminder (
    reminder_id text PRIMARY KEY, customer_id text NOT NULL, currency text NOT NULL,
    level text NOT NULL, run_date date NOT NULL, language text NOT NULL,
    total numeric NOT NULL, letter text NOT NULL);
CREATE TABLE IF NOT EXISTS reminded_invoice (
    reminder_id text NOT NULL, invoice_id text NOT NULL, level text NOT NULL,
    days_overdue int NOT NULL, open_amount numeric NOT NULL, run_date date NOT NULL,
    PRIMARY KEY (reminder_id, invoice_id));
ALTER TABLE reminder ADD COLUMN IF NOT EXISTS voided_on date,
    ADD COLUMN IF NOT EXISTS voided_by text, ADD COLUMN IF NOT EXISTS void_reason text;
ALTER TABLE reminder ADD COLUMN IF NOT EXISTS delivery text,
    ADD COLUMN IF NOT EXISTS delivered_at timestamptz, ADD COLUMN IF NOT EXISTS delivery_detail text;
CREATE TABLE IF NOT EXISTS erased_customer (customer_id text PRIMARY KEY);
CREATE TABLE IF NOT EXISTS interest_terms (
    customer_id text PRIMARY KEY, agreed_rate numeric, charged boolean NOT NULL,
    recorded_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS reference_rate (
    valid_from date PRIMARY KEY, rate numeric NOT NULL, recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL);
ALTER TABLE call_log ADD COLUMN IF NOT EXISTS contact jsonb;
CREATE TABLE IF NOT EXISTS agency_handover (
    handover_id text PRIMARY KEY, customer_id text NOT NULL, currency text NOT NULL,
    agency text NOT NULL, invoice_ids text[] NOT NULL, total numeric NOT NULL,
    handed_over_on date NOT NULL, decided_by text NOT NULL);
CREATE TABLE IF NOT EXISTS invoice_copy (
    copy_id text PRIMARY KEY, invoice_id text NOT NULL, customer_id text NOT NULL,
    requested_by text NOT NULL, reason text NOT NULL, requested_at timestamptz NOT NULL,
    delivery text, delivered_at timestamptz, delivery_detail text);
ALTER TABLE promise ADD COLUMN IF NOT EXISTS delivery text,
    ADD COLUMN IF NOT EXISTS delivered_at timestamptz, ADD COLUMN IF NOT EXISTS delivery_detail text;
CREATE TABLE IF NOT EXISTS dunning_proposal (
    run_id text PRIMARY KEY, run_date date NOT NULL, letters jsonb NOT NULL,
    status text NOT NULL, approved_by text);
CREATE TABLE IF NOT EXISTS write_off (
    write_off_id text PRIMARY KEY, invoice_id text NOT NULL, customer_id text NOT NULL,
    amount numeric NOT NULL, currency text NOT NULL, reason text NOT NULL,
    approver text NOT NULL, written_off_on date NOT NULL, recovered numeric NOT NULL DEFAULT 0);
"""


class CollectionsActivity:
    name = "collections_activity"
    version = 4  # 2: the letter post (how letters went), invoice copies, agency hand-overs,
    # callers' names forgotten once a customer's personal data is erased; 3: callers' names
    # sealed; 4: reference rates and customers' interest terms (late-payment interest)

    def topics(self, topics: Topics) -> list[str]:
        return [topics.collections]

    async def install(self, conn: asyncpg.Connection) -> None:
        await conn.execute(SCHEMA)

    async def apply(self, conn: asyncpg.Connection, events: Sequence[Envelope]) -> None:
        for envelope in events:
            await _apply_one(conn, envelope)


async def _apply_one(conn: asyncpg.Connection, envelope: Envelope) -> None:
    customer = envelope.customer_id or ""
    match envelope.payload:
        case DisputeOpened() as e:
            await conn.execute(
                "INSERT INTO dispute VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'open',NULL,NULL,NULL)"
                " ON CONFLICT DO NOTHING", e.dispute_id, e.invoice_id, customer, e.amount.amount,
                e.amount.currency, e.reason.value, e.description, e.opened_on,
            )
        case DisputeResolved() as e:
            await conn.execute(
                "UPDATE dispute SET status = 'resolved', outcome = $2, note = $3, resolved_on = $4"
                " WHERE dispute_id = $1", e.dispute_id, e.outcome.value, e.note, e.resolved_on,
            )
        case PromiseToPayRecorded() as e:
            await conn.execute(
                "INSERT INTO promise VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'open',NULL,NULL,NULL)"
                " ON CONFLICT DO NOTHING", e.promise_id, customer, e.invoice_ids,
                e.amount.amount, e.amount.currency, e.promised_date,
                envelope.occurred_at.date(), e.recorded_by,
            )
        case PromiseToPayKept() as e:
            await conn.execute("UPDATE promise SET status = 'kept', kept_on = $2"
                               " WHERE promise_id = $1", e.promise_id, e.kept_on)
        case PromiseToPayBroken() as e:
            await conn.execute(
                "UPDATE promise SET status = 'broken', broken_on = $2, amount_short = $3"
                " WHERE promise_id = $1", e.promise_id, e.broken_on, e.amount_short.amount,
            )
        case CollectionCallLogged() as e:
            await conn.execute(  # a v1 name in plain of a person erased since: not kept
                "INSERT INTO call_log VALUES ($1,$2,CASE WHEN EXISTS (SELECT 1 FROM"
                " erased_customer WHERE customer_id = $2) THEN '' ELSE $3 END,$4,$5,$6,$7,$8)"
                " ON CONFLICT DO NOTHING", e.call_id, customer, e.contact_in_plain,
                e.outcome.value, e.note, e.called_at, e.collector,
                e.contact.model_dump() if e.contact else None,
            )
        case PersonalDataErased():
            await conn.execute("INSERT INTO erased_customer VALUES ($1) ON CONFLICT DO NOTHING",
                               customer)
            await conn.execute("UPDATE call_log SET contact_person = '' WHERE customer_id = $1",
                               customer)
        case ReminderSent() as e:
            await _record_reminder(conn, customer, e)
        case ReminderVoided() as e:
            await conn.execute(
                "UPDATE reminder SET voided_on = $2, voided_by = $3, void_reason = $4"
                " WHERE reminder_id = $1", e.reminder_id, e.voided_on, e.voided_by, e.reason)
        case LetterEmailed() | LetterQueuedForPrint() | LetterDeliveryFailed() | \
                LetterBounced() | LetterDeliveryInDoubt() as e:
            state, detail = delivery_of(e)
            table, key = DELIVERED_IN[e.document]
            await conn.execute(
                f"UPDATE {table} SET delivery = $2, delivered_at = $3, delivery_detail = $4"
                f" WHERE {key} = $1", e.document_id, state, envelope.occurred_at, detail)
        case ReferenceRateRecorded() as e:  # a correction of the same date: the later counts
            await conn.execute(
                "INSERT INTO reference_rate VALUES ($1, $2, $3, $4) ON CONFLICT (valid_from) DO "
                "UPDATE SET rate = EXCLUDED.rate, recorded_by = EXCLUDED.recorded_by, recorded_at"
                " = EXCLUDED.recorded_at WHERE reference_rate.recorded_at <= EXCLUDED.recorded_at",
                e.valid_from, e.rate, e.recorded_by, envelope.recorded_at)
        case InterestTermsAgreed() as e:  # the latest terms count
            await conn.execute(
                "INSERT INTO interest_terms VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id) DO "
                "UPDATE SET agreed_rate = EXCLUDED.agreed_rate, charged = EXCLUDED.charged, "
                "recorded_at = EXCLUDED.recorded_at WHERE interest_terms.recorded_at <= "
                "EXCLUDED.recorded_at", customer, e.agreed_rate, e.charged, envelope.recorded_at)
        case AccountHandedOver() as e:
            await conn.execute(
                "INSERT INTO agency_handover VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                " ON CONFLICT DO NOTHING", e.handover_id, customer, e.currency, e.agency,
                e.invoice_ids, e.total.amount, e.handed_over_on, e.decided_by)
        case InvoiceCopyRequested() as e:
            await conn.execute(
                "INSERT INTO invoice_copy VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                e.copy_id, e.invoice_id, customer, e.requested_by, e.reason, envelope.occurred_at)
        case DunningRunProposed() | DunningRunApproved():
            await _record_run(conn, envelope.payload)
        case DebtWrittenOff() as e:
            await conn.execute(
                "INSERT INTO write_off VALUES ($1,$2,$3,$4,$5,$6,$7,$8,0) ON CONFLICT DO NOTHING",
                e.write_off_id, e.invoice_id, customer, e.amount.amount, e.amount.currency,
                e.reason, e.approver, e.written_off_on,
            )
        case WrittenOffDebtRecovered() as e:
            await conn.execute("UPDATE write_off SET recovered = recovered + $2"
                               " WHERE write_off_id = $1", e.write_off_id, e.amount.amount)


# Where each kind of letter keeps how it went (table, key column).
DELIVERED_IN = {DocumentKind.DUNNING_LETTER: ("reminder", "reminder_id"),
                DocumentKind.PROMISE_CONFIRMATION: ("promise", "promise_id"),
                DocumentKind.INVOICE_COPY: ("invoice_copy", "copy_id")}


def delivery_of(e: LetterEmailed | LetterQueuedForPrint | LetterDeliveryFailed | LetterBounced
                | LetterDeliveryInDoubt) -> tuple[str, str]:
    """Where a letter stands: emailed, print, retrying, failed (a person takes over), bounced
    (printed next) or in_doubt (its sender stopped mid-send; never resent by itself)."""
    match e:
        case LetterEmailed():
            return "emailed", f"to contact {e.contact_id}"
        case LetterQueuedForPrint():
            return "print", e.reason
        case LetterDeliveryFailed(retry_at=None):
            return "failed", f"attempt {e.attempt}: {e.reason}"
        case LetterDeliveryFailed():
            return "retrying", f"attempt {e.attempt} failed ({e.reason}); next {e.retry_at}"
        case LetterBounced():
            return "bounced", f"contact {e.contact_id}: {e.smtp_code} {e.reason}"
    return "in_doubt", f"the sender stopped while sending {e.message_id}"


async def _record_reminder(conn: asyncpg.Connection, customer: str, e: ReminderSent) -> None:
    await conn.execute(
        "INSERT INTO reminder VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING",
        e.reminder_id, customer, e.currency, e.level.value, e.run_date, e.language.value,
        e.total_overdue.amount, e.letter,
    )
    await conn.executemany(
        "INSERT INTO reminded_invoice VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING",
        [(e.reminder_id, line.invoice_id, line.level.value, line.days_overdue,
          line.open_amount.amount, e.run_date) for line in e.invoices],
    )


async def _record_run(conn: asyncpg.Connection, e: DunningRunProposed | DunningRunApproved) -> None:
    if isinstance(e, DunningRunProposed):
        letters = orjson.dumps([letter.model_dump(mode="json") for letter in e.letters]).decode()
        await conn.execute(
            "INSERT INTO dunning_proposal VALUES ($1, $2, $3::text::jsonb, 'proposed', NULL)"
            " ON CONFLICT DO NOTHING", e.run_id, e.run_date, letters)
        return
    await conn.execute("UPDATE dunning_proposal SET status = 'approved', approved_by = $2"
                       " WHERE run_id = $1", e.run_id, e.approved_by)
