"""Matching queries: store a draft, read it back, list them, move one along its statuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from recomentor.errors import NotFoundError
from recomentor.store.db import affected_rows, batches
from recomentor.store.tables import MatchingPairRow, MatchingRow, MatchingUnpairedRow, utcnow

# A draft is approved (its pairs become pairings) or discarded; an approved matching is
# superseded once none of its pairings is active any more.
DRAFT: Final = "draft"
APPROVED: Final = "approved"
DISCARDED: Final = "discarded"
SUPERSEDED: Final = "superseded"
STATUSES: Final = (DRAFT, APPROVED, DISCARDED, SUPERSEDED)
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


@dataclass(frozen=True)
class MatchingListing:
    """One row of the list of matchings: the stored row and the size of its result."""

    row: MatchingRow
    pair_count: int
    unpaired_count: int
    total_score: float


def list_matching_rows(
    session: Session,
    *,
    status: str | None = None,
    after: tuple[datetime, str] | None = None,
    limit: int | None = None,
) -> list[MatchingListing]:
    """Matchings newest first (ties by id), optionally one page after `after` (created_at, id)."""
    pairs = (
        select(
            MatchingPairRow.matching_id,
            func.count().label("n"),
            func.sum(MatchingPairRow.score).label("total"),
        )
        .group_by(MatchingPairRow.matching_id)
        .subquery()
    )
    unpaired = (
        select(MatchingUnpairedRow.matching_id, func.count().label("n"))
        .group_by(MatchingUnpairedRow.matching_id)
        .subquery()
    )
    query = (
        select(
            MatchingRow,
            func.coalesce(pairs.c.n, 0),
            func.coalesce(unpaired.c.n, 0),
            func.coalesce(pairs.c.total, 0.0),
        )
        .outerjoin(pairs, pairs.c.matching_id == MatchingRow.id)
        .outerjoin(unpaired, unpaired.c.matching_id == MatchingRow.id)
        .order_by(MatchingRow.created_at.desc(), MatchingRow.id.desc())
    )
    if status is not None:
        query = query.where(MatchingRow.status == status)
    if after is not None:
        created_at, matching_id = after
        query = query.where(
            or_(
                MatchingRow.created_at < created_at,
                and_(MatchingRow.created_at == created_at, MatchingRow.id < matching_id),
            )
        )
    if limit is not None:
        query = query.limit(limit)
    return [
        MatchingListing(row, int(n_pairs), int(n_unpaired), float(total))
        for row, n_pairs, n_unpaired, total in session.execute(query)
    ]


def change_status(session: Session, matching_id: str, *, before: str, after: str) -> bool:
    """Move a matching from one status to the next; False when it was not in `before`.

    Guarded on the old status, so of two concurrent changes only one succeeds.
    """
    values: dict[str, Any] = {"status": after}
    if after == APPROVED:
        values["approved_at"] = utcnow()
    changed = session.execute(
        update(MatchingRow)
        .where(MatchingRow.id == matching_id, MatchingRow.status == before)
        .values(**values)
    )
    return affected_rows(changed) == 1
