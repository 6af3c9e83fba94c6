"""Learning from feedback: dataset, models, evaluation, MLflow tracking and the champion.

What other packages use is imported from here (or, for serving, from `registry`); the modules
behind it are this package's own business. Each name loads its module on first use: serving
imports `registry`, a package module, and must not pay for scikit-learn, pandas and the training
pipeline with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from recomentor.training.pipeline import (
        STAGES,
        StageListener,
        TrainingReport,
        train_and_register,
    )
    from recomentor.training.shapes import ShapeFunction, shape_functions
    from recomentor.training.versions import ModelVersion, model_versions

# Public name -> the module of this package that defines it.
_MODULE_OF = {
    "ChampionChange": "champion",
    "RegistryUnavailableError": "champion",
    "champion_history": "champion",
    "promote_version": "champion",
    "roll_back_champion": "champion",
    "rollback_target": "champion",
    "TrainingConfig": "config",
    "METRIC_LABELS": "evaluation",
    "Evaluation": "evaluation",
    "TrainingJob": "jobs",
    "TrainingRunningError": "jobs",
    "current_job": "jobs",
    "launch_training_job": "jobs",
    "STAGES": "pipeline",
    "StageListener": "pipeline",
    "TrainingReport": "pipeline",
    "train_and_register": "pipeline",
    "ShapeFunction": "shapes",
    "shape_functions": "shapes",
    "ModelVersion": "versions",
    "model_versions": "versions",
}

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


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
