"""Who answers a request: the model in the mode it was trained for, else the heuristic."""

from __future__ import annotations

from collections.abc import Mapping

from recomentor.ranking.candidates import check_mode
from recomentor.ranking.scorers.base import Scorer
from recomentor.ranking.scorers.heuristic import HEURISTIC_WEIGHTS, HeuristicScorer


def scorer_for(scorer: Scorer, mode: str, *, weights: Mapping[str, float] | None = None) -> Scorer:
    """`scorer` when it serves `mode`, else the heuristic; raises InvalidInputError for a mode
    that does not exist.

    A learned model has seen only pairings of the mode it was trained for: ratings of juniors
    teaching seniors (reverse) or the opposite (classic), or features averaged over both
    directions (mutual). Asked for another mode it would score pairs unlike any it learned
    from, while the heuristic's fixed weights mean the same in every mode.

    `weights` (a program's own base weights, some of the heuristic's) choose the heuristic
    with those weights, whatever the model: the program said how its pairs are scored.
    """
    check_mode(mode)
    if weights:
        return HeuristicScorer({**HEURISTIC_WEIGHTS, **weights})
    if scorer.mode is None or scorer.mode == mode:
        return scorer
    return HeuristicScorer()
