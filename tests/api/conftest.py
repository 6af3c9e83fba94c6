"""API fixtures: the app on a SQLite store with the fake encoder, and one key per scope."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.apikeys import create_key
from tests.apps import shared_app
from tests.fakes import person


@pytest.fixture
def settings(shared_settings: Settings) -> Settings:
    return shared_settings


def _with_small_limits(settings: Settings) -> Settings:
    # Small limits so tests can cross them without megabytes of data.
    return replace(settings, max_upload_bytes=64 * 1024, max_text_chars=500)


@pytest.fixture
def api_settings(settings: Settings) -> Settings:
    return _with_small_limits(settings)


@pytest.fixture
def api_app(api_settings: Settings) -> Litestar:
    return shared_app(api_settings)


@pytest.fixture
def client(api_app: Litestar, migrated_home: Path) -> Iterator[TestClient]:
    """The shared app started on this test's database (a fresh copy in the emptied home),
    with fresh limiters and scorer: what a test did before is gone."""
    with TestClient(api_app) as test_client:
        yield test_client


def create_keys(store: Store) -> dict[str, str]:
    """Clear keys by scope set: read, write, admin, read+write."""
    return {
        name: create_key(store, f"test {name}", scopes).key
        for name, scopes in {
            "read": "read",
            "write": "write",
            "admin": "admin",
            "read,write": "read,write",
        }.items()
    }


@pytest.fixture
def keys(sqlite_store: Store) -> dict[str, str]:
    return create_keys(sqlite_store)


def headers(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def as_json(record: dict[str, object]) -> dict[str, object]:
    """A tests.fakes.person record as the API takes it: complete, languages as a list."""
    body = dict(record)
    if isinstance(body.get("languages"), str):
        body["languages"] = str(body["languages"]).split(";")
    return body


# A small reverse-mentoring cohort: juniors who can teach, seniors who want to learn.
COHORT = [
    person("J1", role="mentor", years=2, skills="TikTok, Instagram", goals=None),
    person("J2", role="mentor", years=3, skills="Python, Power BI", goals=None),
    person("J3", role="both", years=1, skills="ChatGPT, prompts", goals="leadership"),
    person("S1", role="mentee", years=25, skills=None, goals="comprendre TikTok et Instagram"),
    person(
        "S2", role="mentee", years=30, skills=None, goals="Power BI, Python", department="Finance"
    ),
]


@pytest.fixture
def cohort(client: TestClient, keys: dict[str, str]) -> list[dict[str, object]]:
    body = [as_json(p) for p in COHORT]
    response = client.post("/api/v1/participants", json=body, headers=headers(keys["write"]))
    assert response.status_code == 200, response.text
    return body
