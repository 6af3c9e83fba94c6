"""Create, read, list, approve and discard session plans: the CLI and the API call only these."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from typing import Any, Final

import msgspec
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from recomentor.errors import ConflictError, InvalidInputError, NotFoundError
from recomentor.ranking.roster import Roster
from recomentor.sessions.explain import (
    AttendeeWhy,
    PlannedSession,
    UnassignedLearner,
    explain_session,
)
from recomentor.sessions.hosts import SkillMatch
from recomentor.sessions.plan import Commitments, DraftPlan, PlanOptions, plan_sessions
from recomentor.sessions.slots import Slot
from recomentor.sessions.topics import TopicPhrase
from recomentor.store import Store
from recomentor.store.tables import (
    PlanAttendeeRow,
    PlanSessionRow,
    PlanUnassignedRow,
    SessionPlanRow,
    utcnow,
)

DRAFT: Final = "draft"
APPROVED: Final = "approved"
DISCARDED: Final = "discarded"
STATUSES: Final = (DRAFT, APPROVED, DISCARDED)
# Stored reasons read "code: detail"; codes never contain ": ".
_REASON_SEPARATOR: Final = ": "


class SolverReport(msgspec.Struct, frozen=True):
    status: str  # optimal, or time_limit with the best plan found
    gap: float  # relative gap to the best bound HiGHS proved
    seconds: float


class PlanSettings(msgspec.Struct, frozen=True):
    size_min: int
    size_max: int
    max_sessions_per_host: int
    max_sessions_per_attendee: int
    topic_threshold: float
    min_host_similarity: float
    min_goal_coverage: float
    min_gap: float
    lang: str
    slots: list[Slot]


class SessionPlan(msgspec.Struct, frozen=True, kw_only=True):
    """A stored plan: the documented JSON of `sessions plan --json` and of the API."""

    id: str
    status: str
    created_at: datetime
    approved_at: datetime | None
    settings: PlanSettings
    solver: SolverReport
    sessions: list[PlannedSession]
    unassigned: list[UnassignedLearner]
    objective: float  # total goal coverage of the sessions
    baseline: float  # the greedy baseline's on the same candidates


class PlanSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    status: str
    sessions: int
    unassigned: int
    objective: float
    baseline: float
    created_at: datetime
    approved_at: datetime | None


def _params(options: PlanOptions, draft: DraftPlan, lang: str) -> dict[str, Any]:
    settings = PlanSettings(
        size_min=options.size_min,
        size_max=options.size_max,
        max_sessions_per_host=options.max_sessions_per_host,
        max_sessions_per_attendee=options.max_sessions_per_attendee,
        topic_threshold=options.topic_threshold,
        min_host_similarity=options.min_host_similarity,
        min_goal_coverage=options.min_goal_coverage,
        min_gap=options.min_gap,
        lang=lang,
        slots=list(options.slots),
    )
    return {
        "settings": msgspec.to_builtins(settings),
        "solver": {"status": draft.status, "gap": draft.gap, "seconds": round(draft.seconds, 3)},
    }


def commitments(store: Store) -> Commitments:
    """Sessions of approved plans: they count against capacities and slots in later plans."""
    hosted: Counter[str] = Counter()
    attended: Counter[str] = Counter()
    busy: set[tuple[str, str]] = set()
    with store.session() as session:
        approved = select(SessionPlanRow.id).where(SessionPlanRow.status == APPROVED)
        for row in session.scalars(
            select(PlanSessionRow).where(PlanSessionRow.plan_id.in_(approved))
        ):
            hosted[row.host_id] += 1
            if row.slot is not None:
                busy.add((row.host_id, row.slot))
        attendees = session.execute(
            select(PlanAttendeeRow.attendee_id, PlanSessionRow.slot)
            .join(PlanSessionRow, PlanSessionRow.id == PlanAttendeeRow.session_id)
            .where(PlanSessionRow.plan_id.in_(approved))
        )
        for attendee_id, slot in attendees:
            attended[attendee_id] += 1
            if slot is not None:
                busy.add((attendee_id, slot))
    return Commitments(hosted, attended, frozenset(busy))


def create_plan(
    store: Store, roster: Roster, options: PlanOptions, *, lang: str = "en"
) -> SessionPlan:
    """Plan sessions over the roster, minus what approved plans already take; stored as a
    draft."""
    draft = plan_sessions(roster, options, commitments(store), lang=lang)
    plan_id = str(uuid.uuid4())
    with store.session() as session:
        session.add(
            SessionPlanRow(
                id=plan_id,
                status=DRAFT,
                params=_params(options, draft, lang),
                objective=draft.objective,
                baseline=draft.baseline,
                created_at=utcnow(),
            )
        )
        session.flush()
        for position, planned in enumerate(draft.sessions, start=1):
            row = PlanSessionRow(
                plan_id=plan_id,
                position=position,
                host_id=planned.host_id,
                slot=planned.slot,
                topic=msgspec.to_builtins(planned.phrases),
                host={
                    "similarity": planned.host_similarity,
                    "matches": msgspec.to_builtins(planned.host_matches),
                },
            )
            session.add(row)
            session.flush()
            session.add_all(
                PlanAttendeeRow(
                    session_id=row.id,
                    attendee_id=a.id,
                    goal=a.goal,
                    skill=a.skill,
                    similarity=a.similarity,
                )
                for a in planned.attendees
            )
        session.add_all(
            PlanUnassignedRow(
                plan_id=plan_id, person_id=u.id, reason=u.reason + _REASON_SEPARATOR + u.detail
            )
            for u in draft.unassigned
        )
    return get_plan(store, plan_id)


def _plan_row(session: Session, plan_id: str) -> SessionPlanRow:
    row = session.get(SessionPlanRow, plan_id)
    if row is None:
        raise NotFoundError("session plan", plan_id)
    return row


def _planned(row: PlanSessionRow, attendees: list[PlanAttendeeRow], lang: str) -> PlannedSession:
    return explain_session(
        f"S{row.position}",
        msgspec.convert(row.topic, list[TopicPhrase]),
        row.host_id,
        float(row.host.get("similarity", 0.0)),
        msgspec.convert(row.host.get("matches", []), list[SkillMatch]),
        [AttendeeWhy(a.attendee_id, a.goal, a.skill, a.similarity) for a in attendees],
        row.slot,
        lang,
    )


def get_plan(store: Store, plan_id: str) -> SessionPlan:
    """A stored plan; NotFoundError("session plan", id) when there is none."""
    with store.session() as session:
        row = _plan_row(session, plan_id)
        settings = msgspec.convert(row.params["settings"], PlanSettings)
        sessions = list(
            session.scalars(
                select(PlanSessionRow)
                .where(PlanSessionRow.plan_id == plan_id)
                .order_by(PlanSessionRow.position)
            )
        )
        attendees: dict[int, list[PlanAttendeeRow]] = {s.id: [] for s in sessions}
        for attendee in session.scalars(
            select(PlanAttendeeRow)
            .where(PlanAttendeeRow.session_id.in_(list(attendees)))
            .order_by(PlanAttendeeRow.id)
        ):
            attendees[attendee.session_id].append(attendee)
        unassigned = [
            UnassignedLearner(u.person_id, *u.reason.split(_REASON_SEPARATOR, 1))
            for u in session.scalars(
                select(PlanUnassignedRow)
                .where(PlanUnassignedRow.plan_id == plan_id)
                .order_by(PlanUnassignedRow.id)
            )
        ]
        planned = [_planned(s, attendees[s.id], settings.lang) for s in sessions]
        return SessionPlan(
            id=row.id,
            status=row.status,
            created_at=row.created_at,
            approved_at=row.approved_at,
            settings=settings,
            solver=msgspec.convert(row.params["solver"], SolverReport),
            # A session whose attendees were all erased is no session any more.
            sessions=[p for p in planned if p.attendee_ids],
            unassigned=unassigned,
            objective=round(sum(p.explanation.coverage for p in planned), 4),
            baseline=row.baseline,
        )


def list_plans(
    store: Store,
    *,
    status: str | None = None,
    after: tuple[datetime, str] | None = None,
    limit: int | None = None,
) -> list[PlanSummary]:
    """Plans newest first; `after` (created_at, id) of the last one seen gives the next page.
    Counts and coverage are read as get_plan computes them, without reading every session."""
    if status is not None and status not in STATUSES:
        raise InvalidInputError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    attended = (
        select(
            PlanSessionRow.plan_id,
            func.count(func.distinct(PlanSessionRow.id)).label("sessions"),
            func.coalesce(func.sum(PlanAttendeeRow.similarity), 0.0).label("coverage"),
        )
        .join(PlanAttendeeRow, PlanAttendeeRow.session_id == PlanSessionRow.id)
        .group_by(PlanSessionRow.plan_id)
        .subquery()
    )
    left_out = (
        select(PlanUnassignedRow.plan_id, func.count().label("unassigned"))
        .group_by(PlanUnassignedRow.plan_id)
        .subquery()
    )
    query = (
        select(
            SessionPlanRow,
            func.coalesce(attended.c.sessions, 0),
            func.coalesce(attended.c.coverage, 0.0),
            func.coalesce(left_out.c.unassigned, 0),
        )
        .outerjoin(attended, attended.c.plan_id == SessionPlanRow.id)
        .outerjoin(left_out, left_out.c.plan_id == SessionPlanRow.id)
        .order_by(SessionPlanRow.created_at.desc(), SessionPlanRow.id.desc())
    )
    if status is not None:
        query = query.where(SessionPlanRow.status == status)
    if after is not None:
        created_at, plan_id = after
        query = query.where(
            (SessionPlanRow.created_at < created_at)
            | ((SessionPlanRow.created_at == created_at) & (SessionPlanRow.id < plan_id))
        )
    if limit is not None:
        query = query.limit(limit)
    with store.session() as session:
        rows = session.execute(query).all()
    return [
        PlanSummary(
            id=row.id,
            status=row.status,
            sessions=int(sessions),
            unassigned=int(unassigned),
            objective=round(float(coverage), 4),
            baseline=row.baseline,
            created_at=row.created_at,
            approved_at=row.approved_at,
        )
        for row, sessions, coverage, unassigned in rows
    ]


def _conflicts(plan: SessionPlan, done: Commitments) -> list[str]:
    """What approving `plan` would break, given the plans approved since it was drafted."""
    settings = plan.settings
    problems = []
    hosted = Counter(s.host_id for s in plan.sessions)
    attended = Counter(a for s in plan.sessions for a in s.attendee_ids)
    for person, count in sorted(hosted.items()):
        if done.hosted[person] + count > settings.max_sessions_per_host:
            problems.append(f"{person} would host more than {settings.max_sessions_per_host}")
    for person, count in sorted(attended.items()):
        if done.attended[person] + count > settings.max_sessions_per_attendee:
            problems.append(f"{person} would attend more than {settings.max_sessions_per_attendee}")
    for planned in plan.sessions:
        if planned.slot is None:
            continue
        for person in (planned.host_id, *planned.attendee_ids):
            if (person, planned.slot) in done.busy:
                problems.append(f"{person} is already in a session in slot {planned.slot}")
    return problems


def _change_status(store: Store, plan_id: str, after: str) -> None:
    with store.session() as session:
        changed = session.execute(
            update(SessionPlanRow)
            .where(SessionPlanRow.id == plan_id, SessionPlanRow.status == DRAFT)
            .values(status=after, approved_at=utcnow() if after == APPROVED else None)
        )
        if not getattr(changed, "rowcount", 0):
            raise ConflictError(f"session plan {plan_id} is no longer a draft")


def _require_draft(plan: SessionPlan, action: str) -> None:
    if plan.status != DRAFT:
        raise ConflictError(
            f"session plan {plan.id} is {plan.status}; only a draft can be {action}"
        )


def approve_plan(store: Store, plan_id: str) -> SessionPlan:
    """Approve a draft, all or nothing: refused (ConflictError naming each person) when plans
    approved since it was drafted leave someone above a limit or in two places at once."""
    plan = get_plan(store, plan_id)
    _require_draft(plan, "approved")
    problems = _conflicts(plan, commitments(store))
    if problems:
        raise ConflictError(
            f"session plan {plan_id} conflicts with the plans approved since; nothing was "
            f"approved (discard it and plan again): {'; '.join(problems[:10])}"
        )
    _change_status(store, plan_id, APPROVED)
    return get_plan(store, plan_id)


def discard_plan(store: Store, plan_id: str) -> SessionPlan:
    """Set a draft aside for good; it stays readable."""
    _require_draft(get_plan(store, plan_id), "discarded")
    _change_status(store, plan_id, DISCARDED)
    return get_plan(store, plan_id)


def erase_from_plans(session: Session, participant_id: str) -> int:
    """Erasure step: the person's sessions, attendances, unassigned entries and the topic
    phrases only they wrote leave every stored plan. Returns the entries removed."""
    removed = 0
    for table, column in (
        (PlanAttendeeRow, PlanAttendeeRow.attendee_id),
        (PlanUnassignedRow, PlanUnassignedRow.person_id),
    ):
        result = session.execute(delete(table).where(column == participant_id))
        removed += int(getattr(result, "rowcount", 0) or 0)
    hosted = select(PlanSessionRow.id).where(PlanSessionRow.host_id == participant_id)
    result = session.execute(delete(PlanAttendeeRow).where(PlanAttendeeRow.session_id.in_(hosted)))
    removed += int(getattr(result, "rowcount", 0) or 0)
    result = session.execute(delete(PlanSessionRow).where(PlanSessionRow.host_id == participant_id))
    removed += int(getattr(result, "rowcount", 0) or 0)
    for row in session.scalars(select(PlanSessionRow)):
        phrases = [
            {**phrase, "askers": [a for a in phrase["askers"] if a != participant_id]}
            for phrase in row.topic
        ]
        kept = [phrase for phrase in phrases if phrase["askers"]]
        if kept != row.topic:
            row.topic = kept
            # The host's matches quote topic phrases: only those still written by someone.
            texts = {phrase["text"] for phrase in kept}
            matches = [m for m in row.host.get("matches", []) if m["goal"] in texts]
            row.host = {**row.host, "matches": matches}
    return removed
