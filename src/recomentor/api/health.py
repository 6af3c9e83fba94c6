"""Liveness and readiness probes; open, no API key."""

from __future__ import annotations

from anyio import to_thread
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec

from recomentor.api.runtime import Runtime
from recomentor.api.schemas import HealthOut, ModelRef, ReadyOut


@get("/health", operation_id="health", tags=["health"])
async def health() -> HealthOut:
    """The process answers."""
    return HealthOut(status="ok")


@get(
    "/ready",
    operation_id="ready",
    tags=["health"],
    responses={503: ResponseSpec(ReadyOut, description="Database not reachable")},
)
async def ready(runtime: NamedDependency[Runtime]) -> Response[ReadyOut]:
    """Database reachable and which scorer is loaded; 503 while the database is not."""
    database = await to_thread.run_sync(runtime.store.ping)
    scorer = runtime.scorer
    body = ReadyOut(
        status="ready" if database else "unavailable",
        database=database,
        scorer=ModelRef(kind=scorer.kind, name=scorer.name, version=scorer.version),
    )
    return Response(body, status_code=200 if database else 503)
