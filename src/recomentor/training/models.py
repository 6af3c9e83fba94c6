"""Training rows for the additive ranker (ranking/scorers/additive.py) from graded ratings.

Soft labels: `soft_label_rows` turns graded relevance r in [0, 1] into weighted binary rows (the
pair as "good" with weight r and as "poor" with weight 1 - r). The weighted log-likelihood of
those rows is the cross-entropy of the model against r itself, so `fit(..., sample_weight=...)`
on them fits P(good) to the graded rating while the model, its score and its contributions stay
exactly those of a binary additive classifier.

AdditiveRanker is imported here also because champions pickled before ranking/ existed name it
by this module's path.
"""

from __future__ import annotations

import numpy as np

from recomentor.ranking.scorers.additive import BASELINE, AdditiveRanker

__all__ = ["BASELINE", "AdditiveRanker", "soft_label_rows"]


def soft_label_rows(
    X: np.ndarray, relevance: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, labels, weights) whose weighted log-likelihood is the cross-entropy against relevance.

    Each row appears as a good example weighted by its relevance and as a poor one weighted by
    1 - relevance; halves of weight zero are left out. Weights sum to one per original row, so
    the regularisation strength means the same as with hard labels on as many rows.
    """
    relevance = np.asarray(relevance, dtype=np.float64)
    if relevance.ndim != 1 or relevance.size != len(X):
        raise ValueError(f"{relevance.size} relevances for {len(X)} rows")
    if not ((relevance >= 0.0) & (relevance <= 1.0)).all():
        raise ValueError("relevance must lie between 0 and 1")
    good, poor = relevance > 0.0, relevance < 1.0
    rows = np.concatenate([np.asarray(X)[good], np.asarray(X)[poor]])
    labels = np.concatenate([np.ones(int(good.sum()), bool), np.zeros(int(poor.sum()), bool)])
    weights = np.concatenate([relevance[good], 1.0 - relevance[poor]])
    return rows, labels, weights
