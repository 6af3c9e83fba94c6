"""API keys: created once in clear, stored as a sha256 hash, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from recomentor.accounts.scopes import ADMIN, SCOPES
from recomentor.errors import InvalidInputError, NotFoundError
from recomentor.store import Store
from recomentor.store.tables import ApiKeyRow, utcnow

_KEY_MARK = "rmk_"
# The stored prefix: the mark plus 8 random characters, enough to find the row by index.
_PREFIX_CHARS = len(_KEY_MARK) + 8
_MAX_NAME = 100


@dataclass(frozen=True)
class ApiKey:
    """A stored key without its secret."""

    id: int
    name: str
    prefix: str
    scopes: frozenset[str]
    created_at: datetime
    revoked_at: datetime | None = None

    def allows(self, scope: str) -> bool:
        # `admin` can do everything a read or write key can.
        return scope in self.scopes or ADMIN in self.scopes


@dataclass(frozen=True)
class CreatedKey:
    """The only moment the clear key exists: show it once, never store it."""

    key: str
    api_key: ApiKey


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_scopes(raw: Iterable[str] | str) -> frozenset[str]:
    """Scopes from `read,write` or a list; unknown or no scope is an error."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    scopes = frozenset(item.strip().lower() for item in items if item.strip())
    unknown = sorted(scopes - set(SCOPES))
    if unknown:
        raise InvalidInputError(f"unknown scope(s) {', '.join(unknown)}; use {', '.join(SCOPES)}")
    if not scopes:
        raise InvalidInputError(f"give at least one scope: {', '.join(SCOPES)}")
    return scopes


def _as_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=frozenset(row.scopes.split(",")),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def create_key(store: Store, name: str, scopes: Iterable[str] | str) -> CreatedKey:
    """A new random key with these scopes; the clear key is returned here and nowhere else."""
    name = name.strip()
    if not name or len(name) > _MAX_NAME:
        raise InvalidInputError(f"a key name is 1 to {_MAX_NAME} characters")
    chosen = parse_scopes(scopes)
    key = _KEY_MARK + secrets.token_urlsafe(32)
    row = ApiKeyRow(
        name=name,
        prefix=key[:_PREFIX_CHARS],
        key_hash=hash_key(key),
        scopes=",".join(sorted(chosen)),
        created_at=utcnow(),
    )
    with store.session() as session:
        session.add(row)
        session.flush()
        return CreatedKey(key=key, api_key=_as_key(row))


def verify_key(store: Store, key: str) -> ApiKey | None:
    """The live key matching `key`, or None for an unknown, malformed or revoked one."""
    if not key.startswith(_KEY_MARK) or len(key) <= _PREFIX_CHARS:
        return None
    presented = hash_key(key)
    query = select(ApiKeyRow).where(ApiKeyRow.prefix == key[:_PREFIX_CHARS])
    with store.session() as session:
        rows = list(session.scalars(query))
    found = None
    for row in rows:
        # Compare every candidate in constant time, so timing tells nothing about the hash.
        if hmac.compare_digest(row.key_hash, presented) and row.revoked_at is None:
            found = _as_key(row)
    return found


def list_keys(store: Store) -> list[ApiKey]:
    with store.session() as session:
        return [_as_key(row) for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]


def revoke_key(store: Store, key_id: int) -> ApiKey:
    """Revoke a key by id; revoking twice keeps the first revocation time."""
    with store.session() as session:
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            raise NotFoundError("API key", str(key_id))
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        return _as_key(row)
