"""Create, read, list, approve and discard cohort matchings: the API and the CLI call only these."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from recomentor import fields as F
from recomentor.errors import ConflictError, InvalidInputError, PairsConflictError
from recomentor.matching.cohort import (
    CohortAssignment,
    MatchedPair,
    MenteeLoad,
    MentorLoad,
    UnpairedMentee,
    UnpairedMentor,
    build_cohort,
    solve_cohort,
)
from recomentor.matching.conflicts import find_conflicts
from recomentor.matching.rules import NO_RULES, ProgramRules
from recomentor.matching.solver import PARTICIPATION
from recomentor.ranking.capacity import MENTORS_PER_MENTEE, PairingState, read_pairing_state
from recomentor.ranking.explain import Explanation
from recomentor.ranking.labels import (
    LABEL_THRESHOLDS_KEY,
    LabelThresholds,
    match_label,
    program_thresholds,
    thresholds_from_metadata,
)
from recomentor.ranking.rank import ModelRef, describe_scorer
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import Scorer, scorer_for
from recomentor.stopwatch import SCORING, WRITE, Stopwatch
from recomentor.store import Store
from recomentor.store.matchings import (
    APPROVED,
    DISCARDED,
    DRAFT,
    STATUSES,
    StoredMatching,
    StoredUnpaired,
    change_status,
    clipped_reason,
    insert_matching,
    list_matching_rows,
    lock_matching,
    matching_row,
    matching_sizes,
    pair_rows,
    read_matching,
    unpaired_rows,
)
from recomentor.store.pairings import insert_pairings, lock_pairings, pairing_rows
from recomentor.store.participants import existing_ids
from recomentor.store.tables import MatchingPairRow, MatchingRow

# Stored reasons read "code: detail"; codes never contain ": ".
_REASON_SEPARATOR = ": "


class MatchingHead(msgspec.Struct, frozen=True, kw_only=True):
    """What a stored matching is, before its pairs: the fields Matching and MatchingExcerpt
    share."""

    id: str
    status: str
    mode: str
    objective: str
    model: ModelRef
    min_gap: float
    max_gap: float | None  # years; null when the gap had no upper bound
    max_mentors: int  # mentors one mentee may get in this round
    # Mentees left out of the round because an active pairing already gives them a mentor.
    mentees_already_paired: int
    rules: dict[str, Any]
    created_at: datetime | None
    approved_at: datetime | None
    # Counts the changes made since it was drafted (edits, approval): a page that shows another
    # version is out of date.
    version: int
    total_score: float  # the sum of the pairs' scores


class Matching(MatchingHead, frozen=True, kw_only=True):
    """A stored cohort matching, draft or approved: the documented JSON of the CLI and the API."""

    pairs: list[MatchedPair]
    unpaired: list[UnpairedMentee]
    mentor_load: list[MentorLoad]
    # The mentees' side (reverse and classic rounds): mentors each got of those they could
    # take, and the mentors who got no mentee, with why.
    mentee_load: list[MenteeLoad]
    unpaired_mentors: list[UnpairedMentor]


class MatchingExcerpt(MatchingHead, frozen=True, kw_only=True):
    """A matching with one window of its pairs, of its unpaired mentees and of its mentor
    loads, and how many there are of each: what a page shows of a matching of any size."""

    pair_count: int
    unpaired_count: int
    # None when the loads were not asked for: counting them checks that every mentor of the
    # matching is still a participant, thousands of ids in a draft over a whole program.
    load_count: int | None
    # Where each window starts among all of them (0-based), in get_matching's order.
    pairs_start: int
    pairs: list[MatchedPair]
    unpaired_start: int
    unpaired: list[UnpairedMentee]
    loads_start: int
    mentor_load: list[MentorLoad]
    # The mentees' side, read with the mentor loads (empty when those were not asked for):
    # the same page of the mentees' loads, and the first mentors without a mentee.
    mentee_load: list[MenteeLoad] = msgspec.field(default_factory=list)
    unpaired_mentors: list[UnpairedMentor] = msgspec.field(default_factory=list)
    unpaired_mentor_count: int = 0


@dataclass(frozen=True)
class Window:
    """Page `number` (1-based) of `size` items at a time; past the end means the last page."""

    number: int
    size: int

    def start(self, count: int) -> int:
        last = max(-(-count // self.size), 1)
        return (min(max(self.number, 1), last) - 1) * self.size


@dataclass(frozen=True)
class RoundTerms:
    """The settings of one round: what the CLI or the API asked, else the program rules',
    else the defaults."""

    mode: str
    min_gap: float
    max_gap: float | None
    max_mentors: int

    @classmethod
    def of(
        cls,
        rules: ProgramRules,
        *,
        mode: str | None,
        min_gap: float | None,
        max_gap: float | None,
        max_mentors: int | None,
        default_min_gap: float,
    ) -> RoundTerms:
        chosen_min = _first(min_gap, rules.min_gap, default_min_gap)
        chosen_max = _first(max_gap, rules.max_gap)
        if chosen_max is not None and chosen_max < chosen_min:
            raise InvalidInputError(
                f"max_gap ({chosen_max:g}) must not be below min_gap ({chosen_min:g})"
            )
        chosen_mode = _first(mode, rules.mode, F.REVERSE)
        # A mutual pair has no mentee side: each person joins one pair.
        per_mentee = 1 if chosen_mode == F.MUTUAL else _first(max_mentors, rules.max_mentors, 1)
        return cls(
            mode=chosen_mode,
            min_gap=float(chosen_min),
            max_gap=None if chosen_max is None else float(chosen_max),
            max_mentors=int(per_mentee),
        )


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _params(
    assignment: CohortAssignment,
    scorer: Scorer,
    rules: ProgramRules,
    terms: RoundTerms,
    lang: str,
) -> dict[str, Any]:
    lines = program_thresholds(scorer, [bonus.weight for bonus in rules.bonuses])
    return {
        "model": msgspec.to_builtins(describe_scorer(scorer)),
        # The lines its pairs were labelled with (a model's calibrated ones, or the rule points'
        # when rules make the score): a stored pair is labelled again from its score with them.
        LABEL_THRESHOLDS_KEY: lines.as_dict(),
        "rules": rules.to_dict(),
        "min_gap": terms.min_gap,
        "max_gap": terms.max_gap,
        "max_mentors": terms.max_mentors,
        "lang": lang,
        "mentees_already_paired": assignment.mentees_already_paired,
        # Capacities are a snapshot: a later import may change them, the draft must not move.
        "mentor_load": [[m.mentor_id, m.assigned, m.capacity] for m in assignment.mentor_load],
        "mentee_load": [[m.mentee_id, m.assigned, m.capacity] for m in assignment.mentee_load],
        "unpaired_mentors": [
            [u.mentor_id, u.reason, u.detail] for u in assignment.unpaired_mentors
        ],
    }


def stored_pair(pair: MatchedPair) -> dict[str, Any]:
    """A pair's row: the label is left out, it follows from the score (_pair). The explanation
    stays a Struct: the store writes it as JSON without a copy into dicts first."""
    return {f: getattr(pair, f) for f in pair.__struct_fields__ if f != "label"}


def stored_reason(entry: UnpairedMentee) -> str:
    """How an unpaired mentee's reason is stored: "code: detail"."""
    return entry.reason + _REASON_SEPARATOR + entry.detail


