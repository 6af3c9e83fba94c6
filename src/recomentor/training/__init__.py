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
from recomentor.training.jobs import (
    TrainingJob,
    TrainingRunningError,
    current_job,
    launch_training_job,
)
from recomentor.training.pipeline import STAGES, StageListener, TrainingReport, train_and_register
from recomentor.training.shapes import ShapeFunction, shape_functions
from recomentor.training.versions import ModelVersion, model_versions

__all__ = [
    "METRIC_LABELS",
    "STAGES",
    "ChampionChange",
    "Evaluation",
    "ModelVersion",
    "RegistryUnavailableError",
    "ShapeFunction",
    "StageListener",
    "TrainingConfig",
    "TrainingJob",
    "TrainingReport",
    "TrainingRunningError",
    "champion_history",
    "current_job",
    "launch_training_job",
    "model_versions",
    "promote_version",
    "roll_back_champion",
    "rollback_target",
    "shape_functions",
    "train_and_register",
]
