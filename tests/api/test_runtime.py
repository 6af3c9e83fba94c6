"""The roster follows writes made by this worker at once and by other workers within a second;
what a worker loads at start stays out of the garbage collector's way."""

from __future__ import annotations

import gc
import threading

import pytest
from litestar.testing import TestClient

from recomentor.api import runtime as runtime_module
from recomentor.api.app import create_app
from recomentor.api.ratelimit import RateLimiter
from recomentor.api.runtime import Runtime
from recomentor.api.served_scorer import ServedScorer
from recomentor.erasure import erase_participant
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.participants import upsert_participants
from recomentor.suppression import load_erasure_key
from tests.api.conftest import COHORT
from tests.fakes import FakeEncoder, person


def _runtime(settings: Settings, store: Store) -> Runtime:
    served = ServedScorer(
        HeuristicScorer(), seen=None, marker=lambda: None, load=HeuristicScorer, check_every_s=5
    )
    return Runtime(settings, store, FakeEncoder(), served, RateLimiter(0))


def test_roster_is_built_once_and_rebuilt_after_invalidate(
    settings: Settings, sqlite_store: Store
) -> None:
    with sqlite_store.session() as session:
        upsert_participants(session, COHORT)
    runtime = _runtime(settings, sqlite_store)
    first = runtime.roster()
    assert runtime.roster() is first
    runtime.invalidate()
    assert runtime.roster() is not first


def test_another_workers_writes_are_noticed(
    settings: Settings, sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite_store.session() as session:
        upsert_participants(session, COHORT)
    monkeypatch.setattr(runtime_module, "_FINGERPRINT_EVERY_S", 3600.0)
    this_worker = _runtime(settings, sqlite_store)
    assert "J1" in this_worker.roster().ids
    # Another worker erases J1 and adds J7; this worker was not told.
    erase_participant(sqlite_store, "J1", load_erasure_key(settings))
    with sqlite_store.session() as session:
        upsert_participants(session, [person("J7")])
    assert "J1" in this_worker.roster().ids  # within the check interval: still the old roster
    monkeypatch.setattr(runtime_module, "_FINGERPRINT_EVERY_S", 0.0)
    ids = this_worker.roster().ids
    assert "J1" not in ids
    assert "J7" in ids


def test_other_threads_answer_from_the_current_roster_while_one_checks(
    settings: Settings, sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite_store.session() as session:
        upsert_participants(session, COHORT)
    runtime = _runtime(settings, sqlite_store)
    current = runtime.roster()
    checking, release = threading.Event(), threading.Event()
    real_fingerprint = runtime_module.participants_fingerprint

    def slow_fingerprint(store: Store) -> object:
        checking.set()
        assert release.wait(timeout=10)
        return real_fingerprint(store)

    monkeypatch.setattr(runtime_module, "participants_fingerprint", slow_fingerprint)
    monkeypatch.setattr(runtime_module, "_FINGERPRINT_EVERY_S", 0.0)
    checker = threading.Thread(target=runtime.roster)
    checker.start()
    assert checking.wait(timeout=10)
    # The check is not due again for this thread: it must not wait for the one in progress.
    monkeypatch.setattr(runtime_module, "_FINGERPRINT_EVERY_S", 3600.0)
    answered: list[object] = []
    reader = threading.Thread(target=lambda: answered.append(runtime.roster()))
    reader.start()
    reader.join(timeout=5)
    assert answered == [current], "waited for the check in progress"
    release.set()
    checker.join(timeout=10)
    assert not checker.is_alive()
    assert runtime.roster() is current  # nothing changed: the checked roster is kept


def test_a_running_worker_keeps_what_it_loaded_at_start_out_of_collections(
    settings: Settings, sqlite_store: Store
) -> None:
    # Regression (bench/web.py): every full collection walked the ~400,000 objects loaded at
    # start (modules, the app, the champion) and stalled the request that set it off by a few
    # hundred milliseconds, the p95 of the pages that allocate most.
    app = create_app(settings, store=sqlite_store, encoder=FakeEncoder(), scorer=HeuristicScorer())
    with TestClient(app):
        assert gc.get_freeze_count() > 0
    # A stopped worker's objects are collectable again (tests start many apps in one process).
    assert gc.get_freeze_count() == 0
