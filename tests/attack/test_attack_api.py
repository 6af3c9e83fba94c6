"""Hostile requests to the API: deep nesting and key guessing get a 4xx naming the limit,
never a 500, and nothing is stored."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from litestar.testing import TestClient

from recomentor.api.access_log import RequestIdFilter
from recomentor.api.app import create_app
from recomentor.nesting import MAX_DEPTH
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.apikeys import create_key
from recomentor.store.participants import count_participants
from tests.api.conftest import as_json, headers
from tests.apps import shared_app
from tests.fakes import FakeEncoder, person


@pytest.fixture
def settings(shared_settings: Settings) -> Settings:
    return shared_settings


@pytest.fixture
def keys(sqlite_store: Store) -> dict[str, str]:
    return {
        scopes: create_key(sqlite_store, f"attack {scopes}", scopes).key
        for scopes in ("read", "write", "read,write")
    }


@pytest.fixture
def client(settings: Settings, sqlite_store: Store) -> Iterator[TestClient]:
    with TestClient(shared_app(settings)) as test_client:
        yield test_client


URL = "/api/v1/participants"


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 100_000])
@pytest.mark.parametrize("route", ["/api/v1/participants", "/api/v1/feedback"])
def test_json_nested_past_the_limit_is_400_and_stores_nothing(
    client: TestClient, keys: dict[str, str], sqlite_store: Store, route: str, depth: int
) -> None:
    response = client.post(
        route,
        content=_nested(depth),
        headers={**headers(keys["read,write"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == (
        f"the JSON body nests arrays or objects deeper than {MAX_DEPTH}"
    )
    with sqlite_store.session() as session:
        assert count_participants(session) == 0


def test_nesting_inside_strings_and_up_to_the_limit_is_ordinary_json(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = {**as_json(person("B1")), "skills": "[" * 900 + "{" * 900 + '\\"'}
    response = client.post("/api/v1/participants", json=body, headers=headers(keys["write"]))
    assert response.status_code == 200, response.text
    # Exactly the limit passes the guard; the schema then refuses the shape (400, not 500).
    at_limit = client.post(
        "/api/v1/participants",
        content=_nested(MAX_DEPTH - 1, "{}"),
        headers={**headers(keys["write"]), "Content-Type": "application/json"},
    )
    assert at_limit.status_code == 400
    assert "deeper" not in at_limit.text


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 5_000])
def test_rules_toml_nested_past_the_limit_is_422(
    client: TestClient, keys: dict[str, str], depth: int
) -> None:
    rules = f"name = {_nested(depth)}\n"
    response = client.post(
        "/api/v1/matchings", json={"rules": rules}, headers=headers(keys["write"])
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == (
        f"rules: invalid TOML: tables and arrays nest deeper than {MAX_DEPTH} levels"
    )


@pytest.fixture
def strict_client(settings: Settings, sqlite_store: Store) -> Iterator[TestClient]:
    with TestClient(shared_app(replace(settings, auth_failures_per_minute=3))) as test_client:
        yield test_client


def test_guessed_keys_are_rate_limited_per_address_then_429_with_retry_after(
    strict_client: TestClient, keys: dict[str, str]
) -> None:
    statuses = [
        strict_client.get("/api/v1/model", headers=headers(f"rk_guess{n}")).status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 401]
    refused = strict_client.get("/api/v1/model", headers=headers("rk_guess4"))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["detail"] == "too many failed authentications from this address"
    # Even a right key waits out the window: a guess that hits must not be told so.
    assert strict_client.get("/api/v1/model", headers=headers(keys["read"])).status_code == 429


def test_requests_without_a_key_are_not_counted_as_guesses(
    strict_client: TestClient, keys: dict[str, str]
) -> None:
    assert {strict_client.get("/api/v1/model").status_code for _ in range(6)} == {401}
    assert strict_client.get("/api/v1/model", headers=headers(keys["read"])).status_code == 200


class _FailingScorer(HeuristicScorer):
    def score(self, features: np.ndarray) -> np.ndarray:
        raise ValueError("boom while scoring Chloé's answers")


def test_a_500_names_the_request_id_its_log_line_carries(
    settings: Settings, sqlite_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    key = create_key(sqlite_store, "hr", "read,write").key
    app = create_app(settings, store=sqlite_store, encoder=FakeEncoder(), scorer=_FailingScorer())
    records = [as_json(person("A")), as_json(person("B", role="mentee", years=20, skills=None))]
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO), TestClient(app, raise_server_exceptions=False) as client:
        assert client.post(URL, json=records, headers=headers(key)).status_code == 200
        response = client.get(f"{URL}/B/suggestions", headers=headers(key))
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert response.json()["detail"] == (
        f"an internal error occurred; it has been logged as request {request_id}"
    )
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    route = "/api/v1/participants/{participant_id}/suggestions"
    assert [(r.getMessage(), r.request_id) for r in errors] == [  # type: ignore[attr-defined]
        (f"unhandled ValueError on GET {route}", request_id)
    ]
    access = [r for r in caplog.records if r.name == "recomentor.api.access"]
    assert access[-1].request_id == request_id  # type: ignore[attr-defined]
    assert "Chloé" not in caplog.text and "Chloé" not in response.text
