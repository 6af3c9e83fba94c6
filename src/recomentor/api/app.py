"""The Litestar application factory."""

from __future__ import annotations

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.di import Provide

from recomentor import __version__
from recomentor.api import (
    feedback,
    health,
    matching_edits,
    matchings,
    model,
    pairings,
    participants,
    session_plans,
    suggestions,
)
from recomentor.api.access_log import access_log_middleware
from recomentor.api.auth import require_scope
from recomentor.api.dependencies import provide_runtime
from recomentor.api.errors import EXCEPTION_HANDLERS
from recomentor.api.lifespan import services
from recomentor.api.openapi import openapi_config
from recomentor.api.requests import BoundedRequest
from recomentor.embeddings import TextEncoder
from recomentor.ranking.scorers import Scorer
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.web.app import page_aware, template_config, web_routers

JSON_MAX_BYTES = 1024 * 1024


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    encoder: TextEncoder | None = None,
    scorer: Scorer | None = None,
) -> Litestar:
    """The service (API and pages); tests inject a store, a fake encoder or a scorer, the rest
    is loaded once."""
    settings = settings or Settings.from_env()
    api = Router(
        path="/api/v1",
        guards=[require_scope],
        security=[{"ApiKey": []}],
        route_handlers=[
            participants.ParticipantController,
            participants.import_router(settings.max_upload_bytes),
            suggestions.suggestions,
            feedback.record_feedback,
            matchings.MatchingController,
            matching_edits.MatchingEditController,
            pairings.PairingController,
            session_plans.SessionPlanController,
            model.model,
        ],
    )
    return Litestar(
        route_handlers=[health.health, health.ready, api, *web_routers(settings.max_upload_bytes)],
        lifespan=[services(settings, store=store, encoder=encoder, scorer=scorer)],
        dependencies={"runtime": Provide(provide_runtime, sync_to_thread=False)},
        # Pages answer their errors with HTML pages, the API with problem documents.
        exception_handlers=page_aware(EXCEPTION_HANDLERS),
        template_config=template_config(),
        middleware=[access_log_middleware],
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        openapi_config=openapi_config(__version__),
        request_max_body_size=JSON_MAX_BYTES,
        request_class=BoundedRequest,
        # Logging is set up by `recomentor serve`; Litestar's default would log tracebacks.
        logging_config=None,
    )
