"""API-key guard: 401 without a live key, 403 without the route's scope, 429 over the rate
(requests per key, or failed authentications per client address)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import (
    NotAuthorizedException,
    PermissionDeniedException,
    TooManyRequestsException,
)
from litestar.handlers.base import BaseRouteHandler

from recomentor.api.runtime import Runtime
from recomentor.store.apikeys import ApiKey, verify_key

API_KEY_HEADER = "X-API-Key"
SCOPE = "scope"


def _presented_key(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    key = connection.headers.get(API_KEY_HEADER)
    if key:
        return key.strip()
    authorization = connection.headers.get("Authorization", "")
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _too_many(reason: str, wait: int) -> TooManyRequestsException:
    return TooManyRequestsException(reason, headers={"Retry-After": str(wait)})


def require_scope(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard for every /api/v1 route; the route names its scope in `opt={"scope": ...}`."""
    runtime: Runtime = connection.app.state.runtime
    presented = _presented_key(connection)
    if presented is None:
        raise NotAuthorizedException(
            f"an API key is required in the {API_KEY_HEADER} header",
            headers={"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'},
        )
    address = connection.client.host if connection.client else "unknown"
    # An address that failed too often is refused before its key is even looked up.
    blocked = runtime.auth_failures.blocked_for(address)
    if blocked is not None:
        raise _too_many("too many failed authentications from this address", blocked)
    api_key: ApiKey | None = verify_key(runtime.store, presented)
    if api_key is None:
        runtime.auth_failures.retry_after(address)
        raise NotAuthorizedException("the API key is not valid or has been revoked")
    # A route without a declared scope is refused rather than left open.
    needed = handler.opt.get(SCOPE)
    if not needed or not api_key.allows(needed):
        raise PermissionDeniedException(f"this API key lacks the {needed!r} scope")
    wait = runtime.rate_limiter.retry_after(api_key.id)
    if wait is not None:
        raise _too_many("rate limit reached for this API key", wait)
    connection.scope["state"]["api_key_id"] = api_key.id
