"""The one module the API and CLI load a scorer through: the champion model, else the heuristic."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy.engine import make_url

from recomentor import fields as F
from recomentor.embeddings import model_id_for
from recomentor.ranking.labels import LEARNED_THRESHOLDS, thresholds_from_metadata
from recomentor.ranking.scorers import HeuristicScorer, Scorer
from recomentor.ranking.scorers.base import REGISTERED_MODEL
from recomentor.settings import Settings

if TYPE_CHECKING:
    from recomentor.ranking.scorers.learned import LearnedScorer

CHAMPION_ALIAS: Final = "champion"
CHALLENGER_ALIAS: Final = "challenger"
# Model-version tags that record the metrics a version was evaluated (and promoted) on.
METRIC_TAG_PREFIX: Final = "metric."
EMBEDDING_MODEL_KEY: Final = "embedding_model"
TRAINING_MODE_KEY: Final = "training_mode"
# Every model `recomentor train` logged records its mode; one registered without it (by hand)
# is taken for the mode training defaults to.
UNRECORDED_MODE: Final = F.REVERSE

log = logging.getLogger(__name__)
_NOISY_LOGGERS = ("mlflow", "alembic", "git", "urllib3")


class ChampionUnavailableError(Exception):
    """The registry names a champion that cannot be loaded or does not fit this setup."""


def _ignore_mlflow_advice() -> None:
    warnings.filterwarnings("ignore", category=UserWarning, module="mlflow")
    # Also when MLflow attributes its type-hint advice to our model's module (stacklevel).
    warnings.filterwarnings("ignore", message=r".*type hint", category=UserWarning)


def _hide_mlflow_advice(show: Callable[..., None]) -> Callable[..., None]:
    def show_unless_mlflow(message: Any, category: Any, filename: str, *rest: Any) -> None:
        if f"{os.sep}mlflow{os.sep}" not in filename:
            show(message, category, filename, *rest)

    return show_unless_mlflow


@contextmanager
def quiet_mlflow() -> Iterator[None]:
    """MLflow and its database migrations log at INFO on every call; keep warnings only, and
    drop MLflow's advice to type-hint predict (our signature is logged explicitly)."""
    previous = {name: logging.getLogger(name).level for name in _NOISY_LOGGERS}
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            _ignore_mlflow_advice()
            import mlflow.pyfunc  # noqa: F401

            # Again: importing MLflow installs warning filters of its own ahead of ours.
            _ignore_mlflow_advice()
            # Some advice is shown through MLflow's own "once" filter, past any filter of ours.
            warnings.showwarning = _hide_mlflow_advice(warnings.showwarning)
            yield
    finally:
        for name, level in previous.items():
            logging.getLogger(name).setLevel(level)


def tracking_store_missing(tracking_uri: str) -> bool:
    """True for a SQLite tracking store that was never created: nothing was ever trained."""
    try:
        url = make_url(tracking_uri)
    except Exception:  # a file path or http URI: only MLflow can tell
        return False
    if url.get_backend_name() != "sqlite" or not url.database:
        return False
    return not Path(url.database).exists()


def use_tracking_store(tracking_uri: str) -> None:
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)


def _metrics_from_tags(tags: dict[str, str]) -> dict[str, float]:
    metrics = {}
    for key, value in tags.items():
        if key.startswith(METRIC_TAG_PREFIX):
            try:
                metrics[key.removeprefix(METRIC_TAG_PREFIX)] = float(value)
            except ValueError:
                continue
    return metrics


