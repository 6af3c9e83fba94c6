"""Fitting the phrase association (ranking/scorers/association.py) to feedback on past pairings.

PhraseAssociation is imported here also because champions pickled before ranking/ existed name
it by this module's path.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from sklearn.cluster import KMeans
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold

from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers.association import PhraseAssociation

__all__ = ["PhraseAssociation", "fit_phrase_association"]

# Out-of-fold values for the ranker's training rows: the association never scores a pair it
# was fitted on, so the ranker learns how much to trust it on pairs it has not seen.
_FOLDS: Final = 5


def fit_phrase_association(
    roster: Roster,
    mentor_idx: np.ndarray,
    mentee_idx: np.ndarray,
    target: np.ndarray,
    groups: np.ndarray,
    *,
    mode: str,
    clusters: int,
    alpha: float,
    seed: int,
) -> tuple[PhraseAssociation, np.ndarray]:
    """The association fitted on these pairs, and out-of-fold values for each of them.

    Kinds come from every phrase of the roster (unsupervised); W from the pairs' targets.
    Folds are grouped like the evaluation split (by mentee), so no mentee's own ratings
    score that mentee's rows.
    """
    phrases = np.vstack([roster.skill_items.vectors, roster.goal_items.vectors])
    distinct = np.unique(phrases, axis=0) if phrases.size else phrases
    n_kinds = max(1, min(clusters, distinct.shape[0]))
    if distinct.shape[0] == 0:
        centres = np.zeros((1, roster.skill_items.vectors.shape[1]), dtype=np.float32)
    else:
        kmeans = KMeans(n_clusters=n_kinds, n_init=3, random_state=seed).fit(distinct)
        centres = kmeans.cluster_centers_
        norms = np.linalg.norm(centres, axis=1, keepdims=True)
        centres = centres / np.where(norms > 0, norms, 1.0)
    kinds_only = PhraseAssociation(centres, np.zeros((n_kinds, n_kinds)))
    cells = kinds_only.cells(roster, mentor_idx, mentee_idx, mode)
    target = np.asarray(target, dtype=np.float64)

    def fitted_weights(rows: np.ndarray) -> np.ndarray:
        ridge = Ridge(alpha=alpha).fit(cells[rows], target[rows])
        return np.asarray(ridge.coef_, dtype=np.float64).reshape(n_kinds, n_kinds)

    out_of_fold = np.zeros(target.size)
    folds = min(_FOLDS, np.unique(groups).size)
    if folds >= 2:
        for fit_rows, held_rows in GroupKFold(n_splits=folds).split(cells, groups=groups):
            out_of_fold[held_rows] = cells[held_rows] @ fitted_weights(fit_rows).ravel()
    association = PhraseAssociation(centres, fitted_weights(np.arange(target.size)))
    if folds < 2:
        out_of_fold = association.values(roster, mentor_idx, mentee_idx, mode)
    return association, out_of_fold
