"""/model: the champion and challengers against the heuristic and random, each feature's learned
effect, "train now" as a background job, and moving the champion with who, when and why.

Every signed-in role sees the page (like every other page); training and moving the champion
need MANAGE_MODEL (data scientists and admins).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from recomentor.accounts.roles import MANAGE_MODEL, VIEW
from recomentor.api.runtime import Runtime
from recomentor.errors import ConflictError, NotFoundError, RecomentorError
from recomentor.settings import Settings
from recomentor.training import (
    METRIC_LABELS,
    STAGES,
    ModelVersion,
    RegistryUnavailableError,
    ShapeFunction,
    StageListener,
    TrainingConfig,
    TrainingJob,
    TrainingReport,
    TrainingRunningError,
    champion_history,
    current_job,
    launch_training_job,
    model_versions,
    promote_version,
    roll_back_champion,
    rollback_target,
    shape_functions,
    train_and_register,
)
from recomentor.training.registry import (
    CHALLENGER_ALIAS,
    CHAMPION_ALIAS,
    ChampionUnavailableError,
    load_version,
)
from recomentor.web.forms import FormData, field
from recomentor.web.guards import PERMISSION, session_token, signed_in
from recomentor.web.i18n import supported
from recomentor.web.model_plots import effect_svg
from recomentor.web.session import flash, redirect
from recomentor.web.templates import page, page_lang

_SEE = {PERMISSION: VIEW}
_MANAGE = {PERMISSION: MANAGE_MODEL}
# Registry versions are numbers; the feature name is checked against the model's own.
Version = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
AskedVersion = Annotated[int | None, QueryParameter(name="version", ge=1, le=2**31 - 1)]
# `lexical.svg`: a feature name and the picture's extension.
PlotName = Annotated[str, PathParameter(max_length=80)]
# The plot's numbers are written in the page's language, named in its URL so caches keep both.
PlotLang = Annotated[str | None, QueryParameter(name="lang", max_length=8)]
# Scorers in the order a reader compares them: the new model, the one it would replace, the
# documented heuristic, and the floor.
_SCORERS = ("learned", "champion", "heuristic", "random")


@dataclass(frozen=True)
class _Registry:
    versions: list[ModelVersion]
    unavailable: bool  # the registry could not be read: the page says so, still renders


def _registry(settings: Settings) -> _Registry:
    try:
        return _Registry(model_versions(settings), unavailable=False)
    except RegistryUnavailableError:
        return _Registry([], unavailable=True)


def _shapes_of(settings: Settings, version: str) -> dict[str, ShapeFunction] | None:
    """None when the version cannot be loaded (deleted, unreadable)."""
    try:
        return _cached_shapes(settings.resolved_tracking_uri, version, settings)
    except ChampionUnavailableError:
        return None


@lru_cache(maxsize=16)
def _cached_shapes(tracking_uri: str, version: str, settings: Settings) -> dict[str, ShapeFunction]:
    del tracking_uri  # in the key: another data home has other versions under the same numbers
    scorer = load_version(settings, version)
    return {shape.feature: shape for shape in shape_functions(scorer.ranker)}


@lru_cache(maxsize=256)
def _cached_svg(
    tracking_uri: str, version: str, feature: str, lang: str, settings: Settings
) -> str:
    return effect_svg(_cached_shapes(tracking_uri, version, settings)[feature], lang)


def _by_alias(versions: list[ModelVersion], alias: str) -> ModelVersion | None:
    return next((v for v in versions if alias in v.aliases), None)


def _plotted(versions: list[ModelVersion], asked: int | None) -> ModelVersion | None:
    """The version whose effects are plotted: the one asked for, else the champion, else the
    newest."""
    if asked is not None:
        return next((v for v in versions if v.version == str(asked)), None)
    return _by_alias(versions, CHAMPION_ALIAS) or (versions[0] if versions else None)


def _actor(request: Request[Any, Any, Any]) -> str:
    """Who the audit names: the signed-in account's e-mail (shown to signed-in users only,
    never logged)."""
    session = signed_in(request)
    assert session is not None  # the guard let only signed-in users through
    return session.user.email


def _training(runtime: Runtime, actor: str) -> Any:
    def train(on_stage: StageListener) -> TrainingReport:
        return train_and_register(
            runtime.settings,
            runtime.store,
            runtime.encoder,
            TrainingConfig(),
            actor=actor,
            on_stage=on_stage,
        )

    return train


def _after_training(runtime: Runtime) -> Any:
    def after(job: TrainingJob) -> None:
        if job.promoted:
            # This worker at once; the others at their next check (served_scorer.py).
            runtime.scorer_now()

    return after


class ModelController(Controller):
    path = "/model"
    include_in_schema = False

    def _page(
        self,
        runtime: Runtime,
        *,
        version: int | None = None,
        status: int = 200,
        error: Any = None,
    ) -> Template:
        settings = runtime.settings
        registry = _registry(settings)
        versions = registry.versions
        plotted = _plotted(versions, version)
        if version is not None and plotted is None:
            raise NotFoundException("no such model version")
        shapes = _shapes_of(settings, plotted.version) if plotted else None
        champion = _by_alias(versions, CHAMPION_ALIAS)
        challenger = _by_alias(versions, CHALLENGER_ALIAS)
        # The champion, and the latest challenger when it is another version.
        featured = [
            (role, v)
            for role, v in (("champion", champion), ("challenger", challenger))
            if v is not None and not (role == "challenger" and v is champion)
        ]
        return page(
            "model/index.html",
            status=status,
            error=error,
            versions=versions,
            registry_unavailable=registry.unavailable,
            champion=champion,
            featured=featured,
            serving=runtime.scorer,
            plotted=plotted,
            shapes=list(shapes.values()) if shapes else [],
            history=champion_history(runtime.store),
            rollback_to=None if registry.unavailable else rollback_target(settings, runtime.store),
            job=current_job(runtime.store),
            stages=STAGES,
            scorers=_SCORERS,
            metric_labels=METRIC_LABELS,
        )

    @get("/", opt=_SEE, sync_to_thread=True)
    def index(
        self,
        runtime: NamedDependency[Runtime],
        version: AskedVersion = None,
    ) -> Template:
        """Champion, challengers, their metrics and data, the effects plots, job and history."""
        return self._page(runtime, version=version)

    @get("/job", opt=_SEE, sync_to_thread=True)
    def job(self, runtime: NamedDependency[Runtime]) -> dict[str, Any]:
        """The latest training job's state and stage, for the page's poll."""
        found = current_job(runtime.store)
        if found is None:
            return {"state": None}
        return {"id": found.id, "state": found.state, "stage": found.stage}

    @get(
        "/versions/{version:int}/effects/{feature:str}",
        opt=_SEE,
        sync_to_thread=True,
        media_type="image/svg+xml",
    )
    def effect(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        version: Version,
        feature: PlotName,
        plot_lang: PlotLang = None,
    ) -> Response[str]:
        """One feature's learned effect as an SVG picture (`feature` is e.g. `lexical.svg`), its
        numbers in `lang` (else the browser's language)."""
        settings = runtime.settings
        name = feature.removesuffix(".svg")
        shapes = _shapes_of(settings, str(version))
        if shapes is None or name not in shapes:
            raise NotFoundException("no such plot")
        lang = supported(plot_lang) or page_lang(request)
        svg = _cached_svg(settings.resolved_tracking_uri, str(version), name, lang, settings)
        # The picture of a registry version never changes: browsers may keep it (by language
        # when the URL does not name one).
        headers = {"Cache-Control": "private, max-age=3600"}
        if supported(plot_lang) is None:
            headers["Vary"] = "Cookie, Accept-Language"
        return Response(svg, media_type="image/svg+xml", headers=headers)

    @post("/train", opt=_MANAGE, sync_to_thread=True, status_code=303)
    def train(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
    ) -> Template | Redirect:
        """Starts training on all feedback in the background; one job at a time."""
        actor = _actor(request)
        try:
            job = launch_training_job(
                runtime.store,
                _training(runtime, actor),
                started_by=actor,
                after=_after_training(runtime),
            )
        except TrainingRunningError:
            return self._page(runtime, status=409, error=("model.job_running", {}))
        flash(runtime, session_token(request), "success", "model.job_started", id=job.id)
        return redirect("/model#training")

    @get("/promote/{version:int}", opt=_MANAGE, sync_to_thread=True)
    def confirm_promote(self, runtime: NamedDependency[Runtime], version: Version) -> Template:
        """Asks for a reason and a confirmation before making `version` the champion."""
        return self._confirm(runtime, "promote", str(version))

    @post("/promote/{version:int}", opt=_MANAGE, sync_to_thread=True, status_code=303)
    def promote(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        version: Version,
        data: FormData,
    ) -> Template | Redirect:
        """Makes `version` the champion, recorded with who, when and why."""
        try:
            change = promote_version(
                runtime.settings,
                runtime.store,
                str(version),
                reason=field(data, "reason"),
                actor=_actor(request),
            )
        except RecomentorError as error:
            return self._confirm(
                runtime, "promote", str(version), status=_status(error), error=error
            )
        # Served here before the redirected page names it; other workers at their next check.
        runtime.scorer_now()
        flash(
            runtime, session_token(request), "success", "model.promoted", version=change.to_version
        )
        return redirect("/model")

    @get("/rollback", opt=_MANAGE, sync_to_thread=True)
    def confirm_rollback(self, runtime: NamedDependency[Runtime]) -> Template:
        """Asks for a reason and a confirmation before restoring the previous champion."""
        return self._confirm(runtime, "rollback", rollback_target(runtime.settings, runtime.store))

    @post("/rollback", opt=_MANAGE, sync_to_thread=True, status_code=303)
    def rollback(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], data: FormData
    ) -> Template | Redirect:
        """Restores the champion before the current one, recorded with who, when and why."""
        try:
            change = roll_back_champion(
                runtime.settings, runtime.store, reason=field(data, "reason"), actor=_actor(request)
            )
        except RecomentorError as error:
            target = rollback_target(runtime.settings, runtime.store)
            return self._confirm(runtime, "rollback", target, status=_status(error), error=error)
        # As after a promotion: here at once, elsewhere at the next check.
        runtime.scorer_now()
        flash(
            runtime,
            session_token(request),
            "success",
            "model.rolled_back",
            version=change.to_version,
        )
        return redirect("/model")

    def _confirm(
        self,
        runtime: Runtime,
        action: str,
        target: str | None,
        *,
        status: int = 200,
        error: RecomentorError | None = None,
    ) -> Template:
        registry = _registry(runtime.settings)
        champion = _by_alias(registry.versions, CHAMPION_ALIAS)
        chosen = next((v for v in registry.versions if v.version == target), None)
        return page(
            "model/confirm.html",
            status=status,
            action=action,
            target=target,
            chosen=chosen,
            champion=champion,
            # Core messages name versions and limits, never personal data (errors.py).
            error=str(error) if error else None,
            scorers=_SCORERS,
            metric_labels=METRIC_LABELS,
        )


def _status(error: RecomentorError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    return 409 if isinstance(error, ConflictError) else 400
