"""Numbers as the page's language writes them (web.numbers, the `number` and `percent` filters)."""

from __future__ import annotations

import pytest

from recomentor.web.numbers import number, percent


@pytest.mark.parametrize(
    ("value", "spec", "english", "french"),
    [
        (3.04, ".1f", "3.0", "3,0"),
        (-0.256, "+.2f", "-0.26", "-0,26"),
        (0.25, "g", "0.25", "0,25"),
        (12_345, ",", "12,345", "12\u202f345"),
        (1234.5, ",.1f", "1,234.5", "1\u202f234,5"),
        (7, ",", "7", "7"),
        (None, ".1f", "–", "–"),
        (float("nan"), ".3f", "–", "–"),
    ],
)
def test_number(value: float | None, spec: str, english: str, french: str) -> None:
    assert number(value, "en", spec) == english
    assert number(value, "fr", spec) == french


def test_percent() -> None:
    assert percent(0.45, "en") == "45%"
    assert percent(0.45, "fr") == "45\u00a0%"
    assert percent(0.8333, "fr", 1) == "83,3\u00a0%"
    assert percent(None, "fr") == "–"
