"""Pairing queries: the pairs in force, one pairing, listing by page, forming and ending."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from recomentor.errors import NotFoundError
from recomentor.fields import MUTUAL
from recomentor.store.db import affected_rows, batches
from recomentor.store.tables import PairingRow, utcnow

ACTIVE: Final = "active"
ENDED: Final = "ended"
STATUSES: Final = (ACTIVE, ENDED)
_CHUNK = 2_000
# Any constant works: every process that changes pairings takes the same lock.
_PAIRINGS_LOCK = 0x7265636F  # "reco"


def lock_pairings(session: Session) -> None:
    """Serialise changes to pairings until the transaction ends; call it first in the unit.

    Checking capacities and then inserting is a read-then-write: two approvals running side by
    side would each see the other's mentors as free. PostgreSQL takes an advisory lock; SQLite
    takes its single write lock now, with a write that changes nothing, so the reads that
    follow already see every committed pairing.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PAIRINGS_LOCK})
    else:
        session.execute(update(PairingRow).where(text("0 = 1")).values(status=ACTIVE))


def pairing_rows(session: Session) -> list[tuple[str, str, str]]:
    """(mentor_id, mentee_id, status) of every pairing, active and ended."""
    rows = session.execute(select(PairingRow.mentor_id, PairingRow.mentee_id, PairingRow.status))
    return [(mentor, mentee, status) for mentor, mentee, status in rows]


def rated_pairs(session: Session) -> set[tuple[str, str]]:
    """(mentor_id, mentee_id) that feedback may name: every pairing, active or ended; a mutual
    pairing has no direction, so either order."""
    pairs: set[tuple[str, str]] = set()
    rows = session.execute(select(PairingRow.mentor_id, PairingRow.mentee_id, PairingRow.mode))
    for mentor_id, mentee_id, mode in rows:
        pairs.add((mentor_id, mentee_id))
        if mode == MUTUAL:
            pairs.add((mentee_id, mentor_id))
    return pairs


def was_paired(session: Session, mentor_id: str, mentee_id: str) -> bool:
    """Whether feedback may name this pair (see rated_pairs)."""
    query = select(PairingRow.id).where(
        ((PairingRow.mentor_id == mentor_id) & (PairingRow.mentee_id == mentee_id))
        | (
            (PairingRow.mentor_id == mentee_id)
            & (PairingRow.mentee_id == mentor_id)
            & (PairingRow.mode == MUTUAL)
        )
    )
    return session.scalars(query.limit(1)).first() is not None


def get_pairing(session: Session, pairing_id: int) -> PairingRow:
    row = session.get(PairingRow, pairing_id)
    if row is None:
        raise NotFoundError("pairing", str(pairing_id))
    return row


def find_pairing(session: Session, mentor_id: str, mentee_id: str) -> PairingRow:
    """The pairing of this mentor with this mentee (there is at most one)."""
    row = session.scalar(
        select(PairingRow).where(
            PairingRow.mentor_id == mentor_id, PairingRow.mentee_id == mentee_id
        )
    )
    if row is None:
        raise NotFoundError("pairing", f"{mentor_id}->{mentee_id}")
    return row


def list_pairing_rows(
    session: Session,
    *,
    status: str | None = None,
    participant_id: str | None = None,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[PairingRow]:
    """Pairings in id order (the order they were formed), optionally one page after `after_id`."""
    query = select(PairingRow).order_by(PairingRow.id)
    if status is not None:
        query = query.where(PairingRow.status == status)
    if participant_id is not None:
        query = query.where(
            (PairingRow.mentor_id == participant_id) | (PairingRow.mentee_id == participant_id)
        )
    if after_id is not None:
        query = query.where(PairingRow.id > after_id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def insert_pairings(
    session: Session, pairs: Sequence[tuple[str, str]], *, mode: str, matching_id: str | None
) -> None:
    """Form these (mentor_id, mentee_id) pairs as active pairings."""
    now = utcnow()
    rows = [
        {
            "mentor_id": mentor_id,
            "mentee_id": mentee_id,
            "mode": mode,
            "matching_id": matching_id,
            "created_at": now,
            "status": ACTIVE,
        }
        for mentor_id, mentee_id in pairs
    ]
    for chunk in batches(rows, _CHUNK):
        session.execute(insert(PairingRow), list(chunk))


def add_pairing(session: Session, mentor_id: str, mentee_id: str, *, mode: str) -> PairingRow:
    """One active pairing formed by hand, with its id."""
    row = PairingRow(mentor_id=mentor_id, mentee_id=mentee_id, mode=mode, status=ACTIVE)
    session.add(row)
    session.flush()
    return row


def end_pairing_row(session: Session, pairing_id: int, reason: str, when: datetime) -> bool:
    """Mark an active pairing ended; False when it was not active (any more)."""
    changed = session.execute(
        update(PairingRow)
        .where(PairingRow.id == pairing_id, PairingRow.status == ACTIVE)
        .values(status=ENDED, ended_at=when, end_reason=reason)
    )
    return affected_rows(changed) == 1


def active_count_of_matching(session: Session, matching_id: str) -> int:
    query = select(func.count()).where(
        PairingRow.matching_id == matching_id, PairingRow.status == ACTIVE
    )
    return int(session.scalar(query) or 0)


def pairing_page(
    session: Session, *, status: str, offset: int, limit: int
) -> tuple[list[PairingRow], int]:
    """One page of the pairings of one status, latest first (formed or ended), and their count."""
    latest = PairingRow.ended_at.desc() if status == ENDED else PairingRow.created_at.desc()
    query = select(PairingRow).where(PairingRow.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(latest, PairingRow.id.desc()).offset(offset).limit(limit))
    return list(rows), int(total or 0)
