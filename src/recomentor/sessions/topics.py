"""Topics: the learners' goal phrases clustered on cosine distance, named, kept when wanted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import msgspec
import numpy as np

from recomentor import text as T
from recomentor.errors import InvalidInputError
from recomentor.ranking.roster import Roster
from recomentor.ranking.similarity import ragged_positions

# Agglomerative clustering keeps every pairwise distance: (phrases^2 / 2) floats. Past this many
# distinct phrases that no longer fits a server's memory, and a program that large should plan
# per department.
MAX_PHRASES: Final = 20_000
# A topic is named by this many of its most central phrases.
_NAME_PHRASES: Final = 2
NAME_SEPARATOR: Final = " / "
# A learner whose goal was clustered elsewhere still wants a topic when that goal lies this close
# to the topic's centre: within this share of the clustering threshold (a cosine distance).
_JOIN_SHARE: Final = 1.0


class TopicPhrase(msgspec.Struct, frozen=True):
    """One goal phrase of a topic, the language it reads in ("" unknown) and who wrote it."""

    text: str
    lang: str
    askers: list[str]


def topic_name(phrases: list[TopicPhrase]) -> str:
    """The most central phrases (`phrases` come most central first) in the language most of
    them are written in; phrases of no telling language count for none and serve as a last
    resort."""
    votes: Counter[str] = Counter()
    for phrase in phrases:
        if phrase.lang:
            votes[phrase.lang] += len(phrase.askers)
    # Counter keeps first-seen order: a tie goes to the language of the most central phrase.
    majority = max(votes, key=lambda lang: votes[lang]) if votes else ""
    named = [p.text for p in phrases if p.lang == majority] or [p.text for p in phrases]
    # "Apprendre le SQL" and "apprendre le SQL" name nothing twice.
    distinct = list({text.casefold(): text for text in reversed(named)}.values())[::-1]
    return NAME_SEPARATOR.join(distinct[:_NAME_PHRASES])


@dataclass(frozen=True, eq=False)
class Topic:
    """Goal phrases that say the same thing, and the learners who wrote them."""

    phrases: list[TopicPhrase]  # most central first
    centroid: np.ndarray  # (d,) unit vector: the askers' phrases averaged
    learners: np.ndarray  # roster positions of the askers, sorted
    goal_rows: np.ndarray  # rows of roster.goal_items.vectors in the topic

    @cached_property
    def name(self) -> str:
        return topic_name(self.phrases)

    @property
    def demand(self) -> int:
        return int(self.learners.size)


@dataclass(frozen=True, eq=False)
class TopicSet:
    """The topics kept, and what became of every learner's goals."""

    topics: list[Topic]  # most wanted first
    min_demand: int
    # The most learners any topic gathered, kept or not: what an error message can quote.
    best_demand: int
    best_name: str


def learner_positions(roster: Roster) -> np.ndarray:
    """Who may attend a session: anyone who may be mentored and wrote a learning goal."""
    return np.flatnonzero(roster.can_be_mentee & (roster.goal_items.counts > 0))


def _clusters(vectors: np.ndarray, threshold: float) -> np.ndarray:
    """Cluster label of each phrase: average linkage, merged while cosine distance <= threshold."""
    if vectors.shape[0] < 2:
        return np.zeros(vectors.shape[0], dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    return np.asarray(model.fit_predict(vectors), dtype=np.int64)


def _centres(vectors: np.ndarray, labels: np.ndarray, writers: np.ndarray) -> np.ndarray:
    """(clusters, d) unit centres; each phrase weighs by how many learners wrote it."""
    sums = np.zeros((int(labels.max()) + 1, vectors.shape[1]))
    np.add.at(sums, labels, vectors * writers[:, None])
    return (sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)).astype(
        np.float32
    )


def check_threshold(threshold: float) -> float:
    if not 0.0 < threshold < 2.0:
        raise InvalidInputError(
            f"topic threshold is a cosine distance between 0 and 2, got {threshold}"
        )
    return threshold


