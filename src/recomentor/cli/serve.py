"""`recomentor serve`: the HTTP API under uvicorn."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from recomentor.cli.context import settings


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

    config = settings()
    level = getattr(logging, log_level.upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(
        "recomentor.api.app:create_app",
        factory=True,
        host=host or config.api_host,
        port=port or config.api_port,
        workers=workers,
        # uvicorn's access log prints full URLs (ids, query strings); ours prints templates.
        access_log=False,
        log_config=None,
        log_level=log_level.lower(),
        server_header=False,
    )
