"""Explanations are read off the scorer: factors, phrase matches and a one-line summary."""

from __future__ import annotations

import msgspec
import numpy as np
import pytest

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.ranking.candidates import REASONS
from recomentor.ranking.explain import LANGS, describe_exclusions, explain_pair, reason_words
from recomentor.ranking.features import (
    FEATURE_NAMES,
    PHRASE_ASSOCIATION,
    SAME_LOCATION,
    SKILLS_TO_GOALS,
)
from recomentor.ranking.labels import match_label
from recomentor.ranking.phrases import ItemMatch
from recomentor.ranking.scorers import HEURISTIC, HeuristicScorer

MATCH = ItemMatch(skill="Instagram", goal="Comprendre TikTok et Instagram", similarity=0.71)


def _values(**overrides: float) -> np.ndarray:
    values = dict.fromkeys(FEATURE_NAMES, 0.0)
    values.update(overrides)
    return np.array([values[name] for name in FEATURE_NAMES])


def _explain(values: np.ndarray, *, lang: str = "en", mode: str = F.REVERSE, matches=(MATCH,)):
    scorer = HeuristicScorer()
    # The scorer reads its own columns of the full feature row, as in serving.
    used = values[[FEATURE_NAMES.index(name) for name in scorer.feature_names]][None, :]
    contributions = scorer.contributions(used)[0]
    score = float(scorer.score(used)[0])
    explanation = explain_pair(
        scorer.factor_names,
        contributions,
        FEATURE_NAMES,
        values,
        list(matches),
        label=match_label(score, HEURISTIC),
        mentor_id="E1011",
        mentee_id="E1040",
        mode=mode,
        lang=lang,
    )
    return explanation, score


def test_factors_are_the_scorer_contributions() -> None:
    values = _values(skills_to_goals=0.7, best_item_match=0.71, same_location=1.0)
    explanation, score = _explain(values)
    assert sum(f.contribution for f in explanation.factors) == pytest.approx(score, abs=1e-6)
    by_name = {f.name: f for f in explanation.factors}
    assert by_name[SKILLS_TO_GOALS].value == pytest.approx(0.7)
    assert by_name[SAME_LOCATION].contribution == pytest.approx(0.05)
    contributions = [abs(f.contribution) for f in explanation.factors]
    assert contributions == sorted(contributions, reverse=True)


def test_english_summary_names_the_main_reasons_and_the_best_phrase_match() -> None:
    values = _values(
        skills_to_goals=0.8, best_item_match=0.9, first_goal_match=0.9, same_location=1.0
    )
    explanation, score = _explain(values)
    assert score == pytest.approx(0.56)
    assert explanation.summary == (
        "Strong match: E1011's skills cover E1040's goals "
        "(Instagram ↔ Comprendre TikTok et Instagram); same site."
    )


def test_french_summary() -> None:
    values = _values(
        skills_to_goals=0.6,
        best_item_match=0.7,
        first_goal_match=0.6,
        lexical=0.5,
        cross_department=1.0,
    )
    explanation, score = _explain(values, lang="fr")
    assert score == pytest.approx(0.505)
    # French typography: a no-break space before ':' and ';', never a plain one.
    assert explanation.summary.startswith("Bonne correspondance\u00a0: les compétences de E1011")
    assert "\u00a0; directions différentes." in explanation.summary
    assert " :" not in explanation.summary and " ;" not in explanation.summary


def test_a_close_phrase_on_a_fair_score_only_touches_on_the_goals() -> None:
    # One phrase pair at 0.71 used to make this a "Strong match" on a 0.39 score.
    values = _values(skills_to_goals=0.65, best_item_match=0.71, same_location=1.0)
    explanation, score = _explain(values)
    assert score == pytest.approx(0.387)
    assert explanation.summary.startswith("Fair match: E1011's skills touch on E1040's goals")


def test_weak_pairs_do_not_claim_coverage() -> None:
    explanation, _ = _explain(_values(skills_to_goals=0.1, same_location=1.0), matches=())
    assert explanation.summary.startswith("Weak match:")
    assert "cover" not in explanation.summary


def test_mutual_summary_speaks_of_both_sides() -> None:
    values = _values(skills_to_goals=0.8, best_item_match=0.8, goals_to_skills=0.8, lexical=0.5)
    explanation, _ = _explain(values, mode=F.MUTUAL)
    assert explanation.summary.startswith("Strong match: E1011 and E1040 can learn from each other")
    weak, _ = _explain(_values(skills_to_goals=0.4, goals_to_skills=0.3), mode=F.MUTUAL)
    assert weak.summary.startswith("Weak match: E1011 and E1040 have a few topics in common")


