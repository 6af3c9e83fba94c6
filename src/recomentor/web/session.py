"""The browser's side of a web session: its cookie (HttpOnly, SameSite=Lax, Secure behind
https), flash messages, safe `next` targets and the sign-in throttle."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from litestar import Response
from litestar.response import Redirect

from recomentor.accounts.web_sessions import Flash, SessionPolicy, add_flash
from recomentor.api.runtime import Runtime
from recomentor.settings import Settings
from recomentor.store.participants import Contact, read_contacts
from recomentor.web.i18n import translate

SESSION_COOKIE = "recomentor_session"


def session_policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        lifetime=timedelta(hours=settings.session_lifetime_hours),
    )


def set_session_cookie(response: Response[Any], token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_lifetime_hours * 3600),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


def clear_session_cookie(response: Response[Any], settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def local_target(raw: str | None) -> str:
    """`next` only ever leads to a path of this site: `//host`, `/\\host`, `https://...` and
    anything odd lead to the overview."""
    target = (raw or "").strip()
    if (
        not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or any(ord(c) < 0x20 or c == "\\" for c in target)
    ):
        return "/"
    return target


def redirect(target: str) -> Redirect:
    """303: after a POST the browser follows with a GET."""
    return Redirect(path=local_target(target), status_code=303)


def _account_key(email: str) -> str:
    # The throttle's memory holds a hash, not the address.
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def sign_in_blocked_for(runtime: Runtime, email: str, address: str) -> int | None:
    """Seconds to wait when this account or this address failed too often this minute."""
    waits = [
        runtime.sign_in_failures.blocked_for(_account_key(email)),
        runtime.auth_failures.blocked_for(address),
    ]
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


def count_sign_in_failure(runtime: Runtime, email: str, address: str) -> None:
    runtime.sign_in_failures.retry_after(_account_key(email))
    runtime.auth_failures.retry_after(address)


# Parameters of a flash that hold a participant's id; shown_flashes puts the name beside it.
PERSON_PARAMS = frozenset({"mentor", "mentee"})


def flash(runtime: Runtime, token: str | None, level: str, message: str, **params: Any) -> None:
    """A message for the next page of this session: a catalog key (`admin.user_created`) and
    its parameters (ids, counts; never what someone typed). People go in by id (`mentor`,
    `mentee`): a session row keeps no names; the page shows them (shown_flashes)."""
    if token:
        add_flash(runtime.store, token, Flash(level, message, params))


def shown_flashes(runtime: Runtime, flashes: Sequence[Flash], lang: str) -> list[tuple[str, str]]:
    """(level, text) of the messages, in `lang`, each person as "name (id)" as of now."""
    ids = {str(f.params[k]) for f in flashes for k in PERSON_PARAMS if k in f.params}
    contacts: Mapping[str, Contact] = {}
    if ids:
        with runtime.store.session() as session:
            contacts = read_contacts(session, ids)

    def named(person_id: str) -> str:
        contact = contacts.get(person_id)
        return f"{contact.name} ({person_id})" if contact and contact.name else person_id

    return [
        (
            f.level,
            translate(
                lang,
                f.message,
                **{k: named(str(v)) if k in PERSON_PARAMS else v for k, v in f.params.items()},
            ),
        )
        for f in flashes
    ]
