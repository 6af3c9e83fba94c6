"""Page fixtures: the whole app on a SQLite store, and clients signed in by role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from litestar import Litestar
from litestar.testing import TestClient

from recomentor.accounts import users
from recomentor.settings import Settings
from recomentor.store import Store
from tests.apps import shared_app
from tests.web_client import SignIn, add_user, sign_in


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its cheapest: the real parameters are slow on purpose, and most page tests
    sign someone in."""
    cheap = PasswordHasher.from_parameters(CHEAPEST)
    monkeypatch.setattr(users, "password_hasher", lambda: cheap)


@pytest.fixture
def settings(shared_settings: Settings) -> Settings:
    return shared_settings


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    """What the app is built from; a module may override it (an SMTP server, small limits)."""
    return replace(settings, lang="en")


@pytest.fixture
def web_app(web_settings: Settings, sqlite_store: Store) -> Litestar:
    """The shared app for these settings, on the test's fresh database (`sqlite_store`)."""
    return shared_app(web_settings)


@pytest.fixture
def client(web_app: Litestar) -> Iterator[TestClient]:
    """A browser with no session."""
    with TestClient(web_app) as test_client:
        yield test_client


@pytest.fixture
def signed_in(web_app: Litestar, sqlite_store: Store, client: TestClient) -> SignIn:
    """`signed_in(role)`: a new browser signed in as a new user with this role.

    Each browser is a TestClient of its own (its own cookies) on the one app whose lifespan
    `client` runs: a second lifespan on the same app hangs at shutdown.
    """
    browsers: list[TestClient] = []  # numbers the users

    def make(role: str) -> TestClient:
        browser = TestClient(web_app)
        browsers.append(browser)
        email = add_user(sqlite_store, role, f"{role}-{len(browsers)}@example.org")
        sign_in(browser, email)
        return browser

    return make
