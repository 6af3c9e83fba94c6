"""Explanations in EN and FR: factors, phrase matches and a sentence; why not a candidate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import msgspec
import numpy as np

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.ranking.candidates import (
    ALREADY_PAIRED,
    AT_CAPACITY,
    EXCLUDED,
    GAP_TOO_WIDE,
    NO_COMMON_LANGUAGE,
    OWN_MANAGER,
    SAME_PERSON,
    WRONG_DIRECTION,
    WRONG_ROLE,
)
from recomentor.ranking.features import (
    BEST_ITEM_MATCH,
    COMMON_LANGUAGE,
    CROSS_DEPARTMENT,
    FIRST_GOAL_MATCH,
    GOAL_SKILL_INTERACTION,
    GOALS_TO_SKILLS,
    LEXICAL,
    PHRASE_ASSOCIATION,
    SAME_LOCATION,
    SENIORITY_GAP,
    SKILL_GOAL_INTERACTION,
    SKILLS_TO_GOALS,
)
from recomentor.ranking.labels import FAIR, GOOD, MATCH_LABELS, STRONG, WEAK
from recomentor.ranking.phrases import ItemMatch
from recomentor.ranking.scorers.base import Link
from recomentor.typography import typeset

LANGS: Final = ("en", "fr")
# A program rule's bonus among the factors: "rule:" and the rule's own words.
RULE_PREFIX: Final = "rule:"
_MAX_REASONS: Final = 3
# Labels whose sentence may say the skills cover the goals; the others only "touch on" them.
_COVERING_LABELS: Final = frozenset({STRONG, GOOD})
# Text factors all say the same thing to a reader: the skills cover the goals.
_COVER: Final = "cover"
_PHRASE_KEY: Final = {
    SKILLS_TO_GOALS: _COVER,
    BEST_ITEM_MATCH: _COVER,
    FIRST_GOAL_MATCH: _COVER,
    LEXICAL: _COVER,
}

_WORDS: Final = {
    "en": {
        # Match labels (labels.py), the first words of every summary.
        STRONG: "Strong match",
        GOOD: "Good match",
        FAIR: "Fair match",
        WEAK: "Weak match",
        _COVER: "{mentor}'s skills cover {mentee}'s goals",
        "cover_weak": "{mentor}'s skills touch on {mentee}'s goals",
        "cover_mutual": "{mentor} and {mentee} can learn from each other",
        "cover_mutual_weak": "{mentor} and {mentee} have a few topics in common",
        GOALS_TO_SKILLS: "{mentee} can teach back what {mentor} wants to learn",
        CROSS_DEPARTMENT: "different departments",
        SAME_LOCATION: "same site",
        SENIORITY_GAP: "a wide experience gap",
        COMMON_LANGUAGE: "a common language",
        # What the learned association measures: the ratings of past pairings of these kinds.
        PHRASE_ASSOCIATION: "pairings with such skills and goals were rated well",
        # What the learned interactions measure, with the two phrases of the strongest link.
        SKILL_GOAL_INTERACTION: "past pairings where “{skill}” met the wish “{goal}” went well",
        GOAL_SKILL_INTERACTION: (
            "{mentee} can teach back: past pairings where “{skill}” met the wish “{goal}” went well"
        ),
        "none": "little in common between {mentor}'s skills and {mentee}'s goals",
    },
    "fr": {
        STRONG: "Très bonne correspondance",
        GOOD: "Bonne correspondance",
        FAIR: "Correspondance moyenne",
        WEAK: "Correspondance faible",
        _COVER: "les compétences de {mentor} couvrent les objectifs de {mentee}",
        "cover_weak": "les compétences de {mentor} recoupent en partie les objectifs de {mentee}",
        "cover_mutual": "{mentor} et {mentee} peuvent apprendre l'un de l'autre",
        "cover_mutual_weak": "{mentor} et {mentee} ont quelques sujets en commun",
        GOALS_TO_SKILLS: "{mentee} peut en retour transmettre ce que {mentor} veut apprendre",
        CROSS_DEPARTMENT: "directions différentes",
        SAME_LOCATION: "même site",
        SENIORITY_GAP: "un large écart d'expérience",
        COMMON_LANGUAGE: "une langue commune",
        PHRASE_ASSOCIATION: (
            "des binômes aux compétences et objectifs de ce type ont été bien notés"
        ),
        SKILL_GOAL_INTERACTION: (
            "les binômes où «\u00a0{skill}\u00a0» répondait au souhait «\u00a0{goal}\u00a0» ont "
            "été bien notés"
        ),
        GOAL_SKILL_INTERACTION: (
            "{mentee} peut transmettre en retour : les binômes où «\u00a0{skill}\u00a0» "
            "répondait au souhait «\u00a0{goal}\u00a0» ont été bien notés"
        ),
        "none": (
            "peu de points communs entre les compétences de {mentor} et les objectifs de {mentee}"
        ),
    },
}

# Why a pair is not a candidate (candidates.REASONS), as "3 wrong role" counts read them.
_REASON_WORDS: Final = {
    "en": {
        SAME_PERSON: "same person",
        WRONG_ROLE: "wrong role",
        OWN_MANAGER: "own manager",
        NO_COMMON_LANGUAGE: "no common language",
        WRONG_DIRECTION: "wrong direction or experience gap",
        GAP_TOO_WIDE: "experience gap too wide",
        AT_CAPACITY: "at capacity",
        ALREADY_PAIRED: "already paired",
        EXCLUDED: "explicitly excluded",
    },
    "fr": {
        SAME_PERSON: "même personne",
        WRONG_ROLE: "rôle incompatible",
        OWN_MANAGER: "lien hiérarchique direct",
        NO_COMMON_LANGUAGE: "aucune langue commune",
        WRONG_DIRECTION: "mauvais sens ou écart d'expérience insuffisant",
        GAP_TOO_WIDE: "écart d'expérience trop grand",
        AT_CAPACITY: "capacité atteinte",
        ALREADY_PAIRED: "déjà en binôme",
        EXCLUDED: "exclusion explicite",
    },
}


class Factor(msgspec.Struct, frozen=True):
    """One term of the score: the feature value (None for an intercept) and its contribution."""

    name: str
    value: float | None
    contribution: float


class RuleAnswer(msgspec.Struct, frozen=True):
    """Both people's answers to a field or attribute the program rules test."""

    field: str
    mentor: str | None  # as a reader sees it ("Carer, LGBTQ"); null when no answer
    mentee: str | None


