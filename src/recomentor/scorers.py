"""Which scorer serves suggestions: the one seam between the core and trained models."""

from __future__ import annotations

from recomentor.scoring import Scorer
from recomentor.settings import Settings
from recomentor.store import Store


def load_scorer(settings: Settings, store: Store) -> Scorer:
    """The champion model when training promoted one, else the heuristic; never raises.

    A champion that cannot be loaded (unreadable artifacts, another embedding model) is
    reported with a warning and the heuristic serves instead.
    """
    del store  # models live in the MLflow registry, not in the participants' database
    # Imported here: the registry pulls in scikit-learn, and MLflow only when a store exists.
    from recomentor.training.registry import champion_or_heuristic

    return champion_or_heuristic(settings)
