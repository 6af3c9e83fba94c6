"""Pairings formed so far, as limits on new pairs: slots left per mentor, mentees taken."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np

from recomentor import fields as F
from recomentor.ranking.roster import Roster
from recomentor.store.pairings import ACTIVE, pairing_rows

if TYPE_CHECKING:
    from recomentor.store import Store

# A mentee has one mentor at a time unless the program allows more (rules' max_mentors).
MENTORS_PER_MENTEE: Final = 1


@dataclass(frozen=True)
class PairingState:
    """Every pair ever formed (an ended pairing is not proposed again) and those in force."""

    formed: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    active: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, str]]) -> PairingState:
        """From (mentor_id, mentee_id, status) rows."""
        rows = list(rows)
        return cls(
            formed=frozenset((mentor, mentee) for mentor, mentee, _ in rows),
            active=tuple((mentor, mentee) for mentor, mentee, status in rows if status == ACTIVE),
        )


NO_PAIRINGS: Final = PairingState()


@dataclass(frozen=True, eq=False)
class Room:
    """Per roster position: how many more mentees one may take, and how many more mentors."""

    mentor_slots: np.ndarray  # int64; 0 or less = at capacity
    mentee_slots: np.ndarray  # int64; 0 or less = may take no further mentor

    @property
    def mentee_taken(self) -> np.ndarray:
        return self.mentee_slots <= 0


def room_left(
    roster: Roster,
    state: PairingState,
    mode: str,
    *,
    capacity: np.ndarray | None = None,
    mentors_per_mentee: int = MENTORS_PER_MENTEE,
) -> Room:
    """What active pairings leave of each person's capacity (`capacity`: max_mentees).

    In reverse and classic mode a mentor's active pairings use their slots and a mentee's
    active mentors use theirs (`mentors_per_mentee` in all). Mutual pairs have no direction:
    anyone in an active pairing, on either side, is taken.
    """
    base = roster.max_mentees if capacity is None else capacity
    n = len(roster)
    mentor_load = np.zeros(n, dtype=np.int64)
    mentors_of = np.zeros(n, dtype=np.int64)
    for mentor_id, mentee_id in state.active:
        mentor, mentee = roster.index.get(mentor_id), roster.index.get(mentee_id)
        if mentor is not None:
            mentor_load[mentor] += 1
        if mentee is not None:
            mentors_of[mentee] += 1
    if mode == F.MUTUAL:
        busy = (mentor_load + mentors_of) > 0
        return Room(np.where(busy, 0, base).astype(np.int64), np.where(busy, 0, 1))
    return Room((base - mentor_load).astype(np.int64), mentors_per_mentee - mentors_of)


def read_pairing_state(store: Store) -> PairingState:
    """The pairings as stored now: a small query, read per request so nothing goes stale."""
    with store.session() as session:
        return PairingState.of(pairing_rows(session))
