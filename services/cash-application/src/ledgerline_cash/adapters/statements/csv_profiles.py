"""How one bank writes its CSV export: separator, decimal mark, encoding, dates, columns.

Shipped: `ledgerline` (our own layout, the default), `ing-nl`, `rabobank`, `sparkasse`
(CSV-CAMT). Others are configured with `LEDGERLINE_STATEMENT_CSV_PROFILES`, a JSON object of
name → profile in this shape, and chosen with `POST /statements?format=csv&profile=<name>`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CsvColumns(BaseModel):
    """Header names of the columns a payment is read from. Only `booking_date` and `amount`
    are required; `remittance` lists the columns joined into the remittance text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    booking_date: str
    amount: str
    value_date: str = ""
    currency: str = ""
    account: str = ""
    statement_ref: str = ""
    entry_ref: str = ""
    payer_name: str = ""
    payer_account: str = ""
    remittance: tuple[str, ...] = ()
    direction: str = ""  # a column saying credit or debit ("Af Bij" at ING)


class CsvProfile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    delimiter: str = Field(default=",", min_length=1, max_length=1)
    decimal_mark: str = Field(default=".", pattern=r"^[.,]$")
    thousands_separator: str = Field(default="", pattern=r"^[.,' ]?$")
    # "auto": UTF-8, else Windows-1252 (which also reads ISO-8859-1 text).
    encoding: str = "auto"
    date_format: str = "%Y-%m-%d"
    currency: str = "EUR"  # when there is no currency column
    columns: CsvColumns
    credit_marks: tuple[str, ...] = ()  # values of the direction column meaning "credit"
    # Our own layout lists incoming payments only: a negative amount there is an error.
    # Bank exports list debits too (negative, or marked in the direction column): skipped.
    credits_only: bool = False


LEDGERLINE = CsvProfile(
    encoding="utf-8-sig", credits_only=True,
    columns=CsvColumns(
        booking_date="booking_date", value_date="value_date", amount="amount",
        currency="currency", account="account", statement_ref="statement_ref",
        entry_ref="entry_ref", payer_name="payer_name", payer_account="payer_account",
        remittance=("remittance",),
    ),
)

SHIPPED: dict[str, CsvProfile] = {
    "ledgerline": LEDGERLINE,
    # Mijn ING (NL), "puntkomma-gescheiden": amounts unsigned, "Af Bij" says the direction.
    "ing-nl": CsvProfile(
        delimiter=";", decimal_mark=",", date_format="%Y%m%d", credit_marks=("Bij",),
        columns=CsvColumns(
            booking_date="Datum", amount="Bedrag (EUR)", account="Rekening",
            payer_name="Naam / Omschrijving", payer_account="Tegenrekening",
            remittance=("Mededelingen",), direction="Af Bij",
        ),
    ),
    # Rabobank (NL) CSV: signed amounts, "Volgnr" numbers the account's transactions.
    "rabobank": CsvProfile(
        delimiter=",", decimal_mark=",", date_format="%Y-%m-%d",
        columns=CsvColumns(
            booking_date="Datum", value_date="Rentedatum", amount="Bedrag", currency="Munt",
            account="IBAN/BBAN", entry_ref="Volgnr", payer_name="Naam tegenpartij",
            payer_account="Tegenrekening IBAN/BBAN",
            remittance=("Betalingskenmerk", "Omschrijving-1", "Omschrijving-2", "Omschrijving-3"),
        ),
    ),
    # Sparkassen (DE) "CSV-CAMT V2", ISO-8859-1, signed amounts with decimal comma.
    "sparkasse": CsvProfile(
        delimiter=";", decimal_mark=",", thousands_separator=".", date_format="%d.%m.%y",
        columns=CsvColumns(
            booking_date="Buchungstag", value_date="Valutadatum", amount="Betrag",
            currency="Waehrung", account="Auftragskonto",
            entry_ref="Kundenreferenz (End-to-End)",
            payer_name="Beguenstigter/Zahlungspflichtiger", payer_account="Kontonummer/IBAN",
            remittance=("Verwendungszweck",),
        ),
    ),
}
