"""`recomentor serve`: the HTTP API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from recomentor.cli.context import settings
from recomentor.cli.timings import work_begins

_LEVELS = ("debug", "info", "warning", "error")
_WORKER_START_S = 60


def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default RECOMENTOR_API_HOST).")] = (
        None
    ),
    port: Annotated[int | None, typer.Option(help="Port (default RECOMENTOR_API_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Serve the API: docs at /schema, liveness at /health, readiness at /ready."""
    import uvicorn

    from recomentor.api.log_config import log_config
    from recomentor.store import open_store

    level = log_level.lower()
    if level not in _LEVELS:
        raise typer.BadParameter(f"use one of {', '.join(_LEVELS)}", param_hint="--log-level")
    config = settings()
    # Migrated once here: workers that all migrated a fresh database at start raced on the
    # same CREATE TABLE and one of them failed. They find the schema current and skip it.
    open_store(config.resolved_database_url).dispose()
    work_begins()  # a server runs for days: collections on
    uvicorn.run(
        "recomentor.api.app:create_app",
        factory=True,
        host=host or config.api_host,
        port=port or config.api_port,
        workers=workers,
        # uvicorn's access log prints full URLs (ids, query strings); ours prints templates.
        access_log=False,
        # Applied again in each worker process: spawned workers inherit no logging set-up.
        log_config=log_config(level),
        log_level=level,
        server_header=False,
        # Refuses request heads over 16 KiB with 431 before parsing them (http_limits.py).
        http="recomentor.api.http_limits:BoundedHeadProtocol",
        # A worker answers the supervisor's pings once its process has started; on a busy
        # machine that took over uvicorn's default 5 s and the workers were killed in a loop.
        timeout_worker_healthcheck=_WORKER_START_S,
    )
