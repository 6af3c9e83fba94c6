"""An additive ranker (per-feature splines into a logistic regression) with faithful contributions.

How a score decomposes, for one pair x with features x_1..x_n:

    logit(x) = b + sum_j g_j(x_j)       g_j(v) = coef_j . basis_j(v), a spline or a linear term
    baseline = b + sum_j g_j(mean_j)    the same model at the training mean of every feature
    c_j      = g_j(x_j) - g_j(mean_j)   logit contribution of j; sum_j c_j = logit - baseline
    score    = sigmoid(logit(x))        the served probability that the pairing goes well
    slope    = (sigmoid(logit) - sigmoid(baseline)) / (logit - baseline)
               (sigmoid'(baseline) in the limit logit -> baseline)
    phi_j    = slope * c_j              contribution of feature j in probability space

so sigmoid(baseline) + sum_j phi_j == score exactly (to float rounding): the difference to the
baseline is shared between features in proportion to their logit contributions, with their signs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import SplineTransformer
from sklearn.utils import Tags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

BASELINE = "baseline"
# Below this logit distance sigmoid is linear enough that its derivative is the secant slope.
_SLOPE_EPSILON = 1e-9


def _sigmoid(logit: np.ndarray) -> np.ndarray:
    result: np.ndarray = 0.5 * (1.0 + np.tanh(0.5 * logit))
    return result


def _is_binary(column: np.ndarray) -> bool:
    return bool(np.isin(np.unique(column), (0.0, 1.0)).all())


class AdditiveRanker(ClassifierMixin, BaseEstimator):
    """P(good pairing | features) as a generalised additive model, explainable term by term.

    Continuous features are expanded with a B-spline basis (uniform knots over the training
    range, constant beyond it, so serving never extrapolates a curve); binary features,
    features with too few distinct values and those named in `linear_features` stay linear.
    One L2-regularised logistic regression then fits all terms at once.
    """

    def __init__(
        self,
        feature_names: Sequence[str] | None = None,
        *,
        n_knots: int = 5,
        degree: int = 3,
        C: float = 1.0,
        max_iter: int = 2_000,
        linear_features: Sequence[str] = (),
    ) -> None:
        self.feature_names = feature_names
        self.linear_features = linear_features
        self.n_knots = n_knots
        self.degree = degree
        self.C = C
        self.max_iter = max_iter

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        if tags.classifier_tags is not None:
            tags.classifier_tags.multi_class = False  # good or not good: a binary model
        return tags

    def _expanders(self, matrix: np.ndarray) -> list[SplineTransformer | None]:
        expanders: list[SplineTransformer | None] = []
        linear = set(self.linear_features)
        for name, column in zip(self.feature_names_, matrix.T, strict=True):
            if name in linear or _is_binary(column) or np.unique(column).size <= self.degree + 1:
                expanders.append(None)
                continue
            spline = SplineTransformer(
                n_knots=self.n_knots,
                degree=self.degree,
                knots="uniform",
                extrapolation="constant",
                include_bias=False,  # the basis sums to one: a bias column would duplicate it
            )
            expanders.append(spline.fit(column.reshape(-1, 1)))
        return expanders

    def _expand(self, matrix: np.ndarray) -> list[np.ndarray]:
        """Basis columns of each feature, one block per feature."""
        blocks = []
        for position, expander in enumerate(self.expanders_):
            column = matrix[:, position : position + 1]
            blocks.append(column if expander is None else expander.transform(column))
        return blocks

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> AdditiveRanker:
        """Fit on binary labels; `sample_weight` weights rows (see `soft_label_rows`)."""
        matrix, labels = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(labels)
        weights = _check_sample_weight(
            sample_weight, matrix, dtype=np.float64, ensure_non_negative=True
        )
        classes = np.unique(labels[weights > 0])
        # The wordings are the ones scikit-learn's estimator checks expect.
        if np.unique(labels).size > 2:
            raise ValueError("Only binary classification is supported: good pairing or not")
        if classes.size < 2:
            raise ValueError("AdditiveRanker needs two classes of positive weight, got 1 class")
        self.classes_ = classes
        names = self.feature_names
        if names is not None and len(names) != matrix.shape[1]:
            raise ValueError(f"{len(names)} feature names for {matrix.shape[1]} columns")
        self.feature_names_ = tuple(names or (f"x{i}" for i in range(matrix.shape[1])))
        # Knots from the rows that count: a row of weight zero is a row not given.
        counted = matrix[weights > 0]
        self.expanders_ = self._expanders(counted)
        # The training range of each feature, where its shape function was learned.
        self.feature_ranges_ = np.column_stack([counted.min(axis=0), counted.max(axis=0)])
        blocks = self._expand(matrix)
        widths = [block.shape[1] for block in blocks]
        self.blocks_ = np.cumsum([0, *widths])
        self.classifier_ = LogisticRegression(C=self.C, max_iter=self.max_iter)
        self.classifier_.fit(np.hstack(blocks), labels == self.classes_[1], sample_weight=weights)
        self.n_iter_ = self.classifier_.n_iter_
        # The mean pair the weights describe: for soft-label rows, the mean of the original rows.
        self.feature_means_ = np.average(matrix, axis=0, weights=weights)
        self.baseline_terms_ = self._terms(self.feature_means_.reshape(1, -1))[0]
        self.baseline_logit_ = float(self.classifier_.intercept_[0] + self.baseline_terms_.sum())
        return self

    def _terms(self, matrix: np.ndarray) -> np.ndarray:
        """g_j(x_j) for every row and feature: the logit split into per-feature terms."""
        coef = self.classifier_.coef_[0]
        blocks = self._expand(matrix)
        terms = np.empty((matrix.shape[0], len(blocks)))
        for position, block in enumerate(blocks):
            start, stop = self.blocks_[position], self.blocks_[position + 1]
            terms[:, position] = block @ coef[start:stop]
        return terms

    def feature_range(self, position: int) -> tuple[float, float]:
        """Lowest and highest training value of a feature (for models fitted before ranges were
        kept: the spline's boundary knots, or 0 to 1 for a linear term)."""
        check_is_fitted(self)
        ranges = getattr(self, "feature_ranges_", None)
        if ranges is not None:
            return float(ranges[position, 0]), float(ranges[position, 1])
        expander = self.expanders_[position]
        if expander is None:
            return 0.0, 1.0
        knots = expander.bsplines_[0].t
        return float(knots[self.degree]), float(knots[-self.degree - 1])

    def is_linear(self, position: int) -> bool:
        """True when the feature is one linear term (binary, or too few values for a spline)."""
        check_is_fitted(self)
        return self.expanders_[position] is None

    def shape_function(self, position: int, values: np.ndarray) -> np.ndarray:
        """g_j(v) - g_j(mean_j) of feature j at each value: the logit the feature adds to a
        pair's score when it takes that value, the other features held anywhere."""
        check_is_fitted(self)
        grid = np.tile(self.feature_means_, (values.size, 1))
        grid[:, position] = values
        shape: np.ndarray = self._terms(grid)[:, position] - self.baseline_terms_[position]
        return shape

    def _validated(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        matrix: np.ndarray = validate_data(self, X, dtype=np.float64, reset=False)
        return matrix

    def logit_contributions(self, X: Any) -> np.ndarray:
        """c_j: each feature's term minus its term at the training mean (logit scale)."""
        contributions: np.ndarray = self._terms(self._validated(X)) - self.baseline_terms_
        return contributions

    def decision_function(self, X: Any) -> np.ndarray:
        contributions = self.logit_contributions(X)  # checks it is fitted first
        logit: np.ndarray = self.baseline_logit_ + contributions.sum(axis=1)
        return logit

    def predict_proba(self, X: Any) -> np.ndarray:
        good = _sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - good, good])

    def predict(self, X: Any) -> np.ndarray:
        good = self.decision_function(X) > 0
        labels: np.ndarray = self.classes_[good.astype(np.int64)]
        return labels

    def _slope(self, logit_parts: np.ndarray) -> np.ndarray:
        shift = logit_parts.sum(axis=1)
        baseline_score = float(_sigmoid(np.array(self.baseline_logit_)))
        moved = _sigmoid(self.baseline_logit_ + shift) - baseline_score
        derivative = baseline_score * (1.0 - baseline_score)
        near = np.abs(shift) < _SLOPE_EPSILON
        slope: np.ndarray = np.where(near, derivative, moved / np.where(near, 1.0, shift))
        return slope

    def contributions(self, X: Any) -> np.ndarray:
        """(rows, 1 + features): sigmoid(baseline), then phi_j; each row sums to the score."""
        logit_parts = self.logit_contributions(X)  # checks it is fitted first
        baseline_score = float(_sigmoid(np.array(self.baseline_logit_)))
        baseline = np.full((logit_parts.shape[0], 1), baseline_score)
        return np.hstack([baseline, self._slope(logit_parts)[:, None] * logit_parts])

    def linear_scale(self, X: Any, position: int) -> np.ndarray:
        """For a linear feature j: slope x coef_j per row, so that its contribution is
        phi_j = scale x (x_j - mean_j); a part of x_j adds scale x that part."""
        if not self.is_linear(position):
            raise ValueError(f"feature {self.feature_names_[position]} is not a linear term")
        coef = float(self.classifier_.coef_[0][self.blocks_[position]])
        scale: np.ndarray = self._slope(self.logit_contributions(X)) * coef
        return scale
