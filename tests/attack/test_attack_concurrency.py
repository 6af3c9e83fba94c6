"""Writers of the same ids at once: every acknowledged write is stored, the latest submission
wins, and nobody gets a 500, a traceback or a row's values in a message."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recomentor.api.app import create_app
from recomentor.settings import Settings
from recomentor.store import Store, db
from recomentor.store.apikeys import create_key
from recomentor.store.db import WriteConflictError
from recomentor.store.participants import (
    get_participant,
    list_participants,
    upsert_participants,
)
from recomentor.store.tables import ParticipantRow
from recomentor.survey import import_participants
from tests.api.conftest import as_json, headers
from tests.fakes import FakeEncoder, person

URL = "/api/v1/participants"
HEADER = "id,department,years_experience,role,skills,goals,languages,max_mentees,submitted_at"
BURSTS, WRITERS = 5, 8


def _at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """`work(i)` for i in range(count), all released together by a barrier."""
    start = threading.Barrier(count)

    def run(index: int) -> Any:
        start.wait()
        return work(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def api(store: Store, settings: Settings) -> Iterator[tuple[TestClient, str]]:
    app = create_app(replace(settings, rate_limit_per_minute=0), store=store, encoder=FakeEncoder())
    key = create_key(store, "writers", "read,write").key
    with TestClient(app) as client:
        yield client, key


def test_simultaneous_posts_of_one_new_id_all_succeed_and_the_latest_submission_wins(
    api: tuple[TestClient, str], store: Store
) -> None:
    client, key = api
    for burst in range(BURSTS):
        pid = f"NEW{burst}"

        def post(writer: int, pid: str = pid) -> tuple[int, dict[str, Any]]:
            body = {
                **as_json(person(pid, skills=f"skill {writer}")),
                "name": f"Secret Person {writer}",
                "submitted_at": f"2026-09-01T10:00:{writer:02d}+00:00",
            }
            response = client.post(URL, json=body, headers=headers(key))
            return response.status_code, response.json()

        answers = _at_once(WRITERS, post)
        statuses = [status for status, _ in answers]
        assert set(statuses) <= {200, 409}, answers
        for status, body in answers:
            if status == 409:
                assert "retry" in body["detail"]
                assert "Secret" not in str(body)
        acknowledged = [writer for writer, (status, _) in enumerate(answers) if status == 200]
        assert acknowledged
        with store.session() as session:
            row = get_participant(session, pid)
        # The row holds the latest acknowledged submission, whole (not a mix of two).
        assert row.skills == f"skill {max(acknowledged)}"
        assert row.name == f"Secret Person {max(acknowledged)}"


def _csv(ids: range, skills: str, second: int) -> bytes:
    lines = [HEADER] + [
        f"P{n:05d},IT,{n % 30},mentor,{skills},,fr,1,2026-09-01 10:00:{second:02d}" for n in ids
    ]
    return ("\n".join(lines) + "\n").encode()


def test_two_overlapping_imports_at_once_both_finish_with_every_row(
    store: Store, settings: Settings
) -> None:
    files = [_csv(range(0, 3_000), "first", 1), _csv(range(1_000, 4_000), "second", 2)]
    reports = _at_once(
        2,
        lambda i: import_participants(store, files[i], source=f"f{i}.csv", settings=settings),
    )
    assert [r.inserted + r.updated + r.unchanged + r.stale for r in reports] == [3_000, 3_000]
    with store.session() as session:
        rows = {row.id: row.skills for row in list_participants(session)}
    assert len(rows) == 4_000
    # The overlap holds the later submission whatever order the imports committed in.
    assert {rows[f"P{n:05d}"] for n in range(1_000, 3_000)} == {"second"}
    assert rows["P00000"] == "first" and rows["P03999"] == "second"


def test_an_import_while_api_writers_insert_some_of_its_ids(
    api: tuple[TestClient, str], store: Store, settings: Settings
) -> None:
    client, key = api
    data = _csv(range(0, 3_000), "import", 30)

    def work(index: int) -> int:
        if index == 0:
            report = import_participants(store, data, source="big.csv", settings=settings)
            return report.inserted + report.updated + report.stale
        pid = f"P{index * 500:05d}"
        body = {
            **as_json(person(pid, skills="api")),
            "submitted_at": "2026-09-01T10:00:00+00:00",
        }
        return client.post(URL, json=body, headers=headers(key)).status_code

    results = _at_once(5, work)
    assert results[0] == 3_000
    assert set(results[1:]) <= {200, 409}
    with store.session() as session:
        rows = {row.id: row.skills for row in list_participants(session)}
    assert len(rows) == 3_000
    # The import's answers are the later ones (10:00:30): they win on every shared id.
    assert set(rows.values()) == {"import"}


def test_two_cli_imports_of_overlapping_files_both_exit_0(
    sqlite_store: Store, settings: Settings, tmp_path: Path
) -> None:
    # Two processes (the in-process test above covers PostgreSQL): SQLite's file lock.
    store = sqlite_store
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(_csv(range(0, 2_000), "first", 1))
    second.write_bytes(_csv(range(500, 2_500), "second", 2))
    env = {
        **os.environ,
        "RECOMENTOR_HOME": str(settings.home),
        "RECOMENTOR_DATABASE_URL": store.engine.url.render_as_string(hide_password=False),
    }
    command = [sys.executable, "-c", "from recomentor.cli import console; console()", "import"]
    runs = [
        subprocess.Popen(
            [*command, "participants", str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for path in (first, second)
    ]
    outcomes = [(run.wait(timeout=120), run.communicate()[1].decode()) for run in runs]
    assert outcomes == [(0, ""), (0, "")]
    with store.session() as session:
        assert len(list_participants(session)) == 2_500


def test_a_write_lock_held_too_long_is_a_retry_conflict_without_values(
    sqlite_store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = sqlite_store.engine.url.database
    assert database
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write
    monkeypatch.setattr(db, "_WRITE_PAUSE_S", 0.0)
    attempts = []

    def upsert(session: Session) -> object:
        attempts.append(1)
        session.execute(text("PRAGMA busy_timeout=50"))
        return upsert_participants(session, [{**person("L1"), "name": "Secret Person"}])

    try:
        with pytest.raises(WriteConflictError) as refused:
            sqlite_store.write(upsert)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(attempts) == 3
    assert str(refused.value) == (
        "another write to the same records was in progress; nothing was written, retry"
    )
    # Once the lock is gone the same write goes through.
    assert sqlite_store.write(upsert).inserted == 1  # type: ignore[attr-defined]


def test_database_errors_never_quote_the_row(store: Store) -> None:
    row = {**person("D1"), "name": "Secret Person", "email": "secret@example.org"}
    with store.session() as session:
        upsert_participants(session, [row])
    with pytest.raises(IntegrityError) as duplicate, store.session() as session:
        session.execute(insert(ParticipantRow), [row])
    assert "Secret" not in str(duplicate.value) and "secret@" not in str(duplicate.value)
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(duplicate.value)