def _pair(row: MatchingPairRow, model: ModelRef, lines: LabelThresholds | None) -> MatchedPair:
    return MatchedPair(
        row.mentor_id,
        row.mentee_id,
        row.score,
        # Not stored: read off the score with the matching's lines (its kind's fixed ones for
        # drafts saved before lines were stored), so drafts from before labels get one too.
        match_label(row.score, model.kind, lines),
        msgspec.convert(row.explanation, Explanation),
        locked=row.locked,
    )


def _unpaired(row: StoredUnpaired) -> UnpairedMentee:
    code, _, detail = row.reason.partition(_REASON_SEPARATOR)
    return UnpairedMentee(row.mentee_id, code, detail)


def _loads(params: dict[str, Any], still_there: set[str] | None) -> list[MentorLoad]:
    return [
        MentorLoad(mentor_id, int(assigned), int(capacity))
        for mentor_id, assigned, capacity in params.get("mentor_load", [])
        # An erased mentor leaves the summary along with their pairs.
        if still_there is None or mentor_id in still_there
    ]


def _mentee_side(
    params: dict[str, Any], still_there: set[str]
) -> tuple[list[MenteeLoad], list[UnpairedMentor]]:
    """The mentees' loads and the unpaired mentors; an erased person leaves them."""
    loads = [
        MenteeLoad(mentee_id, int(assigned), int(capacity))
        for mentee_id, assigned, capacity in params.get("mentee_load", [])
        if mentee_id in still_there
    ]
    unpaired = [
        UnpairedMentor(mentor_id, str(reason), str(detail))
        for mentor_id, reason, detail in params.get("unpaired_mentors", [])
        if mentor_id in still_there
    ]
    return loads, unpaired


