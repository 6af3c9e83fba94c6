"""Matching queries: store a draft, read it back, approve it into pairings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from recomentor.errors import ConflictError, NotFoundError
from recomentor.store.db import affected_rows, batches
from recomentor.store.tables import (
    MatchingPairRow,
    MatchingRow,
    MatchingUnpairedRow,
    PairingRow,
    utcnow,
)

DRAFT: Final = "draft"
APPROVED: Final = "approved"
_CHUNK = 2_000
_REASON_CHARS = 400


@dataclass(frozen=True)
class StoredMatching:
    row: MatchingRow
    pairs: list[MatchingPairRow]
    unpaired: list[MatchingUnpairedRow]


def insert_matching(
    session: Session,
    *,
    matching_id: str,
    mode: str,
    objective: str,
    params: dict[str, Any],
    pairs: Sequence[dict[str, Any]],
    unpaired: Sequence[tuple[str, str]],
) -> None:
    """A new draft with its pairs (mentor_id, mentee_id, score, explanation) and unpaired
    mentees (mentee_id, reason)."""
    session.add(
        MatchingRow(id=matching_id, status=DRAFT, mode=mode, objective=objective, params=params)
    )
    session.flush()
    rows = [{**pair, "matching_id": matching_id} for pair in pairs]
    for chunk in batches(rows, _CHUNK):
        session.execute(insert(MatchingPairRow), chunk)
    reasons = [
        {"matching_id": matching_id, "mentee_id": mentee_id, "reason": reason[:_REASON_CHARS]}
        for mentee_id, reason in unpaired
    ]
    for chunk in batches(reasons, _CHUNK):
        session.execute(insert(MatchingUnpairedRow), chunk)


def read_matching(session: Session, matching_id: str) -> StoredMatching:
    row = session.get(MatchingRow, matching_id)
    if row is None:
        raise NotFoundError("matching", matching_id)
    pairs = session.scalars(
        select(MatchingPairRow)
        .where(MatchingPairRow.matching_id == matching_id)
        .order_by(MatchingPairRow.mentor_id, MatchingPairRow.mentee_id)
    )
    unpaired = session.scalars(
        select(MatchingUnpairedRow)
        .where(MatchingUnpairedRow.matching_id == matching_id)
        .order_by(MatchingUnpairedRow.mentee_id)
    )
    return StoredMatching(row, list(pairs), list(unpaired))


def formed_pairs(session: Session) -> list[tuple[str, str]]:
    """Every (mentor_id, mentee_id) already approved, from any matching or recorded directly."""
    rows = session.execute(select(PairingRow.mentor_id, PairingRow.mentee_id))
    return [(mentor_id, mentee_id) for mentor_id, mentee_id in rows]


def approve_stored_matching(session: Session, matching_id: str) -> None:
    """Turn a draft's pairs into pairings; a matching is approved once, and never re-forms a
    pair another approval already formed."""
    stored = read_matching(session, matching_id)
    if stored.row.status != DRAFT:
        raise ConflictError(f"matching {matching_id} is already {stored.row.status}")
    keys = [(pair.mentor_id, pair.mentee_id) for pair in stored.pairs]
    clashes = 0
    for chunk in batches(keys, _CHUNK):
        existing = select(PairingRow.id).where(
            tuple_(PairingRow.mentor_id, PairingRow.mentee_id).in_(chunk)
        )
        clashes += len(session.scalars(existing).all())
    if clashes:
        raise ConflictError(
            f"{clashes} pairs of matching {matching_id} were approved since it was drafted; "
            "create a new matching"
        )
    # Guarded on the status so two concurrent approvals cannot both succeed.
    changed = session.execute(
        update(MatchingRow)
        .where(MatchingRow.id == matching_id, MatchingRow.status == DRAFT)
        .values(status=APPROVED, approved_at=utcnow())
    )
    if affected_rows(changed) != 1:
        raise ConflictError(f"matching {matching_id} is already approved")
    now = utcnow()
    pairings = [
        {
            "mentor_id": mentor_id,
            "mentee_id": mentee_id,
            "mode": stored.row.mode,
            "matching_id": matching_id,
            "created_at": now,
        }
        for mentor_id, mentee_id in keys
    ]
    for batch in batches(pairings, _CHUNK):
        session.execute(insert(PairingRow), batch)
    session.expire(stored.row)
