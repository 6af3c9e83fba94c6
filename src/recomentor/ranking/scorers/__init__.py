"""Scorers: the contract, the heuristic, and the learned ranker's inference code (learned.py).

The learned scorer is not imported here: it pulls in scikit-learn, which the heuristic alone
does not need.
"""

from recomentor.ranking.scorers.base import (
    HEURISTIC,
    LEARNED,
    Scorer,
    phrase_links,
    scorer_features,
)
from recomentor.ranking.scorers.choice import scorer_for
from recomentor.ranking.scorers.heuristic import HEURISTIC_WEIGHTS, HeuristicScorer

__all__ = [
    "HEURISTIC",
    "HEURISTIC_WEIGHTS",
    "LEARNED",
    "HeuristicScorer",
    "Scorer",
    "phrase_links",
    "scorer_features",
    "scorer_for",
]