class Explanation(msgspec.Struct, frozen=True, omit_defaults=True):
    """Why a pair scores what it does: its JSON shape in `suggest --json`, matchings and the API.

    `answers` appears only when program rules compared some. `links` (only for a learned model
    with phrase interactions) split its interaction factors into the (skill phrase, goal
    phrase) pairs behind them; with what an average pair gets from those factors, they add up
    to the factors' contributions.
    """

    summary: str
    factors: list[Factor]
    matches: list[ItemMatch]
    # The answers the program's rules looked at (empty without such rules).
    answers: list[RuleAnswer] = msgspec.field(default_factory=list)
    # The phrase links of a learned model's interaction factors (empty without them).
    links: list[Link] = msgspec.field(default_factory=list)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InvalidInputError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def reason_words(reason: str, lang: str) -> str:
    """A candidate exclusion reason in words; any other code (e.g. a program rule's) as given."""
    return _REASON_WORDS[check_lang(lang)].get(reason, reason)


def describe_exclusions(excluded: Mapping[str, int], lang: str) -> str:
    """'3 wrong role, 1 own manager': every reason that ruled someone out, in `lang`.

    The person themself (same_person) is not worth telling; '' when nobody was ruled out.
    """
    return ", ".join(
        f"{count} {reason_words(reason, lang)}"
        for reason, count in excluded.items()
        if count and reason != SAME_PERSON
    )


def label_words(label: str, lang: str) -> str:
    """A match label (labels.py) as a reader sees it: "Good match", "Bonne correspondance"."""
    if label not in MATCH_LABELS:
        raise InvalidInputError(f"label must be one of {', '.join(MATCH_LABELS)}, got {label!r}")
    return _WORDS[check_lang(lang)][label]


