"""Acceptance of issue 11 on the French sample with the real model, through the API and the
CLI, on SQLite and PostgreSQL: approved pairings hold in every later answer."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from recomentor.api.app import create_app
from recomentor.cli import context
from recomentor.cli.app import app as cli
from recomentor.cli.errors import EXIT_CONFLICT, exit_code_for
from recomentor.embeddings import SentenceEncoder
from recomentor.errors import PairsConflictError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.apikeys import create_key
from recomentor.store.tables import ParticipantRow
from tests.integration.conftest import SAMPLE_EXPORT, SAMPLE_MAPPING

pytestmark = pytest.mark.integration


def _capacities(store: Store) -> dict[str, int]:
    with store.session() as session:
        rows = session.execute(select(ParticipantRow.id, ParticipantRow.max_mentees))
        return {pid: (1 if cap is None else cap) for pid, cap in rows}


def _check_pairings(pairings: list[dict[str, Any]], capacity: dict[str, int]) -> None:
    """No mentor above capacity, no mentee with two mentors, among the active pairings."""
    active = [p for p in pairings if p["status"] == "active"]
    per_mentor = Counter(p["mentor_id"] for p in active)
    assert all(count <= capacity[mentor] for mentor, count in per_mentor.items()), per_mentor
    assert set(Counter(p["mentee_id"] for p in active).values()) <= {1}


def _check_suggestions(
    suggestions: dict[str, Any], pairings: list[dict[str, Any]], capacity: dict[str, int]
) -> None:
    """A suggestion list never offers a formed pair, a full mentor or a mentee with a mentor."""
    formed = {(p["mentor_id"], p["mentee_id"]) for p in pairings}
    active = [p for p in pairings if p["status"] == "active"]
    load = Counter(p["mentor_id"] for p in active)
    has_mentor = {p["mentee_id"] for p in active}
    person = suggestions["person_id"]
    for suggestion in suggestions["suggestions"]:
        partner = suggestion["partner_id"]
        mentor, mentee = (partner, person) if suggestion["role"] == "mentor" else (person, partner)
        assert (mentor, mentee) not in formed, (mentor, mentee)
        assert load[mentor] < capacity[mentor], mentor
        assert mentee not in has_mentor, mentee


@pytest.fixture
def api(
    store: Store, real_encoder: SentenceEncoder, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = replace(Settings(home=tmp_path / "home"), rate_limit_per_minute=0)
    app = create_app(settings, store=store, encoder=real_encoder)
    key = {"X-API-Key": create_key(store, "acceptance", "read,write").key}
    with TestClient(app) as client:
        imported = client.post(
            "/api/v1/participants/import",
            files={
                "file": (SAMPLE_EXPORT.name, SAMPLE_EXPORT.read_bytes(), "text/csv"),
                "mapping": (SAMPLE_MAPPING.name, SAMPLE_MAPPING.read_bytes(), "text/plain"),
            },
            data={"skip_invalid": "true"},
            headers=key,
        )
        assert imported.status_code == 200, imported.text
        yield client, key


def test_the_sample_program_over_time_through_the_api(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, key = api
    capacity = _capacities(store)

    def pairings() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = client.get(
            "/api/v1/pairings", params={"limit": 500}, headers=key
        ).json()["items"]
        return items

    first = client.post("/api/v1/matchings", json={}, headers=key).json()
    # Drafted before the first is approved: the round that re-paired everyone in the issue.
    second = client.post("/api/v1/matchings", json={}, headers=key).json()
    approved = client.post(f"/api/v1/matchings/{first['id']}/approve", headers=key)
    assert approved.status_code == 200, approved.text
    formed = pairings()
    assert len(formed) == len(first["pairs"]) > 0
    mentor_of_e1040 = next(p["mentor_id"] for p in formed if p["mentee_id"] == "E1040")

    # Every suggestion list respects the approved pairs.
    for person in capacity:
        answer = client.get(
            f"/api/v1/participants/{person}/suggestions", params={"k": 30}, headers=key
        ).json()
        _check_suggestions(answer, formed, capacity)
    e1040 = client.get("/api/v1/participants/E1040/suggestions", headers=key).json()
    assert e1040["suggestions"] == []
    assert e1040["excluded"]["already_paired"] == 1 and e1040["excluded"]["at_capacity"] > 0

    refused = client.post(f"/api/v1/matchings/{second['id']}/approve", headers=key)
    assert refused.status_code == 409
    conflicts = {(e["mentor_id"], e["mentee_id"]) for e in refused.json()["errors"]}
    assert conflicts and conflicts <= {(p["mentor_id"], p["mentee_id"]) for p in second["pairs"]}
    assert pairings() == formed  # nothing applied
    assert client.post(f"/api/v1/matchings/{second['id']}/discard", headers=key).status_code == 200

    # E1040's pairing ends; the next round pairs E1040 again, with somebody else.
    ending = next(p for p in formed if p["mentee_id"] == "E1040")
    ended = client.post(
        f"/api/v1/pairings/{ending['id']}/end", json={"reason": "dropped"}, headers=key
    )
    assert ended.status_code == 200
    third = client.post("/api/v1/matchings", json={}, headers=key).json()
    assert third["mentees_already_paired"] == len(formed) - 1
    assert {p["mentee_id"] for p in third["pairs"]} <= {"E1040"}
    assert ("E1040", mentor_of_e1040) not in {
        (p["mentee_id"], p["mentor_id"]) for p in third["pairs"]
    }
    assert client.post(f"/api/v1/matchings/{third['id']}/approve", headers=key).status_code == 200
    _check_pairings(pairings(), capacity)
    statuses = [m["status"] for m in client.get("/api/v1/matchings", headers=key).json()["items"]]
    assert statuses == ["approved", "discarded", "approved"]


@pytest.fixture
def runner(
    store: Store, real_encoder: SentenceEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    monkeypatch.setenv("RECOMENTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv(
        "RECOMENTOR_DATABASE_URL", store.engine.url.render_as_string(hide_password=False)
    )
    # The model loads once per test session, not once per command.
    monkeypatch.setattr(SentenceEncoder, "from_settings", lambda _settings: real_encoder)
    context.settings.cache_clear()
    context.store.cache_clear()
    yield CliRunner()
    context.store().dispose()
    context.store.cache_clear()
    context.settings.cache_clear()


def test_the_sample_program_over_time_through_the_cli(runner: CliRunner, store: Store) -> None:
    def run(*args: str) -> Any:
        result = runner.invoke(cli, list(args))
        assert result.exit_code == 0, result.output
        return json.loads(result.output) if "--json" in args else result.output

    run(
        "import",
        "participants",
        str(SAMPLE_EXPORT),
        "--mapping",
        str(SAMPLE_MAPPING),
        "--skip-invalid",
    )
    capacity = _capacities(store)
    first, second = run("match", "--json"), run("match", "--json")
    run("matching", "approve", first["id"])
    formed = run("pairings", "list", "--json")
    assert len(formed) == len(first["pairs"])
    _check_suggestions(run("suggest", "E1040", "--k", "30", "--json"), formed, capacity)
    _check_suggestions(run("suggest", "E1011", "--k", "30", "--json"), formed, capacity)

    refused = runner.invoke(cli, ["matching", "approve", second["id"]])
    assert isinstance(refused.exception, PairsConflictError)
    assert exit_code_for(refused.exception) == EXIT_CONFLICT
    assert run("pairings", "list", "--json") == formed
    run("matching", "discard", second["id"])
    third = run("match", "--json")
    assert third["pairs"] == [] and third["mentees_already_paired"] == len(formed)
    run("matching", "approve", third["id"])
    _check_pairings(run("pairings", "list", "--json"), capacity)
    listed = run("matching", "list", "--json")
    assert [m["status"] for m in listed] == ["approved", "discarded", "approved"]
