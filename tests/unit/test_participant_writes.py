"""JSON writes of participants on every database: complete POSTs, partial PATCHes, one rule."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import msgspec
import pytest

from recomentor.api import records
from recomentor.api.records import patch_json_participant, upsert_json_participants
from recomentor.api.schemas import ParticipantIn, ParticipantPatch
from recomentor.erasure import erase_participant
from recomentor.errors import ConflictError, NotFoundError, RowsRejectedError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.participants import get_participant
from recomentor.suppression import ErasureKey

SEPTEMBER = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def _complete(pid: str = "M1", **changes: object) -> ParticipantIn:
    fields: dict[str, object] = {
        "id": pid, "name": "Zoé Exemple", "email": "zoe@example.org", "department": "IT",
        "job_title": None, "years_experience": 4.0, "role": "both", "skills": "SQL",
        "goals": "Négociation", "languages": ["fr"], "location": "Paris", "max_mentees": 2,
        "manager_id": "BOSS", "submitted_at": SEPTEMBER,
    }  # fmt: skip
    return ParticipantIn(**{**fields, **changes})  # type: ignore[arg-type]


def _patch(**fields: object) -> ParticipantPatch:
    return msgspec.convert(fields, ParticipantPatch)


def test_a_partial_update_keeps_every_field_not_sent(store: Store, settings: Settings) -> None:
    upsert_json_participants(store, [_complete()], settings)
    patch_json_participant(store, "M1", _patch(skills="Python", location=None), settings)
    with store.session() as session:
        row = get_participant(session, "M1")
        assert (row.skills, row.location) == ("Python", None)
        assert (row.manager_id, row.email, row.goals, row.max_mentees) == (
            "BOSS", "zoe@example.org", "Négociation", 2,
        )  # fmt: skip
        assert (row.languages, row.submitted_at) == ("fr", SEPTEMBER)


def test_a_post_missing_fields_names_them_and_writes_nothing(
    store: Store, settings: Settings
) -> None:
    partial = msgspec.convert(
        {"id": "M2", "department": "IT", "years_experience": 1, "role": "mentor"}, ParticipantIn
    )
    with pytest.raises(RowsRejectedError) as rejected:
        upsert_json_participants(store, [_complete(), partial], settings)
    assert {(p.line, p.field) for p in rejected.value.problems} >= {(2, "manager_id"), (2, "name")}
    assert all(p.line == 2 for p in rejected.value.problems)
    with store.session() as session, pytest.raises(NotFoundError):
        get_participant(session, "M1")


def test_older_or_erased_submissions_are_refused_on_every_path(
    store: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    upsert_json_participants(store, [_complete()], settings)
    august = datetime(2026, 8, 1, tzinfo=UTC)
    counts = upsert_json_participants(
        store, [_complete(skills="Old", submitted_at=august)], settings
    )
    assert (counts.stale, counts.updated) == (1, 0)
    with pytest.raises(ConflictError, match="submitted later"):
        patch_json_participant(store, "M1", _patch(skills="Old", submitted_at=august), settings)
    erase_participant(store, "M1", erasure_key)
    counts = upsert_json_participants(store, [_complete(submitted_at=None)], settings)
    assert (counts.erased, counts.inserted) == (1, 0)
    with pytest.raises(NotFoundError):
        patch_json_participant(store, "M1", _patch(skills="x"), settings)


def test_two_partial_updates_at_once_keep_both_changes(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    upsert_json_participants(store, [_complete()], settings)
    first_has_read = threading.Event()
    real_validated = records._validated

    def slow_validated(participants, settings_):  # type: ignore[no-untyped-def]
        if not first_has_read.is_set():
            first_has_read.set()
            # The second update starts now; without the row lock it reads the old record.
            time.sleep(0.5)
        return real_validated(participants, settings_)

    monkeypatch.setattr(records, "_validated", slow_validated)
    first = threading.Thread(
        target=patch_json_participant, args=(store, "M1", _patch(skills="Python"), settings)
    )
    first.start()
    assert first_has_read.wait(timeout=10)
    patch_json_participant(store, "M1", _patch(location="Lyon"), settings)
    first.join()
    with store.session() as session:
        row = get_participant(session, "M1")
        assert (row.skills, row.location) == ("Python", "Lyon")