def summarise(
    factors: Sequence[Factor],
    matches: Sequence[ItemMatch],
    *,
    label: str,
    mentor_id: str,
    mentee_id: str,
    mode: str,
    lang: str,
    links: Sequence[Link] = (),
    rule_words: Mapping[str, str] | None = None,
) -> str:
    """The pair's label, then the factors that raised the score most, strongest first.

    A program rule's bonus is named by `rule_words` (its factor name -> its words in `lang`),
    else by the English words its factor name carries.

    The sentence never claims more than the label: below a good match the skills only touch
    on the goals, whatever one text similarity says. French sentences get French spacing
    (typography.typeset), here where every summary is built.
    """
    label_text = label_words(label, lang)
    words = _WORDS[lang]
    keys: list[str] = []
    for factor in sorted(factors, key=lambda f: -f.contribution):
        key = _PHRASE_KEY.get(factor.name, factor.name)
        known = key in words or key.startswith(RULE_PREFIX)
        if factor.contribution > 0 and known and key not in keys:
            keys.append(key)
    phrases = []
    for key in keys[:_MAX_REASONS]:
        if key.startswith(RULE_PREFIX):
            # The program's own words.
            phrases.append((rule_words or {}).get(key, key.removeprefix(RULE_PREFIX)))
            continue
        template = words[key]
        if key == _COVER:
            covered = label in _COVERING_LABELS
            if mode == F.MUTUAL:
                template = words["cover_mutual" if covered else "cover_mutual_weak"]
            elif not covered:
                template = words["cover_weak"]
        named = {}
        if key in (SKILL_GOAL_INTERACTION, GOAL_SKILL_INTERACTION):
            strongest = [link for link in links if link.direction == key and link.contribution > 0]
            if not strongest:
                continue  # a factor raised only by being less bad than average: nothing to name
            best = max(strongest, key=lambda link: link.contribution)
            named = {"skill": best.skill, "goal": best.goal}
        # Substituted values are never read as templates: braces in a phrase stay braces.
        phrase = template.format(mentor=mentor_id, mentee=mentee_id, **named)
        if key == _COVER and matches:
            phrase += f" ({matches[0].skill} ↔ {matches[0].goal})"
        phrases.append(phrase)
    # Topics weighed nothing when the text factors have values but no contribution (a
    # program's [weights] set them to 0): then their absence is no reason to mention.
    text = [f for f in factors if _PHRASE_KEY.get(f.name) == _COVER]
    unweighed = all(f.contribution == 0 for f in text) and any((f.value or 0) > 0 for f in text)
    if _COVER not in keys[:_MAX_REASONS] and not (unweighed and phrases):
        phrases.insert(0, words["none"].format(mentor=mentor_id, mentee=mentee_id))
    return typeset(f"{label_text}: {'; '.join(phrases)}.", lang)


def explain_pair(
    factor_names: Sequence[str],
    contributions: np.ndarray,
    feature_names: Sequence[str],
    feature_values: np.ndarray,
    matches: Sequence[ItemMatch],
    *,
    label: str,
    mentor_id: str,
    mentee_id: str,
    mode: str = F.REVERSE,
    lang: str = "en",
    answers: Sequence[RuleAnswer] = (),
    links: Sequence[Link] = (),
    rule_words: Mapping[str, str] | None = None,
) -> Explanation:
    """Explanation of one scored pair from its contribution row and its full feature row;
    `label` is the pair's match label (labels.match_label of its score); `answers` the
    pair's answers to what the program rules test."""
    values = {name: float(v) for name, v in zip(feature_names, feature_values, strict=True)}
    factors = [
        Factor(name=name, value=values.get(name), contribution=float(contribution))
        for name, contribution in zip(factor_names, contributions, strict=True)
    ]
    factors.sort(key=lambda f: -abs(f.contribution))
    summary = summarise(
        factors,
        matches,
        label=label,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        mode=mode,
        lang=lang,
        links=links,
        rule_words=rule_words,
    )
    return Explanation(
        summary=summary,
        factors=factors,
        matches=list(matches),
        answers=list(answers),
        links=list(links),
    )
