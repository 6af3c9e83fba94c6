"""What the matching pages show besides a Matching: names, words in the page's language, bars."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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
from recomentor.matching.rules import FILTERS, RULE_PREFIX
from recomentor.matching.service import Matching
from recomentor.ranking.explain import Explanation, Factor, summarise
from recomentor.ranking.features import FEATURE_NAMES, PHRASE_ASSOCIATION
from recomentor.ranking.scorers.additive import BASELINE
from recomentor.store import Store
from recomentor.store.participants import Contact, read_contacts
from recomentor.web.i18n import translate

# Factors the catalog names (matchings.factor_<name>); a rule's bonus is "Rule: <criterion>".
NAMED_FACTORS: Final = (*FEATURE_NAMES, PHRASE_ASSOCIATION, BASELINE)
# Why someone is unpaired, as the catalog names it (matchings.reason_<code>).
UNPAIRED_REASONS: Final = (NO_ELIGIBLE_MENTOR, CAPACITY_EXHAUSTED, NOT_WORTH_PAIRING, REMOVED_BY_HR)
_CONFLICT_CODES: Final = (UNKNOWN_PARTICIPANT, MENTOR_AT_CAPACITY, MENTEE_HAS_MENTOR)
# Pairs per page of a review: a 10,000-person roster gives thousands of pairs.
PAIRS_PER_PAGE: Final = 100


@dataclass(frozen=True)
class FactorBar:
    """One factor of a pair's score as a bar: its length is the contribution on the page's
    scale (the largest contribution shown), a penalty drawn apart."""

    label: str
    contribution: float
    length: float  # contribution / scale, in [0, 1]
    penalty: bool


@dataclass(frozen=True)
class Explained:
    """A pair's explanation as a page shows it."""

    summary: str  # in the page's language, with the people's names
    bars: list[FactorBar]


def people_of(store: Store, matching: Matching) -> dict[str, Contact]:
    """Name, e-mail and department of everyone the matching names, mentor loads included."""
    ids = people_in(matching) | {load.mentor_id for load in matching.mentor_load}
    with store.session() as session:
        return read_contacts(session, ids)


def name_of(person_id: str, people: Mapping[str, Contact]) -> str:
    """The person's name, or their id when they gave none (or were erased since)."""
    contact = people.get(person_id)
    return contact.name if contact and contact.name else person_id


def factor_label(name: str, lang: str) -> str:
    """A factor of a score as the page names it: a feature, or a rule's bonus."""
    if name in NAMED_FACTORS:
        return translate(lang, f"matchings.factor_{name}")
    if name.startswith(RULE_PREFIX):
        criterion = criterion_label(name.removeprefix(RULE_PREFIX), lang)
        return translate(lang, "matchings.factor_rule", criterion=criterion)
    # A factor a newer scorer adds before the catalog knows it: its name, not a blank.
    return name


def criterion_label(criterion: str, lang: str) -> str:
    """A criterion of the program rules (rules.CRITERIA) as a short name."""
    if criterion in FILTERS:
        return translate(lang, f"matchings.bonus_{criterion}")
    return factor_label(criterion, lang)


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


def bar_scale(explanations: Iterable[Explanation]) -> float:
    """The largest contribution among the explanations shown: the full length of a bar."""
    largest = max(
        (abs(f.contribution) for e in explanations for f in e.factors),
        default=0.0,
    )
    return largest if largest > 0 else 1.0


def factor_bars(factors: Sequence[Factor], scale: float, lang: str) -> list[FactorBar]:
    return [
        FactorBar(
            label=factor_label(factor.name, lang),
            contribution=factor.contribution,
            length=min(abs(factor.contribution) / scale, 1.0),
            penalty=factor.contribution < 0,
        )
        # A factor that adds nothing says nothing about the pair.
        for factor in factors
        if factor.contribution != 0
    ]


def explain_for_page(
    mentor_id: str,
    mentee_id: str,
    label: str,
    explanation: Explanation,
    people: Mapping[str, Contact],
    *,
    mode: str,
    lang: str,
    scale: float,
) -> Explained:
    """The summary written again in the page's language with names (the stored one is in the
    draft's language with ids) from the stored factors, so it says what the score says."""
    summary = summarise(
        explanation.factors,
        explanation.matches,
        label=label,
        mentor_id=name_of(mentor_id, people),
        mentee_id=name_of(mentee_id, people),
        mode=mode,
        lang=lang,
    )
    return Explained(summary, factor_bars(explanation.factors, scale, lang))


def explain_pairs(
    pairs: Sequence[MatchedPair], people: Mapping[str, Contact], *, mode: str, lang: str
) -> list[tuple[MatchedPair, Explained]]:
    """The pairs of a page with their explanations, bars on one scale for the page."""
    scale = bar_scale(pair.explanation for pair in pairs)
    return [
        (
            pair,
            explain_for_page(
                pair.mentor_id,
                pair.mentee_id,
                pair.label,
                pair.explanation,
                people,
                mode=mode,
                lang=lang,
                scale=scale,
            ),
        )
        for pair in pairs
    ]


def page_of(count: int, page: int) -> tuple[int, int]:
    """(start, stop) of page `page` (1-based, clamped to the pages there are)."""
    last_page = max((count + PAIRS_PER_PAGE - 1) // PAIRS_PER_PAGE, 1)
    start = (min(max(page, 1), last_page) - 1) * PAIRS_PER_PAGE
    return start, min(start + PAIRS_PER_PAGE, count)
