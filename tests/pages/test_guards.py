"""The page guard: sessions, permissions, CSRF; errors as HTML pages; the API unaffected."""

from __future__ import annotations

import pytest
from litestar import Litestar, Router, get, post
from litestar.testing import TestClient
from sqlalchemy import func, select

from recomentor.accounts.roles import MANAGE_PROGRAM, VIEW
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.tables import ApiKeyRow
from recomentor.web.guards import PERMISSION, PUBLIC, page_guard
from tests.apps import shared_app
from tests.web_client import SignIn, csrf_token

CHANGED: list[str] = []


@post("/change", opt={PERMISSION: MANAGE_PROGRAM}, status_code=200, sync_to_thread=False)
def _manager_action() -> str:
    CHANGED.append("changed")
    return "done"


@get("/boom", opt={PERMISSION: VIEW}, sync_to_thread=False)
def _boom() -> str:
    raise ValueError("Ana Martin's answers")


@get("/open", sync_to_thread=False)
def _forgot_permission() -> str:
    return "open"


# Mounted the way web/app.py mounts every page: behind page_guard.
TEST_PAGES = Router(
    "/test", guards=[page_guard], route_handlers=[_manager_action, _boom, _forgot_permission]
)


@pytest.fixture
def web_app(web_settings: Settings, sqlite_store: Store) -> Litestar:
    """The app with the pages above: the other modules' shared app stays without them."""
    return shared_app(web_settings, TEST_PAGES)


def _keys(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(ApiKeyRow)) or 0)


def test_every_page_declares_who_may_see_it(web_settings: Settings) -> None:
    web_app = shared_app(web_settings)
    guarded = [
        route.path
        for route in web_app.routes
        for handler in getattr(route, "route_handlers", [])
        if any(getattr(guard, "func", guard) is page_guard for guard in handler.resolve_guards())
    ]
    assert {"/", "/sign-in", "/admin/users", "/admin/keys/{key_id:int}/revoke"} <= set(guarded)
    undeclared = [
        route.path
        for route in web_app.routes
        for handler in getattr(route, "route_handlers", [])
        if "OPTIONS" not in handler.http_methods
        and any(getattr(guard, "func", guard) is page_guard for guard in handler.resolve_guards())
        and not (handler.opt.get(PERMISSION) or handler.opt.get(PUBLIC))
    ]
    assert undeclared == []


def test_a_page_without_a_declared_permission_is_closed(signed_in: SignIn) -> None:
    admin = signed_in("admin")
    assert admin.get("/test/open").status_code == 403


def test_viewer_gets_a_403_page_on_a_manager_action(signed_in: SignIn) -> None:
    CHANGED.clear()
    viewer = signed_in("viewer")
    refused = viewer.post("/test/change", data={"csrf_token": csrf_token(viewer)})
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    assert "Your role does not allow this action" in refused.text and CHANGED == []
    manager = signed_in("manager")
    assert manager.post("/test/change", data={"csrf_token": csrf_token(manager)}).text == "done"
    assert CHANGED == ["changed"]
    assert viewer.get("/admin/users").status_code == 403


def test_posts_without_the_session_token_are_refused(
    signed_in: SignIn, sqlite_store: Store
) -> None:
    admin = signed_in("admin")
    other = signed_in("admin")
    form = {"name": "intranet", "scopes": "read"}
    for sent in ({}, {"csrf_token": "forged"}, {"csrf_token": csrf_token(other)}):
        refused = admin.post("/admin/keys", data={**form, **sent})
        assert refused.status_code == 403 and "Form refused" in refused.text
    assert _keys(sqlite_store) == 0
    assert admin.post("/sign-out", follow_redirects=False).status_code == 403
    accepted = admin.post("/admin/keys", data={**form, "csrf_token": csrf_token(admin)})
    assert accepted.status_code == 200 and _keys(sqlite_store) == 1


def test_errors_on_pages_are_html_without_internals(signed_in: SignIn) -> None:
    viewer = signed_in("viewer")
    missing = viewer.get("/no-such-page")
    assert missing.status_code == 404 and "Page not found" in missing.text
    crashed = viewer.get("/test/boom")
    assert crashed.status_code == 500 and crashed.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in crashed.text and "Ana" not in crashed.text
    assert crashed.headers["x-request-id"] in crashed.text


def test_the_api_keeps_its_problem_documents(client: TestClient) -> None:
    for path in ("/api/v1/participants/E1", "/api/v1/nope"):
        answer = client.get(path)
        assert answer.headers["content-type"] == "application/problem+json", path
    # An API key, not a session, opens the API: a browser session gives no access to it.
    assert client.get("/api/v1/model").status_code == 401


def test_static_files_are_served_with_cache_headers(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "max-age=" in css.headers["cache-control"]
    assert "system-ui" in css.text and "http" not in css.text


def test_pages_are_not_cached_or_framed(signed_in: SignIn) -> None:
    answer = signed_in("viewer").get("/")
    assert answer.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