def _load_ids(params: dict[str, Any]) -> list[str]:
    return [
        entry[0]
        for key in ("mentor_load", "mentee_load", "unpaired_mentors")
        for entry in params.get(key, [])
    ]


def _head(row: MatchingRow, total_score: float) -> dict[str, Any]:
    params = row.params or {}
    return {
        "id": row.id,
        "status": row.status,
        "mode": row.mode,
        "objective": row.objective,
        "model": msgspec.convert(params.get("model", {}), ModelRef),
        "min_gap": float(params.get("min_gap", 0.0)),
        "max_gap": params.get("max_gap"),
        "max_mentors": int(params.get("max_mentors", 1)),
        "mentees_already_paired": int(params.get("mentees_already_paired", 0)),
        "rules": dict(params.get("rules", {})),
        "created_at": row.created_at,
        "approved_at": row.approved_at,
        "version": row.version,
        "total_score": total_score,
    }


def _matching(
    row: MatchingRow,
    pairs: list[MatchingPairRow],
    unpaired: list[StoredUnpaired],
    still_there: set[str],
) -> Matching:
    model = msgspec.convert((row.params or {}).get("model", {}), ModelRef)
    lines = thresholds_from_metadata(row.params or {})
    matched = [_pair(p, model, lines) for p in pairs]
    mentee_load, unpaired_mentors = _mentee_side(row.params or {}, still_there)
    return Matching(
        **_head(row, float(sum(pair.score for pair in matched))),
        pairs=matched,
        unpaired=[_unpaired(entry) for entry in unpaired],
        mentor_load=_loads(row.params or {}, still_there),
        mentee_load=mentee_load,
        unpaired_mentors=unpaired_mentors,
    )


def create_matching(
    store: Store,
    roster: Roster,
    scorer: Scorer,
    *,
    mode: str | None = None,
    objective: str = PARTICIPATION,
    rules: ProgramRules = NO_RULES,
    min_gap: float | None = None,
    max_gap: float | None = None,
    max_mentors: int | None = None,
    default_min_gap: float = 5.0,
    lang: str = "en",
    stopwatch: Stopwatch | None = None,
) -> Matching:
    """Solve a whole round over the roster and store it as a draft.

    `mode`, `min_gap`, `max_gap` and `max_mentors` left None come from the rules, else from
    the defaults (reverse, `default_min_gap`, no upper bound, one mentor per mentee). The
    round respects the pairings in force (capacities left on both sides) and never proposes
    a pair formed before. A learned `scorer` of another mode than the round's gives way to the
    heuristic, and so does any scorer when the rules give [weights] (scorer_for). `stopwatch`
    gets the seconds of the `scoring`, `solve` and `write` phases.
    """
    watch = stopwatch or Stopwatch()
    terms = RoundTerms.of(
        rules,
        mode=mode,
        min_gap=min_gap,
        max_gap=max_gap,
        max_mentors=max_mentors,
        default_min_gap=default_min_gap,
    )
    scorer = scorer_for(scorer, terms.mode, weights=dict(rules.weights))
    with watch.phase(SCORING):
        cohort = build_cohort(
            roster,
            scorer,
            mode=terms.mode,
            rules=rules,
            min_gap=terms.min_gap,
            max_gap=terms.max_gap,
            max_mentors=terms.max_mentors,
            pairings=read_pairing_state(store),
        )
    assignment = solve_cohort(
        roster, scorer, cohort, objective=objective, rules=rules, lang=lang, stopwatch=watch
    )
    with watch.phase(WRITE), store.session() as session:
        row = insert_matching(
            session,
            matching_id=str(uuid.uuid4()),
            mode=terms.mode,
            objective=objective,
            params=_params(assignment, scorer, rules, terms, lang),
            pairs=[stored_pair(pair) for pair in assignment.pairs],
            unpaired=[(u.mentee_id, stored_reason(u)) for u in assignment.unpaired],
        )
        return _as_stored(row, assignment)


