"""The registry's versions as training logged them: metrics beside the heuristic and random on
the same split, the data they were trained on, mode and embedding model (the /model page)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import msgspec

from recomentor.settings import Settings
from recomentor.training.champion import registry_client
from recomentor.training.registry import (
    EMBEDDING_MODEL_KEY,
    REGISTERED_MODEL,
    TRAINING_MODE_KEY,
)
from recomentor.training.tracking import (
    DATA_HASH_TAG,
    FIRST_RATED_TAG,
    LAST_RATED_TAG,
    PROMOTION_REASON_TAG,
    PROMOTION_TAG,
    ROWS_PARAM,
    TEST_MENTEES_PARAM,
    TEST_ROWS_PARAM,
    TRAIN_ROWS_PARAM,
)

# The newest versions shown; older ones stay in MLflow.
MAX_VERSIONS: Final = 20
OBSERVED: Final = "observed"
TRUTH: Final = "truth"


class TrainingData(msgspec.Struct, kw_only=True):
    """What a version was trained and evaluated on; None where its run did not log it."""

    rows: int | None
    train_rows: int | None
    test_rows: int | None
    test_mentees: int | None
    first_rated: str | None  # ISO dates of the earliest and latest rating used
    last_rated: str | None
    sha256: str | None


class ModelVersion(msgspec.Struct, kw_only=True):
    """One registered version of recomentor-ranker and what its training run logged."""

    version: str
    aliases: list[str]
    created_at: datetime
    training_mode: str | None
    embedding_model: str | None
    # scorer (learned, champion, heuristic, random) -> metric -> value, per evaluation source.
    observed: dict[str, dict[str, float]]
    truth: dict[str, dict[str, float]]
    data: TrainingData
    promotion: str | None  # promoted, refused or forced
    promotion_reason: str | None

    @property
    def primary_source(self) -> str:
        """Ground truth when the run had one, as the promotion decision used."""
        return TRUTH if self.truth else OBSERVED


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _metric_tables(metrics: dict[str, float]) -> dict[str, dict[str, dict[str, float]]]:
    """MLflow's flat source.scorer.metric names back into tables."""
    tables: dict[str, dict[str, dict[str, float]]] = {OBSERVED: {}, TRUTH: {}}
    for name, value in metrics.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] in tables:
            source, scorer, metric = parts
            tables[source].setdefault(scorer, {})[metric] = float(value)
    return tables


def _version(found: Any, run: Any, aliases: list[str]) -> ModelVersion:
    tags = {**dict(run.data.tags if run else {}), **dict(found.tags or {})}
    params = dict(run.data.params) if run else {}
    tables = _metric_tables(dict(run.data.metrics) if run else {})
    return ModelVersion(
        version=str(found.version),
        aliases=sorted(aliases),
        created_at=datetime.fromtimestamp(found.creation_timestamp / 1000, tz=UTC),
        training_mode=tags.get(TRAINING_MODE_KEY),
        embedding_model=tags.get(EMBEDDING_MODEL_KEY),
        observed=tables[OBSERVED],
        truth=tables[TRUTH],
        data=TrainingData(
            rows=_int(params.get(ROWS_PARAM)),
            train_rows=_int(params.get(TRAIN_ROWS_PARAM)),
            test_rows=_int(params.get(TEST_ROWS_PARAM)),
            test_mentees=_int(params.get(TEST_MENTEES_PARAM)),
            first_rated=tags.get(FIRST_RATED_TAG),
            last_rated=tags.get(LAST_RATED_TAG),
            sha256=tags.get(DATA_HASH_TAG),
        ),
        promotion=tags.get(PROMOTION_TAG),
        promotion_reason=tags.get(PROMOTION_REASON_TAG),
    )


def _run(client: Any, run_id: str | None) -> Any:
    from mlflow.exceptions import MlflowException

    if not run_id:
        return None
    try:
        return client.get_run(run_id)
    except MlflowException:
        # A run deleted from the MLflow UI: the version is still listed, without its metrics.
        return None


def model_versions(settings: Settings, *, limit: int = MAX_VERSIONS) -> list[ModelVersion]:
    """The newest registered versions, newest first; empty when nothing was ever trained.
    RegistryUnavailableError when the registry cannot be read."""
    with registry_client(settings) as client:
        if client is None:
            return []
        found = client.search_model_versions(
            f"name = '{REGISTERED_MODEL}'",
            max_results=limit,
            order_by=["version_number DESC"],
        )
        if not found:
            return []
        # Searched versions come without their aliases; the registered model has them all.
        by_version: dict[str, list[str]] = {}
        registered = client.get_registered_model(REGISTERED_MODEL)
        for alias, version in (registered.aliases or {}).items():
            by_version.setdefault(str(version), []).append(alias)
        return [
            _version(
                version, _run(client, version.run_id), by_version.get(str(version.version), [])
            )
            for version in found
        ]
