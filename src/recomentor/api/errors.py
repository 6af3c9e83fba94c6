"""The one place where errors become RFC 9457 problem details; nothing internal leaks."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap

from recomentor.api.access_log import current_request_id
from recomentor.api.schemas import ProblemOut
from recomentor.errors import (
    ConflictError,
    ErasureKeyError,
    InvalidInputError,
    NotFoundError,
    PairsConflictError,
    RecomentorError,
    RowsRejectedError,
    TrainingRefusedError,
)
from recomentor.store.db import StoreUnavailableError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
_TYPE = "urn:recomentor:problem:"

# Core error -> (HTTP status, problem type). The first matching class wins.
_CORE_ERRORS: tuple[tuple[type[RecomentorError], int, str], ...] = (
    (RowsRejectedError, 422, "rows-rejected"),
    (NotFoundError, 404, "not-found"),
    (InvalidInputError, 422, "invalid-input"),
    (ConflictError, 409, "conflict"),
    (TrainingRefusedError, 409, "training-refused"),
    # A server set up with another erasure key than its database's; no client can fix it.
    (ErasureKeyError, 503, "misconfigured"),
    (StoreUnavailableError, 503, "unavailable"),
)
_HTTP_TYPES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
    429: "too-many-requests",
}


def problem(
    status: int,
    kind: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": _TYPE + kind,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _core_error(
    request: Request[Any, Any, Any], error: RecomentorError
) -> Response[dict[str, Any]]:
    found = next((entry for entry in _CORE_ERRORS if isinstance(error, entry[0])), None)
    if found is None:
        return _unexpected(request, error)
    _, status, kind = found
    if isinstance(error, RowsRejectedError):
        rows = [
            {"line": p.line, "field": p.field, "reason": p.reason, "row_id": p.row_id}
            for p in error.problems
        ]
        return problem(status, kind, str(error), errors=rows)
    if isinstance(error, PairsConflictError):
        # Ids and a reason code per pair: what to fix, and nothing anyone wrote.
        pairs = [
            {"mentor_id": c.mentor_id, "mentee_id": c.mentee_id, "reason": c.reason}
            for c in error.conflicts
        ]
        return problem(status, kind, str(error), errors=pairs)
    if isinstance(error, StoreUnavailableError):
        # The message names the database; the client needs only to retry later.
        return problem(status, kind, "the database is not reachable; try again later")
    if isinstance(error, ErasureKeyError):
        # The message names files of the server: for its operator, not for the client.
        log.error("erasure key: %s", error)
        return problem(status, kind, "the server's erasure key is not usable; see its log")
    # Core messages name ids, fields and limits, never personal data (see errors.py).
    return problem(status, kind, str(error))


def _validation_errors(extra: Any) -> list[dict[str, Any]]:
    if not isinstance(extra, list):
        return []
    errors = []
    for item in extra:
        if isinstance(item, dict):
            source = item.get("source", "body")
            errors.append(
                {
                    "field": str(item.get("key", "")),
                    "reason": str(item.get("message", "")),
                    # Litestar gives an enum for parameters, a text for bodies.
                    "source": str(getattr(source, "value", source)),
                }
            )
    return errors


def _http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    status = error.status_code if error.status_code in _HTTP_TYPES else 500
    if status == 500:
        return _unexpected(_, error)
    if isinstance(error, ValidationException):
        # Litestar's detail repeats the URL, which may hold an id; the field list is enough.
        return problem(
            400, "bad-request", "the request is not valid", errors=_validation_errors(error.extra)
        )
    detail = error.detail if status != 400 else _bad_request_detail(error.detail)
    return problem(status, _HTTP_TYPES[status], detail, headers=error.headers)


def _bad_request_detail(detail: str) -> str:
    # Decoding errors carry msgspec's message ("Expected `int`, got `str` - at `$.rating`"):
    # useful and free of values.
    return detail if detail and len(detail) < 300 else "the request body cannot be read"


def _unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    # Only the type: messages and tracebacks may carry survey text.
    # The log format adds the request id; the body names it so a report can be matched.
    log.error(
        "unhandled %s on %s %s",
        type(error).__name__,
        request.method,
        request.scope.get("path_template", "?"),
    )
    return problem(
        500,
        "internal",
        f"an internal error occurred; it has been logged as request {current_request_id()}",
    )


def _undecodable(_: Request[Any, Any, Any], error: UnicodeDecodeError) -> Response[dict[str, Any]]:
    # Litestar decodes multipart text fields as UTF-8 and lets the error escape (2.25).
    return problem(400, "bad-request", "a text part of the request is not UTF-8")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    RecomentorError: _core_error,
    HTTPException: _http_error,
    UnicodeDecodeError: _undecodable,
    Exception: _unexpected,
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problem details a route can answer with."""
    common = (400, 401, 403, 429)
    return {
        status: ResponseSpec(
            data_container=ProblemOut,
            description=HTTPStatus(status).phrase,
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in sorted({*common, *statuses})
    }
