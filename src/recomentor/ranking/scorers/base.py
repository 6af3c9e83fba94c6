"""The scorer contract every ranking model meets, the features a scorer reads, and the phrase
links (Link) an explanation names."""

from __future__ import annotations

from typing import Final, Protocol, runtime_checkable

import msgspec
import numpy as np

from recomentor.errors import InvalidInputError
from recomentor.ranking.features import PairFeatures, pair_features
from recomentor.ranking.roster import Roster


class Link(msgspec.Struct, frozen=True):
    """One (skill phrase, goal phrase) cell of a pair's interaction and its part of the score.

    `direction` is the factor it belongs to: skill_goal_interaction (the mentor's skill, the
    mentee's goal) or goal_skill_interaction (the mentee's skill, the mentor's goal). In
    mutual mode the phrases are the clusters' names (their most central phrase).
    """

    direction: str
    skill: str
    goal: str
    contribution: float


HEURISTIC: Final = "heuristic"
LEARNED: Final = "learned"
# The name the trained ranker is registered under in MLflow.
REGISTERED_MODEL: Final = "recomentor-ranker"


@runtime_checkable
class Scorer(Protocol):
    """Scores pairs from their features and says how much each factor contributed."""

    kind: str
    name: str
    version: str
    # The pairing mode it was trained for; None when it serves every mode (the heuristic).
    mode: str | None
    feature_names: tuple[str, ...]
    factor_names: tuple[str, ...]
    # Those of feature_names that can move its scores (a heuristic's weight 0 cannot).
    features_weighed: tuple[str, ...]

    def complete(self, roster: Roster, base: PairFeatures, *, mode: str) -> PairFeatures:
        """`base` (pair_features) plus any feature this scorer learned itself."""
        ...

    def score(self, features: np.ndarray) -> np.ndarray:
        """One score per row of `features` (columns in `feature_names` order)."""
        ...

    def contributions(self, features: np.ndarray) -> np.ndarray:
        """(rows, len(factor_names)); each row sums to that row's score."""
        ...


def scorer_features(
    scorer: Scorer,
    roster: Roster,
    mentor_idx: np.ndarray,
    mentee_idx: np.ndarray,
    *,
    mode: str,
    text: bool = True,
) -> PairFeatures:
    """Every feature of the pairs that `scorer` reads: pair_features, then its own; without
    `text`, the text features are left at 0 (pair_features)."""
    base = pair_features(roster, mentor_idx, mentee_idx, mode=mode, text=text)
    return scorer.complete(roster, base, mode=mode)


def check_columns(features: np.ndarray, expected: int) -> np.ndarray:
    matrix = np.asarray(features, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != expected:
        raise InvalidInputError(
            f"expected a (pairs, {expected}) feature matrix, got {matrix.shape}"
        )
    return matrix


def phrase_links(
    scorer: Scorer, roster: Roster, features: PairFeatures, position: int, *, mode: str
) -> list[Link]:
    """The (skill phrase, goal phrase) links behind the pair at `position` of `features`
    (completed by `scorer`): a learned model with phrase interactions has them, others none."""
    links = getattr(scorer, "links", None)
    if links is None:
        return []
    found: list[Link] = links(roster, features, position, mode=mode)
    return found
