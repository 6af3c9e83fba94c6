"""Fitting phrase interactions (ranking/scorers/interaction.py) to feedback on past pairings.

1. Clusters: every distinct skill and goal phrase of the roster, agglomerated by average
   linkage on the cosine distance of their embeddings (no ratings involved), the tree cut into
   at most `clusters` clusters and into coarser levels (half as many each); a cluster's centre
   is the normalised mean of its phrases.
2. Weights: one logistic regression of the pairing's relevance (soft labels) on the pair
   features and the (skill cluster, goal cluster) cells of both directions, so each cell's
   weight is learned net of what the similarity, site, department and gap features explain.
3. Regularisation: the strength C is chosen from `c_grid` by grouped cross-validation (folds of
   mentees, as the evaluation split): the C whose held-out cross-entropy is lowest.
4. Out-of-fold features: the interaction values of each training row come from the fold model
   that did not see its mentee, so the ranker learns how far to trust them on new mentees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers.interaction import PhraseClusters, PhraseInteractions

_FOLDS: Final = 4
_MAX_ITER: Final = 1_000
_PROBABILITY_FLOOR: Final = 1e-9


@dataclass(frozen=True)
class InteractionFit:
    interactions: PhraseInteractions
    out_of_fold: np.ndarray  # (rows, 2) interaction features of the training rows
    C: float
    cross_entropy: dict[float, float]  # held-out cross-entropy of each C tried


def _level(distinct: np.ndarray, labels: np.ndarray, names_of_rows: list[str]) -> PhraseClusters:
    """One cut of the tree as served: centres, radius and names from the phrases nearest each
    centre, as serving assigns them."""
    size = int(labels.max()) + 1
    sums = np.zeros((size, distinct.shape[1]))
    np.add.at(sums, labels, distinct)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    centres = (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    similarity = distinct @ centres.T
    nearest = similarity.argmax(axis=1)
    closeness = similarity[np.arange(nearest.size), nearest]
    radius = np.ones(size)
    np.minimum.at(radius, nearest, closeness)
    names = []
    for cluster in range(size):
        members = np.flatnonzero(nearest == cluster)
        if members.size == 0:
            members = np.flatnonzero(labels == cluster)
        names.append(names_of_rows[int(members[closeness[members].argmax()])])
    return PhraseClusters(centres, radius, tuple(names))


def cluster_phrases(roster: Roster, clusters: int, levels: int = 1) -> tuple[PhraseClusters, ...]:
    """Every distinct skill and goal phrase of the roster, agglomerated once (average linkage,
    cosine distance), the tree cut into at most `clusters` clusters, then `levels - 1` coarser
    cuts, each with half as many: finest first."""
    vectors = np.vstack([roster.skill_items.vectors, roster.goal_items.vectors])
    texts = [*roster.skill_items.texts, *roster.goal_items.texts]
    if vectors.shape[0] == 0:
        empty = np.zeros((0, vectors.shape[1]), dtype=np.float32)
        return (PhraseClusters(empty, np.zeros(0), ()),)
    distinct, first = np.unique(vectors, axis=0, return_index=True)
    names_of_rows = [texts[i] for i in first.tolist()]
    if distinct.shape[0] == 1:
        return (_level(distinct, np.zeros(1, dtype=np.int64), names_of_rows),)
    tree = linkage(distinct.astype(np.float64), method="average", metric="cosine")
    cuts = []
    count = min(clusters, distinct.shape[0])
    for _ in range(levels):
        cuts.append(count)
        count = max(2, count // 2)
        if count == cuts[-1]:
            break
    return tuple(
        _level(distinct, fcluster(tree, t=cut, criterion="maxclust") - 1, names_of_rows)
        for cut in cuts
    )


def _soft_rows(
    design: sp.csr_matrix, relevance: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Each row as good with weight r and poor with weight 1 - r (models.soft_label_rows)."""
    good, poor = relevance > 0.0, relevance < 1.0
    rows = sp.vstack([design[good], design[poor]]).tocsr()
    labels = np.concatenate([np.ones(int(good.sum())), np.zeros(int(poor.sum()))])
    weights = np.concatenate([relevance[good], 1.0 - relevance[poor]])
    return rows, labels, weights


