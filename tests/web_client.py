"""Signed-in test clients for page tests: a user per role, its session, its CSRF token.

    def test_my_page(signed_in: SignIn) -> None:
        client = signed_in("manager")
        token = csrf_token(client, "/my-page")
        response = client.post("/my-page", data={"csrf_token": token, ...})

Fixtures (`web_app`, `signed_in`, `cheap_password_hashing`) live in tests/pages/conftest.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from litestar.testing import TestClient

from recomentor.accounts.users import create_user
from recomentor.store import Store

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# `signed_in("viewer")`: a new TestClient signed in as a new user with that role.
SignIn = Callable[[str], TestClient]


def add_user(store: Store, role: str, email: str | None = None) -> str:
    """A user with PASSWORD; returns the address."""
    address = email or f"{role}@example.org"
    create_user(store, address, role, PASSWORD)
    return address


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Signs in through the form, as a browser does; fails the test if refused."""
    response = client.post(
        "/sign-in", data={"email": email, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def csrf_token(client: TestClient, path: str = "/") -> str:
    """The CSRF token of this client's session, read from a page's forms (the sign-out form
    is on every page of a signed-in user)."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    found = _CSRF.search(response.text)
    assert found, f"no form with a CSRF token on {path}"
    return found.group(1)
