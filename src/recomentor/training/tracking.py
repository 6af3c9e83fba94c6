"""MLflow records of a training run: params, metrics, data hash, the model and its aliases."""

from __future__ import annotations

import contextlib
import io
import logging
import math
import warnings
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from recomentor.ranking.labels import LABEL_THRESHOLDS_KEY
from recomentor.training.registry import (
    CHALLENGER_ALIAS,
    CHAMPION_ALIAS,
    EMBEDDING_MODEL_KEY,
    METRIC_TAG_PREFIX,
    REGISTERED_MODEL,
    TRAINING_MODE_KEY,
    quiet_mlflow,
    use_tracking_store,
)

if TYPE_CHECKING:
    from recomentor.ranking.scorers.learned import LearnedScorer
    from recomentor.settings import Settings
    from recomentor.training.config import TrainingConfig
    from recomentor.training.dataset import FeedbackDataset
    from recomentor.training.evaluation import Evaluation
    from recomentor.training.models import AdditiveRanker
    from recomentor.training.promotion import Promotion

ARTIFACTS_DIR: Final = "mlartifacts"
MODEL_NAME: Final = "ranker"
PROMOTION_TAG: Final = "promotion"
PROMOTION_REASON_TAG: Final = "promotion_reason"
# What a version was trained on, as the /model page reads it back (training/versions.py).
DATA_HASH_TAG: Final = "data_sha256"
FIRST_RATED_TAG: Final = "first_rated"
LAST_RATED_TAG: Final = "last_rated"
ROWS_PARAM: Final = "rows"
TRAIN_ROWS_PARAM: Final = "train_rows"
TEST_ROWS_PARAM: Final = "test_rows"
TEST_MENTEES_PARAM: Final = "test_mentees"
_REQUIREMENTS = ("scikit-learn", "numpy", "scipy", "mlflow")


@dataclass(frozen=True)
class TrackedRun:
    run_id: str
    experiment_id: str
    version: str
    aliases: tuple[str, ...]


def _requirements() -> list[str]:
    # Written by hand: MLflow's inference would re-import the model in a subprocess (slow).
    pins = []
    for package in _REQUIREMENTS:
        try:
            pins.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            pins.append(package)
    return pins


def _experiment_id(client: Any, name: str, artifact_root: Path) -> str:
    existing = client.get_experiment_by_name(name)
    if existing is not None:
        return str(existing.experiment_id)
    # Artifacts next to the tracking database, not in ./mlruns of whatever folder we run in.
    artifact_root.mkdir(parents=True, exist_ok=True)
    return str(client.create_experiment(name, artifact_location=artifact_root.resolve().as_uri()))


def flat_metrics(evaluation: Evaluation) -> dict[str, float]:
    """MLflow metric names: source.scorer.metric; undefined metrics are left out."""
    flat = {}
    sources = {"observed": evaluation.observed, "truth": evaluation.truth or {}}
    for source, table in sources.items():
        for scorer, metrics in table.items():
            for metric, value in metrics.items():
                if not math.isnan(value):
                    flat[f"{source}.{scorer}.{metric}"] = value
    # The promotion gate's view: NDCG@5 margin over each rival and its bootstrap interval.
    for rival, margin in evaluation.margins.items():
        for part in ("mean", "low", "high"):
            value = getattr(margin, part)
            if not math.isnan(value):
                flat[f"margin.{rival}.ndcg_at_5.{part}"] = value
    return flat


def _signature(ranker: AdditiveRanker, sample: np.ndarray) -> Any:
    from mlflow.models import infer_signature

    return infer_signature(_example(ranker, sample), ranker.predict_proba(sample)[:, 1])


def _example(ranker: AdditiveRanker, sample: np.ndarray) -> Any:
    import pandas as pd

    return pd.DataFrame(sample, columns=list(ranker.feature_names_))


def _log_model(mlflow: Any, **arguments: Any) -> Any:
    """log_model without MLflow's console chatter: the pickling advice (we load our own
    package's class) and the registration lines it prints straight to stderr."""
    pyfunc_log = logging.getLogger("mlflow.pyfunc")
    previous = pyfunc_log.level
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore", UserWarning)
        pyfunc_log.setLevel(logging.ERROR)
        try:
            return mlflow.pyfunc.log_model(**arguments)
        finally:
            pyfunc_log.setLevel(previous)


