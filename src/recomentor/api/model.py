"""The scorer in use: heuristic or the promoted model, and the metrics it was promoted on."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.di import NamedDependency

from recomentor import fields as F
from recomentor.accounts.scopes import READ
from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import ModelOut


def _metrics(scorer: Any) -> dict[str, float]:
    # Learned scorers carry their promotion metrics; the heuristic has none.
    metrics = getattr(scorer, "metrics", None) or {}
    return {str(name): float(value) for name, value in dict(metrics).items()}


@get(
    "/model",
    opt={SCOPE: READ},
    operation_id="getModel",
    tags=["model"],
    responses=problem_responses(),
)
async def model(runtime: NamedDependency[Runtime]) -> ModelOut:
    """The scorer serving suggestions: kind, name, version, the modes it serves, its features
    and the metrics it was promoted on."""
    scorer = runtime.scorer
    return ModelOut(
        kind=scorer.kind,
        name=scorer.name,
        version=scorer.version,
        modes=list(F.MODES) if scorer.mode is None else [scorer.mode],
        feature_names=list(scorer.feature_names),
        metrics=_metrics(scorer),
    )
