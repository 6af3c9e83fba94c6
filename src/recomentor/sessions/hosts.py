"""Hosts: the juniors whose skill phrases cover a topic best, and who may host whom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import msgspec
import numpy as np

from recomentor.matching.rules import RULE_PREFIX, ProgramRules, failed_requirement
from recomentor.ranking.candidates import (
    EXCLUDED,
    NO_COMMON_LANGUAGE,
    OWN_MANAGER,
    SAME_PERSON,
    WRONG_DIRECTION,
)
from recomentor.ranking.roster import Roster
from recomentor.sessions.topics import Topic

# Why a learner may not attend a host's session, in the order they are checked; the words
# are the pairing's own (ranking.explain.reason_words), must-filters add "rule:<criterion>".
HOST_REASONS: Final = (SAME_PERSON, OWN_MANAGER, NO_COMMON_LANGUAGE, WRONG_DIRECTION, EXCLUDED)
ELIGIBLE: Final = 0
# Years are floats; a gap of exactly min_gap must pass despite rounding.
_YEARS_TOLERANCE: Final = 1e-9
_SHOWN_MATCHES: Final = 3


class SkillMatch(msgspec.Struct, frozen=True):
    """One of the host's skill phrases against one of the topic's goal phrases."""

    skill: str
    goal: str
    similarity: float


def host_positions(roster: Roster) -> np.ndarray:
    """Who may host: anyone who may mentor and wrote a skill."""
    return np.flatnonzero(roster.can_mentor & (roster.skill_items.counts > 0))


@dataclass(frozen=True, eq=False)
class TopicHosts:
    """How well each host's skill phrases cover one topic's goal phrases."""

    hosts: np.ndarray  # roster positions
    # (hosts, topic phrases): each host's best skill-phrase cosine with each goal phrase, and
    # the row of roster.skill_items.vectors that reaches it.
    best: np.ndarray
    best_skill: np.ndarray
    similarity: np.ndarray  # (hosts,) `best` averaged over the phrases, weighed by askers

    def matches(self, roster: Roster, topic: Topic, host_row: int) -> list[SkillMatch]:
        """The host's best skill -> goal phrase matches for the topic, strongest first."""
        order = np.argsort(-self.best[host_row], kind="stable")[:_SHOWN_MATCHES]
        skills, goals = roster.skill_items.texts, roster.goal_items.texts
        return [
            SkillMatch(
                skills[int(self.best_skill[host_row, p])],
                goals[int(topic.goal_rows[p])],
                round(float(self.best[host_row, p]), 4),
            )
            for p in order.tolist()
            if self.best[host_row, p] > 0
        ]


def score_hosts(roster: Roster, topic: Topic, hosts: np.ndarray) -> TopicHosts:
    """Every host's phrase-level coverage of `topic`, as suggestions compare phrases."""
    skills = roster.skill_items
    counts = skills.counts[hosts]
    phrases = topic.goal_rows.size
    # Each distinct skill phrase against each topic phrase once, a zero row for "no phrase".
    products = np.zeros((skills.vectors.shape[0] + 1, phrases))
    if phrases and skills.vectors.shape[0]:
        goal_vectors = roster.goal_items.vectors[topic.goal_rows]
        products[:-1] = np.clip(skills.vectors @ goal_vectors.T, 0.0, 1.0)
    # Hosts write a few phrases each: the k-th phrase of every host at once, k by k.
    widest = int(counts.max()) if counts.size else 0
    best = np.zeros((hosts.size, phrases))
    best_skill = np.full((hosts.size, phrases), skills.vectors.shape[0], dtype=np.int64)
    for k in range(widest):
        row = np.where(
            counts > k, skills.refs[skills.offsets[hosts] + np.minimum(k, counts - 1)], -1
        )
        candidate = products[row]
        better = candidate > best
        best = np.where(better, candidate, best)
        best_skill = np.where(better, row[:, None], best_skill)
    weights = np.array([len(p.askers) for p in topic.phrases], dtype=np.float64)
    similarity = best @ weights / max(float(weights.sum()), 1.0)
    return TopicHosts(hosts, best, best_skill, similarity)


