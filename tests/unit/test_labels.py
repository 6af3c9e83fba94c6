"""Match labels follow the score, and the summary sentence never claims more than its label."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.ranking.explain import LANGS, explain_pair, label_words
from recomentor.ranking.features import FEATURE_NAMES
from recomentor.ranking.labels import (
    FAIR,
    GOOD,
    LEARNED_THRESHOLDS,
    MATCH_LABELS,
    STRONG,
    THRESHOLDS,
    WEAK,
    LabelThresholds,
    match_label,
    program_thresholds,
)
from recomentor.ranking.phrases import ItemMatch
from recomentor.ranking.scorers import HEURISTIC, LEARNED, HeuristicScorer
from recomentor.training.evaluation import GOOD_RELEVANCE
from recomentor.typography import typeset

SCORES = st.floats(min_value=-2.0, max_value=3.0, allow_nan=False)
KINDS = st.sampled_from(sorted(THRESHOLDS))
MATCH = ItemMatch(skill="Instagram", goal="Comprendre TikTok et Instagram", similarity=0.71)


def _rank(label: str) -> int:
    """0 for the best label: a higher score must never get a larger rank."""
    return MATCH_LABELS.index(label)


@given(SCORES, SCORES, KINDS)
def test_a_higher_score_never_gets_a_lower_label(first: float, second: float, kind: str) -> None:
    low, high = sorted((first, second))
    assert _rank(match_label(high, kind)) <= _rank(match_label(low, kind))


@pytest.mark.parametrize("kind", [HEURISTIC, LEARNED])
def test_every_label_is_reached_at_its_threshold_and_not_below(kind: str) -> None:
    thresholds = THRESHOLDS[kind]
    for label, line in (
        (STRONG, thresholds.strong),
        (GOOD, thresholds.good),
        (FAIR, thresholds.fair),
    ):
        assert match_label(line, kind) == label
        assert match_label(np.nextafter(line, -np.inf), kind) == MATCH_LABELS[_rank(label) + 1]
    assert match_label(-1.0, kind) == WEAK
    assert match_label(float("nan"), kind) == WEAK


def test_the_pair_labelled_weak_above_a_good_one_now_labels_at_least_as_well() -> None:
    # Reported: 0.413 read "Weak match" and 0.405 "Good match" (the label came from one factor).
    assert _rank(match_label(0.413, HEURISTIC)) <= _rank(match_label(0.405, HEURISTIC))


def test_learned_thresholds_are_expected_ratings_and_the_metrics_good_line() -> None:
    def expected_rating(score: float) -> float:
        return 1 + 4 * score

    assert LEARNED_THRESHOLDS.good == GOOD_RELEVANCE
    assert expected_rating(LEARNED_THRESHOLDS.strong) == 4
    assert expected_rating(LEARNED_THRESHOLDS.fair) == 3


def test_a_program_scored_by_its_rules_alone_is_labelled_on_its_rule_points() -> None:
    rules_only = HeuristicScorer(dict.fromkeys(FEATURE_NAMES, 0.0))
    # The most its bonuses give together is 12 + 10 + 6: a penalty adds nothing to that.
    lines = program_thresholds(rules_only, [12.0, 10.0, 6.0, -5.0])
    assert lines == LabelThresholds(strong=21.0, good=14.0, fair=7.0)
    assert [match_label(s, HEURISTIC, lines) for s in (28, 21, 14, 7, 6.9)] == [
        STRONG, STRONG, GOOD, FAIR, WEAK,
    ]  # fmt: skip


def test_a_scorer_that_weighs_something_keeps_its_own_lines_whatever_the_rules() -> None:
    assert program_thresholds(HeuristicScorer(), [12.0]) == THRESHOLDS[HEURISTIC]
    rules_only = HeuristicScorer(dict.fromkeys(FEATURE_NAMES, 0.0))
    # No positive bonus either: every score is 0, the scorer's lines stand (all weak).
    assert program_thresholds(rules_only, [-3.0]) == THRESHOLDS[HEURISTIC]
    assert program_thresholds(rules_only, []) == THRESHOLDS[HEURISTIC]


def test_an_unknown_scorer_kind_or_label_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="scorer kind"):
        match_label(0.5, "oracle")
    with pytest.raises(InvalidInputError, match="label must be one of"):
        label_words("superb", "en")


def test_every_label_has_its_own_words_in_every_language() -> None:
    for lang in LANGS:
        words = [label_words(label, lang) for label in MATCH_LABELS]
        assert len(set(words)) == len(MATCH_LABELS), lang
        assert not set(words) & set(MATCH_LABELS), lang  # words, not codes


_FEATURE_ROWS = st.lists(
    st.floats(min_value=0.0, max_value=1.0),
    min_size=len(FEATURE_NAMES),
    max_size=len(FEATURE_NAMES),
)


# How a summary may speak of the topics: as covered, as touched on, or as little in common.
_COVERS = ("skills cover", "couvrent", "can learn from each other", "peuvent apprendre")
_TOUCHES = ("touch on", "recoupent en partie", "a few topics in common", "quelques sujets")
_NOTHING = ("little in common", "peu de points communs")


@given(_FEATURE_ROWS, st.sampled_from(LANGS), st.sampled_from((F.REVERSE, F.MUTUAL)))
def test_the_summary_opens_with_the_label_and_claims_coverage_only_when_good(
    row: list[float], lang: str, mode: str
) -> None:
    scorer = HeuristicScorer()
    values = np.array(row)
    used = values[[FEATURE_NAMES.index(name) for name in scorer.feature_names]][None, :]
    score = float(scorer.score(used)[0])
    label = match_label(score, HEURISTIC)
    explanation = explain_pair(
        scorer.factor_names,
        scorer.contributions(used)[0],
        FEATURE_NAMES,
        values,
        [MATCH],
        label=label,
        mentor_id="E1011",
        mentee_id="E1040",
        mode=mode,
        lang=lang,
    )
    summary = explanation.summary
    assert summary.startswith(typeset(label_words(label, lang) + ":", lang))
    covers, touches, nothing = (
        any(p in summary for p in ps) for ps in (_COVERS, _TOUCHES, _NOTHING)
    )
    # Exactly one way of speaking of the topics, and the one the label allows.
    assert covers + touches + nothing == 1
    assert not covers if label in (FAIR, WEAK) else not touches
