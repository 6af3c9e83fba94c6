"""The pair-feature contract: feature names, PairFeatures, and pair_features for many pairs.

Training and serving both call pair_features; the vectorised kernels behind it live in
similarity.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from recomentor import fields as F
from recomentor.ranking.roster import Roster
from recomentor.ranking.similarity import text_similarities

SKILLS_TO_GOALS: Final = "skills_to_goals"
BEST_ITEM_MATCH: Final = "best_item_match"
GOALS_TO_SKILLS: Final = "goals_to_skills"
FIRST_GOAL_MATCH: Final = "first_goal_match"
LEXICAL: Final = "lexical"
SENIORITY_GAP: Final = "seniority_gap"
CROSS_DEPARTMENT: Final = "cross_department"
SAME_LOCATION: Final = "same_location"
COMMON_LANGUAGE: Final = "common_language"
FEATURE_NAMES: Final = (
    SKILLS_TO_GOALS,
    BEST_ITEM_MATCH,
    GOALS_TO_SKILLS,
    LEXICAL,
    SENIORITY_GAP,
    CROSS_DEPARTMENT,
    SAME_LOCATION,
    COMMON_LANGUAGE,
    # Appended, so column positions of the features before it do not move.
    FIRST_GOAL_MATCH,
)
# Not computed here: a trained ranker learns it from feedback (training/association.py) and
# appends it to these features; the heuristic does not use it.
PHRASE_ASSOCIATION: Final = "phrase_association"
# Likewise learned (training/interaction.py, ranking/scorers/interaction.py): how well past
# pairings went with these kinds of skills for these kinds of goals, what the mentor teaches
# and what the mentee teaches back.
SKILL_GOAL_INTERACTION: Final = "skill_goal_interaction"
GOAL_SKILL_INTERACTION: Final = "goal_skill_interaction"
INTERACTION_FEATURES: Final = (SKILL_GOAL_INTERACTION, GOAL_SKILL_INTERACTION)
TEXT_FEATURES: Final = (
    SKILLS_TO_GOALS,
    BEST_ITEM_MATCH,
    GOALS_TO_SKILLS,
    LEXICAL,
    FIRST_GOAL_MATCH,
)
# A gap of 30 years is a whole career: beyond it the difference no longer tells anything.
SENIORITY_SCALE: Final = 30.0


@dataclass(frozen=True, eq=False)
class PairFeatures:
    """One row per (mentor, mentee) pair, columns named by `names`."""

    matrix: np.ndarray  # (pairs, features) float64
    names: tuple[str, ...]
    mentor_idx: np.ndarray
    mentee_idx: np.ndarray

    def column(self, name: str) -> np.ndarray:
        return self.matrix[:, self.names.index(name)]

    def with_column(self, name: str, values: np.ndarray) -> PairFeatures:
        """The same pairs with one more feature column."""
        matrix = np.column_stack([self.matrix, np.asarray(values, dtype=np.float64)])
        return PairFeatures(matrix, (*self.names, name), self.mentor_idx, self.mentee_idx)

    def rows(self, positions: np.ndarray) -> PairFeatures:
        """The features of some of the pairs."""
        return PairFeatures(
            self.matrix[positions],
            self.names,
            self.mentor_idx[positions],
            self.mentee_idx[positions],
        )

    def select(self, names: Sequence[str]) -> np.ndarray:
        """The columns a scorer was built on, in its order."""
        if tuple(names) == self.names:
            return self.matrix
        return self.matrix[:, [self.names.index(name) for name in names]]


def pair_features(
    roster: Roster,
    mentor_idx: np.ndarray,
    mentee_idx: np.ndarray,
    *,
    mode: str = F.REVERSE,
    text: bool = True,
) -> PairFeatures:
    """Every feature of every (mentor_idx[i], mentee_idx[i]) pair, as one float64 matrix.

    With `text` False the TEXT_FEATURES columns are left at 0 uncomputed (most of the cost):
    for a score that gives them no weight, which they cannot move.

    Similarities are clipped at 0: a negative cosine means unrelated, not "worse than
    unrelated". In mutual mode the text features do not depend on which side is called
    mentor: each is the mean of both directions, except goals_to_skills, which becomes the
    weaker direction (an exchange is only as mutual as its weaker side).
    """
    mentor_idx = np.asarray(mentor_idx, dtype=np.int64)
    mentee_idx = np.asarray(mentee_idx, dtype=np.int64)
    if text:
        similarities, back = text_similarities(
            roster, mentor_idx, mentee_idx, mutual=mode == F.MUTUAL
        )
    else:
        similarities, back = np.zeros((mentor_idx.size, len(TEXT_FEATURES))), None
    skills_to_goals, best_item, goals_to_skills, lexical, first_goal = similarities.T
    if back is not None:
        # goals_to_skills of a pair is already skills_to_goals of the pair with sides swapped.
        back_item, back_lexical, back_first_goal = back.T
        skills_to_goals, goals_to_skills = (
            (skills_to_goals + goals_to_skills) / 2,
            np.minimum(skills_to_goals, goals_to_skills),
        )
        best_item = (best_item + back_item) / 2
        lexical = (lexical + back_lexical) / 2
        first_goal = (first_goal + back_first_goal) / 2
    mentor_languages, mentee_languages = roster.languages[mentor_idx], roster.languages[mentee_idx]
    mentor_location = roster.location[mentor_idx]
    columns = {
        SKILLS_TO_GOALS: skills_to_goals,
        BEST_ITEM_MATCH: best_item,
        GOALS_TO_SKILLS: goals_to_skills,
        LEXICAL: lexical,
        FIRST_GOAL_MATCH: first_goal,
        SENIORITY_GAP: np.minimum(
            np.abs(roster.years[mentor_idx] - roster.years[mentee_idx]) / SENIORITY_SCALE, 1
        ),
        CROSS_DEPARTMENT: roster.department[mentor_idx] != roster.department[mentee_idx],
        SAME_LOCATION: (mentor_location == roster.location[mentee_idx]) & (mentor_location >= 0),
        COMMON_LANGUAGE: (mentor_languages == 0)
        | (mentee_languages == 0)
        | ((mentor_languages & mentee_languages) != 0),
    }
    matrix = np.empty((mentor_idx.size, len(FEATURE_NAMES)), dtype=np.float64)
    for column, name in enumerate(FEATURE_NAMES):
        matrix[:, column] = columns[name]
    return PairFeatures(
        matrix=matrix, names=FEATURE_NAMES, mentor_idx=mentor_idx, mentee_idx=mentee_idx
    )
