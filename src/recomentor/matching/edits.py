"""HR's edits of a draft: lock a pair, remove one, give a mentee a mentor, match the rest again.

Decisions the callers rely on:
- Only a draft is edited (ConflictError otherwise). Each edit is one transaction that first
  takes the draft (store.matchings.lock_matching): two edits, or an edit and an approval, of one
  draft run one after the other, and each sees what the one before committed.
- A pair is named by its mentee (a mentee is in at most one pair); in mutual mode by either
  member. `mentor_id`, when given, must still be the pair's mentor: an edit made on a page
  that another person changed meanwhile is refused instead of hitting another pair.
- A locked pair is kept as it is by rematch_draft. Removing or replacing a locked pair is
  allowed: those are explicit acts of a person, the lock only guards against the solver.
- assign_mentor both replaces a mentor and gives an unpaired mentee one: the checks and the
  write are the same. The pair it forms is locked, so matching the rest again keeps the choice.
- A pair HR removed or replaced is remembered: rematch_draft does not propose it again, unless
  HR forms it again by hand.
- Capacity in the draft's mentor loads stays the snapshot taken when it was drafted, except for
  a mentor an edit gives a mentee: their capacity is what is left now, as just checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import msgspec
import numpy as np
from sqlalchemy.orm import Session

from recomentor import fields as F
from recomentor.errors import ConflictError, NotFoundError, PairConflict, PairsConflictError
from recomentor.matching.cohort import (
    build_cohort,
    exclusion_words,
    removed_by_hr,
    solve_cohort,
)
from recomentor.matching.eligibility import (
    DraftTerms,
    judge_mentor,
    pair_sides,
    place_of,
    require_editable,
)
from recomentor.matching.rules import Exclusion, ProgramRules
from recomentor.matching.service import (
    Matching,
    get_matching,
    stored_pair,
    stored_reason,
)
from recomentor.ranking.capacity import PairingState
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import Scorer
from recomentor.store import Store
from recomentor.store.matchings import (
    StoredMatching,
    StoredPair,
    add_removed_pair,
    delete_pairs,
    delete_unpaired,
    forget_removed_pair,
    insert_pairs,
    insert_unpaired,
    lock_matching,
    pair_keys,
    removed_pairs,
    set_pair_locked,
    set_params,
)
from recomentor.store.pairings import pairing_rows


@contextmanager
def _editing(store: Store, matching_id: str) -> Iterator[tuple[Session, StoredMatching]]:
    with store.session() as session:
        stored = lock_matching(session, matching_id)
        require_editable(stored)
        yield session, stored


def _pair_of(stored: StoredMatching, mentee_id: str, mentor_id: str | None) -> StoredPair:
    place = place_of(stored, mentee_id)
    if place.pair is None:
        raise NotFoundError(
            "pair", mentee_id, message=f"{mentee_id!r} has no pair in matching {stored.row.id}"
        )
    if mentor_id is not None and place.partner_id != mentor_id:
        raise ConflictError(
            f"{mentee_id!r} is paired with {place.partner_id!r} in matching {stored.row.id}, "
            f"not with {mentor_id!r}: the draft changed meanwhile, reload it"
        )
    return place.pair


def _save_loads(
    session: Session,
    stored: StoredMatching,
    capacity: dict[str, int],
    *,
    mentees_already_paired: int | None = None,
) -> None:
    """Loads of both sides counted again from the pairs as they are now (`capacity` by
    mentor), and the unpaired mentors with them: one who lost their last mentee to an edit
    is unpaired as removed by HR, one who got a mentee is no longer listed."""
    assigned: Counter[str] = Counter()
    mentors_of: Counter[str] = Counter()
    for mentor_id, mentee_id in pair_keys(session, stored.row.id):
        assigned[mentor_id] += 1
        mentors_of[mentee_id] += 1
        if stored.row.mode == F.MUTUAL:
            assigned[mentee_id] += 1
    mentors = [*capacity, *(mentor for mentor in assigned if mentor not in capacity)]
    params = dict(stored.row.params or {})
    params["mentor_load"] = [[m, assigned[m], capacity.get(m, 0)] for m in mentors]
    if stored.row.mode != F.MUTUAL and "mentee_load" in params:
        params["mentee_load"] = [
            [mentee_id, mentors_of[mentee_id], room] for mentee_id, _, room in params["mentee_load"]
        ]
        lang = DraftTerms.of(stored).lang
        unpaired = {entry[0]: entry for entry in params.get("unpaired_mentors", [])}
        for mentor_id in mentors:
            if assigned[mentor_id]:
                unpaired.pop(mentor_id, None)
            elif mentor_id not in unpaired:
                removed = removed_by_hr(mentor_id, lang)
                unpaired[mentor_id] = [mentor_id, removed.reason, removed.detail]
        params["unpaired_mentors"] = list(unpaired.values())
    if mentees_already_paired is not None:
        params["mentees_already_paired"] = mentees_already_paired
    set_params(session, stored.row.id, params)


def _stored_capacity(stored: StoredMatching) -> dict[str, int]:
    loads = (stored.row.params or {}).get("mentor_load", [])
    return {mentor_id: int(capacity) for mentor_id, _, capacity in loads}


def lock_pair(
    store: Store,
    matching_id: str,
    mentee_id: str,
    *,
    mentor_id: str | None = None,
    locked: bool = True,
) -> Matching:
    """Lock (or with `locked=False` unlock) the mentee's pair: rematch_draft keeps a locked
    pair. NotFoundError when the mentee has no pair in the draft."""
    with _editing(store, matching_id) as (session, stored):
        pair = _pair_of(stored, mentee_id, mentor_id)
        set_pair_locked(session, pair.id, locked)
    return get_matching(store, matching_id)


def unlock_pair(
    store: Store, matching_id: str, mentee_id: str, *, mentor_id: str | None = None
) -> Matching:
    return lock_pair(store, matching_id, mentee_id, mentor_id=mentor_id, locked=False)


def remove_pair(
    store: Store, matching_id: str, mentee_id: str, *, mentor_id: str | None = None
) -> Matching:
    """Take the mentee's pair out of the draft: the mentee is unpaired (`removed_by_hr`; in
    mutual mode both members are) and the mentor has one mentee less."""
    with _editing(store, matching_id) as (session, stored):
        pair = _pair_of(stored, mentee_id, mentor_id)
        delete_pairs(session, [pair.id])
        add_removed_pair(session, matching_id, pair.mentor_id, pair.mentee_id)
        lang = DraftTerms.of(stored).lang
        members = (pair.mentor_id, pair.mentee_id) if stored.row.mode == F.MUTUAL else (mentee_id,)
        insert_unpaired(
            session, matching_id, [(p, stored_reason(removed_by_hr(p, lang))) for p in members]
        )
        _save_loads(session, stored, _stored_capacity(stored))
    return get_matching(store, matching_id)


def assign_mentor(
    store: Store,
    roster: Roster,
    scorer: Scorer,
    matching_id: str,
    mentee_id: str,
    mentor_id: str,
) -> Matching:
    """Make `mentor_id` the mentee's mentor in the draft, replacing the one they have, if any.

    Every constraint is checked again now (eligibility.check_mentors): PairsConflictError names
    the rule or capacity that forbids the pair, and nothing changes. The pair gets its score
    and explanation from the draft's scorer and rules, and is locked. In mutual mode a
    replaced partner becomes unpaired (`removed_by_hr`). Naming the current mentor changes
    nothing. NotFoundError for an unknown matching, mentee of the draft, or participant.
    """
    with _editing(store, matching_id) as (session, stored):
        _assign(session, stored, roster, scorer, mentee_id, mentor_id)
    return get_matching(store, matching_id)


def _assign(
    session: Session,
    stored: StoredMatching,
    roster: Roster,
    scorer: Scorer,
    mentee_id: str,
    mentor_id: str,
) -> None:
    matching_id = stored.row.id
    place = place_of(stored, mentee_id)
    if place.partner_id == mentor_id:
        return
    terms = DraftTerms.of(stored)
    state = PairingState.of(pairing_rows(session))
    judged = judge_mentor(roster, terms.scorer(scorer), terms, state, stored, mentee_id, mentor_id)
    if judged.reason is not None:
        raise PairsConflictError(
            f"{mentor_id!r} cannot take {mentee_id!r} in matching {matching_id}: "
            f"{exclusion_words(judged.reason, 'en')} ({judged.reason})",
            [PairConflict(mentor_id, mentee_id, judged.reason)],
        )
    mutual = terms.mode == F.MUTUAL
    if place.pair is not None:
        delete_pairs(session, [place.pair.id])
        add_removed_pair(session, matching_id, place.pair.mentor_id, place.pair.mentee_id)
        if mutual and place.partner_id is not None:
            replaced = removed_by_hr(place.partner_id, terms.lang)
            insert_unpaired(session, matching_id, [(replaced.mentee_id, stored_reason(replaced))])
    delete_unpaired(session, matching_id, [mentee_id, mentor_id] if mutual else [mentee_id])
    mentor_idx, mentee_idx = pair_sides(
        roster, terms, np.array([roster.position(mentor_id)]), mentee_id
    )
    pair_mentor, pair_mentee = roster.ids[int(mentor_idx[0])], roster.ids[int(mentee_idx[0])]
    forget_removed_pair(session, matching_id, pair_mentor, pair_mentee)
    pair = {
        "mentor_id": pair_mentor,
        "mentee_id": pair_mentee,
        "score": judged.score,
        "explanation": msgspec.to_builtins(judged.explanation),
        "locked": True,
    }
    insert_pairs(session, matching_id, [pair])
    capacity = _stored_capacity(stored)
    capacity[mentor_id] = judged.places.capacity - judged.places.active
    _save_loads(session, stored, capacity)


def _known_exclusions(
    rules: ProgramRules, removed: Sequence[tuple[str, str]], roster: Roster
) -> ProgramRules:
    """The draft's exclusions plus the pairs HR removed, limited to people still there (an
    erased person can be paired with nobody anyway; build_cohort refuses unknown ids)."""
    pairs = [*rules.exclude_pairs, *removed]
    exclusions = tuple(
        Exclusion(mentor_id, mentee_id)
        for mentor_id, mentee_id in dict.fromkeys(pairs)
        if mentor_id in roster.index and mentee_id in roster.index
    )
    return replace(rules, exclusions=exclusions)


def rematch_draft(store: Store, roster: Roster, scorer: Scorer, matching_id: str) -> Matching:
    """Solve the draft again for everyone but its locked pairs, which stay as they are.

    The same mode, objective, rules, gap and language as the draft, on the current roster and
    pairings in force; locked pairs use their mentors' places and keep their mentees, and no
    pair HR removed comes back. Unpaired mentees get their reasons anew.
    """
    with _editing(store, matching_id) as (session, stored):
        terms = DraftTerms.of(stored)
        scorer = terms.scorer(scorer)
        kept = [(pair.mentor_id, pair.mentee_id) for pair in stored.pairs if pair.locked]
        rules = _known_exclusions(terms.rules, sorted(removed_pairs(session, matching_id)), roster)
        cohort = build_cohort(
            roster,
            scorer,
            mode=terms.mode,
            rules=rules,
            min_gap=terms.min_gap,
            max_gap=terms.max_gap,
            pairings=PairingState.of(pairing_rows(session)),
            kept=kept,
        )
        assignment = solve_cohort(
            roster, scorer, cohort, objective=stored.row.objective, rules=rules, lang=terms.lang
        )
        delete_pairs(session, [pair.id for pair in stored.pairs if not pair.locked])
        delete_unpaired(session, matching_id, [entry.mentee_id for entry in stored.unpaired])
        insert_pairs(session, matching_id, [stored_pair(p) for p in assignment.pairs])
        insert_unpaired(
            session, matching_id, [(u.mentee_id, stored_reason(u)) for u in assignment.unpaired]
        )
        # The solver saw the places locked pairs leave; the draft shows them with those pairs.
        capacity = {load.mentor_id: load.capacity for load in assignment.mentor_load}
        for mentor_id, mentee_id in kept:
            if terms.mode == F.MUTUAL:
                capacity[mentor_id] = capacity[mentee_id] = 1
            else:
                capacity[mentor_id] = capacity.get(mentor_id, 0) + 1
        _save_loads(
            session,
            stored,
            capacity,
            mentees_already_paired=assignment.mentees_already_paired,
        )
    return get_matching(store, matching_id)
