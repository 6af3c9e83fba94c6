"""Match labels: where a pair's score sits on the strong / good / fair / weak scale."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Annotated, Any, Final, Literal, NamedTuple

import msgspec
import numpy as np

from recomentor.errors import InvalidInputError
from recomentor.ranking.scorers.base import HEURISTIC, LEARNED

STRONG: Final = "strong"
GOOD: Final = "good"
FAIR: Final = "fair"
WEAK: Final = "weak"
MATCH_LABELS: Final = (STRONG, GOOD, FAIR, WEAK)  # best first
MatchLabel = Annotated[
    Literal["strong", "good", "fair", "weak"],
    msgspec.Meta(
        description=(
            "How good the pair is, read off its score alone: strong, good, fair or weak "
            "(thresholds per kind of scorer, README 'Match labels')."
        )
    ),
]


class LabelThresholds(NamedTuple):
    """The lowest score of each label; below `fair` a pair is weak."""

    strong: float
    good: float
    fair: float

    def as_dict(self) -> dict[str, float]:
        return {STRONG: self.strong, GOOD: self.good, FAIR: self.fair}


HEURISTIC_THRESHOLDS: Final = LabelThresholds(strong=0.55, good=0.45, fair=0.35)
"""The heuristic's weighted sum lies in [0, 1] but real pairs spread over a narrow band of it.

Measured with all-MiniLM-L6-v2 on examples/forms_export_fr.csv (reverse mode, the 285 pairs of
a mentor and a mentee): median 0.29, 75th percentile 0.35, 90th 0.46, 95th 0.58. So a weak
pair is an ordinary one (the lower three quarters), fair the top quarter, good the top tenth
and strong about the top twentieth. Read pair by pair, the lines fall where the topics do:
0.56 and above are the same topic in other words (Power BI dashboards, agile methods, digital
twin); 0.45-0.55 a clear overlap (Instagram for someone who wants TikTok and Instagram, 0.51);
0.35-0.45 a partial or loose one (Python for Python or Power BI, 0.43; a shared word only);
below 0.35 little in common (password hygiene for someone who wants social selling, 0.349).
"""

LEARNED_THRESHOLDS: Final = LabelThresholds(strong=0.75, good=0.625, fair=0.5)
"""A trained model scores the chance a pairing goes well on the feedback's 0-1 relevance scale,
relevance = (rating - 1) / 4, so a score is an expected rating of 1 + 4 x score.