def _cross_entropy(relevance: np.ndarray, probability: np.ndarray) -> float:
    p = np.clip(probability, _PROBABILITY_FLOOR, 1.0 - _PROBABILITY_FLOOR)
    return float(-np.mean(relevance * np.log(p) + (1.0 - relevance) * np.log(1.0 - p)))


def fit_phrase_interactions(
    roster: Roster,
    mentor_idx: np.ndarray,
    mentee_idx: np.ndarray,
    relevance: np.ndarray,
    groups: np.ndarray,
    base_features: np.ndarray,
    *,
    mode: str,
    clusters: int,
    levels: int,
    c_grid: tuple[float, ...],
) -> InteractionFit:
    """Clusters, weights with C chosen by grouped cross-validation, and out-of-fold values.

    `relevance` is the target in [0, 1] (soft labels; binary ones are 0 or 1), `base_features`
    the pair features of the same rows.
    """
    cuts = cluster_phrases(roster, clusters, levels)
    cells = sum(level.size * level.size for level in cuts)
    unfitted = PhraseInteractions(cuts, np.zeros(cells), np.zeros(cells))
    forward, backward = unfitted.cells(roster, mentor_idx, mentee_idx, mode)
    dense = np.asarray(base_features, dtype=np.float64)
    full = sp.hstack([sp.csr_matrix(dense), forward, backward]).tocsr()
    # Only cells some rated pair has can get a weight (the penalty keeps the others at 0):
    # the solver works on those columns alone, far fewer than 2 k^2.
    active = np.union1d(np.arange(dense.shape[1]), np.unique(full.indices))
    design = full[:, active]
    relevance = np.asarray(relevance, dtype=np.float64)
    start = dense.shape[1]

    def fitted(rows: np.ndarray, model: LogisticRegression) -> np.ndarray:
        stacked, labels, weights = _soft_rows(design[rows], relevance[rows])
        model.fit(stacked, labels, sample_weight=weights)
        coef = np.zeros(full.shape[1])
        coef[active] = model.coef_[0]
        return coef

    def interaction_values(rows: np.ndarray, coef: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [
                forward[rows] @ coef[start : start + cells],
                backward[rows] @ coef[start + cells :],
            ]
        )

    grid = tuple(sorted(c_grid))
    folds = min(_FOLDS, np.unique(groups).size)
    losses = {c: 0.0 for c in grid}
    out_of_fold = {c: np.zeros((relevance.size, 2)) for c in grid}
    if folds >= 2:
        for fit_rows, held_rows in GroupKFold(n_splits=folds).split(design, groups=groups):
            # Strongest regularisation first, each fit starting from the previous solution.
            model = LogisticRegression(max_iter=_MAX_ITER, warm_start=True)
            for c in grid:
                model.set_params(C=c)
                coef = fitted(fit_rows, model)
                held = model.predict_proba(design[held_rows])[:, 1]
                losses[c] += _cross_entropy(relevance[held_rows], held) * held_rows.size
                out_of_fold[c][held_rows] = interaction_values(held_rows, coef)
        losses = {c: loss / relevance.size for c, loss in losses.items()}
    best = min(grid, key=lambda c: (losses[c], -c)) if folds >= 2 else grid[len(grid) // 2]
    everything = np.arange(relevance.size)
    coef = fitted(everything, LogisticRegression(C=best, max_iter=_MAX_ITER))
    interactions = PhraseInteractions(cuts, coef[start : start + cells], coef[start + cells :])
    values = out_of_fold[best] if folds >= 2 else interaction_values(everything, coef)
    return InteractionFit(interactions, values, best, losses if folds >= 2 else {})