def log_training_run(
    settings: Settings,
    config: TrainingConfig,
    dataset: FeedbackDataset,
    learned: LearnedScorer,
    evaluation: Evaluation,
    promotion: Promotion,
) -> TrackedRun:
    """One MLflow run; registers the model as a new version, aliased challenger (and champion
    when `promotion` says so); the promotion decision is recorded either way."""
    import mlflow
    from mlflow import MlflowClient

    uri = settings.resolved_tracking_uri
    ranker = learned.ranker
    # A few training rows as the model reads them, for the signature and the input example.
    rows = np.arange(min(20, len(dataset)))
    sample = learned.complete(dataset.roster, dataset.pair_features(rows), mode=dataset.mode)
    sample_matrix = sample.select(learned.feature_names)
    with quiet_mlflow():
        from recomentor.training.pyfunc import RankerModel

        use_tracking_store(uri)
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        experiment_id = _experiment_id(client, config.experiment, settings.home / ARTIFACTS_DIR)
        metrics = flat_metrics(evaluation)
        decision = (
            "forced" if promotion.forced else ("promoted" if promotion.promote else "refused")
        )
        tags = {
            EMBEDDING_MODEL_KEY: dataset.roster.model_id,
            TRAINING_MODE_KEY: dataset.mode,
            DATA_HASH_TAG: dataset.fingerprint(),
            "label": dataset.label_description,
            PROMOTION_TAG: decision,
            PROMOTION_REASON_TAG: promotion.reason,
            # Dates only: when feedback was given, never by or about whom.
            **{
                tag: moment.date().isoformat()
                for tag, moment in (
                    (FIRST_RATED_TAG, dataset.first_rated),
                    (LAST_RATED_TAG, dataset.last_rated),
                )
                if moment is not None
            },
        }
        with mlflow.start_run(experiment_id=experiment_id) as run:
            mlflow.log_params(
                {
                    **config.params(),
                    ROWS_PARAM: len(dataset),
                    TRAIN_ROWS_PARAM: len(dataset) - evaluation.test_rows,
                    TEST_ROWS_PARAM: evaluation.test_rows,
                    TEST_MENTEES_PARAM: evaluation.test_mentees,
                    "good_share": round(float(dataset.is_good.mean()), 4),
                    "features": ",".join(ranker.feature_names_),
                    **{
                        f"{LABEL_THRESHOLDS_KEY}.{label}": round(line, 6)
                        for label, line in learned.thresholds.as_dict().items()
                    },
                    **{f"fit.{key}": value for key, value in learned.fit_details.items()},
                }
            )
            mlflow.log_metrics(metrics)
            mlflow.set_tags(tags)
            mlflow.log_dict({"features": list(ranker.feature_names_)}, "features.json")
            primary = evaluation.truth if evaluation.truth is not None else evaluation.observed
            version_tags = {
                **{f"{METRIC_TAG_PREFIX}{k}": str(v) for k, v in primary["learned"].items()},
                "evaluated_on": evaluation.primary_source,
                "run_id": run.info.run_id,
                **tags,
            }
            info = _log_model(
                mlflow,
                name=MODEL_NAME,
                python_model=RankerModel(ranker, learned.association, learned.interactions),
                signature=_signature(ranker, sample_matrix),
                input_example=_example(ranker, sample_matrix[:2]),
                registered_model_name=REGISTERED_MODEL,
                # The version is registered with its tags, one write, not one write a tag.
                tags=version_tags,
                pip_requirements=_requirements(),
                metadata={
                    EMBEDDING_MODEL_KEY: dataset.roster.model_id,
                    TRAINING_MODE_KEY: dataset.mode,
                    "features": list(ranker.feature_names_),
                    LABEL_THRESHOLDS_KEY: learned.thresholds.as_dict(),
                },
            )
        new_version = str(info.registered_model_version)
        aliases = [CHALLENGER_ALIAS]
        client.set_registered_model_alias(REGISTERED_MODEL, CHALLENGER_ALIAS, new_version)
        if promotion.promote:
            client.set_registered_model_alias(REGISTERED_MODEL, CHAMPION_ALIAS, new_version)
            aliases.append(CHAMPION_ALIAS)
    return TrackedRun(
        run_id=run.info.run_id,
        experiment_id=experiment_id,
        version=new_version,
        aliases=tuple(aliases),
    )