strong: expected rating 4 or more; good: 3.5 or more, which rounds to 4 (training's
GOOD_RELEVANCE, the line the metrics call a good pairing); fair: the neutral 3 or more.
"""

# One scale per kind of scorer: a heuristic 0.5 and a learned 0.5 do not mean the same.
THRESHOLDS: Final = MappingProxyType({HEURISTIC: HEURISTIC_THRESHOLDS, LEARNED: LEARNED_THRESHOLDS})

# The expected rating (1-5) at which each label begins, for thresholds calibrated on feedback:
# strong when a pairing like it is expected to be rated 4 ("good") or more, good from 3.5
# (which rounds to 4, evaluation.GOOD_RELEVANCE), fair from the neutral 3.
LABEL_RATINGS: Final = MappingProxyType({STRONG: 4.0, GOOD: 3.5, FAIR: 3.0})
# Where a model's calibrated thresholds are stored (MLflow model metadata and run params).
LABEL_THRESHOLDS_KEY: Final = "label_thresholds"
# A line no score of a probability model reaches: the label is never given.
_UNREACHED: Final = 1.0


def calibrate_thresholds(scores: np.ndarray, ratings: np.ndarray) -> LabelThresholds:
    """Label lines of a model from held-out feedback: what rating each score predicts.

    An isotonic (non-decreasing) regression of the held-out ratings on the model's scores
    gives each score an expected rating; a label begins at the lowest score whose expected
    rating reaches LABEL_RATINGS. Being non-decreasing, it keeps labels monotone in the score.
    A rating the held-out pairs never reach on average leaves that label unreached (1.0).
    """
    from sklearn.isotonic import IsotonicRegression

    scores = np.asarray(scores, dtype=np.float64)
    ratings = np.asarray(ratings, dtype=np.float64)
    if scores.size == 0 or scores.size != ratings.size or not np.isfinite(scores).all():
        raise InvalidInputError(
            f"calibrating labels needs as many finite scores as ratings, got {scores.size} "
            f"scores and {ratings.size} ratings"
        )
    fitted = IsotonicRegression(increasing=True, out_of_bounds="clip").fit(scores, ratings)
    grid = np.unique(scores)
    expected = fitted.predict(grid)

    def lowest_reaching(rating: float) -> float:
        reached = np.flatnonzero(expected >= rating - 1e-9)
        return float(grid[reached[0]]) if reached.size else _UNREACHED

    lines = {label: lowest_reaching(rating) for label, rating in LABEL_RATINGS.items()}
    return LabelThresholds(strong=lines[STRONG], good=lines[GOOD], fair=lines[FAIR])


def thresholds_from_metadata(metadata: Mapping[str, Any]) -> LabelThresholds | None:
    """A model's stored thresholds; None when it has none or they are unusable (then the
    kind's default lines serve)."""
    raw = metadata.get(LABEL_THRESHOLDS_KEY)
    if not isinstance(raw, Mapping):
        return None
    try:
        values = [float(raw[label]) for label in (STRONG, GOOD, FAIR)]
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in values) or not values[0] >= values[1] >= values[2]:
        return None
    return LabelThresholds(*values)


def label_thresholds(scorer: object) -> LabelThresholds:
    """The lines that label a scorer's scores: its own calibrated ones, else its kind's."""
    own = getattr(scorer, "thresholds", None)
    if isinstance(own, LabelThresholds):
        return own
    kind = str(getattr(scorer, "kind", ""))
    if kind not in THRESHOLDS:
        raise InvalidInputError(f"scorer kind must be one of {', '.join(THRESHOLDS)}, got {kind!r}")
    return THRESHOLDS[kind]


# A program scored by its rules alone: where its labels start, as shares of the most points its
# bonus rules can give one pair together.
RULE_POINT_SHARES: Final = LabelThresholds(strong=0.75, good=0.5, fair=0.25)


def program_thresholds(scorer: object, bonus_weights: Sequence[float]) -> LabelThresholds:
    """The lines that label a program's scores (the scorer's plus its rules' bonus points).

    The scorer's own lines, unless the scorer weighs nothing (every weight 0, as a program that
    scores pairs by its rules alone sets them): then the score is rule points, which the
    scorer's 0-1 lines would call strong from the first point on, and the lines are shares of
    the most points the bonus rules give together (RULE_POINT_SHARES). With no positive bonus
    either, every score is 0 and the scorer's lines stand.
    """
    weights = getattr(scorer, "weights", None)
    most = float(sum(weight for weight in bonus_weights if weight > 0))
    if weights is None or np.any(np.asarray(weights) != 0) or most <= 0:
        return label_thresholds(scorer)
    return LabelThresholds(*(share * most for share in RULE_POINT_SHARES))


def match_label(
    score: float, scorer_kind: str, thresholds: LabelThresholds | None = None
) -> MatchLabel:
    """The label of a score from a scorer of `scorer_kind` (with `thresholds`, a model's
    calibrated lines, when it has them): never lower for a higher score.

    A NaN score (no pair should have one) reads as weak rather than as any claim of quality.
    """
    if thresholds is None:
        thresholds = THRESHOLDS.get(scorer_kind)
    if thresholds is None:
        raise InvalidInputError(
            f"scorer kind must be one of {', '.join(THRESHOLDS)}, got {scorer_kind!r}"
        )
    if score >= thresholds.strong:
        return STRONG
    if score >= thresholds.good:
        return GOOD
    return FAIR if score >= thresholds.fair else WEAK
