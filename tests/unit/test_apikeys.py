"""API keys: shown once, stored only as a hash, refused once revoked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recomentor.accounts.scopes import ADMIN, READ, WRITE
from recomentor.errors import InvalidInputError, NotFoundError
from recomentor.store import Store
from recomentor.store.apikeys import (
    create_key,
    hash_key,
    list_keys,
    parse_scopes,
    revoke_key,
    verify_key,
)
from recomentor.store.tables import ApiKeyRow


def test_key_is_stored_hashed_and_verifies(store: Store) -> None:
    created = create_key(store, "intranet", "read,write")
    with store.session() as session:
        row = session.scalars(select(ApiKeyRow)).one()
    assert row.key_hash == hash_key(created.key)
    assert created.key not in (row.key_hash, row.prefix, row.name, row.scopes)
    assert created.key.startswith(row.prefix)
    verified = verify_key(store, created.key)
    assert verified is not None
    assert verified.scopes == {READ, WRITE}
    assert verified.allows(READ) and not verified.allows(ADMIN)


def test_near_misses_do_not_verify(store: Store) -> None:
    key = create_key(store, "bot", "read").key
    for presented in (key[:-1], key + "A", key.upper(), "", "rmk_", key[:12], "x" + key[1:]):
        assert verify_key(store, presented) is None


def test_revoked_key_no_longer_verifies_and_revoking_twice_keeps_the_date(store: Store) -> None:
    key = create_key(store, "bot", "read").key
    key_id = list_keys(store)[0].id
    first = revoke_key(store, key_id)
    assert first.revoked_at is not None
    assert verify_key(store, key) is None
    assert revoke_key(store, key_id).revoked_at == first.revoked_at
    with pytest.raises(NotFoundError):
        revoke_key(store, key_id + 100)


def test_admin_implies_every_scope(store: Store) -> None:
    admin = verify_key(store, create_key(store, "ops", "admin").key)
    assert admin is not None and all(admin.allows(s) for s in (READ, WRITE, ADMIN))


@pytest.mark.parametrize("raw", ["", " , ", "read,root", "superuser"])
def test_bad_scopes_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_scopes(raw)


def test_bad_names_are_refused(store: Store) -> None:
    for name in ("", "   ", "x" * 101):
        with pytest.raises(InvalidInputError):
            create_key(store, name, "read")
    assert list_keys(store) == []


def test_two_keys_are_different(store: Store) -> None:
    assert create_key(store, "a", "read").key != create_key(store, "b", "read").key
    assert [k.name for k in list_keys(store)] == ["a", "b"]