def test_summary_never_names_a_factor_that_did_not_raise_the_score() -> None:
    explanation, _ = _explain(_values(skills_to_goals=0.7, same_location=0.0))
    assert "same site" not in explanation.summary


def test_explanation_json_has_the_documented_shape() -> None:
    explanation, _ = _explain(_values(skills_to_goals=0.7, best_item_match=0.71))
    data = msgspec.to_builtins(explanation)
    assert set(data) == {"summary", "factors", "matches"}
    assert set(data["factors"][0]) == {"name", "value", "contribution"}
    assert data["matches"] == [
        {"skill": "Instagram", "goal": "Comprendre TikTok et Instagram", "similarity": 0.71}
    ]


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(InvalidInputError):
        _explain(_values(), lang="de")


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("en", "pairings with such skills and goals were rated well"),
        ("fr", "des binômes aux compétences et objectifs de ce type ont été bien notés"),
    ],
)
def test_a_learned_phrase_association_is_named_for_what_it_measures(lang: str, phrase: str) -> None:
    names = (*FEATURE_NAMES, PHRASE_ASSOCIATION)
    values = np.append(_values(skills_to_goals=0.2, same_location=1.0), 0.4)
    contributions = np.zeros(len(names))
    contributions[names.index(PHRASE_ASSOCIATION)] = 0.12
    contributions[names.index(SAME_LOCATION)] = 0.05
    explanation = explain_pair(
        names, contributions, names, values, [MATCH], label="good",
        mentor_id="E1011", mentee_id="E1040", lang=lang,
    )  # fmt: skip
    assert phrase in explanation.summary
    # Its own words, not the phrase-coverage sentence: the text similarity did not raise it.
    assert explanation.summary.index(phrase) < explanation.summary.index(
        "same site" if lang == "en" else "même site"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "2 wrong role, 1 no common language"),
        ("fr", "2 rôle incompatible, 1 aucune langue commune"),
    ],
)
def test_exclusion_reasons_read_in_the_asked_language(lang: str, expected: str) -> None:
    excluded = {reason: 0 for reason in REASONS}
    excluded.update(same_person=1, wrong_role=2, no_common_language=1)
    assert describe_exclusions(excluded, lang) == expected
    assert describe_exclusions({reason: 0 for reason in REASONS}, lang) == ""


def test_every_exclusion_reason_has_words_in_every_language() -> None:
    for lang in LANGS:
        words = [reason_words(reason, lang) for reason in REASONS]
        assert all(word not in REASONS for word in words), lang  # no code shown as is
        assert len(set(words)) == len(REASONS), lang


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "past pairings where “TikTok {x}” met the wish “Comprendre TikTok” went well"),
        ("fr", "les binômes où «\u00a0TikTok {x}\u00a0» répondait au souhait «\u00a0Comprendre"),
    ],
)
def test_an_interaction_factor_names_its_strongest_link(lang: str, expected: str) -> None:
    from recomentor.ranking.features import GOAL_SKILL_INTERACTION, SKILL_GOAL_INTERACTION
    from recomentor.ranking.scorers.base import Link

    names = (*FEATURE_NAMES, SKILL_GOAL_INTERACTION, GOAL_SKILL_INTERACTION)
    values = np.append(_values(same_location=1.0), [1.2, -0.3])
    contributions = np.zeros(len(names))
    contributions[names.index(SKILL_GOAL_INTERACTION)] = 0.2
    contributions[names.index(GOAL_SKILL_INTERACTION)] = -0.03
    links = [
        # Braces in a participant's phrase are text, never a template.
        Link(SKILL_GOAL_INTERACTION, "TikTok {x}", "Comprendre TikTok", 0.15),
        Link(SKILL_GOAL_INTERACTION, "Excel", "Comprendre TikTok", 0.04),
        Link(GOAL_SKILL_INTERACTION, "négociation", "Excel", -0.05),
    ]
    explanation = explain_pair(
        names, contributions, names, values, [MATCH], label="good",
        mentor_id="E1011", mentee_id="E1040", lang=lang, links=links,
    )  # fmt: skip
    assert expected in explanation.summary
    assert explanation.links == links
    # The teaching-back factor lowered the score: the summary does not claim it.
    assert "négociation" not in explanation.summary
