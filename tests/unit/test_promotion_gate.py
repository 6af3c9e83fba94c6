"""The promotion gate: a win the split's noise could have made is no win."""

from __future__ import annotations

import numpy as np
import pytest

from recomentor.training.evaluation import (
    NDCG,
    Evaluation,
    bootstrap_margin,
    margins_over,
    ndcg_at_k,
    ndcg_per_group,
)
from recomentor.training.promotion import CHAMPION, HEURISTIC, LEARNED, decide_promotion

MENTEES = 80


def _per_mentee(mean_gain: float, noise: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Per-mentee NDCG of a rival and of a model that beats it by `mean_gain` on average,
    mentee by mentee spread by `noise`."""
    rng = np.random.default_rng(seed)
    rival = rng.uniform(0.5, 0.8, MENTEES)
    gains = rng.normal(0.0, noise, MENTEES)
    gains += mean_gain - gains.mean()  # exactly this mean gain
    return rival + gains, rival


def _evaluation(new: np.ndarray, rival: np.ndarray) -> Evaluation:
    table = {LEARNED: {NDCG: float(new.mean())}, HEURISTIC: {NDCG: float(rival.mean())}}
    return Evaluation(
        observed=table,
        margins={HEURISTIC: bootstrap_margin(HEURISTIC, new, rival, seed=7)},
    )


def test_a_win_smaller_than_the_noise_is_refused_and_the_report_says_why() -> None:
    new, rival = _per_mentee(0.01, noise=0.15)
    evaluation = _evaluation(new, rival)
    # Ahead on the mean: the old point comparison would have promoted it.
    assert evaluation.primary(LEARNED) > evaluation.primary(HEURISTIC)
    margin = evaluation.margins[HEURISTIC]
    assert margin.mean == pytest.approx(0.01)
    assert margin.low < 0 < margin.high
    decision = decide_promotion(evaluation)
    assert not decision.promote
    assert "split's noise" in decision.reason
    assert "95% interval over 80 mentees" in decision.reason


def test_a_win_beyond_the_noise_is_promoted_with_its_interval() -> None:
    new, rival = _per_mentee(0.06, noise=0.05)
    decision = decide_promotion(_evaluation(new, rival))
    assert decision.promote
    assert "heuristic +0.0600 (95% interval over 80 mentees +0.0" in decision.reason


def test_the_interval_must_clear_the_minimum_improvement_too() -> None:
    new, rival = _per_mentee(0.06, noise=0.05)
    evaluation = _evaluation(new, rival)
    assert evaluation.margins[HEURISTIC].low > 0.03
    assert not decide_promotion(evaluation, min_improvement=0.05).promote
    assert decide_promotion(evaluation, min_improvement=0.05, force=True).forced


def test_the_bootstrap_is_reproducible_and_narrows_with_less_noise() -> None:
    new, rival = _per_mentee(0.02, noise=0.2)
    first = bootstrap_margin(HEURISTIC, new, rival, seed=3)
    assert first == bootstrap_margin(HEURISTIC, new, rival, seed=3)
    calm_new, calm_rival = _per_mentee(0.02, noise=0.02)
    calm = bootstrap_margin(HEURISTIC, calm_new, calm_rival, seed=3)
    assert calm.high - calm.low < (first.high - first.low) / 5
    empty = bootstrap_margin(HEURISTIC, np.zeros(0), np.zeros(0), seed=3)
    assert np.isnan(empty.low)


def test_margins_compare_every_rival_on_the_same_mentees() -> None:
    groups = np.repeat(np.arange(6), 4)
    relevance = np.tile([1.0, 0.5, 0.2, 0.0], 6)
    scores = {
        LEARNED: relevance.copy(),  # the perfect order
        HEURISTIC: -relevance,  # the worst
        CHAMPION: relevance.copy(),
    }
    per_group = ndcg_per_group(relevance, scores[HEURISTIC], groups)
    assert per_group.size == 6 and per_group.mean() == pytest.approx(
        ndcg_at_k(relevance, scores[HEURISTIC], groups, 5)
    )
    margins = margins_over(LEARNED, (HEURISTIC, CHAMPION), scores, relevance, groups, seed=1)
    assert margins[HEURISTIC].low > 0 and margins[HEURISTIC].mentees == 6
    # A tie on every mentee is a zero-width interval at zero: no win.
    assert margins[CHAMPION].low == margins[CHAMPION].high == 0.0
    table = {name: {NDCG: 0.5} for name in scores}
    decision = decide_promotion(Evaluation(observed=table, margins=margins))
    assert not decision.promote and "champion +0.0000" in decision.reason
