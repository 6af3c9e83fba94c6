"""The skill phrase -> goal phrase matches that explanations show for one pair."""

from __future__ import annotations

import msgspec
import numpy as np

from recomentor import fields as F
from recomentor.ranking.roster import Roster


class ItemMatch(msgspec.Struct, frozen=True):
    """One skill phrase of the mentor against one goal phrase of the mentee."""

    skill: str
    goal: str
    similarity: float


def _matches_one_way(roster: Roster, mentor: int, mentee: int, k: int) -> list[ItemMatch]:
    """The positive matches that can be among the k best: ties with the k-th kept."""
    skills, goals = roster.skill_items, roster.goal_items
    skill_refs, goal_refs = skills.of(mentor), goals.of(mentee)
    if skill_refs.size == 0 or goal_refs.size == 0 or k <= 0:
        return []
    similarity = skills.vectors[skill_refs] @ goals.vectors[goal_refs].T
    flat = similarity.ravel()
    keep = flat > 0
    if int(keep.sum()) > k:
        keep &= flat >= np.partition(flat, flat.size - k)[flat.size - k]
    rows, columns = np.divmod(np.flatnonzero(keep), similarity.shape[1])
    return [
        ItemMatch(skills.texts[skill_refs[i]], goals.texts[goal_refs[j]], float(similarity[i, j]))
        for i, j in zip(rows.tolist(), columns.tolist(), strict=True)
    ]


def top_item_matches(
    roster: Roster, mentor: int, mentee: int, *, mode: str = F.REVERSE, k: int = 3
) -> list[ItemMatch]:
    """The k best skill-phrase -> goal-phrase matches of one pair (both ways in mutual mode)."""
    matches = _matches_one_way(roster, mentor, mentee, k)
    if mode == F.MUTUAL:
        matches += _matches_one_way(roster, mentee, mentor, k)
    matches.sort(key=lambda m: (-m.similarity, m.skill, m.goal))
    return matches[:k]
