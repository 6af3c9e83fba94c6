"""What the matching pages show besides a Matching: names, reasons and rules in the page's
language, explained pairs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
from recomentor.matching.rules import FILTERS, ProgramRules
from recomentor.matching.service import Matching, MatchingExcerpt, Window
from recomentor.store import Store
from recomentor.store.participants import Contact, read_contacts
from recomentor.web.explanations import ExplanationView, explain_for_page
from recomentor.web.i18n import translate
from recomentor.web.pagination import Pages

# Why someone is unpaired, as the catalog names it (matchings.reason_<code>).
UNPAIRED_REASONS: Final = (NO_ELIGIBLE_MENTOR, CAPACITY_EXHAUSTED, NOT_WORTH_PAIRING, REMOVED_BY_HR)
_CONFLICT_CODES: Final = (UNKNOWN_PARTICIPANT, MENTOR_AT_CAPACITY, MENTEE_HAS_MENTOR)
# A review shows each of its lists a page at a time: a draft over a 10,000-person program has
# thousands of pairs, unpaired mentees and mentors, more than a page can draw or a person read.
# Pairs come 50 at a time like every list of the app: each carries its whole explanation, and
# drawing 100 was most of the page's time (bench/web.py).
WINDOW_SIZES: Final = {"pairs": 50, "unpaired": 100, "loads": 200}
# Each list's query parameter; its anchor on the page is its name.
PAGE_PARAMS: Final = {"pairs": "page", "unpaired": "unpaired_page", "loads": "loads_page"}


def read_contacts_of(store: Store, ids: Iterable[str]) -> dict[str, Contact]:
    with store.session() as session:
        return read_contacts(session, ids)


def people_of(store: Store, matching: Matching | MatchingExcerpt) -> dict[str, Contact]:
    """Name, e-mail and department of everyone the matching (or the excerpt) names, mentor
    loads included."""
    ids = {pair.mentor_id for pair in matching.pairs} | {pair.mentee_id for pair in matching.pairs}
    ids |= {entry.mentee_id for entry in matching.unpaired}
    ids |= {load.mentee_id for load in matching.mentee_load}
    ids |= {entry.mentor_id for entry in matching.unpaired_mentors}
    return read_contacts_of(store, ids | {load.mentor_id for load in matching.mentor_load})


def review_windows(asked: Mapping[str, int]) -> dict[str, Window]:
    """What a review reads of each list, from the page numbers of its query (by list)."""
    return {name: Window(asked[name], WINDOW_SIZES[name]) for name in PAGE_PARAMS}


def review_pages(matching: MatchingExcerpt) -> dict[str, Pages]:
    """Each list's pages: a link moves its own list and keeps the others where they are."""
    starts = {
        "pairs": (matching.pairs_start, matching.pair_count),
        "unpaired": (matching.unpaired_start, matching.unpaired_count),
        "loads": (matching.loads_start, matching.load_count or 0),
    }
    numbers = {name: start // WINDOW_SIZES[name] + 1 for name, (start, _) in starts.items()}
    return {
        name: Pages.clamped(
            numbers[name],
            count,
            tuple(
                (PAGE_PARAMS[other], str(numbers[other]))
                for other in PAGE_PARAMS
                if other != name and numbers[other] > 1
            ),
            size=WINDOW_SIZES[name],
            fragment=name,
            name=PAGE_PARAMS[name],
        )
        for name, (_, count) in starts.items()
    }


def required_words(rules: Mapping[str, Any], lang: str) -> str:
    """A stored matching's must-filters in words: 'different departments, a common language',
    then its [[must]] and [[never]] conditions as the rules name them."""
    criteria = [
        translate(lang, f"matchings.criterion_{c}") if c in FILTERS else str(c)
        for c in rules.get("require", ())
    ]
    conditions = ProgramRules.from_dict(dict(rules)).condition_words(lang)
    return ", ".join([*criteria, *conditions])


def rule_words(rules: Mapping[str, Any], lang: str) -> dict[str, str]:
    """A stored matching's bonus conditions in the page's language, by factor name."""
    return ProgramRules.from_dict(dict(rules)).rule_words(lang)


def conflict_words(code: str, lang: str, rules: Mapping[str, Any] | None = None) -> str:
    """Why a pair cannot be formed: a conflict's or a candidate's reason code in words (a
    condition of the matching's stored `rules` in `lang`)."""
    if code in _CONFLICT_CODES:
        return translate(lang, f"matchings.conflict_{code}")
    return exclusion_words(code, lang, ProgramRules.from_dict(dict(rules or {})))


def explain_pairs(
    pairs: Sequence[MatchedPair],
    people: Mapping[str, Contact],
    *,
    mode: str,
    lang: str,
    rule_words: Mapping[str, str] | None = None,
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
                rule_words=rule_words,
            ),
        )
        for pair in pairs
    ]
