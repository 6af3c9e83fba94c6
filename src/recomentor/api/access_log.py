"""Request ids and access log lines (method, route template, status, duration): never
participant ids, query strings or bodies."""

from __future__ import annotations

import logging
import secrets
import time
from contextvars import ContextVar

from litestar.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("recomentor.api.access")
REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"

# Set for the whole request; anyio copies it into the threads that run sync handlers, so
# every line logged while answering (access, errors, the store's) carries the same id.
_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    """The id of the request being answered: in its log lines, its X-Request-ID header and
    the text of a 500."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute for the log format (see log_config.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


def access_log_middleware(app: ASGIApp) -> ASGIApp:
    """Wraps each routed request; the template keeps `{participant_id}` instead of the id."""

    async def logged(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        # Made here, never taken from the client: it goes into log lines.
        request_id = secrets.token_hex(8)
        token = _request_id.set(request_id)

        async def send_and_remember(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await app(scope, receive, send_and_remember)
        finally:
            log.info(
                "%s %s %d %.1fms",
                scope.get("method", "?"),
                scope.get("path_template", "?"),
                status,
                (time.perf_counter() - start) * 1000,
            )
            _request_id.reset(token)

    return logged
