"""Hard constraints on pairs, checked with boolean masks over whole arrays of pairs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.ranking.roster import Roster

# Exclusion reasons in the order they are checked: a pair is counted under its first one. A
# pair formed before is `already_paired` even when its mentor is now at capacity: that is the
# more specific reason. `at_capacity` covers both sides: the mentor has no slot left, or the
# mentee already has an active mentor.
SAME_PERSON: Final = "same_person"
WRONG_ROLE: Final = "wrong_role"
OWN_MANAGER: Final = "own_manager"
NO_COMMON_LANGUAGE: Final = "no_common_language"
WRONG_DIRECTION: Final = "wrong_direction"
# The seniority gap is beyond the program's max_gap.
GAP_TOO_WIDE: Final = "gap_too_wide"
AT_CAPACITY: Final = "at_capacity"
ALREADY_PAIRED: Final = "already_paired"
EXCLUDED: Final = "excluded"
REASONS: Final = (
    SAME_PERSON,
    WRONG_ROLE,
    OWN_MANAGER,
    NO_COMMON_LANGUAGE,
    WRONG_DIRECTION,
    GAP_TOO_WIDE,
    ALREADY_PAIRED,
    AT_CAPACITY,
    EXCLUDED,
)
ELIGIBLE: Final = 0
_CODE = {reason: code for code, reason in enumerate(REASONS, start=1)}
# Years are floats; a gap of exactly min_gap must pass despite rounding.
_YEARS_TOLERANCE = 1e-9

PairIds = Iterable[tuple[str, str]]


def check_mode(mode: str) -> str:
    if mode not in F.MODES:
        raise InvalidInputError(f"mode must be one of {', '.join(F.MODES)}, got {mode!r}")
    return mode


def _pair_keys(roster: Roster, pairs: PairIds) -> np.ndarray:
    """Order-free integer keys of the pairs whose two people are both in the roster."""
    keys = []
    n = len(roster)
    for first_id, second_id in pairs:
        first, second = roster.index.get(first_id), roster.index.get(second_id)
        if first is not None and second is not None:
            keys.append(min(first, second) * n + max(first, second))
    return np.unique(np.asarray(keys, dtype=np.int64))


def _in_pairs(roster: Roster, mentor: np.ndarray, mentee: np.ndarray, pairs: PairIds) -> np.ndarray:
    keys = _pair_keys(roster, pairs)
    if keys.size == 0:
        return np.zeros(mentor.shape, dtype=bool)
    n = len(roster)
    return np.isin(np.minimum(mentor, mentee) * n + np.maximum(mentor, mentee), keys)


def pair_exclusion_codes(
    roster: Roster,
    mentor_idx: np.ndarray,
    mentee_idx: np.ndarray,
    mode: str,
    *,
    min_gap: float,
    max_gap: float | None = None,
    paired_pairs: PairIds = frozenset(),
    exclude_pairs: PairIds = frozenset(),
    capacity_left: np.ndarray | None = None,
    mentee_taken: np.ndarray | None = None,
) -> np.ndarray:
    """For each (mentor, mentee) pair: 0 when eligible, else 1 + the index of its first reason.

    `max_gap` (years, None = no bound) bounds the seniority gap as `min_gap` floors it: the
    mentee's years minus the mentor's in reverse mode, the opposite in classic mode, either
    way in mutual mode.

    In mutual mode the orientation of a pair does not matter: roles need only fit one way, and
    capacity is checked on the side given as mentor. `capacity_left` (per person, remaining
    mentee slots) defaults to the declared `max_mentees`; `mentee_taken` (per person) marks
    who may take no further mentor (ranking.capacity.room_left gives both).
    """
    check_mode(mode)
    mentor_idx = np.asarray(mentor_idx, dtype=np.int64)
    mentee_idx = np.asarray(mentee_idx, dtype=np.int64)
    # Reasons in order of precedence; a pair failing several is counted under the first.
    failing: list[tuple[str, np.ndarray]] = [(SAME_PERSON, mentor_idx == mentee_idx)]
    can_mentor, can_be_mentee = roster.can_mentor, roster.can_be_mentee
    roles_fit = can_mentor[mentor_idx] & can_be_mentee[mentee_idx]
    if mode == F.MUTUAL:
        roles_fit |= can_mentor[mentee_idx] & can_be_mentee[mentor_idx]
    failing.append((WRONG_ROLE, ~roles_fit))
    own_manager = (roster.manager[mentor_idx] == mentee_idx) | (
        roster.manager[mentee_idx] == mentor_idx
    )
    failing.append((OWN_MANAGER, own_manager))
    mentor_languages, mentee_languages = roster.languages[mentor_idx], roster.languages[mentee_idx]
    # A pair needs a common language only when both people named some.
    failing.append(
        (
            NO_COMMON_LANGUAGE,
            (mentor_languages != 0)
            & (mentee_languages != 0)
            & ((mentor_languages & mentee_languages) == 0),
        )
    )
    mentor_years, mentee_years = roster.years[mentor_idx], roster.years[mentee_idx]
    if mode == F.REVERSE:
        failing.append((WRONG_DIRECTION, mentor_years + min_gap > mentee_years + _YEARS_TOLERANCE))
    elif mode == F.CLASSIC:
        failing.append((WRONG_DIRECTION, mentee_years + min_gap > mentor_years + _YEARS_TOLERANCE))
    if max_gap is not None:
        gap = {
            F.REVERSE: mentee_years - mentor_years,
            F.CLASSIC: mentor_years - mentee_years,
        }.get(mode, np.abs(mentee_years - mentor_years))
        failing.append((GAP_TOO_WIDE, gap > max_gap + _YEARS_TOLERANCE))
    if paired_pairs:
        failing.append((ALREADY_PAIRED, _in_pairs(roster, mentor_idx, mentee_idx, paired_pairs)))
    capacity = roster.max_mentees if capacity_left is None else np.asarray(capacity_left)
    full = capacity[mentor_idx] <= 0
    if mentee_taken is not None:
        full |= np.asarray(mentee_taken)[mentee_idx]
    failing.append((AT_CAPACITY, full))
    if exclude_pairs:
        failing.append((EXCLUDED, _in_pairs(roster, mentor_idx, mentee_idx, exclude_pairs)))
    codes = np.zeros(mentor_idx.shape, dtype=np.int8)
    # Last written wins: writing from the last reason to the first leaves the first one.
    for reason, mask in reversed(failing):
        codes[mask] = _CODE[reason]
    return codes


def eligible_pairs(
    roster: Roster,
    mentor_idx: np.ndarray,
    mentee_idx: np.ndarray,
    mode: str,
    *,
    min_gap: float,
    max_gap: float | None = None,
    paired_pairs: PairIds = frozenset(),
    exclude_pairs: PairIds = frozenset(),
    capacity_left: np.ndarray | None = None,
    mentee_taken: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean mask of the (mentor, mentee) pairs that pass every hard constraint."""
    codes = pair_exclusion_codes(
        roster,
        mentor_idx,
        mentee_idx,
        mode,
        min_gap=min_gap,
        max_gap=max_gap,
        paired_pairs=paired_pairs,
        exclude_pairs=exclude_pairs,
        capacity_left=capacity_left,
        mentee_taken=mentee_taken,
    )
    return codes == ELIGIBLE


