"""Whether a newly trained model may replace the champion: it must beat it and the heuristic."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from recomentor.training.evaluation import LOWER_IS_BETTER, NDCG, Evaluation

LEARNED: Final = "learned"
CHAMPION: Final = "champion"
HEURISTIC: Final = "heuristic"
RANDOM: Final = "random"


@dataclass(frozen=True)
class Promotion:
    promote: bool
    forced: bool
    reason: str


def _margin(evaluation: Evaluation, rival: str, metric: str) -> float:
    gain = evaluation.primary(LEARNED, metric) - evaluation.primary(rival, metric)
    return -gain if metric in LOWER_IS_BETTER else gain


def decide_promotion(
    evaluation: Evaluation,
    *,
    min_improvement: float = 0.0,
    force: bool = False,
    metric: str = NDCG,
) -> Promotion:
    """Promote when the new model beats every rival (heuristic, current champion) on `metric`."""
    source = evaluation.primary_source
    table = evaluation.truth if evaluation.truth is not None else evaluation.observed
    rivals = [name for name in (HEURISTIC, CHAMPION) if name in table]
    shortfalls = []
    for rival in rivals:
        margin = _margin(evaluation, rival, metric)
        if math.isnan(margin) or margin <= min_improvement:
            shortfalls.append(f"{rival} ({margin:+.4f})")
    if not shortfalls:
        beaten = " and ".join(rivals)
        return Promotion(True, False, f"beats the {beaten} on {source} {metric}")
    refused = (
        f"does not beat {', '.join(shortfalls)} by more than {min_improvement:.4f} "
        f"on {source} {metric}"
    )
    if force:
        return Promotion(True, True, f"forced although it {refused}")
    return Promotion(False, False, refused)
