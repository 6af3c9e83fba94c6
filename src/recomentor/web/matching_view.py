"""What the matching pages show besides a Matching: names, reasons and rules in the page's
language, explained pairs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from recomentor.matching.cohort import (
    CAPACITY_EXHAUSTED,
    NO_ELIGIBLE_MENTOR,
    NOT_WORTH_PAIRING,
    REMOVED_BY_HR,
    MatchedPair,
    exclusion_words,
)
from recomentor.matching.conflicts import (
    MENTEE_HAS_MENTOR,
    MENTOR_AT_CAPACITY,
    UNKNOWN_PARTICIPANT,
)
from recomentor.matching.export import people_in
from recomentor.matching.rules import FILTERS
from recomentor.matching.service import Matching
from recomentor.store import Store
from recomentor.store.participants import Contact, read_contacts
from recomentor.web.explanations import ExplanationView, explain_for_page
from recomentor.web.i18n import translate

# Why someone is unpaired, as the catalog names it (matchings.reason_<code>).
UNPAIRED_REASONS: Final = (NO_ELIGIBLE_MENTOR, CAPACITY_EXHAUSTED, NOT_WORTH_PAIRING, REMOVED_BY_HR)
_CONFLICT_CODES: Final = (UNKNOWN_PARTICIPANT, MENTOR_AT_CAPACITY, MENTEE_HAS_MENTOR)
# Pairs per page of a review: a 10,000-person roster gives thousands of pairs.
PAIRS_PER_PAGE: Final = 100


def people_of(store: Store, matching: Matching) -> dict[str, Contact]:
    """Name, e-mail and department of everyone the matching names, mentor loads included."""
    ids = people_in(matching) | {load.mentor_id for load in matching.mentor_load}
    with store.session() as session:
        return read_contacts(session, ids)


def required_words(rules: Mapping[str, Any], lang: str) -> str:
    """A stored matching's must-filters in words: 'different departments, a common language'."""
    return ", ".join(
        translate(lang, f"matchings.criterion_{c}") if c in FILTERS else str(c)
        for c in rules.get("require", ())
    )


def conflict_words(code: str, lang: str) -> str:
    """Why a pair cannot be formed: a conflict's or a candidate's reason code in words."""
    if code in _CONFLICT_CODES:
        return translate(lang, f"matchings.conflict_{code}")
    return exclusion_words(code, lang)


def explain_pairs(
    pairs: Sequence[MatchedPair], people: Mapping[str, Contact], *, mode: str, lang: str
) -> list[tuple[MatchedPair, ExplanationView]]:
    """The pairs of a page with their explanations."""
    return [
        (
            pair,
            explain_for_page(
                pair.explanation,
                score=pair.score,
                label=pair.label,
                mentor_id=pair.mentor_id,
                mentee_id=pair.mentee_id,
                people=people,
                mode=mode,
                lang=lang,
            ),
        )
        for pair in pairs
    ]