def attendee_coverage(roster: Roster, topic: Topic, scored: TopicHosts) -> np.ndarray:
    """(hosts, topic.learners): how well each host covers each asker's goal in the topic: the
    best cosine between the host's skills and any of the asker's phrases of the topic."""
    goals = roster.goal_items
    column_of_row = {int(row): column for column, row in enumerate(topic.goal_rows.tolist())}
    coverage = np.zeros((scored.hosts.size, topic.learners.size))
    for position, learner in enumerate(topic.learners.tolist()):
        columns = [column_of_row[r] for r in goals.of(learner).tolist() if r in column_of_row]
        coverage[:, position] = scored.best[:, columns].max(axis=1)
    return coverage


def covered_goal(
    roster: Roster, topic: Topic, scored: TopicHosts, host_row: int, learner: int
) -> SkillMatch:
    """The asker's goal phrase the host covers best, with the skill that covers it."""
    goals = roster.goal_items
    own = set(goals.of(learner).tolist())
    columns = [column for column, row in enumerate(topic.goal_rows.tolist()) if row in own]
    column = max(columns, key=lambda c: (scored.best[host_row, c], -c))
    return SkillMatch(
        roster.skill_items.texts[int(scored.best_skill[host_row, column])],
        goals.texts[int(topic.goal_rows[column])],
        round(float(scored.best[host_row, column]), 4),
    )


def _excluded(
    roster: Roster, host_idx: np.ndarray, attendee_idx: np.ndarray, rules: ProgramRules
) -> np.ndarray:
    """A pair the program must never form may not meet in a session either, whoever hosts."""
    n = len(roster)
    keys = [
        min(roster.index[e.mentor_id], roster.index[e.mentee_id]) * n
        + max(roster.index[e.mentor_id], roster.index[e.mentee_id])
        for e in rules.exclusions
        if e.mentor_id in roster.index and e.mentee_id in roster.index
    ]
    if not keys:
        return np.zeros(host_idx.shape, dtype=bool)
    pair_keys = np.minimum(host_idx, attendee_idx) * n + np.maximum(host_idx, attendee_idx)
    return np.isin(pair_keys, np.asarray(keys, dtype=np.int64))


def reason_names(rules: ProgramRules) -> tuple[str, ...]:
    """HOST_REASONS, then one per must-filter of the rules, as codes of host_exclusions."""
    return (*HOST_REASONS, *(RULE_PREFIX + name for name in rules.require))


def host_exclusions(
    roster: Roster,
    host_idx: np.ndarray,
    attendee_idx: np.ndarray,
    *,
    min_gap: float,
    rules: ProgramRules,
    allow_manager: bool,
) -> np.ndarray:
    """Per (host, attendee) pair: ELIGIBLE, else 1 + the index in reason_names(rules) of the
    first reason the attendee may not join the host's session.

    Reverse mentoring: the host has at least `min_gap` fewer years than the attendee. Nobody
    attends a session run by their own manager or direct report unless `allow_manager`.
    """
    failing = [
        host_idx == attendee_idx,
        ((roster.manager[host_idx] == attendee_idx) | (roster.manager[attendee_idx] == host_idx))
        & (not allow_manager),
    ]
    host_languages, attendee_languages = roster.languages[host_idx], roster.languages[attendee_idx]
    failing.append(
        (host_languages != 0)
        & (attendee_languages != 0)
        & ((host_languages & attendee_languages) == 0)
    )
    failing.append(roster.years[host_idx] + min_gap > roster.years[attendee_idx] + _YEARS_TOLERANCE)
    failing.append(_excluded(roster, host_idx, attendee_idx, rules))
    codes = np.zeros(host_idx.shape, dtype=np.int16)
    for position, fails in enumerate(failing, start=1):
        codes[(codes == ELIGIBLE) & fails] = position
    rule_failed = failed_requirement(rules, roster, host_idx, attendee_idx)
    ruled_out = (codes == ELIGIBLE) & (rule_failed >= 0)
    codes[ruled_out] = len(HOST_REASONS) + 1 + rule_failed[ruled_out]
    return codes