def _kept_memberships(
    close_items: np.ndarray,
    label_of_item: np.ndarray,
    owner_row: np.ndarray,
    owners: int,
    joins: float,
    per_learner: int,
) -> np.ndarray:
    """(items, clusters) bool: the item counts its owner in the cluster.

    An item belongs to its own cluster, and to any cluster whose centre it lies within `joins`
    of; each learner keeps only the `per_learner` clusters they are closest to (their own
    clusters first), because they attend only so many sessions and every extra topic is a
    column of the program for nothing.
    """
    items = np.arange(label_of_item.size)
    member = close_items >= joins
    member[items, label_of_item] = True
    # Own cluster ranks above any cluster joined by closeness (cosines are at most 1).
    strength = np.where(member, close_items, -np.inf)
    strength[items, label_of_item] += 2.0
    starts = np.searchsorted(owner_row, np.arange(owners))
    best = np.maximum.reduceat(strength, starts, axis=0)
    if per_learner < best.shape[1]:
        cut = -np.partition(-best, per_learner - 1, axis=1)[:, per_learner - 1 : per_learner]
        keep = (best >= cut) & np.isfinite(best)
    else:
        keep = np.isfinite(best)
    kept: np.ndarray = member & keep[owner_row]
    return kept


def find_topics(
    roster: Roster,
    learners: np.ndarray,
    *,
    threshold: float,
    min_demand: int,
    per_learner: int = 4,
) -> TopicSet:
    """Cluster the learners' distinct goal phrases; keep clusters at least `min_demand` learners
    want (each learner counting for their `per_learner` closest), most wanted first."""
    check_threshold(threshold)
    goals = roster.goal_items
    counts = goals.counts[learners]
    owner_row = np.repeat(np.arange(learners.size), counts)
    rows = goals.refs[ragged_positions(goals.offsets[learners], counts)]
    distinct, phrase_of_item = np.unique(rows, return_inverse=True)
    if distinct.size > MAX_PHRASES:
        raise InvalidInputError(
            f"{distinct.size} distinct learning goals are more than the {MAX_PHRASES} one plan "
            "can group; plan per department or site"
        )
    vectors = goals.vectors[distinct]
    label_of_phrase = _clusters(vectors, threshold)
    label_of_item = label_of_phrase[phrase_of_item]
    centres = _centres(
        vectors, label_of_phrase, np.bincount(phrase_of_item, minlength=distinct.size)
    )
    close = vectors @ centres.T
    kept = _kept_memberships(
        close[phrase_of_item],
        label_of_item,
        owner_row,
        learners.size,
        1.0 - threshold * _JOIN_SHARE,
        per_learner,
    )
    demand = np.zeros(centres.shape[0], dtype=np.int64)
    asked = np.zeros((learners.size, centres.shape[0]), dtype=bool)
    item_rows, item_clusters = np.nonzero(kept)
    asked[owner_row[item_rows], item_clusters] = True
    demand = asked.sum(axis=0)
    topics: list[Topic] = []
    best_demand, best_name = 0, ""
    order = np.argsort(item_clusters, kind="stable")
    bounds = np.searchsorted(item_clusters[order], np.arange(centres.shape[0] + 1))
    for label in np.argsort(-demand, kind="stable").tolist():
        if demand[label] < min_demand and best_demand:
            break
        in_topic = item_rows[order[bounds[label] : bounds[label + 1]]]
        phrase_rows = phrase_of_item[in_topic]
        members = np.unique(phrase_rows)
        centroid = centres[label]
        central_first = members[np.argsort(-(vectors[members] @ centroid), kind="stable")]
        by_phrase = np.argsort(phrase_rows, kind="stable")
        cuts = np.searchsorted(phrase_rows[by_phrase], central_first)
        ends = np.searchsorted(phrase_rows[by_phrase], central_first, side="right")
        phrases = []
        for phrase, start, stop in zip(central_first.tolist(), cuts, ends, strict=True):
            wrote = np.unique(learners[owner_row[in_topic[by_phrase[start:stop]]]])
            text = goals.texts[int(distinct[phrase])]
            phrases.append(
                TopicPhrase(text, T.guess_language(text), [roster.ids[p] for p in wrote.tolist()])
            )
        askers = learners[np.flatnonzero(asked[:, label])]
        topic = Topic(phrases, centroid.astype(np.float32), askers, distinct[central_first])
        if not best_demand:
            best_demand, best_name = topic.demand, topic.name
        if topic.demand >= min_demand:
            topics.append(topic)
    topics.sort(key=lambda t: (-t.demand, t.name))
    return TopicSet(topics, min_demand, best_demand, best_name)
