"""Ranking metrics with one signature, grouped splits and the promotion rule."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from recomentor.ranking.features import PairFeatures
from recomentor.training.evaluation import (
    GOOD_RELEVANCE,
    LOG_LOSS,
    METRICS,
    NDCG,
    Evaluation,
    grouped_split,
    ndcg_at_k,
    precision_at_k,
    random_scores,
    roc_auc,
)
from recomentor.training.promotion import decide_promotion


def test_every_metric_has_the_same_signature() -> None:
    relevance = np.array([1.0, 0.0, 0.5, 0.75])
    scores = np.array([0.9, 0.1, 0.4, 0.3])
    groups = np.array([0, 0, 1, 1])
    for name, metric in METRICS.items():
        value = metric(relevance, scores, groups, 5)
        assert isinstance(value, float), name


def test_ndcg_matches_scikit_learn_per_group_and_averages_groups() -> None:
    rng = np.random.default_rng(1)
    relevance, scores = rng.random(30), rng.random(30)
    groups = np.repeat([3, 1, 2], 10)  # unsorted group keys on purpose
    expected = np.mean(
        [
            ndcg_score(relevance[groups == g][None], scores[groups == g][None], k=5)
            for g in (1, 2, 3)
        ]
    )
    assert ndcg_at_k(relevance, scores, groups, 5) == pytest.approx(expected)


def test_ndcg_is_one_for_the_ideal_order_and_lower_reversed() -> None:
    relevance = np.array([0.1, 0.9, 0.5, 0.0, 0.7, 0.3])
    groups = np.zeros(6, dtype=int)
    assert ndcg_at_k(relevance, relevance, groups, 5) == pytest.approx(1.0)
    assert ndcg_at_k(relevance, -relevance, groups, 5) < 0.7
    assert math.isnan(ndcg_at_k(np.zeros(3), np.ones(3), np.zeros(3, dtype=int), 5))


def test_precision_counts_good_pairs_among_the_top_k_of_each_group() -> None:
    good, poor = 0.75, 0.25
    relevance = np.array([good, poor, poor, good, good, good, poor])
    scores = np.array([0.9, 0.8, 0.7, 0.1, 0.5, 0.6, 0.9])
    groups = np.array([0, 0, 0, 0, 1, 1, 1])
    # k=2: group 0 shows good, poor; group 1 shows poor (0.9), good (0.6).
    assert precision_at_k(relevance, scores, groups, 2) == pytest.approx((1 / 2 + 1 / 2) / 2)
    # k=5: group 0 shows its 4 rows (2 good), group 1 its 3 rows (2 good).
    assert precision_at_k(relevance, scores, groups, 5) == pytest.approx((2 / 4 + 2 / 3) / 2)


def test_good_relevance_is_the_rating_4_line() -> None:
    ratings = np.arange(1, 6)
    assert ((ratings - 1) / 4 >= GOOD_RELEVANCE).tolist() == [False, False, False, True, True]


def test_auc_is_undefined_with_one_class_and_log_loss_punishes_confident_errors() -> None:
    groups = np.zeros(4, dtype=int)
    assert math.isnan(roc_auc(np.ones(4), np.arange(4.0), groups, 5))
    relevance = np.array([1.0, 1.0, 0.0, 0.0])
    calibrated = METRICS[LOG_LOSS](relevance, np.array([0.9, 0.8, 0.1, 0.2]), groups, 5)
    confident_wrong = METRICS[LOG_LOSS](relevance, np.array([0.0, 0.1, 1.0, 0.9]), groups, 5)
    assert calibrated < 0.3 < 2 < confident_wrong


def test_random_baseline_is_reproducible_and_uninformative() -> None:
    pairs = np.arange(2_000)
    features = PairFeatures(np.zeros((2_000, 3)), ("a", "b", "c"), pairs, pairs)
    first, again = random_scores(3)(features), random_scores(3)(features)
    np.testing.assert_array_equal(first, again)
    relevance = np.tile([1.0, 0.0], 1_000)
    assert abs(roc_auc(relevance, first, np.zeros(2_000, dtype=int), 5) - 0.5) < 0.05


def test_grouped_split_never_puts_a_mentee_on_both_sides() -> None:
    groups = np.repeat(np.arange(40), 5)
    split = grouped_split(groups, test_size=0.25, seed=1)
    assert not set(groups[split.train]) & set(groups[split.test])
    assert split.train.size + split.test.size == groups.size
    assert len(set(groups[split.test])) == 10


def _evaluation(learned: float, heuristic: float, champion: float | None = None) -> Evaluation:
    table = {"learned": {NDCG: learned}, "heuristic": {NDCG: heuristic}, "random": {NDCG: 0.3}}
    if champion is not None:
        table["champion"] = {NDCG: champion}
    return Evaluation(observed={name: {NDCG: 0.5} for name in table}, truth=table)


def test_promotion_needs_to_beat_both_the_heuristic_and_the_champion() -> None:
    assert decide_promotion(_evaluation(0.8, 0.7, champion=0.75)).promote
    worse_than_champion = decide_promotion(_evaluation(0.8, 0.7, champion=0.85))
    assert not worse_than_champion.promote
    assert "champion (-0.0500)" in worse_than_champion.reason
    worse_than_heuristic = decide_promotion(_evaluation(0.6, 0.7))
    assert not worse_than_heuristic.promote and "heuristic" in worse_than_heuristic.reason
    assert "truth" in worse_than_heuristic.reason  # ground truth decides when there is one


def test_promotion_refuses_ties_and_margins_below_the_minimum() -> None:
    assert not decide_promotion(_evaluation(0.7, 0.7)).promote
    assert not decide_promotion(_evaluation(0.72, 0.7), min_improvement=0.05).promote
    assert decide_promotion(_evaluation(0.76, 0.7), min_improvement=0.05).promote


def test_forcing_promotes_a_loser_and_says_so() -> None:
    forced = decide_promotion(_evaluation(0.6, 0.7), force=True)
    assert forced.promote and forced.forced
    assert forced.reason.startswith("forced although it does not beat heuristic")


def test_observed_feedback_decides_without_ground_truth() -> None:
    observed = {"learned": {NDCG: 0.9}, "heuristic": {NDCG: 0.8}}
    decision = decide_promotion(Evaluation(observed=observed))
    assert decision.promote and "observed" in decision.reason
    undefined = {"learned": {NDCG: float("nan")}, "heuristic": {NDCG: 0.8}}
    assert not decide_promotion(Evaluation(observed=undefined)).promote
