"""Create, read and approve cohort matchings: the API and the CLI call only these."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from recomentor import fields as F
from recomentor.matching.cohort import (
    CohortAssignment,
    MatchedPair,
    MentorLoad,
    UnpairedMentee,
    build_cohort,
    solve_cohort,
)
from recomentor.matching.rules import NO_RULES, ProgramRules
from recomentor.matching.solver import PARTICIPATION
from recomentor.ranking.explain import Explanation
from recomentor.ranking.rank import ModelRef, describe_scorer
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import Scorer, scorer_for
from recomentor.store import Store
from recomentor.store.matchings import (
    StoredMatching,
    approve_stored_matching,
    formed_pairs,
    insert_matching,
    read_matching,
)
from recomentor.store.participants import existing_ids

# Stored reasons read "code: detail"; codes never contain ": ".
_REASON_SEPARATOR = ": "


class Matching(msgspec.Struct, frozen=True, kw_only=True):
    """A stored cohort matching, draft or approved: the documented JSON of the CLI and the API."""

    id: str
    status: str
    mode: str
    objective: str
    model: ModelRef
    min_gap: float
    rules: dict[str, Any]
    created_at: datetime | None
    approved_at: datetime | None
    total_score: float  # the sum of the pairs' scores
    pairs: list[MatchedPair]
    unpaired: list[UnpairedMentee]
    mentor_load: list[MentorLoad]


def _params(
    assignment: CohortAssignment, scorer: Scorer, rules: ProgramRules, min_gap: float, lang: str
) -> dict[str, Any]:
    return {
        "model": msgspec.to_builtins(describe_scorer(scorer)),
        "rules": rules.to_dict(),
        "min_gap": min_gap,
        "lang": lang,
        # Capacities are a snapshot: a later import may change them, the draft must not move.
        "mentor_load": [[m.mentor_id, m.assigned, m.capacity] for m in assignment.mentor_load],
    }


def _from_stored(stored: StoredMatching, still_there: set[str] | None = None) -> Matching:
    row, params = stored.row, stored.row.params or {}
    unpaired = []
    for entry in stored.unpaired:
        code, _, detail = entry.reason.partition(_REASON_SEPARATOR)
        unpaired.append(UnpairedMentee(entry.mentee_id, code, detail))
    loads = [
        MentorLoad(mentor_id, int(assigned), int(capacity))
        for mentor_id, assigned, capacity in params.get("mentor_load", [])
        # An erased mentor leaves the summary along with their pairs.
        if still_there is None or mentor_id in still_there
    ]
    pairs = [
        MatchedPair(p.mentor_id, p.mentee_id, p.score, msgspec.convert(p.explanation, Explanation))
        for p in stored.pairs
    ]
    return Matching(
        id=row.id,
        status=row.status,
        mode=row.mode,
        objective=row.objective,
        model=msgspec.convert(params.get("model", {}), ModelRef),
        min_gap=float(params.get("min_gap", 0.0)),
        rules=dict(params.get("rules", {})),
        created_at=row.created_at,
        approved_at=row.approved_at,
        total_score=float(sum(pair.score for pair in pairs)),
        pairs=pairs,
        unpaired=unpaired,
        mentor_load=loads,
    )


def create_matching(
    store: Store,
    roster: Roster,
    scorer: Scorer,
    *,
    mode: str = F.REVERSE,
    objective: str = PARTICIPATION,
    rules: ProgramRules = NO_RULES,
    min_gap: float = 5.0,
    lang: str = "en",
) -> Matching:
    """Solve a whole round over the roster and store it as a draft.

    Pairs already approved (in any earlier matching) are never proposed again. A learned
    `scorer` of another mode than `mode` gives way to the heuristic (scorer_for).
    """
    scorer = scorer_for(scorer, mode)
    with store.session() as session:
        already = formed_pairs(session)
    cohort = build_cohort(
        roster, scorer, mode=mode, rules=rules, min_gap=min_gap, paired_pairs=already
    )
    assignment = solve_cohort(roster, scorer, cohort, objective=objective, rules=rules, lang=lang)
    matching_id = str(uuid.uuid4())
    with store.session() as session:
        insert_matching(
            session,
            matching_id=matching_id,
            mode=mode,
            objective=objective,
            params=_params(assignment, scorer, rules, min_gap, lang),
            pairs=[msgspec.to_builtins(pair) for pair in assignment.pairs],
            unpaired=[
                (u.mentee_id, u.reason + _REASON_SEPARATOR + u.detail) for u in assignment.unpaired
            ],
        )
    return get_matching(store, matching_id)


def get_matching(store: Store, matching_id: str) -> Matching:
    """A stored matching; NotFoundError("matching", id) when there is none."""
    with store.session() as session:
        stored = read_matching(session, matching_id)
        mentors = [row[0] for row in stored.row.params.get("mentor_load", [])]
        still_there = existing_ids(session, mentors)
        return _from_stored(stored, still_there)


def approve_matching(store: Store, matching_id: str) -> Matching:
    """Turn a draft into pairings; ConflictError when it is not a draft any more."""
    with store.session() as session:
        approve_stored_matching(session, matching_id)
    return get_matching(store, matching_id)
