"""AdditiveRanker: scikit-learn contract, faithful contributions, what it can learn."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from recomentor.training.models import AdditiveRanker, soft_label_rows


def _data(rows: int = 1_500, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A peaked effect of x0 (best in the middle), a rising x1, a binary x2, noise x3."""
    rng = np.random.default_rng(seed)
    features = np.column_stack(
        [rng.random(rows), rng.random(rows), rng.integers(0, 2, rows), rng.random(rows)]
    )
    logit = -6 * (features[:, 0] - 0.5) ** 2 * 4 + 3 * features[:, 1] + features[:, 2] - 1
    labels = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return features, labels


@cache
def _small_ranker() -> AdditiveRanker:
    return AdditiveRanker().fit(*_data(600, seed=9))


@pytest.fixture(scope="module")
def fitted() -> AdditiveRanker:
    features, labels = _data()
    return AdditiveRanker(("peak", "rise", "flag", "noise")).fit(features, labels)


def test_fit_returns_self_and_sets_only_trailing_underscore_attributes() -> None:
    features, labels = _data(300)
    ranker = AdditiveRanker(("a", "b", "c", "d"), n_knots=4)
    before = set(vars(ranker))
    assert ranker.fit(features, labels) is ranker
    added = set(vars(ranker)) - before
    assert added and all(name.endswith("_") for name in added), added
    assert ranker.get_params() == clone(ranker).get_params()
    assert ranker.n_features_in_ == 4


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "contributions", "decision_function"]
)
def test_unfitted_ranker_refuses_to_score(method: str) -> None:
    with pytest.raises(NotFittedError):
        getattr(AdditiveRanker(), method)(np.zeros((2, 3)))


def test_fit_refuses_a_single_class_and_mismatched_names() -> None:
    features, _ = _data(50)
    with pytest.raises(ValueError, match="two classes"):
        AdditiveRanker().fit(features, np.ones(50, dtype=bool))
    with pytest.raises(ValueError, match="feature names"):
        AdditiveRanker(("only_one",)).fit(features, np.arange(50) % 2)


def test_fit_refuses_a_class_that_only_has_zero_weight() -> None:
    features, labels = _data(50)
    with pytest.raises(ValueError, match="two classes of positive weight"):
        AdditiveRanker().fit(features, labels, sample_weight=labels.astype(float))


def test_soft_label_rows_weigh_each_pair_by_its_relevance() -> None:
    features = np.arange(6.0).reshape(3, 2)
    rows, labels, weights = soft_label_rows(features, np.array([0.0, 0.25, 1.0]))
    # The 0 and the 1 appear once (the other half has weight zero), the 0.25 twice.
    np.testing.assert_array_equal(rows, features[[1, 2, 0, 1]])
    np.testing.assert_array_equal(labels, [True, True, False, False])
    np.testing.assert_allclose(weights, [0.25, 1.0, 1.0, 0.75])
    with pytest.raises(ValueError, match="between 0 and 1"):
        soft_label_rows(features, np.array([0.0, 0.5, 1.5]))


def test_soft_labels_fit_the_graded_relevance_itself() -> None:
    """P(good) estimates the relevance, which hard labels at a threshold cannot recover."""
    rng = np.random.default_rng(4)
    features = rng.random((3_000, 2))
    # x0 moves relevance only below the 0.75 "good" line; x1 does nothing.
    relevance = np.clip(0.1 + 0.5 * features[:, 0] + rng.normal(0, 0.05, 3_000), 0, 1)
    rows, labels, weights = soft_label_rows(features, relevance)
    soft = AdditiveRanker(C=10.0).fit(rows, labels, sample_weight=weights)
    grid = np.array([[0.1, 0.5], [0.5, 0.5], [0.9, 0.5]])
    np.testing.assert_allclose(soft.predict_proba(grid)[:, 1], [0.15, 0.35, 0.55], atol=0.03)
    parts = soft.contributions(grid)
    np.testing.assert_allclose(parts.sum(axis=1), soft.predict_proba(grid)[:, 1], atol=1e-9)


def test_the_baseline_pair_is_the_mean_of_the_original_rows() -> None:
    features, _ = _data(400)
    relevance = np.where(features[:, 1] > 0.7, 1.0, np.where(features[:, 1] < 0.3, 0.0, 0.5))
    rows, labels, weights = soft_label_rows(features, relevance)
    ranker = AdditiveRanker().fit(rows, labels, sample_weight=weights)
    np.testing.assert_allclose(ranker.feature_means_, features.mean(axis=0))
    assert not np.allclose(rows.mean(axis=0), features.mean(axis=0))  # what weights correct


def test_scoring_refuses_the_wrong_number_of_columns(fitted: AdditiveRanker) -> None:
    with pytest.raises(ValueError):
        fitted.predict_proba(np.zeros((3, 2)))


def test_binary_features_stay_linear_and_continuous_ones_get_splines(
    fitted: AdditiveRanker,
) -> None:
    widths = np.diff(fitted.blocks_)
    assert widths[2] == 1
    assert (widths[[0, 1, 3]] > 1).all()


def test_contributions_start_at_the_baseline_and_add_up_to_the_score(
    fitted: AdditiveRanker,
) -> None:
    features, _ = _data(400, seed=3)
    parts = fitted.contributions(features)
    assert parts.shape == (400, 5)
    baseline = 1 / (1 + np.exp(-fitted.baseline_logit_))
    np.testing.assert_allclose(parts[:, 0], baseline)
    np.testing.assert_allclose(parts.sum(axis=1), fitted.predict_proba(features)[:, 1], atol=1e-9)
    # The score equals the underlying logistic regression's own probability: nothing invented.
    expanded = np.hstack(fitted._expand(features))
    np.testing.assert_allclose(
        fitted.predict_proba(features)[:, 1], fitted.classifier_.predict_proba(expanded)[:, 1]
    )


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 20), st.just(4)),
        elements=st.floats(-1.0, 2.0, allow_nan=False),
    )
)
def test_contributions_add_up_for_any_input_even_outside_the_training_range(
    features: np.ndarray,
) -> None:
    ranker = _small_ranker()
    parts = ranker.contributions(features)
    np.testing.assert_allclose(parts.sum(axis=1), ranker.predict_proba(features)[:, 1], atol=1e-9)
    # Signs follow the logit terms: a factor that lowers the logit lowers the probability.
    logit_parts = ranker.logit_contributions(features)
    assert (np.sign(parts[:, 1:]) * np.sign(logit_parts) >= 0).all()


def test_a_pair_at_the_training_mean_is_all_baseline(fitted: AdditiveRanker) -> None:
    parts = fitted.contributions(fitted.feature_means_.reshape(1, -1))
    np.testing.assert_allclose(parts[0, 1:], 0.0, atol=1e-12)


def test_learns_a_peaked_effect_a_weighted_sum_cannot(fitted: AdditiveRanker) -> None:
    grid = np.tile([0.5, 0.5, 0.0, 0.5], (3, 1))
    grid[:, 0] = [0.05, 0.5, 0.95]
    low, middle, high = fitted.logit_contributions(grid)[:, 0]
    assert middle > low + 1 and middle > high + 1
    rising = np.tile([0.5, 0.5, 0.0, 0.5], (2, 1))
    rising[:, 1] = [0.1, 0.9]
    assert np.diff(fitted.logit_contributions(rising)[:, 1])[0] > 1


@parametrize_with_checks([AdditiveRanker()])
def test_passes_scikit_learn_estimator_checks(estimator: AdditiveRanker, check: Any) -> None:
    check(estimator)
