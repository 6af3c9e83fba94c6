"""Match labels: where a pair's score sits on the strong / good / fair / weak scale."""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated, Final, Literal, NamedTuple

import msgspec

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


def match_label(score: float, scorer_kind: str) -> MatchLabel:
    """The label of a score from a scorer of `scorer_kind`: never lower for a higher score.

    A NaN score (no pair should have one) reads as weak rather than as any claim of quality.
    """
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
