"""The heuristic scorer: documented weights, scores in [0, 1], contributions add up."""

from __future__ import annotations

import numpy as np
import pytest

from recomentor.errors import InvalidInputError
from recomentor.ranking.features import BEST_ITEM_MATCH, FEATURE_NAMES, LEXICAL, SKILLS_TO_GOALS
from recomentor.ranking.scorers import HEURISTIC_WEIGHTS, HeuristicScorer, Scorer
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.training.registry import load_scorer


def _random_features(rows: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, size=(rows, len(FEATURE_NAMES)))


def test_weights_cover_every_feature_and_sum_to_one() -> None:
    assert set(HEURISTIC_WEIGHTS) == set(FEATURE_NAMES)
    assert sum(HEURISTIC_WEIGHTS.values()) == pytest.approx(1.0)
    assert max(HEURISTIC_WEIGHTS, key=HEURISTIC_WEIGHTS.__getitem__) in (
        SKILLS_TO_GOALS,
        BEST_ITEM_MATCH,
    )


def test_contributions_sum_to_the_score() -> None:
    scorer = HeuristicScorer()
    features = _random_features(500)
    scores = scorer.score(features)
    contributions = scorer.contributions(features)
    assert contributions.shape == (500, len(scorer.factor_names))
    np.testing.assert_allclose(contributions.sum(axis=1), scores, atol=1e-6)


def test_scores_stay_in_unit_interval_and_grow_with_the_main_signal() -> None:
    scorer = HeuristicScorer()
    assert scorer.score(np.zeros((1, len(FEATURE_NAMES))))[0] == 0.0
    assert scorer.score(np.ones((1, len(FEATURE_NAMES))))[0] == pytest.approx(1.0)
    features = _random_features(2)
    features[1] = features[0]
    features[1, FEATURE_NAMES.index(SKILLS_TO_GOALS)] += 0.2
    low, high = scorer.score(features)
    assert high - low == pytest.approx(0.2 * HEURISTIC_WEIGHTS[SKILLS_TO_GOALS])


def test_custom_weights_select_their_features() -> None:
    scorer = HeuristicScorer({LEXICAL: 1.0})
    assert scorer.feature_names == (LEXICAL,)
    assert scorer.score(np.array([[0.25]]))[0] == 0.25
    with pytest.raises(InvalidInputError):
        HeuristicScorer({"charisma": 1.0})
    with pytest.raises(InvalidInputError):
        scorer.score(np.zeros((3, 2)))


def test_heuristic_satisfies_the_scorer_protocol_and_is_the_default(
    settings: Settings, sqlite_store: Store
) -> None:
    scorer = load_scorer(settings)
    assert isinstance(scorer, Scorer)
    assert (scorer.kind, scorer.name) == ("heuristic", "heuristic")
    assert scorer.feature_names == FEATURE_NAMES
