"""Matching queries: store a draft, read, edit and list them, move one along its statuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, NamedTuple

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, defer

from recomentor.errors import NotFoundError
from recomentor.store.db import affected_rows, batches
from recomentor.store.tables import (
    MatchingPairRow,
    MatchingRemovedPairRow,
    MatchingRow,
    MatchingUnpairedRow,
    utcnow,
)

# A draft is approved (its pairs become pairings) or discarded; an approved matching is
# superseded once none of its pairings is active any more.
DRAFT: Final = "draft"
APPROVED: Final = "approved"
DISCARDED: Final = "discarded"
SUPERSEDED: Final = "superseded"
STATUSES: Final = (DRAFT, APPROVED, DISCARDED, SUPERSEDED)
_CHUNK = 2_000
_REASON_CHARS = 400


class StoredPair(NamedTuple):
    """A stored pair as checks and edits read it: who, how well, locked or not; not why."""

    id: int
    mentor_id: str
    mentee_id: str
    score: float
    locked: bool


class StoredUnpaired(NamedTuple):
    mentee_id: str
    reason: str  # "code: detail" (matching.service.stored_reason)


@dataclass(frozen=True)
class StoredMatching:
    """A matching with who each pair joins and who is unpaired, without the pairs'
    explanations: a draft over a whole program holds thousands, and checks never read them."""

    row: MatchingRow
    pairs: list[StoredPair]
    unpaired: list[StoredUnpaired]


def insert_matching(
    session: Session,
    *,
    matching_id: str,
    mode: str,
    objective: str,
    params: dict[str, Any],
    pairs: Sequence[dict[str, Any]],
    unpaired: Sequence[tuple[str, str]],
) -> MatchingRow:
    """A new draft with its pairs (mentor_id, mentee_id, score, explanation, locked) and
    unpaired mentees (mentee_id, reason); its row, with the defaults it was stored with."""
    row = MatchingRow(id=matching_id, status=DRAFT, mode=mode, objective=objective, params=params)
    session.add(row)
    session.flush()
    insert_pairs(session, matching_id, pairs)
    insert_unpaired(session, matching_id, unpaired)
    return row


def insert_pairs(session: Session, matching_id: str, pairs: Sequence[dict[str, Any]]) -> None:
    rows = [{**pair, "matching_id": matching_id} for pair in pairs]
    for chunk in batches(rows, _CHUNK):
        session.execute(insert(MatchingPairRow), chunk)


def insert_unpaired(
    session: Session, matching_id: str, unpaired: Sequence[tuple[str, str]]
) -> None:
    reasons = [
        {"matching_id": matching_id, "mentee_id": mentee_id, "reason": clipped_reason(reason)}
        for mentee_id, reason in unpaired
    ]
    for chunk in batches(reasons, _CHUNK):
        session.execute(insert(MatchingUnpairedRow), chunk)


def clipped_reason(reason: str) -> str:
    """An unpaired mentee's reason as it is stored."""
    return reason[:_REASON_CHARS]


def matching_row(session: Session, matching_id: str) -> MatchingRow:
    row = session.get(MatchingRow, matching_id)
    if row is None:
        raise NotFoundError("matching", matching_id)
    return row


# The order a matching's pairs and unpaired mentees are read and shown in.
_PAIR_ORDER: Final = (MatchingPairRow.mentor_id, MatchingPairRow.mentee_id)
_UNPAIRED_ORDER: Final = (MatchingUnpairedRow.mentee_id,)


def read_matching(session: Session, matching_id: str) -> StoredMatching:
    row = matching_row(session, matching_id)
    pairs = session.execute(
        select(
            MatchingPairRow.id,
            MatchingPairRow.mentor_id,
            MatchingPairRow.mentee_id,
            MatchingPairRow.score,
            MatchingPairRow.locked,
        )
        .where(MatchingPairRow.matching_id == matching_id)
        .order_by(*_PAIR_ORDER)
    )
    return StoredMatching(
        row, [StoredPair(*pair) for pair in pairs], unpaired_rows(session, matching_id)
    )


@dataclass(frozen=True)
class MatchingSizes:
    pairs: int
    unpaired: int
    total_score: float  # the sum of the pairs' scores


def matching_sizes(session: Session, matching_id: str) -> MatchingSizes:
    pairs, total = session.execute(
        select(func.count(), func.coalesce(func.sum(MatchingPairRow.score), 0.0)).where(
            MatchingPairRow.matching_id == matching_id
        )
    ).one()
    unpaired = session.scalar(
        select(func.count()).where(MatchingUnpairedRow.matching_id == matching_id)
    )
    return MatchingSizes(int(pairs), int(unpaired or 0), float(total))


