"""Fitting phrase interactions (ranking/scorers/interaction.py) to feedback on past pairings.

1. Clusters: every distinct skill and goal phrase of the roster, agglomerated by average
   linkage on the cosine distance of their embeddings (no ratings involved), the tree cut into
   at most `clusters` clusters and into coarser levels (half as many each); a cluster's centre
   is the normalised mean of its phrases.
2. Weights: one regression of the pairing's relevance (rating - 1) / 4 on the pair features
   and the (skill cluster, goal cluster) cells of both directions, so each cell's weight is
   learned net of what the similarity, site, department and gap features explain: logistic
   on soft labels up to LOGISTIC_MAX_ROWS ratings, ridge (one sparse conjugate-gradient
   solve) beyond, where logistic would be slow.
3. Regularisation: the penalty alpha (ridge's alpha, logistic's 1 / C) is chosen from
   `alpha_grid` by grouped cross-validation (folds of mentees, as the evaluation split): the
   alpha whose held-out squared error against the relevance is lowest.
4. Out-of-fold features: the interaction values of each training row come from the fold model
   that did not see its mentee, so the ranker learns how far to trust them on new mentees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GroupKFold

from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers.interaction import PhraseClusters, PhraseInteractions

_FOLDS: Final = 4
# Solver tolerances: ranking needs the weights' order, not their tenth digit; conjugate
# gradient on tens of thousands of ratings stops sooner (bench/train.py's minute).
_TOLERANCE: Final = 1e-4
_RIDGE_TOLERANCE: Final = 1e-3
_MAX_ITER: Final = 1_000
# Up to this many rated pairings the weights are fitted by logistic regression on soft labels,
# beyond by ridge regression: on a few thousand ratings logistic ranks better (bench/quality.py);
# on tens of thousands both rank alike and logistic takes many times longer, past
# bench/train.py's one-minute budget.
LOGISTIC_MAX_ROWS: Final = 10_000


def _soft_rows(
    design: sp.csr_matrix, relevance: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Each row as good with weight r and poor with weight 1 - r (models.soft_label_rows)."""
    good, poor = relevance > 0.0, relevance < 1.0
    rows = sp.vstack([design[good], design[poor]]).tocsr()
    labels = np.concatenate([np.ones(int(good.sum())), np.zeros(int(poor.sum()))])
    weights = np.concatenate([relevance[good], 1.0 - relevance[poor]])
    return rows, labels, weights


@dataclass(frozen=True)
class InteractionFit:
    interactions: PhraseInteractions
    out_of_fold: np.ndarray  # (rows, 2) interaction features of the training rows
    alpha: float
    squared_error: dict[float, float]  # held-out mean squared error of each penalty tried


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
    alpha_grid: tuple[float, ...],
) -> InteractionFit:
    """Clusters, weights with the penalty chosen by grouped cross-validation, and out-of-fold
    values.

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

    logistic = relevance.size <= LOGISTIC_MAX_ROWS

    def fitted(rows: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
        """Weights fitted on `rows`, and the held-out-ready prediction function's weights."""
        if logistic:
            stacked, labels, weights = _soft_rows(design[rows], relevance[rows])
            model = LogisticRegression(C=1.0 / alpha, max_iter=_MAX_ITER, tol=_TOLERANCE)
            model.fit(stacked, labels, sample_weight=weights)
            solved, intercept = model.coef_[0], float(model.intercept_[0])
        else:
            ridge = Ridge(alpha=alpha, solver="sparse_cg", tol=_RIDGE_TOLERANCE)
            ridge.fit(design[rows], relevance[rows])
            solved, intercept = ridge.coef_, float(ridge.intercept_)
        coef = np.zeros(full.shape[1])
        coef[active] = solved
        return coef, np.append(solved, intercept)

    def predicted(rows: np.ndarray, solved: np.ndarray) -> np.ndarray:
        raw: np.ndarray = design[rows] @ solved[:-1] + solved[-1]
        return 0.5 * (1.0 + np.tanh(0.5 * raw)) if logistic else raw

    def interaction_values(rows: np.ndarray, coef: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [
                forward[rows] @ coef[start : start + cells],
                backward[rows] @ coef[start + cells :],
            ]
        )

    grid = tuple(sorted(alpha_grid))
    folds = min(_FOLDS, np.unique(groups).size)
    losses = dict.fromkeys(grid, 0.0)
    out_of_fold = {alpha: np.zeros((relevance.size, 2)) for alpha in grid}
    if folds >= 2:
        for fit_rows, held_rows in GroupKFold(n_splits=folds).split(design, groups=groups):
            for alpha in grid:
                coef, solved = fitted(fit_rows, alpha)
                held = predicted(held_rows, solved)
                losses[alpha] += float(np.sum((relevance[held_rows] - held) ** 2))
                out_of_fold[alpha][held_rows] = interaction_values(held_rows, coef)
        losses = {alpha: loss / relevance.size for alpha, loss in losses.items()}
    # Ties go to the stronger penalty: the simpler model.
    best = min(grid, key=lambda a: (losses[a], -a)) if folds >= 2 else grid[len(grid) // 2]
    everything = np.arange(relevance.size)
    coef, _ = fitted(everything, best)
    interactions = PhraseInteractions(cuts, coef[start : start + cells], coef[start + cells :])
    values = out_of_fold[best] if folds >= 2 else interaction_values(everything, coef)
    return InteractionFit(interactions, values, best, losses if folds >= 2 else {})
