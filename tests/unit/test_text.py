"""Free-text helpers: item splitting, hashing, language codes."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from recomentor.text import language_codes, normalise, split_items, text_hash


def test_items_split_on_commas_semicolons_lines_and_bullets() -> None:
    answer = "SQL, Python; Power BI\n- Excel\n• Canva"
    assert split_items(answer) == ["SQL", "Python", "Power BI", "Excel", "Canva"]


def test_commas_inside_parentheses_do_not_split_an_item() -> None:
    # Regression: "(ChatGPT, Copilot)" was cut in two; explanations showed "Copilot) au quotidien".
    answer = "IA générative (ChatGPT, Copilot) au quotidien, SQL"
    assert split_items(answer) == ["IA générative (ChatGPT, Copilot) au quotidien", "SQL"]


def test_items_drop_duplicates_and_fragments() -> None:
    assert split_items("SQL, sql ,  , x, SQL.") == ["SQL"]
    assert split_items(None) == []


def test_hash_ignores_spacing_but_not_content() -> None:
    assert text_hash("Power  BI\n") == text_hash("Power BI")
    assert text_hash("Power BI") != text_hash("Power B")
    assert normalise("  a \t b ") == "a b"


def test_language_names_in_french_or_english_become_codes() -> None:
    assert language_codes("Français; Anglais, english / Vietnamien") == ["en", "fr", "vi"]
    assert language_codes("Klingon") == ["klingon"]
    assert language_codes("") == []


@given(st.text(alphabet=st.sampled_from(" a\t\n\x0b\x1f\xa0e\u0301\u2003,.")) | st.text())
def test_plain_answers_normalise_as_every_other_text(text: str) -> None:
    # Plain ASCII answers skip the regular expression: they must come out the same.
    assert normalise(text) == re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
