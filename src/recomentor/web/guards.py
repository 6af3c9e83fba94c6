"""The one guard of every page: a live session, the route's permission, and on every POST the
session's CSRF token.

A page route declares what it needs in `opt`:
- `opt={PERMISSION: VIEW}` (or MANAGE_PROGRAM, MANAGE_MODEL, ADMINISTER from accounts.roles);
- `opt={PUBLIC: True}` for the few pages reached signed out (sign-in, language switch, a
  feedback link). They have no session token to check on a POST: the guard checks instead that
  the browser's Origin, when it sends one, is this site.
A route that declares neither is refused: a forgotten permission closes a page, not opens it.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlsplit

from anyio import to_thread
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from recomentor.accounts.roles import allows
from recomentor.accounts.web_sessions import SignedIn, resolve_session
from recomentor.api.runtime import Runtime
from recomentor.web.session import SESSION_COOKIE, session_policy

PERMISSION = "permission"
PUBLIC = "public"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SIGNED_IN = "signed_in"


class SignInRequired(NotAuthorizedException):
    """No live session: pages answer with a redirect to /sign-in (see web/errors.py)."""


class CsrfRefused(PermissionDeniedException):
    """A form without this session's token, or with another one."""


def signed_in(connection: ASGIConnection[Any, Any, Any, Any]) -> SignedIn | None:
    """The session the guard found for this request (None on public pages signed out)."""
    found: SignedIn | None = connection.scope["state"].get(_SIGNED_IN)
    return found


def session_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    return connection.cookies.get(SESSION_COOKIE) or None


async def _find_session(connection: ASGIConnection[Any, Any, Any, Any]) -> SignedIn | None:
    token = session_token(connection)
    if token is None:
        return None
    runtime: Runtime = connection.app.state.runtime
    policy = session_policy(runtime.settings)
    return await to_thread.run_sync(resolve_session, runtime.store, token, policy)


async def _check_csrf(connection: ASGIConnection[Any, Any, Any, Any], secret: str) -> None:
    sent = connection.headers.get(CSRF_HEADER, "")
    if not sent and isinstance(connection, Request):
        # Parsed once: the handler's form data comes from the same parse.
        sent = str((await connection.form()).get(CSRF_FIELD, ""))
    if not sent or not hmac.compare_digest(sent.encode(), secret.encode()):
        raise CsrfRefused("the form's CSRF token is missing or wrong")


def check_origin(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """A public form has no session token; a browser names the site that posted it, and it
    must be this one (a forged sign-in would put the victim in the attacker's account).
    Requests without one (or "null": privacy settings, old browsers, scripts) are let
    through; browsers send it on every cross-site POST."""
    origin = connection.headers.get("Origin")
    if not origin or origin == "null":
        return
    runtime: Runtime = connection.app.state.runtime
    expected = urlsplit(runtime.settings.public_url).netloc or connection.headers.get("Host", "")
    if urlsplit(origin).netloc != expected:
        raise CsrfRefused("the form was posted from another site")


async def page_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    session = await _find_session(connection)
    connection.scope["state"][_SIGNED_IN] = session
    unsafe = connection.scope.get("method", "GET") not in _SAFE_METHODS
    if handler.opt.get(PUBLIC):
        if unsafe:
            check_origin(connection)
        return
    if session is None:
        raise SignInRequired("sign in to see this page")
    needed = handler.opt.get(PERMISSION)
    if not needed or not allows(session.user.role, needed):
        raise PermissionDeniedException("your role does not allow this")
    if unsafe:
        await _check_csrf(connection, session.csrf_secret)
