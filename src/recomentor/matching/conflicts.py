"""Whether pairs may be formed now: hard rules, pairs formed before, capacities in force."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Final

import numpy as np

from recomentor import fields as F
from recomentor.errors import PairConflict
from recomentor.matching.rules import (
    NO_RULES,
    RULE_PREFIX,
    ProgramRules,
    declared_capacity,
    failed_requirement,
    has_filters,
)
from recomentor.ranking.candidates import REASONS, pair_exclusion_codes
from recomentor.ranking.capacity import MENTORS_PER_MENTEE, PairingState, room_left
from recomentor.ranking.roster import Roster

# Codes of a conflict: these three, the candidates' reasons (own_manager, already_paired, ...)
# and `rule:<filter>` for a must-filter of the program rules.
UNKNOWN_PARTICIPANT: Final = "unknown_participant"
MENTOR_AT_CAPACITY: Final = "mentor_at_capacity"
MENTEE_HAS_MENTOR: Final = "mentee_has_mentor"


def find_conflicts(
    roster: Roster,
    state: PairingState,
    pairs: Sequence[tuple[str, str]],
    *,
    mode: str,
    min_gap: float,
    max_gap: float | None = None,
    max_mentors: int = MENTORS_PER_MENTEE,
    rules: ProgramRules = NO_RULES,
) -> list[PairConflict]:
    """Every (mentor_id, mentee_id) of `pairs` that cannot be formed on top of `state`.

    Capacity is judged for the pairs together, on both sides: a mentor with one free slot
    and two new mentees conflicts on both pairs, and so does a mentee with one mentor left
    to take (of `max_mentors`) and two new mentors, since which one to keep is a person's
    decision. A pair named twice conflicts as already paired.
    """
    reason: dict[tuple[str, str], str] = {}
    known = []
    for pair in pairs:
        if pair[0] in roster.index and pair[1] in roster.index:
            known.append(pair)
        else:
            reason[pair] = UNKNOWN_PARTICIPANT
    mentor = np.array([roster.index[m] for m, _ in known], dtype=np.int64)
    mentee = np.array([roster.index[e] for _, e in known], dtype=np.int64)
    # Capacity is judged below over the whole batch, so no slot limit here.
    unlimited = np.full(len(roster), np.iinfo(np.int64).max, dtype=np.int64)
    codes = pair_exclusion_codes(
        roster,
        mentor,
        mentee,
        mode,
        min_gap=min_gap,
        max_gap=max_gap,
        paired_pairs=state.formed,
        exclude_pairs=rules.exclude_pairs,
        capacity_left=unlimited,
    )
    failed = (
        failed_requirement(rules, roster, mentor, mentee)
        if has_filters(rules)
        else np.full(mentor.shape, -1)
    )
    for row, pair in enumerate(known):
        if codes[row]:
            reason[pair] = REASONS[int(codes[row]) - 1]
        elif failed[row] >= 0:
            reason[pair] = RULE_PREFIX + rules.filter_names[int(failed[row])]
    fine = [pair for pair in known if pair not in reason]
    reason.update(_capacity_conflicts(roster, state, fine, mode, max_mentors, rules))
    return [
        PairConflict(mentor_id, mentee_id, reason[(mentor_id, mentee_id)])
        for mentor_id, mentee_id in sorted(reason)
    ]


def _capacity_conflicts(
    roster: Roster,
    state: PairingState,
    pairs: list[tuple[str, str]],
    mode: str,
    max_mentors: int,
    rules: ProgramRules,
) -> dict[tuple[str, str], str]:
    room = room_left(
        roster,
        state,
        mode,
        capacity=declared_capacity(roster, rules),
        mentors_per_mentee=max_mentors,
    )
    out: dict[tuple[str, str], str] = {}
    if mode == F.MUTUAL:
        # Each person joins one pair at a time, whichever side the pair names them on.
        people = Counter(person for pair in pairs for person in pair)
        for mentor_id, mentee_id in pairs:
            for person, code in ((mentor_id, MENTOR_AT_CAPACITY), (mentee_id, MENTEE_HAS_MENTOR)):
                if people[person] > 1 or room.mentee_taken[roster.index[person]]:
                    out.setdefault((mentor_id, mentee_id), code)
        return out
    demand = Counter(mentor_id for mentor_id, _ in pairs)
    mentors_wanted = Counter(mentee_id for _, mentee_id in pairs)
    for mentor_id, mentee_id in pairs:
        if demand[mentor_id] > room.mentor_slots[roster.index[mentor_id]]:
            out[(mentor_id, mentee_id)] = MENTOR_AT_CAPACITY
        elif mentors_wanted[mentee_id] > room.mentee_slots[roster.index[mentee_id]]:
            out[(mentor_id, mentee_id)] = MENTEE_HAS_MENTOR
    return out