def count_reasons(codes: np.ndarray) -> dict[str, int]:
    """Excluded pairs per reason, every reason present (zeros included) for a stable shape."""
    counts = np.bincount(codes.astype(np.int64), minlength=len(REASONS) + 1)
    return {reason: int(counts[_CODE[reason]]) for reason in REASONS}


@dataclass(frozen=True, eq=False)
class CandidateSet:
    """Eligible partners of one person and which side of the pair the person is on."""

    person: int
    mode: str
    partners: np.ndarray  # int64 roster positions
    person_is_mentor: np.ndarray  # bool, aligned with partners
    excluded: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.partners.size)

    @property
    def mentor_idx(self) -> np.ndarray:
        return np.where(self.person_is_mentor, self.person, self.partners)

    @property
    def mentee_idx(self) -> np.ndarray:
        return np.where(self.person_is_mentor, self.partners, self.person)


def find_candidates(
    roster: Roster,
    person: str | int,
    mode: str = F.REVERSE,
    *,
    min_gap: float,
    role: str | None = None,
    paired_pairs: PairIds = frozenset(),
    exclude_pairs: PairIds = frozenset(),
    capacity_left: np.ndarray | None = None,
    mentee_taken: np.ndarray | None = None,
) -> CandidateSet:
    """Everyone who may be paired with `person`, and why the others may not.

    `role` restricts the side the person takes (mentor or mentee) in reverse and classic
    mode; by default a `both` person mentors partners who are more senior in reverse mode
    (less senior in classic mode) and is mentored by the others. Mutual mode ignores it.
    """
    check_mode(mode)
    if role is not None and role not in (F.MENTOR, F.MENTEE):
        raise InvalidInputError(f"role must be mentor or mentee, got {role!r}")
    me = roster.position(person) if isinstance(person, str) else int(person)
    everyone = np.arange(len(roster), dtype=np.int64)
    may_mentor = bool(roster.can_mentor[me]) and role in (None, F.MENTOR)
    may_be_mentee = bool(roster.can_be_mentee[me]) and role in (None, F.MENTEE)
    if mode == F.MUTUAL:
        may_mentor, may_be_mentee = bool(roster.can_mentor[me]), bool(roster.can_be_mentee[me])
    i_mentor = may_mentor & roster.can_be_mentee
    i_am_mentored = may_be_mentee & roster.can_mentor
    if mode == F.REVERSE:
        by_years = roster.years > roster.years[me]
    elif mode == F.CLASSIC:
        by_years = roster.years < roster.years[me]
    else:
        by_years = np.ones(len(roster), dtype=bool)
    person_is_mentor = np.where(i_mentor & i_am_mentored, by_years, i_mentor)
    mentor_idx = np.where(person_is_mentor, me, everyone)
    mentee_idx = np.where(person_is_mentor, everyone, me)
    codes = pair_exclusion_codes(
        roster,
        mentor_idx,
        mentee_idx,
        mode,
        min_gap=min_gap,
        paired_pairs=paired_pairs,
        exclude_pairs=exclude_pairs,
        capacity_left=capacity_left,
        mentee_taken=mentee_taken,
    )
    if role is not None and mode != F.MUTUAL:
        # Roles the person may hold but did not ask for count as wrong_role too.
        asked = person_is_mentor if role == F.MENTOR else ~person_is_mentor
        codes[(codes == ELIGIBLE) & ~asked] = _CODE[WRONG_ROLE]
    keep = codes == ELIGIBLE
    return CandidateSet(
        person=me,
        mode=mode,
        partners=everyone[keep],
        person_is_mentor=person_is_mentor[keep],
        excluded=count_reasons(codes),
    )
