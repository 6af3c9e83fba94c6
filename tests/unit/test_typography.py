"""French spacing of the words shown to people (typography.typeset)."""

from __future__ import annotations

from recomentor.typography import typeset


def test_french_gets_a_no_break_space_before_high_marks() -> None:
    assert typeset("Bonne correspondance: a; b ?", "fr") == (
        "Bonne correspondance\u00a0: a\u00a0; b\u00a0?"
    )
    assert typeset("Aperçu : {source}", "fr") == "Aperçu\u00a0: {source}"
    assert typeset("« Nom » ! {a}: x", "fr") == "« Nom »\u00a0! {a}\u00a0: x"


def test_marks_inside_a_token_and_other_languages_are_left_alone() -> None:
    for text in ("https://example.org", "10:30", "a::b", "Déjà\u00a0: fait"):
        assert typeset(text, "fr") == text
    assert typeset("Good match: a; b?", "en") == "Good match: a; b?"
