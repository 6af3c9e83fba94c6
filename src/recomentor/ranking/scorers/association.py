"""Phrase association learned from feedback: which kinds of skills served which kinds of goals.

Text similarity knows only what the embedding model knows: to an English-only model a French
goal and an English skill on the same topic can look unrelated. Past pairings know better.
The association

  1. sorts every skill and goal phrase into `clusters` kinds: k-means over the phrase
     embeddings of the roster (no ratings involved), each phrase to its nearest centre;
  2. describes a mentor by the kinds of skills they wrote, s_m in {0, 1}^k, and a mentee by
     the share of their goal phrases of each kind, h_e (summing to 1);
  3. fits W (k x k) by ridge regression of the pairing's rating on the cells s_m h_e^T;
  4. gives each pair the feature  phrase_association = s_m^T W h_e : how well this mentor's
     kinds of skills went, in past pairings, with this mentee's kinds of goals.

In mutual mode the feature is the mean of both directions, like the other text features.
It is one more input of the additive ranker, so its part of a score is a factor like the
others and explanations stay exact.
"""

from __future__ import annotations

import weakref
from typing import Any, Final

import numpy as np
import scipy.sparse as sp

from recomentor import fields as F
from recomentor.ranking.features import PHRASE_ASSOCIATION, PairFeatures
from recomentor.ranking.roster import ItemSet, Roster
from recomentor.ranking.similarity import row_kron, star_center

_PAIR_CHUNK: Final = 65_536


def _kinds_of(items: ItemSet, centres: np.ndarray) -> np.ndarray:
    """Kind of every distinct phrase: its nearest centre (phrases and centres are unit rows)."""
    if items.vectors.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray((items.vectors @ centres.T).argmax(axis=1), dtype=np.int64)


def _per_person(items: ItemSet, kinds: np.ndarray, n_kinds: int) -> np.ndarray:
    """(people, kinds): how many of each person's phrases are of each kind."""
    people = items.offsets.size - 1
    owner = np.repeat(np.arange(people), items.counts)
    counts = np.zeros((people, n_kinds))
    np.add.at(counts, (owner, kinds[items.refs]), 1.0)
    return counts


class PhraseAssociation:
    """The fitted kinds (centres) and weights W; scores pairs of any roster."""

    def __init__(self, centres: np.ndarray, weights: np.ndarray) -> None:
        self.centres = np.asarray(centres, dtype=np.float32)
        self.weights = np.asarray(weights, dtype=np.float64)
        self._profiles: weakref.WeakKeyDictionary[Roster, tuple[np.ndarray, np.ndarray]] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def n_kinds(self) -> int:
        return int(self.centres.shape[0])

    def __getstate__(self) -> dict[str, Any]:
        # The per-roster profiles are a cache: rebuilt on first use after loading.
        return {"centres": self.centres, "weights": self.weights}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.centres, self.weights = state["centres"], state["weights"]
        self._profiles = weakref.WeakKeyDictionary()

    def profiles(self, roster: Roster) -> tuple[np.ndarray, np.ndarray]:
        """(skill kinds present, goal kind shares), each (people, kinds); once per roster."""
        found = self._profiles.get(roster)
        if found is None:
            skills, goals = roster.skill_items, roster.goal_items
            present = _per_person(skills, _kinds_of(skills, self.centres), self.n_kinds) > 0
            goal_counts = _per_person(goals, _kinds_of(goals, self.centres), self.n_kinds)
            totals = goal_counts.sum(axis=1, keepdims=True)
            shares = np.divide(
                goal_counts, totals, out=np.zeros_like(goal_counts), where=totals > 0
            )
            found = (present.astype(np.float64), shares)
            self._profiles[roster] = found
        return found

    def _one_way(
        self, roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray
    ) -> np.ndarray:
        """s_m^T W h_e for every (mentor m, mentee e) pair."""
        present, shares = self.profiles(roster)
        if mentor_idx.size == 0:
            return np.zeros(0)
        center = star_center(mentor_idx, mentee_idx)
        if center is not None:
            # One person against their partners (a suggestion), on either side of the pairs:
            # one product over everyone per side, then a lookup per pair, costs less than
            # gathering the partners' rows.
            as_mentee = present @ (self.weights @ shares[center])
            as_mentor = shares @ (self.weights.T @ present[center])
            return np.where(mentee_idx == center, as_mentee[mentor_idx], as_mentor[mentee_idx])
        out = np.empty(mentor_idx.size)
        for start in range(0, mentor_idx.size, _PAIR_CHUNK):
            stop = start + _PAIR_CHUNK
            out[start:stop] = np.einsum(
                "ij,ij->i",
                present[mentor_idx[start:stop]] @ self.weights,
                shares[mentee_idx[start:stop]],
            )
        return out

    def values(
        self, roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray, mode: str
    ) -> np.ndarray:
        mentor_idx = np.asarray(mentor_idx, dtype=np.int64)
        mentee_idx = np.asarray(mentee_idx, dtype=np.int64)
        forward = self._one_way(roster, mentor_idx, mentee_idx)
        if mode == F.MUTUAL:
            return (forward + self._one_way(roster, mentee_idx, mentor_idx)) / 2
        return forward

    def complete(self, roster: Roster, base: PairFeatures, mode: str) -> PairFeatures:
        """`base` with the phrase_association column appended."""
        values = self.values(roster, base.mentor_idx, base.mentee_idx, mode)
        return base.with_column(PHRASE_ASSOCIATION, values)

    def cells(
        self, roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray, mode: str
    ) -> sp.csr_matrix:
        """(pairs, kinds^2): the outer products s_m h_e^T that W weighs (both ways if mutual)."""
        present, shares = self.profiles(roster)
        mentor_idx = np.asarray(mentor_idx, dtype=np.int64)
        mentee_idx = np.asarray(mentee_idx, dtype=np.int64)

        def outer(mentors: np.ndarray, mentees: np.ndarray) -> sp.csr_matrix:
            return row_kron(
                sp.csr_matrix(present[mentors]), sp.csr_matrix(shares[mentees]), self.n_kinds
            )

        forward = outer(mentor_idx, mentee_idx)
        if mode == F.MUTUAL:
            return (forward + outer(mentee_idx, mentor_idx)) / 2
        return forward
