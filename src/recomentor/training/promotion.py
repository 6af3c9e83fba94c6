"""Whether a newly trained model may replace the champion: it must beat it and the heuristic
by more than the noise of the split."""

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
    """Promote when the new model beats every rival (heuristic, current champion) on `metric`.

    With per-mentee margins (evaluation.margins, NDCG@5: what training computes), beating a
    rival means the whole 95 % bootstrap interval of the margin lies above `min_improvement`:
    a win the split's noise could have made is no win. Without them, the point margin decides.
    """
    source = evaluation.primary_source
    table = evaluation.truth if evaluation.truth is not None else evaluation.observed
    rivals = [name for name in (HEURISTIC, CHAMPION) if name in table]
    shortfalls, wins = [], []
    for rival in rivals:
        interval = evaluation.margins.get(rival) if metric == NDCG else None
        if interval is not None:
            if math.isnan(interval.low) or interval.low <= min_improvement:
                shortfalls.append(interval.describe())
            else:
                wins.append(interval.describe())
            continue
        margin = _margin(evaluation, rival, metric)
        if math.isnan(margin) or margin <= min_improvement:
            shortfalls.append(f"{rival} ({margin:+.4f})")
        else:
            wins.append(f"{rival} ({margin:+.4f})")
    if not shortfalls:
        return Promotion(True, False, f"beats the {' and '.join(wins)} on {source} {metric}")
    noise = " beyond the split's noise" if evaluation.margins else ""
    refused = (
        f"does not beat {', '.join(shortfalls)} by more than {min_improvement:.4f}{noise} "
        f"on {source} {metric}"
    )
    if force:
        return Promotion(True, True, f"forced although it {refused}")
    return Promotion(False, False, refused)
