"""Each feature's learned effect: the additive ranker's shape functions, sampled for plots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from recomentor.ranking.features import SENIORITY_GAP, SENIORITY_SCALE
from recomentor.ranking.scorers.additive import AdditiveRanker

POINTS: Final = 60
# Features shown in the reader's units rather than the model's: the gap in years.
DISPLAY_SCALE: Final = {SENIORITY_GAP: SENIORITY_SCALE}
# Below this logit change a curve counts as flat over its range.
_FLAT: Final = 0.01
RISES: Final = "rises"
FALLS: Final = "falls"
VARIES: Final = "varies"  # up and down
FLAT: Final = "flat"


@dataclass(frozen=True)
class ShapeFunction:
    """Feature value -> what it adds to a pair's logit against the training mean pair."""

    feature: str
    values: np.ndarray  # in display units (DISPLAY_SCALE)
    effects: np.ndarray  # logit contributions, 0 at the training mean
    binary: bool  # a yes/no feature: two points, not a curve

    @property
    def constant(self) -> bool:
        """Every training pair had the same value: the model could learn nothing from it."""
        return bool(self.values.size == 1)

    @property
    def trend(self) -> str:
        steps = np.diff(self.effects)
        if self.constant or np.ptp(self.effects) < _FLAT:
            return FLAT
        if (steps >= -1e-9).all():
            return RISES
        if (steps <= 1e-9).all():
            return FALLS
        return VARIES

    @property
    def highest(self) -> tuple[float, float]:
        """(value, effect) where the feature helps most."""
        at = int(np.argmax(self.effects))
        return float(self.values[at]), float(self.effects[at])

    @property
    def lowest(self) -> tuple[float, float]:
        at = int(np.argmin(self.effects))
        return float(self.values[at]), float(self.effects[at])

    @property
    def first(self) -> tuple[float, float]:
        return float(self.values[0]), float(self.effects[0])

    @property
    def last(self) -> tuple[float, float]:
        return float(self.values[-1]), float(self.effects[-1])


def _is_binary(ranker: AdditiveRanker, position: int, low: float, high: float) -> bool:
    return ranker.is_linear(position) and (low, high) == (0.0, 1.0)


def shape_functions(ranker: AdditiveRanker, *, points: int = POINTS) -> list[ShapeFunction]:
    """One shape per feature, over the range the model saw in training, in model order."""
    shapes = []
    for position, feature in enumerate(ranker.feature_names_):
        low, high = ranker.feature_range(position)
        binary = _is_binary(ranker, position, low, high)
        if low == high:
            values = np.array([low])
        elif binary:
            values = np.array([0.0, 1.0])
        else:
            values = np.linspace(low, high, points)
        effects = ranker.shape_function(position, values)
        scale = DISPLAY_SCALE.get(feature, 1.0)
        shapes.append(ShapeFunction(feature, values * scale, effects, binary))
    return shapes
