"""Erasure through the running API sticks (re-imports skip the person) and is physical."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from litestar.testing import TestClient

from recomentor.api.app import create_app
from recomentor.settings import Settings
from recomentor.store import Store
from tests.api.conftest import as_json, headers
from tests.api.test_import import MAPPING, SAMPLE
from tests.fakes import FakeEncoder, person

URL = "/api/v1/participants"
# E1011's answers in the sample export, as a person would recognise them.
E1011_TRACES = (
    "chloe.girard@exemple.fr",
    "Chloé Girard",
    "Podcasts et vidéo",
    "Comprendre comment fonctionne le comité exécutif",
)


def _import_sample(client: TestClient, key: str) -> dict[str, object]:
    response = client.post(
        f"{URL}/import",
        files={
            "file": (SAMPLE.name, SAMPLE.read_bytes(), "text/csv"),
            "mapping": (MAPPING.name, MAPPING.read_bytes(), "application/toml"),
        },
        data={"skip_invalid": "true"},
        headers=headers(key),
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _database_files(settings: Settings) -> list[Path]:
    database = settings.home / "recomentor.db"
    return [database, database.with_name(database.name + "-wal")]


def _traces_in_files(settings: Settings) -> set[str]:
    found = set()
    for path in _database_files(settings):
        content = path.read_bytes() if path.exists() else b""
        found.update(t for t in E1011_TRACES if t.encode("utf-8") in content)
    return found


def test_erasure_through_the_running_api_leaves_no_byte_and_sticks(
    client: TestClient, keys: dict[str, str], api_settings: Settings
) -> None:
    first = _import_sample(client, keys["write"])
    assert first["inserted"] == 30
    # A draft matching stores explanations quoting E1011's answers.
    drafted = client.post(
        "/api/v1/matchings", json={"mode": "reverse"}, headers=headers(keys["write"])
    )
    assert drafted.status_code == 201, drafted.text
    assert "E1011" in drafted.text
    # The check can see the person: their data is in the files before the erasure.
    assert _traces_in_files(api_settings) == set(E1011_TRACES)

    erased = client.delete(f"{URL}/E1011", headers=headers(keys["admin"]))

    assert erased.status_code == 204
    # Read while the server still runs, its connection pool open.
    assert _traces_in_files(api_settings) == set()
    again = _import_sample(client, keys["write"])
    assert (again["erased"], again["inserted"], again["unchanged"]) == (1, 0, 29)
    assert client.get(f"{URL}/E1011", headers=headers(keys["admin"])).status_code == 404
    assert _traces_in_files(api_settings) == set()


def test_an_erased_person_answering_again_is_stored(
    client: TestClient, keys: dict[str, str]
) -> None:
    record = {**as_json(person("P1")), "submitted_at": "2026-09-01T09:00:00Z"}
    assert client.post(URL, json=record, headers=headers(keys["write"])).status_code == 200
    assert client.delete(f"{URL}/P1", headers=headers(keys["admin"])).status_code == 204
    for old in (record, {**record, "submitted_at": None}):
        counts = client.post(URL, json=old, headers=headers(keys["write"])).json()
        assert (counts["erased"], counts["inserted"]) == (1, 0)
    assert client.get(f"{URL}/P1", headers=headers(keys["read"])).status_code == 404
    # Erasures are recorded at the server's clock: a submission dated later is a new answer.
    new = {**record, "skills": "Notion", "submitted_at": "2100-01-01T00:00:00Z"}
    counts = client.post(URL, json=new, headers=headers(keys["write"])).json()
    assert (counts["erased"], counts["inserted"]) == (0, 1)
    got = client.get(f"{URL}/P1", headers=headers(keys["read"])).json()
    assert got["skills"] == "Notion"
    undated = client.patch(f"{URL}/P1", json={"submitted_at": None}, headers=headers(keys["write"]))
    assert undated.status_code == 409
    assert "erased" in undated.json()["detail"]
    # The old answers stay out even now that the person is stored again.
    counts = client.post(URL, json=record, headers=headers(keys["write"])).json()
    assert (counts["erased"], counts["updated"]) == (1, 0)


def test_a_server_with_another_erasure_key_refuses_writes_with_503(
    client: TestClient,
    keys: dict[str, str],
    api_settings: Settings,
    sqlite_store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    record = as_json(person("P1"))
    client.post(URL, json=record, headers=headers(keys["write"]))
    assert client.delete(f"{URL}/P1", headers=headers(keys["admin"])).status_code == 204
    other = replace(api_settings, erasure_key="a key that is not the one of this database")
    app = create_app(other, store=sqlite_store, encoder=FakeEncoder())
    with TestClient(app) as misconfigured:
        response = misconfigured.post(URL, json=record, headers=headers(keys["write"]))
    assert response.status_code == 503
    assert response.json()["type"] == "urn:recomentor:problem:misconfigured"
    assert "RECOMENTOR_ERASURE_KEY" in caplog.text
    assert client.get(f"{URL}/P1", headers=headers(keys["read"])).status_code == 404
