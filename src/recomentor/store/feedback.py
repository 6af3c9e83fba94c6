"""Feedback queries: idempotent upsert by (mentor, mentee, submitted_at) and reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Final, Literal

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from recomentor import fields as F
from recomentor.store.db import batches
from recomentor.store.tables import FeedbackRow

_CHUNK = 2_000


@dataclass(frozen=True)
class FeedbackCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def _key(mentor_id: str, mentee_id: str, submitted_at: Any) -> tuple[str, str, str]:
    # Timestamps compare by their UTC text: a time sent with an offset (API) is the stored
    # UTC time; a naive one (file import) is UTC already.
    if submitted_at is None:
        return mentor_id, mentee_id, ""
    if submitted_at.tzinfo is not None:
        submitted_at = submitted_at.astimezone(UTC)
    return mentor_id, mentee_id, submitted_at.replace(tzinfo=None).isoformat()


def upsert_feedback(session: Session, records: Sequence[dict[str, Any]]) -> FeedbackCounts:
    """One feedback per pair and submission time; an undated one per pair is replaced."""
    pairs = list({(r[F.MENTOR_ID], r[F.MENTEE_ID]) for r in records})
    existing: dict[tuple[str, str, str], FeedbackRow] = {}
    for chunk in batches(pairs, _CHUNK):
        query = select(FeedbackRow).where(
            tuple_(FeedbackRow.mentor_id, FeedbackRow.mentee_id).in_(chunk)
        )
        for row in session.scalars(query):
            existing[_key(row.mentor_id, row.mentee_id, row.submitted_at)] = row
    inserted = updated = unchanged = 0
    new_rows: list[dict[str, Any]] = []
    for record in records:
        key = _key(record[F.MENTOR_ID], record[F.MENTEE_ID], record.get(F.SUBMITTED_AT))
        stored = existing.get(key)
        if stored is None:
            new_rows.append(record)
            inserted += 1
        elif (stored.rating, stored.outcome) == (record[F.RATING], record.get(F.OUTCOME)):
            unchanged += 1
        else:
            stored.rating, stored.outcome = record[F.RATING], record.get(F.OUTCOME)
            updated += 1
    if new_rows:
        session.execute(insert(FeedbackRow), new_rows)
    return FeedbackCounts(inserted, updated, unchanged)


FeedbackStatus = Literal["inserted", "updated", "unchanged"]
INSERTED: Final = "inserted"
UPDATED: Final = "updated"
UNCHANGED: Final = "unchanged"


def upsert_one_feedback(session: Session, record: dict[str, Any]) -> tuple[int, FeedbackStatus]:
    """Record one feedback (API) like a file row; returns its id and INSERTED, UPDATED or
    UNCHANGED."""
    counts = upsert_feedback(session, [record])
    stamp = record.get(F.SUBMITTED_AT)
    query = select(FeedbackRow.id).where(
        FeedbackRow.mentor_id == record[F.MENTOR_ID],
        FeedbackRow.mentee_id == record[F.MENTEE_ID],
        FeedbackRow.submitted_at.is_(None) if stamp is None else FeedbackRow.submitted_at == stamp,
    )
    session.flush()
    feedback_id = session.scalar(query)
    if feedback_id is None:
        raise RuntimeError("feedback row missing right after its upsert")
    status: FeedbackStatus = (
        INSERTED if counts.inserted else UPDATED if counts.updated else UNCHANGED
    )
    return int(feedback_id), status


def all_feedback(session: Session) -> list[FeedbackRow]:
    return list(session.scalars(select(FeedbackRow).order_by(FeedbackRow.id)))


def replace_feedback_rows(session: Session, old_ids: Sequence[int], record: dict[str, Any]) -> int:
    """Delete the feedback rows `old_ids` and insert `record`; the new row's id.

    For answers through feedback links: a pairing's link answers keep one training row, its
    latest answer's, whatever imported rows it has beside it.
    """
    if old_ids:
        session.execute(delete(FeedbackRow).where(FeedbackRow.id.in_(list(old_ids))))
    row = FeedbackRow(**record)
    session.add(row)
    session.flush()
    return row.id
