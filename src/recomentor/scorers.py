"""Which scorer serves suggestions: the one seam between the core and trained models."""

from __future__ import annotations

from recomentor.scoring import HeuristicScorer, Scorer
from recomentor.settings import Settings
from recomentor.store import Store


def load_scorer(settings: Settings, store: Store) -> Scorer:
    """The champion model once training promotes one; the heuristic until then."""
    del settings, store  # the registry look-up lands with training
    return HeuristicScorer()
