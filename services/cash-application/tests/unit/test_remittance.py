"""Reading invoice numbers out of remittance text: the scan agrees with the pattern that
defines a mention, on generated text around the places where the two could differ."""

import random

import pytest

from ledgerline_cash.domain.remittance import _pattern, invoice_numbers_in, mentions


@pytest.mark.parametrize(("text", "found"), [
    ("INV-2026-0001", True), ("inv 2026 0001", True), ("INV20260001", True),
    ("Payment for INV/2026/0001, thanks", True), ("ref:INV.2026_0001.", True),
    ("INV-2026-00012", False), ("XINV-2026-0001", False), ("INV--2026-0001", False),
    ("INV-2026-000", False), ("", False),
])
def test_a_number_is_read_with_its_separators_dropped_or_changed(text: str, found: bool) -> None:
    assert mentions(text, "INV-2026-0001") is found


def test_only_the_numbers_written_are_found() -> None:
    numbers = ["INV-2026-0001", "INV-2026-0012", "INV-2026-00012"]
    assert invoice_numbers_in("pays inv 2026 0012 and INV20260001", numbers) == {
        "INV-2026-0001", "INV-2026-0012"}


def test_text_that_is_not_ascii_is_read_by_the_pattern() -> None:
    assert mentions("Zahlung für INV-2026-0001", "INV-2026-0001")
    assert not mentions("Zahlung für INV-2026-00012", "INV-2026-0001")


def test_the_scan_agrees_with_the_pattern_on_generated_remittances() -> None:
    rng = random.Random(20261125)
    agreed_on_mentions = 0
    for _ in range(5000):
        parts = ["".join(rng.choice("AB012") for _ in range(rng.randint(1, 3)))
                 for _ in range(rng.randint(1, 3))]
        number = rng.choice("-/ ._").join(parts)
        cased = [p.lower() if rng.random() < 0.5 else p for p in parts]
        glued = cased[0] + "".join(rng.choice(["", "-", " ", "--", "._", "x"]) + p
                                   for p in cased[1:])
        before, after = (_noise(rng) for _ in range(2))
        text = rng.choice([before + glued, glued + after, before + glued + after, before])
        expected = _pattern(number).search(text) is not None
        assert mentions(text, number) is expected, (text, number)
        agreed_on_mentions += expected
    assert agreed_on_mentions > 1000  # the generated text holds mentions often enough


def _noise(rng: random.Random) -> str:
    return "".join(rng.choice("ab0192-/ ._xX#,") for _ in range(rng.randint(0, 3)))
