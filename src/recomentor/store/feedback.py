"""Feedback queries: idempotent upsert by (mentor, mentee, submitted_at) and reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, tuple_
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
    # Timestamps compare by their UTC text; SQLite returns naive values, PostgreSQL aware ones.
    stamp = "" if submitted_at is None else submitted_at.replace(tzinfo=None).isoformat()
    return mentor_id, mentee_id, stamp


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


def add_feedback(session: Session, record: dict[str, Any]) -> int:
    """Record one feedback (API); returns its id."""
    row = FeedbackRow(**{name: record.get(name) for name in F.FEEDBACK_FIELDS})
    session.add(row)
    session.flush()
    return row.id


def all_feedback(session: Session) -> list[FeedbackRow]:
    return list(session.scalars(select(FeedbackRow).order_by(FeedbackRow.id)))
