"""Participant queries: upsert by id, read, list and erasure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from recomentor import fields as F
from recomentor.errors import NotFoundError
from recomentor.store.db import affected_rows, batches
from recomentor.store.tables import FeedbackRow, PairingRow, ParticipantRow, utcnow

# Fields compared to decide whether an upsert changes a stored participant.
_DATA_FIELDS = tuple(f for f in F.PARTICIPANT_FIELDS if f != F.ID)
_CHUNK = 5_000
_ANALYZE_AFTER = 1_000


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows whose submission is older than the one already stored: the stored one wins.
    stale: int = 0
    # Rows of erased people not newer than their erasure (see suppression.py): not written.
    erased: int = 0


def as_utc(value: datetime | None) -> datetime | None:
    # Stored times come back aware (tables.UTCDateTime); a caller may hand in naive UTC ones.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _same(stored: ParticipantRow, incoming: dict[str, Any]) -> bool:
    for name in _DATA_FIELDS:
        old, new = getattr(stored, name), incoming.get(name)
        if name == F.SUBMITTED_AT:
            new = as_utc(new)
        if old != new:
            return False
    return True


def upsert_participants(session: Session, records: Sequence[dict[str, Any]]) -> UpsertCounts:
    """Insert new ids, update changed ones, leave identical ones alone; ids must be unique."""
    existing: dict[str, ParticipantRow] = {}
    for chunk in batches([r[F.ID] for r in records], _CHUNK):
        for row in session.scalars(select(ParticipantRow).where(ParticipantRow.id.in_(chunk))):
            existing[row.id] = row
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    unchanged = stale = 0
    for record in records:
        stored = existing.get(record[F.ID])
        if stored is None:
            inserts.append({**record, "created_at": now, "updated_at": now})
            continue
        if _same(stored, record):
            unchanged += 1
            continue
        old_at, new_at = stored.submitted_at, as_utc(record.get(F.SUBMITTED_AT))
        if old_at is not None and new_at is not None and new_at < old_at:
            stale += 1
            continue
        updates.append({**record, "updated_at": now})
    if existing:
        # The ORM identity map holds the old rows; bulk statements below bypass it.
        session.expunge_all()
    for chunk in batches(inserts, _CHUNK):
        session.execute(insert(ParticipantRow), list(chunk))
    for chunk in batches(updates, _CHUNK):
        session.execute(update(ParticipantRow), list(chunk))
    if len(inserts) >= _ANALYZE_AFTER:
        # A freshly bulk-loaded table has no statistics yet; without them PostgreSQL plans the
        # next import's `id IN (...)` lookups as sequential scans of the whole table.
        session.execute(text(f"ANALYZE {ParticipantRow.__tablename__}"))
    return UpsertCounts(len(inserts), len(updates), unchanged, stale)


def get_participant(session: Session, participant_id: str) -> ParticipantRow:
    row = session.get(ParticipantRow, participant_id)
    if row is None:
        raise NotFoundError("participant", participant_id)
    return row


def lock_participant(session: Session, participant_id: str) -> ParticipantRow:
    """The stored row, write-locked until the transaction ends, for a read-modify-write.

    A no-op UPDATE takes the lock on both databases (SQLite has no SELECT ... FOR UPDATE), so
    two partial updates of different fields cannot undo each other.
    """
    touch = update(ParticipantRow).where(ParticipantRow.id == participant_id)
    touched = session.execute(touch.values(updated_at=ParticipantRow.updated_at))
    if affected_rows(touched) == 0:
        raise NotFoundError("participant", participant_id)
    return get_participant(session, participant_id)


def list_participants(session: Session) -> list[ParticipantRow]:
    return list(session.scalars(select(ParticipantRow).order_by(ParticipantRow.id)))


def count_participants(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ParticipantRow)) or 0)


def existing_ids(session: Session, ids: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in batches(list(set(ids)), _CHUNK):
        found.update(session.scalars(select(ParticipantRow.id).where(ParticipantRow.id.in_(chunk))))
    return found


def delete_participant_rows(session: Session, participant_id: str) -> dict[str, int]:
    """Delete the person's row and every feedback and pairing row that names them.

    Deletes explicitly rather than trusting ON DELETE CASCADE alone, so erasure is the same on
    a database where foreign keys were not enforced when the rows were written.
    """
    involved = (FeedbackRow.mentor_id == participant_id) | (FeedbackRow.mentee_id == participant_id)
    feedback = affected_rows(session.execute(delete(FeedbackRow).where(involved)))
    paired = (PairingRow.mentor_id == participant_id) | (PairingRow.mentee_id == participant_id)
    pairings = affected_rows(session.execute(delete(PairingRow).where(paired)))
    session.execute(delete(ParticipantRow).where(ParticipantRow.id == participant_id))
    return {"feedback": feedback, "pairings": pairings}
