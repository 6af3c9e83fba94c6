"""Errors on pages become HTML pages (localized, no exception text); API paths keep their
JSON problem documents. Signed-out browsers are sent to /sign-in."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect
from litestar.types import ExceptionHandler, ExceptionHandlersMap

from recomentor.api.access_log import current_request_id
from recomentor.errors import NotFoundError, RecomentorError
from recomentor.store.db import StoreUnavailableError
from recomentor.web.guards import CsrfRefused, SignInRequired
from recomentor.web.templates import page

log = logging.getLogger(__name__)

# Paths that answer JSON; everything else is a page.
_API_PATHS = ("/api/", "/schema", "/health", "/ready")
_SHOWN_STATUSES = frozenset({400, 403, 404, 405, 413, 429, 500, 503})


def is_page(path: str) -> bool:
    return not path.startswith(_API_PATHS)


def _status_of(error: Exception) -> int:
    if isinstance(error, HTTPException):
        return error.status_code if error.status_code in _SHOWN_STATUSES else 500
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, StoreUnavailableError):
        return 503
    if isinstance(error, RecomentorError):
        return 400
    return 500


def page_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    if isinstance(error, SignInRequired):
        url = request.url
        here = url.path + (f"?{url.query}" if url.query else "")
        return Redirect(path=f"/sign-in?{urlencode({'next': here})}", status_code=303)
    status = _status_of(error)
    if status == 500:
        # The type and route only: messages and tracebacks may carry survey text.
        log.error(
            "unhandled %s on %s %s",
            type(error).__name__,
            request.method,
            request.scope.get("path_template", "?"),
        )
    kind = "csrf" if isinstance(error, CsrfRefused) else str(status)
    # Core errors say what to fix in ids, fields and limits, never personal data (errors.py).
    detail = str(error) if isinstance(error, RecomentorError) and status == 400 else ""
    headers = error.headers if isinstance(error, HTTPException) and status == 429 else None
    response = page(
        "errors/page.html",
        status=status,
        title_key=f"errors.title_{kind}",
        text_key=f"errors.text_{kind}",
        detail=detail,
        request_id=current_request_id(),
    )
    if headers:
        response.headers.update(headers)
    return response


def page_aware(handlers: ExceptionHandlersMap) -> ExceptionHandlersMap:
    """The API's handlers, answering with an HTML page instead on page paths."""

    def choose(api_handler: ExceptionHandler[Any]) -> ExceptionHandler[Any]:
        def handle(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
            if is_page(request.url.path):
                return page_error(request, error)
            return api_handler(request, error)

        return handle

    return {kind: choose(handler) for kind, handler in handlers.items()}
