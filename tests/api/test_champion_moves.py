"""A champion moved by another process: each worker serves it within its check interval, and
drafts judge edits by the champion as of now, on whichever worker they land."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import TestClient

from recomentor.api import lifespan
from recomentor.api.app import create_app
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.champion_changes import PROMOTE, add_champion_change
from recomentor.store.tables import utcnow
from tests.api.conftest import COHORT, as_json, create_keys, headers
from tests.fakes import FakeEncoder

URL = "/api/v1/matchings"
_WAIT_S = 30


class _Champion(HeuristicScorer):
    """What the registry's loader returns once the champion moved: another model identity."""

    kind = "learned"

    def __init__(self) -> None:
        super().__init__(version="7")
        self.name = "recomentor-ranker"


@pytest.fixture
def champion_after_move(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Loads of the champion the lifespan's watcher makes; counts them."""
    loads: list[int] = []

    def load(settings: Settings) -> HeuristicScorer:
        loads.append(1)
        return _Champion()

    monkeypatch.setattr(lifespan, "load_champion_or_heuristic", load)
    return loads


def _move_champion(store: Store) -> None:
    """What `recomentor model promote` leaves in the database, as seen from a server."""
    with store.session() as session:
        add_champion_change(
            session,
            action=PROMOTE,
            from_version=None,
            to_version="7",
            actor="cli",
            reason="test",
            when=utcnow(),
        )


@pytest.fixture
def workers(settings: Settings, sqlite_store: Store) -> Iterator[list[TestClient]]:
    """Two workers on one database whose timed check is not due during the test."""
    patient = replace(settings, champion_check_seconds=3600)
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                TestClient(create_app(patient, store=sqlite_store, encoder=FakeEncoder()))
            )
            for _ in range(2)
        ]


def _import_cohort(client: TestClient, key: str) -> None:
    people = [as_json(p) for p in COHORT]
    assert client.post("/api/v1/participants", json=people, headers=headers(key)).is_success


def _described(client: TestClient, key: str) -> tuple[Any, Any]:
    model = client.get("/api/v1/model", headers=headers(key)).json()
    ready = client.get("/ready").json()["scorer"]
    return (model["kind"], model["version"]), (ready["kind"], ready["version"])


def test_a_worker_serves_the_champion_another_process_moved(
    settings: Settings, sqlite_store: Store, champion_after_move: list[int]
) -> None:
    key = create_keys(sqlite_store)["read"]
    quick = replace(settings, champion_check_seconds=0.05)
    with TestClient(create_app(quick, store=sqlite_store, encoder=FakeEncoder())) as client:
        before = _described(client, key)
        _move_champion(sqlite_store)
        deadline = time.monotonic() + _WAIT_S
        while _described(client, key) == before and time.monotonic() < deadline:
            time.sleep(0.05)
        after = _described(client, key)
    assert before == (("heuristic", "2"), ("heuristic", "2"))
    assert after == (("learned", "7"), ("learned", "7"))
    assert len(champion_after_move) == 1  # checked many times, loaded once


def test_a_draft_made_by_the_new_champion_is_editable_on_a_worker_not_due_to_check(
    workers: list[TestClient], sqlite_store: Store, champion_after_move: list[int]
) -> None:
    keys = create_keys(sqlite_store)
    first, second = workers
    _import_cohort(first, keys["write"])
    _move_champion(sqlite_store)
    draft = first.post(URL, json={"objective": "score"}, headers=headers(keys["write"])).json()
    assert draft["model"] == {"kind": "learned", "name": "recomentor-ranker", "version": "7"}
    listed = second.get(f"{URL}/{draft['id']}/pairs/S1/candidates", headers=headers(keys["read"]))
    assert listed.status_code == 200, listed.text
    assert len(champion_after_move) == 2  # once per worker


def test_a_draft_made_before_the_move_refuses_edits_on_every_worker_at_once(
    workers: list[TestClient], sqlite_store: Store, champion_after_move: list[int]
) -> None:
    keys = create_keys(sqlite_store)
    first, second = workers
    _import_cohort(first, keys["write"])
    draft = first.post(URL, json={"objective": "score"}, headers=headers(keys["write"])).json()
    assert draft["model"]["kind"] == "heuristic"
    _move_champion(sqlite_store)
    for worker in (first, second):
        refused = worker.post(f"{URL}/{draft['id']}/rematch", headers=headers(keys["write"]))
        assert refused.status_code == 409
        assert "the scorer is now recomentor-ranker v7" in refused.json()["detail"]
