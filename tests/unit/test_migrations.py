"""Migrations: an existing 0001 database with data upgrades to the pairing lifecycle (0002),
and the feedback request tables (0006) come and go without touching pairings or feedback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from recomentor.store import Store
from recomentor.store.db import _alembic_config, _head_revision, _script_revisions
from recomentor.store.tables import Base

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _seed_0001(store: Store) -> None:
    """Rows as a 0001 database holds them, written with plain SQL (the models are newer)."""
    people = [
        {"id": pid, "dep": "IT", "years": years, "role": role, "now": NOW}
        for pid, years, role in (("J1", 2.0, "mentor"), ("S1", 25.0, "mentee"))
    ]
    feedback = [
        # Sent twice through the API before 0002: same pair and time, and twice undated.
        {"rating": 3, "at": NOW},
        {"rating": 4, "at": NOW},
        {"rating": 2, "at": None},
        {"rating": 5, "at": None},
        {"rating": 1, "at": datetime(2026, 9, 1, tzinfo=UTC)},
    ]
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO participants (id, department, years_experience, role, max_mentees, "
                "created_at, updated_at) VALUES (:id, :dep, :years, :role, 1, :now, :now)"
            ),
            people,
        )
        connection.execute(
            text(
                "INSERT INTO matchings (id, status, mode, objective, params, created_at) "
                "VALUES ('m1', 'approved', 'reverse', 'score', '{}', :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO pairings (mentor_id, mentee_id, mode, matching_id, created_at) "
                "VALUES ('J1', 'S1', 'reverse', 'm1', :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO feedback (mentor_id, mentee_id, rating, submitted_at, created_at) "
                "VALUES ('J1', 'S1', :rating, :at, :now)"
            ),
            [{**row, "now": NOW} for row in feedback],
        )


def test_a_0001_database_with_data_upgrades_and_back(store: Store) -> None:
    config = _alembic_config(store.engine)
    command.downgrade(config, "0001")
    assert store.current_revision() == "0001"
    _seed_0001(store)
    store.upgrade()
    assert store.current_revision() == store.head_revision()
    with store.engine.begin() as connection:
        pairing = connection.execute(
            text("SELECT status, ended_at, end_reason, matching_id FROM pairings")
        ).one()
        ratings = (
            connection.execute(text("SELECT rating FROM feedback ORDER BY rating")).scalars().all()
        )
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert tuple(pairing) == ("active", None, None, "m1")
    # The newest of each repeated submission stays: 4 (dated), 5 (undated), and the other one.
    assert ratings == [1, 4, 5]
    assert differences == []
    for stamp in (NOW, None):
        with pytest.raises(IntegrityError), store.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO feedback (mentor_id, mentee_id, rating, submitted_at, "
                    "created_at) VALUES ('J1', 'S1', 2, :at, :now)"
                ),
                {"at": stamp, "now": NOW},
            )
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(text("UPDATE pairings SET status = 'paused'"))
    command.downgrade(config, "0001")
    store.upgrade()
    assert store.current_revision() == store.head_revision()


def test_a_database_at_the_erasure_revision_gets_the_lifecycle_too(store: Store) -> None:
    # 0002 and 0003 were written side by side from 0001; a database already at 0003 must not
    # be taken for up to date.
    config = _alembic_config(store.engine)
    command.downgrade(config, "0001")
    command.upgrade(config, "0003")
    store.upgrade()
    assert store.current_revision() == store.head_revision()
    with store.engine.begin() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("pairings")}
        tables = set(inspect(connection).get_table_names())
    assert {"status", "ended_at", "end_reason"} <= columns and "erasures" in tables


# The revision just before 0007, whichever lands before it.
BEFORE_EDITS = "0007-1"


def test_stored_matchings_survive_the_matching_edits_revision_both_ways(store: Store) -> None:
    # 0007 adds columns to `matchings` and `matching_pairs` in place: a rebuilt `matchings` on
    # SQLite would cascade its drop to every stored pair.
    config = _alembic_config(store.engine)
    command.downgrade(config, BEFORE_EDITS)
    assert "version" not in {c["name"] for c in inspect(store.engine).get_columns("matchings")}
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO participants (id, department, years_experience, role, max_mentees, "
                "created_at, updated_at) VALUES (:id, 'IT', :years, :role, 1, :now, :now)"
            ),
            [
                {"id": "J1", "years": 2.0, "role": "mentor", "now": NOW},
                {"id": "S1", "years": 25.0, "role": "mentee", "now": NOW},
            ],
        )
        connection.execute(
            text(
                "INSERT INTO matchings (id, status, mode, objective, params, created_at) "
                "VALUES ('m1', 'draft', 'reverse', 'score', '{}', :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO matching_pairs (matching_id, mentor_id, mentee_id, score, "
                "explanation) VALUES ('m1', 'J1', 'S1', 0.5, '{}')"
            )
        )
    store.upgrade()
    with store.engine.begin() as connection:
        version = connection.execute(text("SELECT version FROM matchings")).scalar_one()
        locked = connection.execute(text("SELECT locked FROM matching_pairs")).scalar_one()
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert (version, bool(locked)) == (0, False)
    assert differences == []
    command.downgrade(config, BEFORE_EDITS)
    with store.engine.begin() as connection:
        pairs = connection.execute(text("SELECT count(*) FROM matching_pairs")).scalar_one()
        tables = set(inspect(connection).get_table_names())
    assert pairs == 1 and "matching_removed_pairs" not in tables


def test_a_database_with_pairings_gets_the_feedback_request_tables_and_back(store: Store) -> None:
    # 0006 adds tables that reference pairings and feedback; going down and up keeps both.
    config = _alembic_config(store.engine)
    command.downgrade(config, "0001")
    _seed_0001(store)
    command.upgrade(config, "0004")
    store.upgrade()
    new_tables = {"feedback_requests", "feedback_tokens", "feedback_answers", "champion_changes"}
    assert new_tables <= set(inspect(store.engine).get_table_names())
    with store.engine.begin() as connection:
        pairing_id = connection.execute(text("SELECT id FROM pairings")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO feedback_requests (pairing_id, participant_id, checkin, created_at, "
                "reminders) VALUES (:pairing, 'S1', 'end', :now, 0)"
            ),
            {"pairing": pairing_id, "now": NOW},
        )
    command.downgrade(config, "0004")
    assert not new_tables & set(inspect(store.engine).get_table_names())
    with store.engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM pairings")).scalar_one() == 1
        assert connection.execute(text("SELECT count(*) FROM feedback")).scalar_one() == 3
    store.upgrade()
    assert store.current_revision() == store.head_revision()


def test_a_database_at_the_matching_edits_revision_gets_the_feedback_tables(store: Store) -> None:
    # 0006 was written beside 0007 and landed after it: it follows 0007, so a database already
    # at 0007 is not taken for up to date.
    config = _alembic_config(store.engine)
    command.downgrade(config, "0007")
    assert "feedback_requests" not in inspect(store.engine).get_table_names()
    store.upgrade()
    assert store.current_revision() == store.head_revision()
    assert "feedback_requests" in inspect(store.engine).get_table_names()


def test_saved_mappings_and_import_runs_revision_round_trip(store: Store) -> None:
    # 0008 only adds two tables; the users they point to keep their rows both ways.
    config = _alembic_config(store.engine)
    command.downgrade(config, "0008-1")
    assert {"saved_mappings", "import_runs"}.isdisjoint(inspect(store.engine).get_table_names())
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (email, role, password_hash, created_at) "
                "VALUES ('hr@example.org', 'manager', 'x', :now)"
            ),
            {"now": NOW},
        )
    command.upgrade(config, "0008")
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO saved_mappings (name, toml, created_by, created_at) "
                "VALUES ('forms', '[columns]', 1, :now)"
            ),
            {"now": NOW},
        )
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(
                text(
                    "INSERT INTO saved_mappings (name, toml, created_at) "
                    "VALUES ('forms', '[columns]', :now)"
                ),
                {"now": NOW},
            )
    store.upgrade()
    with store.engine.begin() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    command.downgrade(config, "0008-1")
    with store.engine.begin() as connection:
        users = connection.execute(text("SELECT count(*) FROM users")).scalar_one()
        tables = set(inspect(connection).get_table_names())
    assert users == 1 and "saved_mappings" not in tables
    store.upgrade()
    assert store.current_revision() == store.head_revision()


def test_the_head_read_from_the_scripts_text_is_alembics_head() -> None:
    # Opening a current database compares with this head without loading Alembic.
    assert _head_revision() == ScriptDirectory.from_config(_alembic_config()).get_current_head()


def test_a_merge_script_follows_every_revision_it_merges() -> None:
    merge = 'revision = "0004"\ndown_revision = ("0002", "0003")\nbranch_labels = None\n'
    assert _script_revisions(merge) == ("0004", ("0002", "0003"))
    assert _script_revisions('revision = "0001"\ndown_revision = None\n') == ("0001", ())
    annotated = 'revision: str = "0010"\ndown_revision: str | None = "0009"\n'
    assert _script_revisions(annotated) == ("0010", ("0009",))
    # Not a literal: the head is then left to Alembic.
    assert _script_revisions("revision = make_id()\n") == (None, ())