def _as_stored(row: MatchingRow, assignment: CohortAssignment) -> Matching:
    """The draft just stored as get_matching reads it, without reading it back: pairs and
    unpaired mentees in the order of their ids, reasons as stored, everyone still there."""
    pairs = sorted(assignment.pairs, key=lambda pair: (pair.mentor_id, pair.mentee_id))
    unpaired = [
        _unpaired(StoredUnpaired(entry.mentee_id, clipped_reason(stored_reason(entry))))
        for entry in sorted(assignment.unpaired, key=lambda entry: entry.mentee_id)
    ]
    params = row.params or {}
    everyone = set(_load_ids(params))
    mentee_load, unpaired_mentors = _mentee_side(params, everyone)
    return Matching(
        **_head(row, float(sum(pair.score for pair in pairs))),
        pairs=pairs,
        unpaired=unpaired,
        mentor_load=_loads(params, everyone),
        mentee_load=mentee_load,
        unpaired_mentors=unpaired_mentors,
    )


def get_matching(store: Store, matching_id: str) -> Matching:
    """A stored matching; NotFoundError("matching", id) when there is none."""
    with store.session() as session:
        row = matching_row(session, matching_id)
        return _matching(
            row,
            pair_rows(session, matching_id),
            unpaired_rows(session, matching_id),
            existing_ids(session, _load_ids(row.params or {})),
        )


def get_matching_excerpt(
    store: Store,
    matching_id: str,
    *,
    pairs: Window | None = None,
    unpaired: Window | None = None,
    loads: Window | None = None,
) -> MatchingExcerpt:
    """A stored matching with the windows asked of its pairs, unpaired mentees and mentor
    loads (None: only how many), read without the rest of them: the cost of a page does not
    grow with the matching. NotFoundError("matching", id) when there is none."""
    with store.session() as session:
        row = matching_row(session, matching_id)
        params = row.params or {}
        sizes = matching_sizes(session, matching_id)
        pairs_start = pairs.start(sizes.pairs) if pairs else 0
        shown_pairs = (
            pair_rows(session, matching_id, offset=pairs_start, limit=pairs.size) if pairs else []
        )
        unpaired_start = unpaired.start(sizes.unpaired) if unpaired else 0
        shown_unpaired = (
            unpaired_rows(session, matching_id, offset=unpaired_start, limit=unpaired.size)
            if unpaired
            else []
        )
        load_count: int | None = None
        loads_start, shown_loads = 0, []
        mentee_side: tuple[list[MenteeLoad], list[UnpairedMentor]] = ([], [])
        if loads:
            still_there = existing_ids(session, _load_ids(params))
            every_load = _loads(params, still_there)
            load_count, loads_start = len(every_load), loads.start(len(every_load))
            shown_loads = every_load[loads_start : loads_start + loads.size]
            mentee_side = _mentee_side(params, still_there)
    model = msgspec.convert(params.get("model", {}), ModelRef)
    lines = thresholds_from_metadata(params)
    return MatchingExcerpt(
        **_head(row, sizes.total_score),
        pair_count=sizes.pairs,
        unpaired_count=sizes.unpaired,
        load_count=load_count,
        pairs_start=pairs_start,
        pairs=[_pair(p, model, lines) for p in shown_pairs],
        unpaired_start=unpaired_start,
        unpaired=[_unpaired(entry) for entry in shown_unpaired],
        loads_start=loads_start,
        mentor_load=shown_loads,
        mentee_load=_same_page(mentee_side[0], loads),
        unpaired_mentors=mentee_side[1][: loads.size if loads else 0],
        unpaired_mentor_count=len(mentee_side[1]),
    )


