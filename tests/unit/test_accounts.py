"""Accounts and web sessions in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from recomentor.accounts import users
from recomentor.accounts.roles import ADMINISTER, MANAGE_MODEL, MANAGE_PROGRAM, VIEW, allows
from recomentor.accounts.users import create_user, disable_user, list_users, verify_credentials
from recomentor.accounts.web_sessions import (
    Flash,
    SessionPolicy,
    add_flash,
    end_session,
    open_session,
    resolve_session,
)
from recomentor.errors import ConflictError, InvalidInputError
from recomentor.store import Store
from recomentor.store.tables import utcnow

PASSWORD = "correct horse battery"
POLICY = SessionPolicy(idle=timedelta(minutes=30), lifetime=timedelta(hours=12))


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "password_hasher", lambda: PasswordHasher.from_parameters(CHEAPEST))


def test_roles_grant_what_the_table_says() -> None:
    granted = {
        role: {p for p in (VIEW, MANAGE_PROGRAM, MANAGE_MODEL, ADMINISTER) if allows(role, p)}
        for role in ("viewer", "manager", "scientist", "admin", "nobody")
    }
    assert granted == {
        "viewer": {VIEW},
        "manager": {VIEW, MANAGE_PROGRAM},
        "scientist": {VIEW, MANAGE_MODEL},
        "admin": {VIEW, MANAGE_PROGRAM, MANAGE_MODEL, ADMINISTER},
        "nobody": set(),
    }


def test_e_mail_is_unique_whatever_its_case(store: Store) -> None:
    created = create_user(store, " Ana@Example.ORG ", "Viewer", PASSWORD)
    assert (created.email, created.role, created.disabled) == ("ana@example.org", "viewer", False)
    with pytest.raises(ConflictError):
        create_user(store, "ANA@example.org", "admin", PASSWORD)
    with pytest.raises(InvalidInputError, match="at least 10"):
        create_user(store, "bob@example.org", "viewer", "123456789")
    assert [u.email for u in list_users(store)] == ["ana@example.org"]


def test_credentials(store: Store) -> None:
    user = create_user(store, "ana@example.org", "manager", PASSWORD)
    assert verify_credentials(store, "ANA@example.org", PASSWORD).user == user
    assert verify_credentials(store, "ana@example.org", PASSWORD + "!").user is None
    assert verify_credentials(store, "who@example.org", PASSWORD).user is None
    assert verify_credentials(store, "not an address", PASSWORD).user is None
    assert verify_credentials(store, "ana@example.org", PASSWORD + "x" * 2000).user is None


def test_session_lives_until_idle_lifetime_or_sign_out(store: Store) -> None:
    user = create_user(store, "ana@example.org", "viewer", PASSWORD)
    start = utcnow()
    token = open_session(store, user.id, now=start)
    live = resolve_session(store, token, POLICY, now=start + timedelta(minutes=29))
    assert live is not None and live.user.id == user.id and len(live.csrf_secret) > 30
    # Each request moves the idle deadline: 29 + 29 minutes is fine, 31 idle minutes is not.
    assert resolve_session(store, token, POLICY, now=start + timedelta(minutes=58)) is not None
    assert resolve_session(store, token, POLICY, now=start + timedelta(minutes=90)) is None
    # Expired sessions are deleted, not only refused.
    assert resolve_session(store, token, POLICY, now=start) is None

    token = open_session(store, user.id, now=start)
    # Active every 20 minutes: alive through the 12 hours of its lifetime, not a request more.
    answers = [
        resolve_session(store, token, POLICY, now=start + timedelta(minutes=20 * step)) is not None
        for step in range(1, 12 * 3 + 2)
    ]
    assert answers == [True] * 36 + [False]

    token = open_session(store, user.id)
    end_session(store, token)
    assert resolve_session(store, token, POLICY) is None
    assert resolve_session(store, "made-up", POLICY) is None


def test_disabling_ends_sessions(store: Store) -> None:
    create_user(store, "boss@example.org", "admin", PASSWORD)
    user = create_user(store, "ana@example.org", "manager", PASSWORD)
    token = open_session(store, user.id)
    disable_user(store, user.id)
    assert resolve_session(store, token, POLICY) is None
    check = verify_credentials(store, "ana@example.org", PASSWORD)
    assert check.user is None and check.disabled


def test_flashes_show_once(store: Store) -> None:
    user = create_user(store, "ana@example.org", "viewer", PASSWORD)
    token = open_session(store, user.id)
    add_flash(store, token, Flash("success", "admin.user_created", {"id": 3}))
    first = resolve_session(store, token, POLICY)
    assert first is not None and first.flashes == (
        Flash("success", "admin.user_created", {"id": 3}),
    )
    again = resolve_session(store, token, POLICY)
    assert again is not None and again.flashes == ()
