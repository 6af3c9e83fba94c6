"""Learning from feedback: dataset, models, evaluation, MLflow tracking and the champion.

What other packages use is imported from here (or, for serving, from `registry`); the modules
behind it are this package's own business.
"""

from recomentor.training.champion import (
    ChampionChange,
    RegistryUnavailableError,
    champion_history,
    promote_version,
    roll_back_champion,
    rollback_target,
)
from recomentor.training.config import TrainingConfig
from recomentor.training.evaluation import METRIC_LABELS, Evaluation
from recomentor.training.pipeline import TrainingReport, train_and_register

__all__ = [
    "METRIC_LABELS",
    "ChampionChange",
    "Evaluation",
    "RegistryUnavailableError",
    "TrainingConfig",
    "TrainingReport",
    "champion_history",
    "promote_version",
    "roll_back_champion",
    "rollback_target",
    "train_and_register",
]
