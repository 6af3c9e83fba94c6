"""Sign-in, sessions and sign-out through the pages, as a browser sees them."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, update

from recomentor.accounts.users import disable_user, find_user_id
from recomentor.api.app import create_app
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.tables import WebSessionRow, utcnow
from tests.fakes import FakeEncoder
from tests.web_client import PASSWORD, add_user, csrf_token, sign_in


def _post_sign_in(client: TestClient, email: str, password: str = PASSWORD, **extra: str) -> object:
    return client.post(
        "/sign-in", data={"email": email, "password": password, **extra}, follow_redirects=False
    )


def _sessions(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(WebSessionRow)) or 0)


def test_signed_out_browsers_go_to_sign_in_and_come_back(
    client: TestClient, sqlite_store: Store
) -> None:
    response = client.get("/admin/keys?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=%2Fadmin%2Fkeys%3Fx%3D1"
    form = client.get(response.headers["location"])
    assert 'name="next" value="/admin/keys?x=1"' in form.text
    email = add_user(sqlite_store, "admin")
    answer = _post_sign_in(client, email, next="/admin/keys?x=1")
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/keys?x=1"
    assert client.get("/admin/keys").status_code == 200


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "x"]
)
def test_next_never_leaves_the_site(client: TestClient, sqlite_store: Store, target: str) -> None:
    email = add_user(sqlite_store, "viewer")
    answer = _post_sign_in(client, email, next=target)
    assert answer.headers["location"] == "/"


def test_cookie_flags(client: TestClient, sqlite_store: Store) -> None:
    email = add_user(sqlite_store, "viewer")
    cookie = _post_sign_in(client, email).headers["set-cookie"]
    parts = {p.strip().split("=")[0].lower() for p in cookie.split(";")}
    assert cookie.startswith("recomentor_session=")
    assert {"httponly", "path", "samesite"} <= parts and "secure" not in parts
    assert "samesite=lax" in cookie.lower() and "path=/" in cookie.lower()


def test_cookie_is_secure_behind_https(web_settings: Settings, sqlite_store: Store) -> None:
    settings = replace(web_settings, public_url="https://mentoring.example.org")
    email = add_user(sqlite_store, "viewer")
    with TestClient(create_app(settings, store=sqlite_store, encoder=FakeEncoder())) as client:
        cookie = client.post(
            "/sign-in",
            data={"email": email, "password": PASSWORD},
            headers={"Origin": "https://mentoring.example.org"},
            follow_redirects=False,
        ).headers["set-cookie"]
    assert "; secure" in cookie.lower()


def test_wrong_password_unknown_and_disabled_accounts(
    client: TestClient, sqlite_store: Store
) -> None:
    email = add_user(sqlite_store, "manager")
    add_user(sqlite_store, "admin")
    wrong = _post_sign_in(client, email, "not the password")
    unknown = _post_sign_in(client, "who@example.org")
    assert wrong.status_code == unknown.status_code == 400
    assert "E-mail or password is not right." in wrong.text and "set-cookie" not in wrong.headers
    disable_user(sqlite_store, find_user_id(sqlite_store, email))
    disabled = _post_sign_in(client, email)
    assert disabled.status_code == 403 and "This account is disabled" in disabled.text
    assert _sessions(sqlite_store) == 0


def test_sign_in_from_another_site_is_refused(client: TestClient, sqlite_store: Store) -> None:
    email = add_user(sqlite_store, "viewer")
    answer = client.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert answer.status_code == 403 and _sessions(sqlite_store) == 0


def test_throttled_per_account(web_settings: Settings, sqlite_store: Store) -> None:
    settings = replace(web_settings, sign_in_failures_per_minute=3)
    email = add_user(sqlite_store, "viewer")
    with TestClient(create_app(settings, store=sqlite_store, encoder=FakeEncoder())) as client:
        assert [_post_sign_in(client, email, "guess").status_code for _ in range(3)] == [400] * 3
        # Even the right password waits now: guessing cannot go on at full speed.
        throttled = _post_sign_in(client, email)
        assert throttled.status_code == 429 and "Too many failed sign-ins" in throttled.text
        other = add_user(sqlite_store, "manager")
        assert _post_sign_in(client, other).status_code == 303


def test_throttled_per_address(web_settings: Settings, sqlite_store: Store) -> None:
    settings = replace(web_settings, auth_failures_per_minute=3)
    email = add_user(sqlite_store, "viewer")
    with TestClient(create_app(settings, store=sqlite_store, encoder=FakeEncoder())) as client:
        statuses = [
            _post_sign_in(client, f"u{i}@example.org", "guess").status_code for i in range(3)
        ]
        assert statuses == [400] * 3
        assert _post_sign_in(client, email).status_code == 429


def test_a_session_survives_a_restart(web_settings: Settings, sqlite_store: Store) -> None:
    email = add_user(sqlite_store, "viewer")
    with TestClient(create_app(web_settings, store=sqlite_store, encoder=FakeEncoder())) as first:
        sign_in(first, email)
        cookie = first.cookies["recomentor_session"]
    # Another worker, or the server started again: same database, no shared memory.
    with TestClient(create_app(web_settings, store=sqlite_store, encoder=FakeEncoder())) as second:
        second.cookies.set("recomentor_session", cookie)
        response = second.get("/", follow_redirects=False)
    assert response.status_code == 200 and email in response.text


def test_idle_sessions_end(client: TestClient, sqlite_store: Store) -> None:
    sign_in(client, add_user(sqlite_store, "viewer"))
    assert client.get("/", follow_redirects=False).status_code == 200
    with sqlite_store.session() as session:
        session.execute(update(WebSessionRow).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert client.get("/", follow_redirects=False).status_code == 303
    assert _sessions(sqlite_store) == 0


def test_sign_out_ends_the_session_on_the_server(client: TestClient, sqlite_store: Store) -> None:
    sign_in(client, add_user(sqlite_store, "viewer"))
    cookie = client.cookies["recomentor_session"]
    answer = client.post(
        "/sign-out", data={"csrf_token": csrf_token(client)}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/sign-in?signed_out=true"
    assert _sessions(sqlite_store) == 0
    # A copy of the old cookie is worth nothing.
    client.cookies.set("recomentor_session", cookie)
    assert client.get("/", follow_redirects=False).status_code == 303
    assert "You are signed out." in client.get("/sign-in?signed_out=true").text


def test_disabling_a_user_ends_their_open_sessions(client: TestClient, sqlite_store: Store) -> None:
    email = add_user(sqlite_store, "manager")
    add_user(sqlite_store, "admin")
    sign_in(client, email)
    disable_user(sqlite_store, find_user_id(sqlite_store, email))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_no_e_mail_in_the_logs(
    client: TestClient, sqlite_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    email = add_user(sqlite_store, "admin", "ana.secret@example.org")
    caplog.set_level(logging.DEBUG)
    _post_sign_in(client, email, "wrong password")
    _post_sign_in(client, "bob.secret@example.org")
    sign_in(client, email)
    token = csrf_token(client, "/admin/users")
    client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "email": "carl.secret@example.org",
            "role": "viewer",
            "password": PASSWORD,
        },
    )
    client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "email": "CARL.secret@example.org",
            "role": "viewer",
            "password": PASSWORD,
        },
    )
    assert "signed in" in caplog.text and "sign-in refused" in caplog.text
    assert "secret" not in caplog.text.lower()
