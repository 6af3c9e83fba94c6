"""Signed-in browsers: a random token in the cookie, its hash in the database, so every worker
and a restarted server see the same sessions and signing out ends one for good."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from recomentor.accounts.users import User, user_from_row
from recomentor.store import Store
from recomentor.store.tables import UserRow, WebSessionRow, utcnow

# last_seen is written at most this often: not one write per page view.
_TOUCH_EVERY = timedelta(seconds=60)
_MAX_FLASHES = 10


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lasts without a request (idle) and at most (lifetime)."""

    idle: timedelta
    lifetime: timedelta


@dataclass(frozen=True)
class Flash:
    """A message for the next page: a message key of the web catalogs and its parameters."""

    level: str  # info, success or error
    message: str
    params: dict[str, Any]


@dataclass(frozen=True)
class SignedIn:
    """A live session: who, the secret its forms carry, and messages left for this page."""

    user: User
    csrf_secret: str
    flashes: tuple[Flash, ...] = ()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(store: Store, user_id: int, now: datetime | None = None) -> str:
    """A new session for this user; returns the token for the cookie (stored nowhere else)."""
    token = secrets.token_urlsafe(32)
    moment = now or utcnow()
    with store.session() as session:
        session.add(
            WebSessionRow(
                token_hash=_hash(token),
                user_id=user_id,
                csrf_secret=secrets.token_urlsafe(32),
                created_at=moment,
                last_seen_at=moment,
                flashes=[],
            )
        )
    return token


def resolve_session(
    store: Store, token: str, policy: SessionPolicy, now: datetime | None = None
) -> SignedIn | None:
    """The live session of this token, its flash messages taken; None when it is unknown,
    idle too long, too old or its user disabled (an expired one is deleted)."""
    moment = now or utcnow()
    with store.session() as session:
        found = session.execute(
            select(WebSessionRow, UserRow)
            .join(UserRow, UserRow.id == WebSessionRow.user_id)
            .where(WebSessionRow.token_hash == _hash(token))
        ).one_or_none()
        if found is None:
            return None
        row, user = found
        expired = (
            moment - row.last_seen_at > policy.idle or moment - row.created_at > policy.lifetime
        )
        if expired or user.disabled:
            session.delete(row)
            return None
        if moment - row.last_seen_at > _TOUCH_EVERY:
            row.last_seen_at = moment
        flashes = tuple(
            Flash(str(level), str(key), dict(values)) for level, key, values in row.flashes
        )
        if flashes:
            row.flashes = []
        return SignedIn(user=user_from_row(user), csrf_secret=row.csrf_secret, flashes=flashes)


def add_flash(store: Store, token: str, flash: Flash) -> None:
    """A message for the next page this session shows."""
    with store.session() as session:
        row = session.get(WebSessionRow, _hash(token))
        if row is not None:
            row.flashes = [*row.flashes, [flash.level, flash.message, flash.params]][-_MAX_FLASHES:]


def end_session(store: Store, token: str) -> None:
    """Sign-out: the row is deleted, so the cookie is worthless even if a copy survives."""
    with store.session() as session:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _hash(token)))
