"""A pair's explanation as every page draws it (templates/explanation.html): the summary in the
page's language with names, a bar per factor as long as its contribution, the matched phrases."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from recomentor.matching.rules import FILTERS, RULE_PREFIX
from recomentor.ranking.explain import Explanation, RuleAnswer, summarise
from recomentor.ranking.features import FEATURE_NAMES, INTERACTION_FEATURES, PHRASE_ASSOCIATION
from recomentor.ranking.phrases import ItemMatch
from recomentor.ranking.scorers.additive import BASELINE
from recomentor.store.participants import Contact
from recomentor.web.i18n import translate

# Factors the catalog names (explanation.factor_<name>); a rule's bonus is "Rule: <criterion>".
NAMED_FACTORS: Final = (*FEATURE_NAMES, PHRASE_ASSOCIATION, *INTERACTION_FEATURES, BASELINE)


def bar_width(value: float) -> int:
    """A bar's length in whole percent of a full bar, which is one point (a perfect score):
    whole, because the page's policy allows no inline style, so lengths are classes w-0..w-100."""
    return min(round(abs(value) * 100), 100)


@dataclass(frozen=True)
class FactorBar:
    """One term of a pair's score: what the page calls it and the points it adds."""

    label: str
    contribution: float

    @property
    def width(self) -> int:
        return bar_width(self.contribution)

    @property
    def penalty(self) -> bool:
        return self.contribution < 0


@dataclass(frozen=True)
class ExplanationView:
    """Why a pair scores what it does, as a page shows it."""

    summary: str  # in the page's language, with the people's names
    score: float
    bars: list[FactorBar]
    matches: list[ItemMatch]
    answers: list[RuleAnswer] = field(default_factory=list)


def name_of(person_id: str, people: Mapping[str, Contact]) -> str:
    """The person's name, or their id when they gave none (or were erased since)."""
    contact = people.get(person_id)
    return contact.name if contact and contact.name else person_id


def factor_label(name: str, lang: str, rule_words: Mapping[str, str] | None = None) -> str:
    """A factor of a score as the page names it: a feature, or a rule's bonus (in the
    program's words in `lang` when `rule_words` has them)."""
    if name in NAMED_FACTORS:
        return translate(lang, f"explanation.factor_{name}")
    if rule_words and name in rule_words:
        return translate(lang, "explanation.factor_rule", criterion=rule_words[name])
    if name.startswith(RULE_PREFIX):
        criterion = criterion_label(name.removeprefix(RULE_PREFIX), lang)
        return translate(lang, "explanation.factor_rule", criterion=criterion)
    # A factor a newer scorer adds before the catalog knows it: its name, not a blank.
    return name


def criterion_label(criterion: str, lang: str) -> str:
    """A criterion of the program rules (rules.CRITERIA) as a short name."""
    if criterion in FILTERS:
        return translate(lang, f"explanation.criterion_{criterion}")
    return factor_label(criterion, lang)


def explain_for_page(
    explanation: Explanation,
    *,
    score: float,
    label: str,
    mentor_id: str,
    mentee_id: str,
    people: Mapping[str, Contact],
    mode: str,
    lang: str,
    rule_words: Mapping[str, str] | None = None,
) -> ExplanationView:
    """The summary written again in the page's language with names (a stored one is in the
    language of whoever drafted it, with ids) from the same factors, so it says what the score
    says; a factor that adds nothing says nothing about the pair and is left out."""
    summary = summarise(
        explanation.factors,
        explanation.matches,
        label=label,
        mentor_id=name_of(mentor_id, people),
        mentee_id=name_of(mentee_id, people),
        mode=mode,
        lang=lang,
        links=explanation.links,
        rule_words=rule_words,
    )
    bars = [
        FactorBar(factor_label(factor.name, lang, rule_words), factor.contribution)
        for factor in explanation.factors
        if factor.contribution != 0 and math.isfinite(factor.contribution)
    ]
    return ExplanationView(
        summary, score, bars, list(explanation.matches), list(explanation.answers)
    )
