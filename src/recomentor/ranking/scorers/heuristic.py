"""The transparent heuristic that serves until a trained model is promoted."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import numpy as np

from recomentor.errors import InvalidInputError
from recomentor.ranking.features import (
    BEST_ITEM_MATCH,
    COMMON_LANGUAGE,
    CROSS_DEPARTMENT,
    FEATURE_NAMES,
    FIRST_GOAL_MATCH,
    GOALS_TO_SKILLS,
    LEXICAL,
    SAME_LOCATION,
    SENIORITY_GAP,
    SKILLS_TO_GOALS,
    PairFeatures,
)
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers.base import HEURISTIC, check_columns

# Weights of the heuristic; they sum to 1 and every feature lies in [0, 1], so the score does.
HEURISTIC_WEIGHTS: Final = MappingProxyType(
    {
        # The main signal: what the mentor offers, as a whole, against what the mentee wants.
        SKILLS_TO_GOALS: 0.30,
        # People list several topics; one precise phrase match ("Instagram" <-> "comprendre
        # TikTok et Instagram") is a good pairing even when the rest of the answers differ,
        # and whole-answer similarity dilutes it.
        BEST_ITEM_MATCH: 0.20,
        # People list what they want most first; covering that main wish is worth a third of
        # the phrase-level weight.
        FIRST_GOAL_MATCH: 0.10,
        # Language-independent: the default model is English-only, and survey answers are
        # often French; shared word pieces ("Power BI", "jumeau numérique") still count.
        LEXICAL: 0.15,
        # The exchange is mutual; the mentee teaching back is a bonus, not a requirement.
        GOALS_TO_SKILLS: 0.10,
        # Reverse mentoring exists to carry knowledge across silos.
        CROSS_DEPARTMENT: 0.05,
        # Meeting in person is easier and pairs on the same site meet more often.
        SAME_LOCATION: 0.05,
        # Candidates already pass min_gap; a wider gap only slightly adds to the point of it.
        SENIORITY_GAP: 0.03,
        # Candidates already share a language when both named one; this only separates
        # arbitrary pairs (e.g. feedback rows) that would not.
        COMMON_LANGUAGE: 0.02,
    }
)


class HeuristicScorer:
    """A weighted sum of features: its contributions are exactly weight x value."""

    kind = HEURISTIC
    mode: str | None = None  # fixed weights, meaningful in every mode

    # Version 2 added first_goal_match (taken from the phrase-level weight).
    def __init__(self, weights: dict[str, float] | None = None, *, version: str = "2") -> None:
        chosen = dict(HEURISTIC_WEIGHTS if weights is None else weights)
        unknown = set(chosen) - set(FEATURE_NAMES)
        if unknown:
            raise InvalidInputError(f"unknown features in weights: {', '.join(sorted(unknown))}")
        self.name = HEURISTIC
        self.version = version
        self.feature_names: tuple[str, ...] = tuple(n for n in FEATURE_NAMES if n in chosen)
        self.factor_names: tuple[str, ...] = self.feature_names
        self.weights = np.array([chosen[name] for name in self.feature_names], dtype=np.float64)
        self.features_weighed = tuple(n for n in self.feature_names if chosen[n] != 0)

    def complete(self, roster: Roster, base: PairFeatures, *, mode: str) -> PairFeatures:
        del roster, mode  # reads pair_features only
        return base

    def score(self, features: np.ndarray) -> np.ndarray:
        matrix = check_columns(features, len(self.feature_names))
        return np.asarray(matrix @ self.weights)

    def contributions(self, features: np.ndarray) -> np.ndarray:
        matrix = check_columns(features, len(self.feature_names))
        return matrix * self.weights
