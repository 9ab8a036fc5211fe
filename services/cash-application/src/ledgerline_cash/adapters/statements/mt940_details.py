"""Who paid and why, from an MT940 `:86:` text, in the dialects banks write it.

- Subfields `?20`..`?63` (Sparkassen, Volksbanken, most German and Austrian banks; Triodos with
  `>`): `?32`/`?33` payer name, `?31` account, `?20`-`?29` and `?60`-`?63` purpose.
- SWIFT codes `/NAME/.../IBAN/.../REMI/...` (ABN AMRO, Rabobank, ING's `/CNTP/iban/bic/name/`).
- Free text with markers: `REK: iban/NAAM: name` (Knab), `Z RACH.: account; OD: name; TYT.:`
  (mBank), or an account first and the name after it (ASN, SNS, ABN AMRO's old format).

Banks cut these texts at a fixed width (27 characters a subfield, 65 a line), also in the
middle of words: a subfield that fills its width is joined to the next without a space, and
the lines of coded texts are joined as they are (the codes delimit the values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SUBFIELD = re.compile(r"[?>](\d{2})")
_SUBFIELD_START = re.compile(r"^\d{3}[?>]\d{2}|^[?>](00|20)")
_CODES = ("TRTP|IBAN|BIC|NAME|REMI|EREF|MARF|CSID|CNTP|ORDP|BENM|ADDR|ISDT|RTRN|PREF|ULTC|"
          "ULTD|ULTB|PURP|CREF|SWOC|CNTR|TRCD|BENM|ORDB|INIT|ID")
_CODE = re.compile(rf"/({_CODES})/")
_ACCOUNT = re.compile(r"^(?:[A-Z]{2}\d{2}[A-Z0-9]{10,30}|\d[\d.]{6,13}|\d{16,34})$")
_MARKED = (  # (account, name) markers of one dialect, searched in the text with its lines
    (re.compile(r"REK:\s*([A-Z0-9]+)"), re.compile(r"NAAM:\s*([^\n]+)")),  # Knab
    (re.compile(r"Z RACH\.:\s*([A-Z0-9 \n]+?);"), re.compile(r"OD:\s*([^;\n]+)")),  # mBank
)


@dataclass(frozen=True)
class Details:
    payer_name: str = ""
    payer_account: str = ""
    remittance: str = ""


def read_details(text: str) -> Details:
    """Payer name, payer account and remittance of one `:86:` text."""
    if _SUBFIELD_START.match(text.strip()):
        return _subfields(text)
    flat = "".join(text.splitlines())  # codes delimit the values; lines are cut anywhere
    if _CODE.search(flat):
        return _swift_codes(flat)
    return _free_text(text)


def join_wrapped(pieces: list[str], width: int) -> str:
    """Pieces a bank cut at `width` characters joined back: a full piece continues in the
    next one (no space), a shorter one ended where its writer ended it (a space)."""
    joined = ""
    for previous, piece in zip([None, *pieces], pieces, strict=False):
        if previous is not None and len(previous) < width:
            joined += " "
        joined += piece
    return _tidy(joined)


def _subfields(text: str) -> Details:
    flat = "".join(line.rstrip("\n") for line in text.splitlines())
    fields: dict[str, list[str]] = {}
    parts = _SUBFIELD.split(flat)
    for code, value in zip(parts[1::2], parts[2::2], strict=False):
        fields.setdefault(code, []).append(value)
    purpose = [v for code in sorted(fields) if "20" <= code <= "29" or "60" <= code <= "63"
               for v in fields[code]]
    name = [v for code in ("32", "33") for v in fields.get(code, [])]
    return Details(
        payer_name=_tidy(join_wrapped(name, 27)),
        payer_account=_tidy("".join(fields.get("31", []))),
        remittance=_tidy(join_wrapped(purpose, 27)),
    )


def _swift_codes(flat: str) -> Details:
    values: dict[str, str] = {}
    parts = _CODE.split(flat)
    for code, value in zip(parts[1::2], parts[2::2], strict=False):
        values.setdefault(code, value.strip("/ "))
    counterparty = values.get("CNTP", "").split("/")
    name = values.get("NAME") or (counterparty[2] if len(counterparty) > 2 else "")
    account = values.get("IBAN") or counterparty[0]
    remittance = re.sub(r"^(USTD|STRD/CUR)//?", "", values.get("REMI", "")).strip("/ ")
    return Details(_tidy(name), _tidy(account), _tidy(remittance or values.get("EREF", "")))


def _free_text(text: str) -> Details:
    lines = [line.rstrip() for line in text.splitlines()]
    flat = join_wrapped([line for line in lines if line.strip()], 65)
    for account_marker, name_marker in _MARKED:
        account, name = account_marker.search(text), name_marker.search(text)
        if account or name:
            return Details(_tidy(name.group(1)) if name else "",
                           re.sub(r"\s", "", account.group(1)) if account else "", flat)
    first, _, rest = (lines[0] if lines else "").partition(" ")
    if len(lines) > 2 and not rest and _ACCOUNT.match(lines[1].strip()):
        # Raiffeisen (CMI): the bank's reference, the payer's account, its name, the text.
        return Details(_tidy(lines[2]), lines[1].strip(), join_wrapped(lines[3:], 65))
    if _ACCOUNT.match(first):
        # ASN, SNS, ABN AMRO (old): the counterparty's account, then its name; then the text.
        remittance = join_wrapped([line for line in lines[1:] if line.strip()], 65)
        return Details(_tidy(rest), first, remittance or flat)
    return Details(remittance=flat)


def _tidy(text: str) -> str:
    return " ".join(text.split())