def _same_page(entries: list[MenteeLoad], window: Window | None) -> list[MenteeLoad]:
    if window is None:
        return []
    start = window.start(len(entries))
    return entries[start : start + window.size]


def approve_matching(store: Store, roster: Roster, matching_id: str) -> Matching:
    """Turn a draft into pairings, all or nothing.

    The draft is checked again against everything in force now (pairings approved or made by
    hand since it was drafted, capacities, the hard rules and its program rules, on the current
    `roster`): PairsConflictError lists every pair that conflicts, and nothing is formed.
    ConflictError when the matching is not a draft. It holds the draft while it checks, so an
    edit in progress finishes first and the pairs formed are the edited ones.
    """
    with store.session() as session:
        lock_pairings(session)
        stored = lock_matching(session, matching_id)
        require_draft(stored, "approved")
        params = stored.row.params or {}
        pairs = [(pair.mentor_id, pair.mentee_id) for pair in stored.pairs]
        conflicts = find_conflicts(
            roster,
            PairingState.of(pairing_rows(session)),
            pairs,
            mode=stored.row.mode,
            min_gap=float(params.get("min_gap", 0.0)),
            max_gap=params.get("max_gap"),
            max_mentors=int(params.get("max_mentors", MENTORS_PER_MENTEE)),
            rules=ProgramRules.from_dict(params.get("rules", {})),
        )
        if conflicts:
            raise PairsConflictError(
                f"{len(conflicts)} of the {len(pairs)} pairs of matching {matching_id} conflict "
                "with the pairings in force; nothing was approved (discard it and match again)",
                conflicts,
            )
        if not change_status(session, matching_id, before=DRAFT, after=APPROVED):
            raise ConflictError(f"matching {matching_id} is no longer a draft")
        insert_pairings(session, pairs, mode=stored.row.mode, matching_id=matching_id)
    return get_matching(store, matching_id)


def discard_matching(store: Store, matching_id: str) -> Matching:
    """Set a draft aside for good; it stays readable. ConflictError when it is not a draft."""
    with store.session() as session:
        stored = read_matching(session, matching_id)
        require_draft(stored, "discarded")
        if not change_status(session, matching_id, before=DRAFT, after=DISCARDED):
            raise ConflictError(f"matching {matching_id} is no longer a draft")
    return get_matching(store, matching_id)


def require_draft(stored: StoredMatching, action: str) -> None:
    """ConflictError naming the status when the matching is no draft (any more)."""
    if stored.row.status != DRAFT:
        raise ConflictError(
            f"matching {stored.row.id} is {stored.row.status}; only a draft can be {action}"
        )


class MatchingSummary(msgspec.Struct, kw_only=True):
    """One line of the list of matchings (`matching list --json`, `GET /matchings`)."""

    id: str
    status: str
    mode: str
    objective: str
    pair_count: int
    unpaired_count: int
    total_score: float
    created_at: datetime
    approved_at: datetime | None


def check_matching_status(status: str | None) -> str | None:
    if status is not None and status not in STATUSES:
        raise InvalidInputError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    return status


def list_matchings(
    store: Store,
    *,
    status: str | None = None,
    after: tuple[datetime, str] | None = None,
    limit: int | None = None,
) -> list[MatchingSummary]:
    """Matchings newest first; `after` (created_at, id) of the last one seen gives the next
    page."""
    check_matching_status(status)
    with store.session() as session:
        listed = list_matching_rows(session, status=status, after=after, limit=limit)
    return [
        MatchingSummary(
            id=entry.row.id,
            status=entry.row.status,
            mode=entry.row.mode,
            objective=entry.row.objective,
            pair_count=entry.pair_count,
            unpaired_count=entry.unpaired_count,
            total_score=entry.total_score,
            created_at=entry.row.created_at,
            approved_at=entry.row.approved_at,
        )
        for entry in listed
    ]
