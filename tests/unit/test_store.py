"""Store: migrations, bulk upserts and reads on every supported database."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest
from alembic import command
from sqlalchemy import insert, inspect

from recomentor import fields as F
from recomentor.errors import InvalidInputError, NotFoundError
from recomentor.store import Store, open_store
from recomentor.store.db import _alembic_config, _enable_sqlite_pragmas, _json_text
from recomentor.store.participants import (
    count_participants,
    existing_ids,
    get_participant,
    upsert_participants,
)
from recomentor.store.tables import ErasureRow, ParticipantRow, utcnow


def _person(index: int, **changes: object) -> dict[str, object]:
    record: dict[str, object] = {name: None for name in F.PARTICIPANT_FIELDS}
    record.update(
        id=f"P{index:05d}", department="IT", years_experience=float(index % 30), role=F.MENTOR,
        skills="SQL", max_mentees=1, submitted_at=datetime(2026, 9, 1, tzinfo=UTC),
    )  # fmt: skip
    record.update(changes)
    return record


def test_schema_is_at_head_after_open(store: Store) -> None:
    assert store.current_revision() == store.head_revision() is not None
    store.upgrade()  # idempotent
    assert store.ping()


def test_bulk_upsert_then_identical_upsert_changes_nothing(store: Store) -> None:
    # 1,200 rows crosses the bulk threshold after which the table's statistics are refreshed.
    people = [_person(i) for i in range(1_200)]
    with store.session() as session:
        first = upsert_participants(session, people)
    with store.session() as session:
        again = upsert_participants(session, people)
        assert count_participants(session) == 1_200
    assert (first.inserted, again.inserted, again.unchanged) == (1_200, 0, 1_200)


def test_upsert_updates_changed_rows_only(store: Store) -> None:
    with store.session() as session:
        upsert_participants(session, [_person(1), _person(2)])
    later = datetime(2026, 9, 2, tzinfo=UTC)
    with store.session() as session:
        counts = upsert_participants(
            session, [_person(1), _person(2, skills="Python", submitted_at=later)]
        )
    assert (counts.updated, counts.unchanged) == (1, 1)
    with store.session() as session:
        assert get_participant(session, "P00002").skills == "Python"
        assert existing_ids(session, ["P00001", "P99999"]) == {"P00001"}


def test_unknown_participant_is_not_found(store: Store) -> None:
    with store.session() as session, pytest.raises(NotFoundError):
        get_participant(session, "nobody")


def test_a_failed_unit_of_work_writes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.session() as session:
        upsert_participants(session, [_person(1)])
        raise RuntimeError("crash in the middle of an import")
    with store.session() as session:
        assert count_participants(session) == 0


def test_bad_database_url_is_a_clear_error() -> None:
    with pytest.raises(InvalidInputError, match="not a database URL"):
        open_store("not a url")


def test_times_come_back_aware_utc_on_every_database(store: Store) -> None:
    # Regression: SQLite returned naive times, and three callers each re-added UTC by hand.
    paris = timezone(timedelta(hours=2))
    with store.session() as session:
        upsert_participants(
            session,
            [
                _person(1, submitted_at=datetime(2026, 9, 1, 9, 0, tzinfo=paris)),
                _person(2, submitted_at=datetime(2026, 9, 1, 9, 0)),  # naive: taken as UTC
            ],
        )
    with store.session() as session:
        first = get_participant(session, "P00001").submitted_at
        second = get_participant(session, "P00002").submitted_at
        created = get_participant(session, "P00001").created_at
    assert first == datetime(2026, 9, 1, 7, 0, tzinfo=UTC) and first.tzinfo == UTC
    assert second == datetime(2026, 9, 1, 9, 0, tzinfo=UTC) and second.tzinfo == UTC
    assert created.tzinfo == UTC


def test_the_erasure_migration_keeps_the_data_of_an_existing_database(store: Store) -> None:
    config = _alembic_config(store.engine)
    # A database from before the erasure suppression (0003): it reaches head through the merge
    # 0004 with the pairing lifecycle (0002), which was written beside it.
    command.downgrade(config, "0001")
    command.upgrade(config, "0002")
    assert "erasures" not in inspect(store.engine).get_table_names()
    with store.session() as session:
        # A plain INSERT of the columns of then: the mapped class has columns added since.
        now = utcnow()
        row = {**_person(1), "created_at": now, "updated_at": now}
        session.execute(insert(ParticipantRow.__table__).values(row))
    store.upgrade()
    # Later revisions follow the merge; the head is wherever the chain ends now.
    assert store.current_revision() == store.head_revision()
    with store.session() as session:
        assert get_participant(session, "P00001").skills == "SQL"
        session.add(ErasureRow(id_hash="0" * 64, key_id="k" * 16, erased_at=utcnow()))
    with store.session() as session:
        assert session.get(ErasureRow, "0" * 64) is not None


def test_every_sqlite_connection_zeroes_what_it_deletes(sqlite_store: Store) -> None:
    # Regression: the project relied on how this machine's SQLite was built (secure_delete
    # on by default); another build leaves deleted answers readable in free pages.
    connection = sqlite3.connect(":memory:")
    connection.execute("PRAGMA secure_delete=OFF")
    _enable_sqlite_pragmas(connection, None)
    assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
    with sqlite_store.engine.connect() as pooled:
        assert pooled.exec_driver_sql("PRAGMA secure_delete").one() == (1,)


def test_json_columns_take_result_structs_as_they_are() -> None:
    # A matching's pair explanations went through msgspec.to_builtins and then the standard
    # library's encoder, row by row; a Struct is now encoded directly, and the text reads
    # back to the same data. Anything else keeps the standard library's text.
    class Factor(msgspec.Struct):
        name: str
        value: float | None

    class Explanation(msgspec.Struct):
        factors: list[Factor]

    text = _json_text(Explanation([Factor("rule:same profession", 1.0), Factor("lexical", None)]))
    assert json.loads(text) == {
        "factors": [
            {"name": "rule:same profession", "value": 1.0},
            {"name": "lexical", "value": None},
        ]
    }
    plain = {"score": float("nan"), "name": "é"}
    assert _json_text(plain) == json.dumps(plain)
