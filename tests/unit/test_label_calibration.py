"""Label lines calibrated on held-out feedback: what rating a score predicts, in one place."""

from __future__ import annotations

import numpy as np
import pytest

from recomentor.errors import InvalidInputError
from recomentor.ranking.labels import (
    FAIR,
    GOOD,
    LABEL_RATINGS,
    LABEL_THRESHOLDS_KEY,
    LEARNED_THRESHOLDS,
    MATCH_LABELS,
    STRONG,
    WEAK,
    LabelThresholds,
    calibrate_thresholds,
    label_thresholds,
    match_label,
    thresholds_from_metadata,
)
from recomentor.ranking.scorers import LEARNED, HeuristicScorer


def _held_out(seed: int = 4, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Scores of a model that squeezes ratings into [0.3, 0.6], and noisy ratings."""
    rng = np.random.default_rng(seed)
    quality = rng.random(n)
    ratings = np.clip(np.rint(1 + 4 * quality + rng.normal(0, 0.5, n)), 1, 5)
    return 0.3 + 0.3 * quality, ratings


def test_each_label_begins_where_the_held_out_ratings_reach_its_rating() -> None:
    scores, ratings = _held_out()
    lines = calibrate_thresholds(scores, ratings)
    assert lines.strong >= lines.good >= lines.fair
    # Inside the band the model uses, not the fixed lines of a calibrated probability.
    assert 0.3 < lines.fair < lines.strong < 0.6
    assert lines != LEARNED_THRESHOLDS
    labels = np.array([match_label(s, LEARNED, lines) for s in scores])
    for label in (STRONG, GOOD, FAIR):
        # Pairs given a label were, on average, rated at least what the label promises.
        assert ratings[labels == label].size
        at_or_above = np.isin(labels, MATCH_LABELS[: MATCH_LABELS.index(label) + 1])
        assert ratings[at_or_above].mean() >= LABEL_RATINGS[label] - 1e-9
    assert ratings[labels == WEAK].mean() < LABEL_RATINGS[FAIR]


def test_a_rating_never_reached_leaves_its_label_unreached() -> None:
    scores = np.linspace(0.1, 0.9, 50)
    ratings = np.where(scores > 0.5, 3, 1)
    lines = calibrate_thresholds(scores, ratings)
    assert lines.strong == lines.good == 1.0
    assert lines.fair == pytest.approx(scores[scores > 0.5].min())
    assert match_label(0.99, LEARNED, lines) == FAIR


@pytest.mark.parametrize(
    ("scores", "ratings"),
    [([], []), ([0.1, 0.2], [3]), ([0.1, float("nan")], [3, 4])],
)
def test_calibration_refuses_what_it_cannot_read(scores: list[float], ratings: list[int]) -> None:
    with pytest.raises(InvalidInputError, match="calibrating labels needs"):
        calibrate_thresholds(np.array(scores), np.array(ratings))


def test_stored_thresholds_are_read_back_or_ignored_when_unusable() -> None:
    lines = LabelThresholds(strong=0.6, good=0.5, fair=0.4)
    assert thresholds_from_metadata({LABEL_THRESHOLDS_KEY: lines.as_dict()}) == lines
    for broken in (
        {},
        {LABEL_THRESHOLDS_KEY: "0.6"},
        {LABEL_THRESHOLDS_KEY: {STRONG: 0.6, GOOD: 0.5}},
        {LABEL_THRESHOLDS_KEY: {STRONG: 0.4, GOOD: 0.5, FAIR: 0.3}},  # not monotone
        {LABEL_THRESHOLDS_KEY: {STRONG: "high", GOOD: 0.5, FAIR: 0.3}},
        {LABEL_THRESHOLDS_KEY: {STRONG: float("inf"), GOOD: 0.5, FAIR: 0.3}},
    ):
        assert thresholds_from_metadata(broken) is None


def test_a_scorer_is_labelled_by_its_own_lines_else_by_its_kind() -> None:
    class Calibrated:
        kind = LEARNED
        thresholds = LabelThresholds(strong=0.6, good=0.5, fair=0.4)

    assert label_thresholds(Calibrated()) == Calibrated.thresholds
    assert match_label(0.55, LEARNED, label_thresholds(Calibrated())) == GOOD
    assert match_label(0.55, LEARNED) == FAIR  # the fixed learned lines
    assert label_thresholds(HeuristicScorer()).strong == 0.55

    class Unknown:
        kind = "oracle"

    with pytest.raises(InvalidInputError, match="scorer kind must be one of"):
        label_thresholds(Unknown())