def pair_rows(
    session: Session, matching_id: str, *, offset: int = 0, limit: int | None = None
) -> list[MatchingPairRow]:
    """The matching's pairs with their explanations, in read_matching's order; `limit` of
    them from `offset`, or all."""
    of_matching = MatchingPairRow.matching_id == matching_id
    query = select(MatchingPairRow).where(of_matching).order_by(*_PAIR_ORDER)
    if offset or limit is not None:
        # The window's ids first: sorting whole rows would carry every pair's explanation.
        window = (
            select(MatchingPairRow.id)
            .where(of_matching)
            .order_by(*_PAIR_ORDER)
            .offset(offset)
            .limit(limit)
        )
        query = select(MatchingPairRow).where(MatchingPairRow.id.in_(window)).order_by(*_PAIR_ORDER)
    return list(session.scalars(query))


def unpaired_rows(
    session: Session, matching_id: str, *, offset: int = 0, limit: int | None = None
) -> list[StoredUnpaired]:
    """The matching's unpaired mentees by id; `limit` of them from `offset`, or all."""
    rows = session.execute(
        select(MatchingUnpairedRow.mentee_id, MatchingUnpairedRow.reason)
        .where(MatchingUnpairedRow.matching_id == matching_id)
        .order_by(*_UNPAIRED_ORDER)
        .offset(offset)
        .limit(limit)
    )
    return [StoredUnpaired(*entry) for entry in rows]


@dataclass(frozen=True)
class MatchingListing:
    """One row of the list of matchings: the stored row (without its params) and the size of
    its result."""

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
        # A list shows no parameters; a draft's hold every mentor's load, 100 KB of JSON
        # over a whole program, decoded for nothing on each view of the list or the overview.
        .options(defer(MatchingRow.params, raiseload=True))
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


def lock_matching(session: Session, matching_id: str) -> StoredMatching:
    """Take a matching for a change: bump its version, then read it; call it first in the unit.

    The write comes first on purpose. It locks the row on PostgreSQL and takes SQLite's write
    lock, so a second edit or an approval of the same matching waits until this transaction
    ends, and the reads that follow see every change committed before. NotFoundError when
    there is no such matching.
    """
    session.execute(
        update(MatchingRow)
        .where(MatchingRow.id == matching_id)
        .values(version=MatchingRow.version + 1)
    )
    return read_matching(session, matching_id)


def set_params(session: Session, matching_id: str, params: dict[str, Any]) -> None:
    session.execute(update(MatchingRow).where(MatchingRow.id == matching_id).values(params=params))


def set_pair_locked(session: Session, pair_id: int, locked: bool) -> None:
    session.execute(
        update(MatchingPairRow).where(MatchingPairRow.id == pair_id).values(locked=locked)
    )


def delete_pairs(session: Session, pair_ids: Sequence[int]) -> None:
    for chunk in batches(list(pair_ids), _CHUNK):
        session.execute(delete(MatchingPairRow).where(MatchingPairRow.id.in_(chunk)))


def delete_unpaired(session: Session, matching_id: str, mentee_ids: Sequence[str]) -> None:
    for chunk in batches(list(mentee_ids), _CHUNK):
        session.execute(
            delete(MatchingUnpairedRow).where(
                MatchingUnpairedRow.matching_id == matching_id,
                MatchingUnpairedRow.mentee_id.in_(chunk),
            )
        )


def removed_pairs(session: Session, matching_id: str) -> set[tuple[str, str]]:
    """(mentor_id, mentee_id) of the pairs HR took out of this matching."""
    rows = session.execute(
        select(MatchingRemovedPairRow.mentor_id, MatchingRemovedPairRow.mentee_id).where(
            MatchingRemovedPairRow.matching_id == matching_id
        )
    )
    return {(mentor_id, mentee_id) for mentor_id, mentee_id in rows}


def add_removed_pair(session: Session, matching_id: str, mentor_id: str, mentee_id: str) -> None:
    """Remember a pair HR took out; the caller holds the matching (lock_matching), so checking
    first cannot race."""
    if (mentor_id, mentee_id) not in removed_pairs(session, matching_id):
        removed = MatchingRemovedPairRow(
            matching_id=matching_id, mentor_id=mentor_id, mentee_id=mentee_id
        )
        session.add(removed)
        session.flush()


def forget_removed_pair(session: Session, matching_id: str, mentor_id: str, mentee_id: str) -> None:
    """HR formed this pair again by hand: it is no longer one they took out."""
    session.execute(
        delete(MatchingRemovedPairRow).where(
            MatchingRemovedPairRow.matching_id == matching_id,
            MatchingRemovedPairRow.mentor_id == mentor_id,
            MatchingRemovedPairRow.mentee_id == mentee_id,
        )
    )


def pair_keys(session: Session, matching_id: str) -> list[tuple[str, str]]:
    """(mentor_id, mentee_id) of every pair of the matching."""
    rows = session.execute(
        select(MatchingPairRow.mentor_id, MatchingPairRow.mentee_id).where(
            MatchingPairRow.matching_id == matching_id
        )
    )
    return [(mentor_id, mentee_id) for mentor_id, mentee_id in rows]
