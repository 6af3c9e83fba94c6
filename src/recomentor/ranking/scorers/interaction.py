"""Phrase interactions learned from feedback: which kinds of skill served which kinds of goal.

Every skill and goal phrase belongs to a cluster of phrases that say much the same thing
(fitted in training/interaction.py). A pair's two interaction features are

  skill_goal_interaction = sum_ij W_fwd[i, j] s_mentor[i] g_mentee[j]   what the mentor teaches
  goal_skill_interaction = sum_ij W_back[i, j] s_mentee[i] g_mentor[j]  what the mentee teaches back

where s[i] is 1 when the person wrote a skill of cluster i, and g[j] the weight of their goals
of cluster j: the goal named first counts double, and weights are divided by (goals + 1), so
covering everything a person wants is worth 1 (people list what they want most first). W is
learned from the ratings of past pairings, one weight per (skill cluster, goal cluster).

A phrase never seen in training takes the cluster of the nearest centre when it is at least as
close to it as the cluster's own farthest phrase; otherwise it belongs to no cluster, adds no
interaction, and the text similarity features carry the pair alone.

In mutual mode each feature is the mean over both ways of reading the pair, like the other text
features. The ranker weighs each feature linearly, so its part of a score splits exactly into
one part per (skill phrase, goal phrase) link (`links`).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import scipy.sparse as sp

from recomentor import fields as F
from recomentor.ranking.features import (
    GOAL_SKILL_INTERACTION,
    INTERACTION_FEATURES,
    SKILL_GOAL_INTERACTION,
    PairFeatures,
)
from recomentor.ranking.roster import ItemSet, Roster
from recomentor.ranking.scorers.base import Link
from recomentor.ranking.similarity import row_kron

_NO_CLUSTER: Final = -1
# Float32 products of a phrase with its own centre can fall a hair below the radius stored.
_RADIUS_SLACK: Final = 1e-5
_FIRST_GOAL_WEIGHT: Final = 2.0


@dataclass(frozen=True)
class PhraseClusters:
    """Cluster centres (unit rows), each cluster's radius (lowest cosine of its own phrases to
    the centre) and its name (its most central phrase)."""

    centres: np.ndarray
    radius: np.ndarray
    names: tuple[str, ...]

    @property
    def size(self) -> int:
        return int(self.centres.shape[0])

    def assign(self, vectors: np.ndarray) -> np.ndarray:
        """Cluster of each phrase vector, or -1 when no centre is close enough."""
        if vectors.shape[0] == 0 or self.size == 0:
            return np.full(vectors.shape[0], _NO_CLUSTER, dtype=np.int64)
        similarity = vectors @ self.centres.T
        nearest = similarity.argmax(axis=1)
        close = similarity[np.arange(nearest.size), nearest] >= self.radius[nearest] - _RADIUS_SLACK
        return np.where(close, nearest, _NO_CLUSTER).astype(np.int64)


@dataclass(frozen=True)
class Profiles:
    """Per person, for one level of clusters: skill clusters written (0/1) and goal cluster
    weights, sparse (people, k); and the cluster of each distinct phrase of the roster, to
    name the phrases a link joins."""

    skills: sp.csr_matrix
    goals: sp.csr_matrix
    skill_clusters: np.ndarray
    goal_clusters: np.ndarray


def _owners(items: ItemSet) -> np.ndarray:
    return np.repeat(np.arange(items.offsets.size - 1), items.counts)


def _skill_profile(items: ItemSet, clusters: np.ndarray, size: int) -> sp.csr_matrix:
    cluster = clusters[items.refs]
    kept = cluster != _NO_CLUSTER
    people = items.offsets.size - 1
    present = sp.csr_matrix(
        (np.ones(int(kept.sum())), (_owners(items)[kept], cluster[kept])), shape=(people, size)
    )
    present.sum_duplicates()
    present.data[:] = 1.0  # a skill cluster is written or not, however many phrases say it
    return present


def _goal_profile(items: ItemSet, clusters: np.ndarray, size: int) -> sp.csr_matrix:
    owner = _owners(items)
    first = np.zeros(items.refs.size, dtype=bool)
    first[items.offsets[:-1][items.counts > 0]] = True
    weight = np.where(first, _FIRST_GOAL_WEIGHT, 1.0) / (items.counts[owner] + 1.0)
    cluster = clusters[items.refs]
    kept = cluster != _NO_CLUSTER
    people = items.offsets.size - 1
    goals = sp.csr_matrix((weight[kept], (owner[kept], cluster[kept])), shape=(people, size))
    goals.sum_duplicates()
    return goals


class PhraseInteractions:
    """The fitted levels of clusters (cuts of one tree, coarse to fine) and the weights of
    every level's cells, both directions; scores pairs of any roster.

    A coarse level shares what is learned across phrases a fine level keeps apart (other
    wordings, other languages of one topic, when the embeddings put them near); a fine level
    keeps apart what a coarse one mixes. The ranker's regularisation weighs them.
    """

    def __init__(
        self, levels: tuple[PhraseClusters, ...], forward: np.ndarray, backward: np.ndarray
    ) -> None:
        self.levels = tuple(levels)
        self.forward = np.asarray(forward, dtype=np.float64).ravel()
        self.backward = np.asarray(backward, dtype=np.float64).ravel()
        if self.forward.size != self.cell_count or self.backward.size != self.cell_count:
            raise ValueError(f"weights for {self.cell_count} cells per direction are needed")
        self._profiles: weakref.WeakKeyDictionary[Roster, tuple[Profiles, ...]] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def cell_count(self) -> int:
        return sum(level.size * level.size for level in self.levels)

    @property
    def cluster_count(self) -> int:
        return sum(level.size for level in self.levels)

    def __getstate__(self) -> dict[str, Any]:
        # The per-roster profiles are a cache: rebuilt on first use after loading.
        return {"levels": self.levels, "forward": self.forward, "backward": self.backward}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.levels, self.forward, self.backward = (
            state["levels"],
            state["forward"],
            state["backward"],
        )
        self._profiles = weakref.WeakKeyDictionary()

    def profiles(self, roster: Roster) -> tuple[Profiles, ...]:
        found = self._profiles.get(roster)
        if found is None:
            built = []
            for level in self.levels:
                skill_clusters = level.assign(roster.skill_items.vectors)
                goal_clusters = level.assign(roster.goal_items.vectors)
                built.append(
                    Profiles(
                        skills=_skill_profile(roster.skill_items, skill_clusters, level.size),
                        goals=_goal_profile(roster.goal_items, goal_clusters, level.size),
                        skill_clusters=skill_clusters,
                        goal_clusters=goal_clusters,
                    )
                )
            found = tuple(built)
            self._profiles[roster] = found
        return found

    def cells(
        self, roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray, mode: str
    ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(pairs, cell_count) twice, every level's k^2 cells side by side: what the forward
        and backward weights weigh (both ways of reading the pair averaged if mutual)."""
        mentor_idx = np.asarray(mentor_idx, dtype=np.int64)
        mentee_idx = np.asarray(mentee_idx, dtype=np.int64)
        levels = list(zip(self.levels, self.profiles(roster), strict=True))

        def teaching(teachers: np.ndarray, learners: np.ndarray) -> sp.csr_matrix:
            blocks = [
                row_kron(profiles.skills[teachers], profiles.goals[learners], level.size)
                for level, profiles in levels
            ]
            if not blocks:
                return sp.csr_matrix((teachers.size, 0))
            return sp.hstack(blocks).tocsr()

        forward, backward = teaching(mentor_idx, mentee_idx), teaching(mentee_idx, mentor_idx)
        if mode == F.MUTUAL:
            # Which side is called mentor is arbitrary: both readings, averaged.
            mean = ((forward + backward) / 2).tocsr()
            return mean, mean
        return forward, backward

    def values(
        self, roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray, mode: str
    ) -> np.ndarray:
        """(pairs, 2): skill_goal_interaction and goal_skill_interaction of each pair."""
        forward, backward = self.cells(roster, mentor_idx, mentee_idx, mode)
        return np.column_stack([forward @ self.forward, backward @ self.backward])

    def complete(self, roster: Roster, base: PairFeatures, mode: str) -> PairFeatures:
        """`base` with the two interaction columns appended."""
        values = self.values(roster, base.mentor_idx, base.mentee_idx, mode)
        return base.with_column(SKILL_GOAL_INTERACTION, values[:, 0]).with_column(
            GOAL_SKILL_INTERACTION, values[:, 1]
        )

    def _cell(self, column: int) -> tuple[int, int, int]:
        """(level, skill cluster, goal cluster) of a cell column."""
        for position, level in enumerate(self.levels):
            if column < level.size * level.size:
                skill, goal = divmod(column, level.size)
                return position, skill, goal
            column -= level.size * level.size
        raise IndexError("no such cell")

    def _phrase(self, roster: Roster, level: int, person: int, cluster: int, *, goals: bool) -> str:
        """The person's own phrase of that cluster; the cluster's name if they have none."""
        items = roster.goal_items if goals else roster.skill_items
        profiles = self.profiles(roster)[level]
        of_cluster = profiles.goal_clusters if goals else profiles.skill_clusters
        for ref in items.of(person).tolist():
            if of_cluster[ref] == cluster:
                return items.texts[ref]
        return self.levels[level].names[cluster]

    def links(
        self,
        roster: Roster,
        mentor: int,
        mentee: int,
        mode: str,
        scale: dict[str, float],
    ) -> list[Link]:
        """The pair's weighted cells merged by the two phrases they join, each with
        `scale[feature]` x its part of the feature (the ranker's factor per unit of the
        feature); strongest first."""
        forward, backward = self.cells(roster, np.array([mentor]), np.array([mentee]), mode)
        parts: dict[tuple[str, str, str], float] = {}
        for name, cells, weights in (
            (SKILL_GOAL_INTERACTION, forward, self.forward),
            (GOAL_SKILL_INTERACTION, backward, self.backward),
        ):
            teacher, learner = (
                (mentor, mentee) if name == SKILL_GOAL_INTERACTION else (mentee, mentor)
            )
            for column, amount in zip(cells.indices.tolist(), cells.data.tolist(), strict=True):
                part = scale[name] * amount * float(weights[column])
                if part == 0.0:
                    continue
                level, skill_cluster, goal_cluster = self._cell(column)
                if mode == F.MUTUAL:
                    # Averaged readings: name the clusters, either person may hold each phrase.
                    skill = self.levels[level].names[skill_cluster]
                    goal = self.levels[level].names[goal_cluster]
                else:
                    skill = self._phrase(roster, level, teacher, skill_cluster, goals=False)
                    goal = self._phrase(roster, level, learner, goal_cluster, goals=True)
                # The same two phrases meet at every level: one link, its parts summed.
                key = (name, skill, goal)
                parts[key] = parts.get(key, 0.0) + part
        found = [Link(name, skill, goal, part) for (name, skill, goal), part in parts.items()]
        return sorted(found, key=lambda link: -abs(link.contribution))


__all__ = ["INTERACTION_FEATURES", "PhraseClusters", "PhraseInteractions"]
