"""Access log lines with method, route template, status and duration: never ids or bodies."""

from __future__ import annotations

import logging
import time

from litestar.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("recomentor.api.access")


def access_log_middleware(app: ASGIApp) -> ASGIApp:
    """Wraps each routed request; the template keeps `{participant_id}` instead of the id."""

    async def logged(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_and_remember(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
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

    return logged
