"""Erasure removes a person everywhere, from the files too, and keeps their old answers out."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import msgspec
import numpy as np
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from recomentor.erasure import ERASED_TABLES, erase_participant
from recomentor.errors import ErasureKeyError, NotFoundError
from recomentor.settings import Settings
from recomentor.store import Store, db
from recomentor.store.tables import (
    EmbeddingRow,
    ErasureRow,
    FeedbackRow,
    MatchingPairRow,
    MatchingRow,
    MatchingUnpairedRow,
    PairingRow,
    ParticipantRow,
    utcnow,
)
from recomentor.suppression import ErasureKey
from recomentor.survey import ImportReport, import_participants
from recomentor.text import split_items, text_hash

PEOPLE = (
    "id,department,years_experience,role,skills,goals\n"
    'J1,IT,2,mentor,"TikTok, Secret hobby of J1",\n'
    "J2,IT,1,mentor,TikTok,\n"
    "S1,Finance,25,mentee,,Comprendre TikTok\n"
)


def _cache(session, text: str) -> None:
    vector = np.ones(4, dtype="<f4").tobytes()
    session.add(EmbeddingRow(model_id="m", text_hash=text_hash(text), dim=4, vector=vector))


def _count(session, table) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_erasure_removes_the_person_everywhere(
    store: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    import_participants(store, PEOPLE.encode(), source="p.csv", settings=settings)
    with store.session() as session:
        for text in [
            "TikTok, Secret hobby of J1",
            "TikTok",
            "Secret hobby of J1",
            "Comprendre TikTok",
        ]:
            _cache(session, text)
        session.add(FeedbackRow(mentor_id="J1", mentee_id="S1", rating=5))
        session.add(FeedbackRow(mentor_id="J2", mentee_id="S1", rating=3))
        session.add(PairingRow(mentor_id="J1", mentee_id="S1", mode="reverse"))
        loads = {"mentor_load": [["J1", 1, 2], ["J2", 0, 1]]}
        session.add(MatchingRow(id="m1", mode="reverse", objective="score", params=loads))
        session.flush()
        session.add(
            MatchingPairRow(
                matching_id="m1", mentor_id="J1", mentee_id="S1", score=0.5, explanation={}
            )
        )
        session.add(MatchingUnpairedRow(matching_id="m1", mentee_id="S1", reason="x"))

    report = erase_participant(store, "J1", erasure_key)

    assert (report.feedback, report.pairings, report.matching_entries) == (1, 1, 1)
    # J1's whole answer and private item go; "TikTok" stays because J2 wrote it too.
    assert report.embeddings == 2
    with store.session() as session:
        assert session.get(ParticipantRow, "J1") is None
        remaining = set(session.scalars(select(EmbeddingRow.text_hash)))
        assert remaining == {text_hash("TikTok"), text_hash("Comprendre TikTok")}
        assert [(f.mentor_id, f.rating) for f in session.scalars(select(FeedbackRow))] == [
            ("J2", 3)
        ]
        assert _count(session, PairingRow) == 0
        assert _count(session, MatchingPairRow) == 0
        assert _count(session, MatchingUnpairedRow) == 1  # S1's entry is S1's, not J1's
        assert _count(session, ParticipantRow) == 2
        assert session.get(MatchingRow, "m1").params["mentor_load"] == [["J2", 0, 1]]
    assert split_items("TikTok, Secret hobby of J1") == ["TikTok", "Secret hobby of J1"]


def test_erasing_an_unknown_id_is_an_error_and_changes_nothing(
    store: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    import_participants(store, PEOPLE.encode(), source="p.csv", settings=settings)
    with pytest.raises(NotFoundError, match="unknown participant id 'NOPE'"):
        erase_participant(store, "NOPE", erasure_key)
    with store.session() as session:
        assert _count(session, ParticipantRow) == 3


def _import(store: Store, settings: Settings, csv: str) -> ImportReport:
    return import_participants(store, csv.encode(), source="p.csv", settings=settings)


DATED = "id,department,years_experience,role,skills,email,submitted_at\n"


def test_an_erasure_sticks_for_older_and_undated_answers_only(
    store: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    # Regression: after `participants delete E1011`, re-importing the same export brought
    # E1011 back (`inserted: 1`).
    export = DATED + "A1,IT,2,mentor,SQL,a1@example.org,2026-09-01T09:00:00Z\nA2,IT,3,mentor,R,,\n"
    _import(store, settings, export)
    erase_participant(store, "A1", erasure_key)
    erase_participant(store, "A2", erasure_key)

    again = _import(store, settings, export)

    assert (again.erased, again.inserted, again.unchanged) == (2, 0, 0)
    assert msgspec.to_builtins(again)["erased"] == 2
    with store.session() as session:
        assert _count(session, ParticipantRow) == 0
    answered_again = DATED + "A1,IT,2,mentor,Go,,2100-01-01T00:00:00Z\n"
    assert (_import(store, settings, answered_again).inserted, 0) == (1, 0)
    with store.session() as session:
        assert session.get(ParticipantRow, "A1").skills == "Go"
    # The pre-erasure answers stay out even now that A1 is stored again.
    assert _import(store, settings, export).erased == 2


def test_the_suppression_entry_holds_no_personal_data(
    store: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    import_participants(store, PEOPLE.encode(), source="p.csv", settings=settings)
    before = utcnow()
    erase_participant(store, "J1", erasure_key)
    with store.session() as session:
        (entry,) = session.scalars(select(ErasureRow)).all()
        assert entry.id_hash == erasure_key.id_hash("J1") != text_hash("J1")
        assert len(entry.id_hash) == 64 and "J1" not in entry.id_hash
        assert entry.key_id == erasure_key.key_id
        assert entry.erased_at >= before
    # A second erasure (the person answered again) moves the time forward, one entry.
    with store.session() as session:
        session.add(ParticipantRow(id="J1", department="IT", years_experience=1, role="mentor"))
    erase_participant(store, "J1", erasure_key)
    with store.session() as session:
        assert [e.erased_at > entry.erased_at for e in session.scalars(select(ErasureRow))] == [
            True
        ]


def test_another_key_is_refused_instead_of_letting_erased_people_back(
    store: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    _import(store, settings, DATED + "A1,IT,2,mentor,SQL,,2026-09-01T09:00:00Z\n")
    erase_participant(store, "A1", erasure_key)
    lost = replace(settings, erasure_key="another key of at least thirty-two characters")
    with pytest.raises(ErasureKeyError, match="RECOMENTOR_ERASURE_KEY"):
        _import(store, lost, DATED + "A1,IT,2,mentor,SQL,,2026-09-01T09:00:00Z\n")
    with store.session() as session:
        assert _count(session, ParticipantRow) == 0


def test_erasure_scrubs_the_database_files(
    store: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    secret = "zorglub.secret@exemple.fr"
    # Z1 comes last: a page compaction (plain VACUUM) would move the others over an earlier row.
    csv = (
        f"{DATED}Z2,IT,2,mentor,SQL,,\nZ3,IT,3,mentor,R,,\n"
        f"Z1,IT,2,mentor,Une phrase distinctive,{secret},\n"
    )
    _import(store, settings, csv)
    assert secret.encode() in _database_bytes(store)  # the check can see the person
    report = erase_participant(store, "Z1", erasure_key)
    assert report.scrubbed
    content = _database_bytes(store)
    assert secret.encode() not in content
    assert b"Une phrase distinctive" not in content


def _database_bytes(store: Store) -> bytes:
    """What the database files hold now: SQLite file and WAL, PostgreSQL table files."""
    if store.engine.dialect.name == "sqlite":
        database = Path(store.engine.url.database or "")
        wal = database.with_name(database.name + "-wal")
        return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # Flush shared buffers, then read the table's heap and TOAST files (superuser only).
        connection.exec_driver_sql("CHECKPOINT")
        paths = connection.execute(
            sql(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.oid IN "
                "(CAST(:t AS regclass), (SELECT reltoastrelid FROM pg_class "
                "WHERE oid = CAST(:t AS regclass)))"
            ),
            {"t": "participants"},
        ).scalars()
        return b"".join(
            connection.execute(sql("SELECT pg_read_binary_file(:p)"), {"p": p}).scalar_one()
            for p in paths
        )


def test_a_busy_postgresql_table_leaves_the_erasure_done_and_says_so(
    pg_store: Store,
    settings: Settings,
    erasure_key: ErasureKey,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(db, "_VACUUM_LOCK_TIMEOUT", "200ms")
    _import(pg_store, settings, f"{DATED}Z1,IT,2,mentor,SQL,zoe@example.org,\n")
    # A long reader: VACUUM FULL would wait for it, and every later reader behind it.
    with pg_store.engine.connect() as reader:
        reader.execute(select(ParticipantRow.id)).all()
        report = erase_participant(pg_store, "Z1", erasure_key)
    assert not report.scrubbed
    assert "VACUUM after a deletion failed: LockNotAvailable" in caplog.text
    assert "zoe" not in caplog.text and "Z1" not in caplog.text
    with pg_store.session() as session:
        assert _count(session, ParticipantRow) == 0
    assert pg_store.scrub(ERASED_TABLES)  # once the reader is gone


def _secret_reader(store: Store):
    """A transaction whose snapshot, taken now, still sees every row deleted after it."""
    reader = store.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    reader.execute(sql("SELECT 1")).all()
    return reader


def test_the_rewrite_waits_for_a_snapshot_that_still_sees_the_person(
    pg_store: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    secret = "zorglub.secret@exemple.fr"
    _import(pg_store, settings, f"{DATED}Z2,IT,2,mentor,SQL,,\nZ1,IT,2,mentor,R,{secret},\n")
    reader = _secret_reader(pg_store)
    # VACUUM FULL would copy the row this snapshot can still see into the rewritten file.
    threading.Timer(0.5, reader.close).start()
    report = erase_participant(pg_store, "Z1", erasure_key)
    assert report.scrubbed
    assert secret.encode() not in _database_bytes(pg_store)


def test_the_rewrite_waits_for_a_transaction_of_another_database(
    pg_store: Store, pg_url: str, settings: Settings, erasure_key: ErasureKey
) -> None:
    # Transaction ids are shared by every database of the server: one still running elsewhere
    # holds back the rewrite's own snapshot, and the rewrite keeps every row deleted after it
    # began (another test worker's write did, in CI).
    secret = "zorglub.secret@exemple.fr"
    _import(pg_store, settings, f"{DATED}Z2,IT,2,mentor,SQL,,\nZ1,IT,2,mentor,R,{secret},\n")
    elsewhere = create_engine(
        make_url(pg_url).set(drivername="postgresql+psycopg", database="postgres")
    )
    writer = elsewhere.connect()
    writer.execute(sql("SELECT pg_current_xact_id()")).scalar_one()  # takes a transaction id
    threading.Timer(0.5, writer.close).start()
    try:
        report = erase_participant(pg_store, "Z1", erasure_key)
    finally:
        elsewhere.dispose()
    assert report.scrubbed
    assert secret.encode() not in _database_bytes(pg_store)


def test_a_snapshot_older_than_the_erasure_leaves_it_unscrubbed_and_says_so(
    pg_store: Store,
    settings: Settings,
    erasure_key: ErasureKey,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(db, "_SNAPSHOT_WAIT_S", 0.3)
    _import(pg_store, settings, f"{DATED}Z1,IT,2,mentor,SQL,zoe@example.org,\n")
    with _secret_reader(pg_store):
        report = erase_participant(pg_store, "Z1", erasure_key)
    assert not report.scrubbed
    assert "older transactions still running" in caplog.text
    assert "zoe" not in caplog.text and "Z1" not in caplog.text
    assert pg_store.scrub(ERASED_TABLES)  # once the reader is gone
    assert b"zoe@example.org" not in _database_bytes(pg_store)


def test_a_server_without_the_snapshot_functions_leaves_the_erasure_done(
    pg_store: Store,
    settings: Settings,
    erasure_key: ErasureKey,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # PostgreSQL before 13 has no pg_current_snapshot(): the wait fails after the deletion
    # committed, and only the scrub is skipped.
    monkeypatch.setattr(db, "_NOTHING_OLDER_RUNS", sql("SELECT recomentor_no_such_function()"))
    _import(pg_store, settings, f"{DATED}Z1,IT,2,mentor,SQL,zoe@example.org,\n")
    report = erase_participant(pg_store, "Z1", erasure_key)
    assert not report.scrubbed
    assert "VACUUM after a deletion failed: UndefinedFunction" in caplog.text
    with pg_store.session() as session:
        assert _count(session, ParticipantRow) == 0
