"""What the app mounts for the pages: the guarded page router, the static files, the templates
and the page-aware error handlers. Add a page's controller to PAGES."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from recomentor.web import (
    admin,
    feedback_link,
    feedback_requests,
    imports,
    matching_edits,
    matchings,
    model,
    outcomes,
    overview,
    pairings,
    participants,
    session_plans,
    sign_in,
)
from recomentor.web.errors import page_aware
from recomentor.web.guards import page_guard
from recomentor.web.templates import template_config

STATIC_DIR = Path(__file__).parent / "static"
# Asset URLs carry ?v=<version>, so a release is fetched afresh however long this is.
_STATIC_MAX_AGE_S = 7 * 24 * 3600

PAGES: list[ControllerRouterHandler] = [
    sign_in.SignInController,
    overview.overview,
    admin.UsersController,
    admin.KeysController,
    participants.ParticipantsController,
    pairings.PairingsController,
    imports.ImportController,
    matchings.MatchingsController,
    matching_edits.MatchingEditsController,
    session_plans.SessionPlansController,
    model.ModelController,
    feedback_link.FeedbackLinkController,
    feedback_requests.FeedbackRequestsController,
    outcomes.OutcomesController,
]

# Pages show names and e-mails: not kept by caches, not framed, nothing loaded from elsewhere.
_PAGE_HEADERS = [
    ResponseHeader(name="Cache-Control", value="no-store"),
    ResponseHeader(
        name="Content-Security-Policy",
        value="default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
]


def web_routers(max_upload_bytes: int) -> list[Router]:
    """The pages; an upload of a survey export may be as large as the API's (the settings')."""
    pages = Router(
        path="/",
        guards=[page_guard],
        route_handlers=[*PAGES, imports.upload_router(max_upload_bytes)],
        response_headers=_PAGE_HEADERS,
        include_in_schema=False,
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        cache_control=CacheControlHeader(max_age=_STATIC_MAX_AGE_S, public=True),
        include_in_schema=False,
    )
    return [pages, static]


__all__ = ["page_aware", "template_config", "web_routers"]