def _load_version(version: Any) -> LearnedScorer:
    # The trained ranker's code needs scikit-learn: imported only when there is one to load.
    import mlflow.pyfunc

    from recomentor.ranking.scorers.additive import AdditiveRanker
    from recomentor.ranking.scorers.association import PhraseAssociation
    from recomentor.ranking.scorers.interaction import PhraseInteractions
    from recomentor.ranking.scorers.learned import LearnedScorer

    model = mlflow.pyfunc.load_model(f"models:/{REGISTERED_MODEL}/{version.version}")
    wrapper = model.unwrap_python_model()
    ranker = getattr(wrapper, "ranker", None)
    if not isinstance(ranker, AdditiveRanker):
        raise ChampionUnavailableError(f"version {version.version} holds no AdditiveRanker")
    association = getattr(wrapper, "association", None)
    if association is not None and not isinstance(association, PhraseAssociation):
        raise ChampionUnavailableError(f"version {version.version} holds a foreign association")
    # Versions from before phrase interactions have none.
    interactions = getattr(wrapper, "interactions", None)
    if interactions is not None and not isinstance(interactions, PhraseInteractions):
        raise ChampionUnavailableError(f"version {version.version} holds foreign interactions")
    metadata = model.metadata.metadata or {}
    mode = metadata.get(TRAINING_MODE_KEY, UNRECORDED_MODE)
    if mode not in F.MODES:
        raise ChampionUnavailableError(f"version {version.version} records an unknown mode")
    return LearnedScorer(
        ranker,
        association=association,
        interactions=interactions,
        # Versions from before calibrated labels use the learned kind's fixed lines.
        thresholds=thresholds_from_metadata(metadata) or LEARNED_THRESHOLDS,
        version=str(version.version),
        embedding_model=str(metadata.get(EMBEDDING_MODEL_KEY, "")),
        mode=mode,
        metrics=_metrics_from_tags(dict(version.tags or {})),
    )


def load_champion(settings: Settings) -> LearnedScorer | None:
    """The champion, None when none was ever promoted; raises ChampionUnavailableError when the
    registry names one that cannot serve (unreadable, or built on another embedding model)."""
    uri = settings.resolved_tracking_uri
    if tracking_store_missing(uri):
        return None
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    with quiet_mlflow():
        try:
            use_tracking_store(uri)
            client = MlflowClient(tracking_uri=uri, registry_uri=uri)
            try:
                version = client.get_model_version_by_alias(REGISTERED_MODEL, CHAMPION_ALIAS)
            except MlflowException as error:
                if error.error_code == "RESOURCE_DOES_NOT_EXIST":
                    return None
                raise
            scorer = _load_version(version)
        except ChampionUnavailableError:
            raise
        except Exception as error:
            raise ChampionUnavailableError(
                f"{REGISTERED_MODEL}@{CHAMPION_ALIAS} could not be loaded ({type(error).__name__})"
            ) from error
    expected = model_id_for(settings.embedding_model)
    if scorer.embedding_model != expected:
        raise ChampionUnavailableError(
            f"{REGISTERED_MODEL} v{scorer.version} was trained on embeddings of "
            f"{scorer.embedding_model or 'an unknown model'}, not {expected}"
        )
    return scorer


def load_version(settings: Settings, version: str) -> LearnedScorer:
    """Any registered version, champion or not (the /model page plots its shape functions);
    ChampionUnavailableError when it cannot be read."""
    uri = settings.resolved_tracking_uri
    if tracking_store_missing(uri):
        raise ChampionUnavailableError(f"{REGISTERED_MODEL} v{version} does not exist")
    from mlflow import MlflowClient

    with quiet_mlflow():
        try:
            use_tracking_store(uri)
            client = MlflowClient(tracking_uri=uri, registry_uri=uri)
            return _load_version(client.get_model_version(REGISTERED_MODEL, version))
        except ChampionUnavailableError:
            raise
        except Exception as error:
            raise ChampionUnavailableError(
                f"{REGISTERED_MODEL} v{version} could not be loaded ({type(error).__name__})"
            ) from error


def load_champion_or_heuristic(settings: Settings) -> Scorer:
    """The champion, the heuristic when none was promoted; ChampionUnavailableError when the
    registry names one that cannot serve (a running server then keeps the scorer it has)."""
    champion = load_champion(settings)
    return HeuristicScorer() if champion is None else champion


def load_scorer(settings: Settings) -> Scorer:
    """The champion when there is a usable one, else the heuristic, with a warning if broken.

    The champion serves only the mode it was trained in: ranking passes it through scorer_for.
    """
    try:
        return load_champion_or_heuristic(settings)
    except ChampionUnavailableError as error:
        # The message names the model and the error type only: never a participant's data.
        log.warning("%s; scoring with the heuristic instead", error)
        return HeuristicScorer()
