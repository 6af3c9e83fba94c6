"""Every route needs a live key with the right scope; health, readiness and docs are open."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from litestar.testing import TestClient

from recomentor.api.app import create_app
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.store.apikeys import create_key, list_keys, revoke_key
from tests.api.conftest import create_keys, headers
from tests.fakes import FakeEncoder

# (method, path, scope it needs); bodies are irrelevant: auth is checked before them.
ROUTES = [
    ("GET", "/api/v1/participants/J1", "read"),
    ("GET", "/api/v1/participants/J1/suggestions", "read"),
    ("GET", "/api/v1/model", "read"),
    ("POST", "/api/v1/participants", "write"),
    ("POST", "/api/v1/participants/import", "write"),
    ("POST", "/api/v1/feedback", "write"),
    ("DELETE", "/api/v1/participants/J1", "admin"),
    ("POST", "/api/v1/matchings", "write"),
    ("GET", "/api/v1/matchings/M1", "read"),
    ("POST", "/api/v1/matchings/M1/approve", "write"),
]


@pytest.fixture(scope="module")
def refusing(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """One app and its keys for the tests whose every request is refused before a handler
    runs: none of them changes what the next one finds."""
    # Every test here fails authentication on purpose from one address: the limit on failed
    # authentications (tested in tests/attack) would answer 429 long before the module ends.
    settings = Settings(
        home=tmp_path_factory.mktemp("auth") / "home", auth_failures_per_minute=1_000_000
    )
    store = open_store(settings.resolved_database_url)
    keys = create_keys(store)
    with TestClient(create_app(settings, store=store, encoder=FakeEncoder())) as client:
        yield client, keys
    store.dispose()


def _problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status
    assert set(body) >= {"type", "title", "status", "detail"}
    return body


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES)
def test_no_key_is_401(
    refusing: tuple[TestClient, dict[str, str]], method: str, path: str, scope: str
) -> None:
    client, _ = refusing
    body = _problem(client.request(method, path), 401)
    assert "API key" in body["detail"]


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES)
def test_wrong_key_is_401(
    refusing: tuple[TestClient, dict[str, str]], method: str, path: str, scope: str
) -> None:
    client, keys = refusing
    real = keys["admin"]
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    for key in (forged, "rmk_short", "not-a-key", real + "x"):
        _problem(client.request(method, path, headers=headers(key)), 401)


def test_revoked_key_is_401(client: TestClient, keys: dict[str, str], sqlite_store: Store) -> None:
    assert client.get("/api/v1/model", headers=headers(keys["read"])).status_code == 200
    read_key = next(k for k in list_keys(sqlite_store) if k.name == "test read")
    revoke_key(sqlite_store, read_key.id)
    _problem(client.get("/api/v1/model", headers=headers(keys["read"])), 401)


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES)
def test_missing_scope_is_403(
    refusing: tuple[TestClient, dict[str, str]], method: str, path: str, scope: str
) -> None:
    client, keys = refusing
    lacking = {"read": ["write"], "write": ["read"], "admin": ["read", "write", "read,write"]}
    for name in lacking[scope]:
        body = _problem(client.request(method, path, headers=headers(keys[name])), 403)
        assert scope in body["detail"]


@pytest.mark.parametrize(("method", "path", "scope"), ROUTES)
def test_admin_key_passes_every_guard(
    client: TestClient, keys: dict[str, str], method: str, path: str, scope: str
) -> None:
    response = client.request(method, path, headers=headers(keys["admin"]))
    assert response.status_code not in (401, 403, 429), response.text


def test_bearer_token_is_accepted(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/api/v1/model", headers={"Authorization": f"Bearer {keys['read']}"})
    assert response.status_code == 200
    assert client.get("/api/v1/model", headers={"Authorization": "Basic abc"}).status_code == 401


def test_open_routes_need_no_key(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready").json()
    assert ready["database"] is True
    assert ready["scorer"]["kind"] == "heuristic"
    schema = client.get("/schema/openapi.json").json()
    assert "/api/v1/participants/{participant_id}/suggestions" in schema["paths"]
    assert schema["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"


def test_rate_limit_per_key_is_429_with_retry_after(
    settings: Settings, sqlite_store: Store
) -> None:
    app = create_app(
        replace(settings, rate_limit_per_minute=3), store=sqlite_store, encoder=FakeEncoder()
    )
    first = create_key(sqlite_store, "first", "read").key
    second = create_key(sqlite_store, "second", "read").key
    with TestClient(app) as client:
        codes = [client.get("/api/v1/model", headers=headers(first)).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        limited = client.get("/api/v1/model", headers=headers(first))
        body = _problem(limited, 429)
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert "rate limit" in str(body["detail"])
        # Another key has its own budget.
        assert client.get("/api/v1/model", headers=headers(second)).status_code == 200


def test_cors_is_closed_by_default(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": "https://intranet.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_allows_configured_origins_only(settings: Settings, sqlite_store: Store) -> None:
    allowed = "https://intranet.example"
    app = create_app(
        replace(settings, cors_origins=(allowed,)), store=sqlite_store, encoder=FakeEncoder()
    )
    with TestClient(app) as client:
        good = client.get("/health", headers={"Origin": allowed})
        assert good.headers["access-control-allow-origin"] == allowed
        bad = client.get("/health", headers={"Origin": "https://evil.example"})
        assert bad.headers.get("access-control-allow-origin") != "https://evil.example"
