"""Pairings in force and past: list them, pair two people by hand, end one."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal, get_args

import msgspec

from recomentor import fields as F
from recomentor.errors import ConflictError, InvalidInputError, PairsConflictError
from recomentor.matching.conflicts import find_conflicts
from recomentor.matching.rules import MAX_CAPACITY
from recomentor.ranking.candidates import check_mode
from recomentor.ranking.capacity import MENTORS_PER_MENTEE, PairingState
from recomentor.ranking.roster import Roster
from recomentor.store import Store
from recomentor.store.matchings import APPROVED, SUPERSEDED, change_status
from recomentor.store.pairings import (
    STATUSES,
    active_count_of_matching,
    add_pairing,
    end_pairing_row,
    find_pairing,
    get_pairing,
    list_pairing_rows,
    lock_pairings,
    pairing_page,
    pairing_rows,
)
from recomentor.store.tables import PairingRow, utcnow

# Why a pairing ended: a fixed vocabulary, so no free text (and no personal data) is stored.
# `mistake` undoes a pairing that should not have been formed.
EndReason = Literal["completed", "dropped", "rematched", "mistake", "other"]
END_REASONS: Final[tuple[str, ...]] = get_args(EndReason)


class Pairing(msgspec.Struct, kw_only=True):
    """An approved pair (`pairings list --json`, `GET /pairings`)."""

    id: int
    mentor_id: str
    mentee_id: str
    mode: str
    # The matching that formed it; null when formed by hand.
    matching_id: str | None
    status: str  # active or ended
    created_at: datetime
    ended_at: datetime | None
    end_reason: str | None


def _pairing(row: PairingRow) -> Pairing:
    return Pairing(
        id=row.id,
        mentor_id=row.mentor_id,
        mentee_id=row.mentee_id,
        mode=row.mode,
        matching_id=row.matching_id,
        status=row.status,
        created_at=row.created_at,
        ended_at=row.ended_at,
        end_reason=row.end_reason,
    )


def check_pairing_status(status: str | None) -> str | None:
    if status is not None and status not in STATUSES:
        raise InvalidInputError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    return status


def list_pairings(
    store: Store,
    *,
    status: str | None = None,
    participant_id: str | None = None,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[Pairing]:
    """Pairings in the order they were formed, optionally only one status or one person's."""
    check_pairing_status(status)
    with store.session() as session:
        rows = list_pairing_rows(
            session, status=status, participant_id=participant_id, after_id=after_id, limit=limit
        )
        return [_pairing(row) for row in rows]


def get_pairing_by_id(store: Store, pairing_id: int) -> Pairing:
    with store.session() as session:
        return _pairing(get_pairing(session, pairing_id))


def pair_by_hand(
    store: Store,
    roster: Roster,
    mentor_id: str,
    mentee_id: str,
    *,
    mode: str = F.REVERSE,
    min_gap: float,
    max_mentors: int = MENTORS_PER_MENTEE,
) -> Pairing:
    """Form one pairing outside any matching, under the checks an approval makes.

    `max_mentors`: how many mentors in force the mentee may have, this one included (a
    program that gives a mentee several, as a matching's max_mentors does).
    NotFoundError for an unknown id; PairsConflictError names the reason when the pair cannot
    be formed now.
    """
    check_mode(mode)
    if mentor_id == mentee_id:
        raise InvalidInputError("mentor_id and mentee_id must be two different participants")
    if not 1 <= max_mentors <= MAX_CAPACITY:
        raise InvalidInputError(f"max_mentors must be from 1 to {MAX_CAPACITY}, got {max_mentors}")
    if mode == F.MUTUAL and max_mentors > 1:
        raise InvalidInputError("a mutual pairing joins two partners: max_mentors must be 1")
    for person in (mentor_id, mentee_id):
        roster.position(person)  # NotFoundError for an unknown id
    with store.session() as session:
        lock_pairings(session)
        conflicts = find_conflicts(
            roster,
            PairingState.of(pairing_rows(session)),
            [(mentor_id, mentee_id)],
            mode=mode,
            min_gap=min_gap,
            max_mentors=max_mentors,
        )
        if conflicts:
            raise PairsConflictError(
                f"{mentor_id} cannot be paired with {mentee_id} now: {conflicts[0].reason}",
                conflicts,
            )
        return _pairing(add_pairing(session, mentor_id, mentee_id, mode=mode))


def end_pairing(store: Store, pairing_id: int, reason: str) -> Pairing:
    """End an active pairing: it frees the mentor's slot and the mentee, and stays as history.

    An approved matching whose pairings have all ended becomes superseded.
    """
    if reason not in END_REASONS:
        raise InvalidInputError(f"reason must be one of {', '.join(END_REASONS)}, got {reason!r}")
    with store.session() as session:
        lock_pairings(session)
        row = get_pairing(session, pairing_id)
        if not end_pairing_row(session, pairing_id, reason, utcnow()):
            raise ConflictError(f"pairing {pairing_id} has already ended")
        if row.matching_id is not None and not active_count_of_matching(session, row.matching_id):
            change_status(session, row.matching_id, before=APPROVED, after=SUPERSEDED)
        session.refresh(row)
        return _pairing(row)


def end_pairing_of(store: Store, mentor_id: str, mentee_id: str, reason: str) -> Pairing:
    """End the pairing of this mentor with this mentee (the CLI names people, not ids)."""
    with store.session() as session:
        pairing_id = find_pairing(session, mentor_id, mentee_id).id
    return end_pairing(store, pairing_id, reason)


def pairings_page(
    store: Store, *, status: str, offset: int, limit: int
) -> tuple[list[Pairing], int]:
    """One page of the pairings of `status`, latest first, and how many there are in all."""
    check_pairing_status(status)
    with store.session() as session:
        rows, total = pairing_page(session, status=status, offset=offset, limit=limit)
        return [_pairing(row) for row in rows], total
