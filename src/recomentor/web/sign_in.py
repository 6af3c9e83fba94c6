"""/sign-in, /sign-out and the language switch: the pages reached without a session."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from recomentor.accounts.roles import VIEW
from recomentor.accounts.users import verify_credentials
from recomentor.accounts.web_sessions import end_session, open_session
from recomentor.api.runtime import Runtime
from recomentor.web.forms import FormData, field
from recomentor.web.guards import (
    PERMISSION,
    PUBLIC,
    session_token,
    signed_in,
)
from recomentor.web.i18n import LANG_COOKIE, supported
from recomentor.web.session import (
    clear_session_cookie,
    count_sign_in_failure,
    local_target,
    redirect,
    set_session_cookie,
    sign_in_blocked_for,
)
from recomentor.web.templates import page

log = logging.getLogger(__name__)

Next = Annotated[str, QueryParameter(name="next", max_length=2000)]
_FORM = "sign_in/form.html"


class SignInController(Controller):
    include_in_schema = False

    @get("/sign-in", opt={PUBLIC: True}, sync_to_thread=False)
    def form(
        self,
        request: Request[Any, Any, Any],
        next_: Next = "/",
        signed_out: Annotated[bool, QueryParameter()] = False,
    ) -> Template | Redirect:
        """The sign-in form; a signed-in browser goes straight on."""
        if signed_in(request):
            return redirect(next_)
        notice = "sign_in.signed_out" if signed_out else None
        return page(_FORM, next=local_target(next_), email="", error=None, notice=notice)

    @post("/sign-in", opt={PUBLIC: True}, sync_to_thread=True, status_code=303)
    def sign_in(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], data: FormData
    ) -> Response[Any]:
        """Checks the password (throttled per account and per address), opens a session."""
        email, password = field(data, "email"), field(data, "password")
        target = local_target(field(data, "next"))
        address = request.client.host if request.client else "unknown"

        def refused(status: int, key: str, **params: Any) -> Template:
            error = (key, params)
            return page(_FORM, status=status, next=target, email=email, error=error, notice=None)

        wait = sign_in_blocked_for(runtime, email, address)
        if wait is not None:
            log.info("sign-in refused: too many failures")
            return refused(429, "sign_in.throttled", seconds=wait)
        check = verify_credentials(runtime.store, email, password)
        if check.user is None:
            # Never the address: it names a person.
            log.info("sign-in refused: %s", "disabled" if check.disabled else "wrong credentials")
            if check.disabled:
                return refused(403, "sign_in.disabled")
            count_sign_in_failure(runtime, email, address)
            return refused(400, "sign_in.wrong")
        previous = session_token(request)
        if previous:
            # A fresh token at every sign-in: a token planted before it is worth nothing.
            end_session(runtime.store, previous)
        token = open_session(runtime.store, check.user.id)
        log.info("user %d signed in", check.user.id)
        response = redirect(target)
        set_session_cookie(response, token, runtime.settings)
        return response

    @post("/sign-out", opt={PERMISSION: VIEW}, sync_to_thread=True, status_code=303)
    def sign_out(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
    ) -> Redirect:
        """Deletes the session on the server, then the cookie."""
        token = session_token(request)
        if token:
            end_session(runtime.store, token)
        response = redirect("/sign-in?signed_out=true")
        clear_session_cookie(response, runtime.settings)
        return response

    @get("/lang/{code:str}", opt={PUBLIC: True}, sync_to_thread=False)
    def switch_language(
        self, code: Annotated[str, PathParameter(max_length=8)], next_: Next = "/"
    ) -> Redirect:
        """The switch on every page: remembers the language a year, back to the page."""
        response = redirect(next_)
        chosen = supported(code)
        if chosen:
            response.set_cookie(
                LANG_COOKIE, chosen, max_age=365 * 24 * 3600, path="/", samesite="lax"
            )
        return response
