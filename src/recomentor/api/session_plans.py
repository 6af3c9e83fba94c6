"""Knowledge-sharing session plans: plan a draft, list them, read one, approve or discard."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from recomentor.accounts.scopes import READ, WRITE
from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.matchings import LOCATION
from recomentor.api.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    bad_cursor,
    decode_cursor,
    next_cursor,
)
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import SessionPlan, SessionPlanIn, SessionPlanPage
from recomentor.matching.rules import NO_RULES, parse_rules
from recomentor.sessions.plan import PlanOptions
from recomentor.sessions.service import (
    PlanSummary,
    approve_plan,
    create_plan,
    discard_plan,
    get_plan,
    list_plans,
)
from recomentor.sessions.slots import parse_slots

PlanPath = Annotated[str, PathParameter(min_length=1, max_length=36)]


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    key = decode_cursor(cursor, str, str)
    if key is None:
        return None
    try:
        return datetime.fromisoformat(key[0]), key[1]
    except ValueError:
        raise bad_cursor() from None


def _key(summary: PlanSummary) -> list[Any]:
    return [summary.created_at.isoformat(), summary.id]


def _options(data: SessionPlanIn, runtime: Runtime) -> PlanOptions:
    return (
        PlanOptions(
            size_min=data.size_min,
            size_max=data.size_max,
            max_sessions_per_host=data.max_sessions_per_host,
            max_sessions_per_attendee=data.max_sessions_per_attendee,
            min_gap=runtime.settings.min_gap if data.min_gap is None else data.min_gap,
            slots=parse_slots(data.slots, source="slots") if data.slots else (),
            rules=parse_rules(data.rules, source="rules") if data.rules else NO_RULES,
        )
        .tuned(
            topic_threshold=data.topic_threshold,
            min_host_similarity=data.min_host_similarity,
            min_goal_coverage=data.min_goal_coverage,
            time_limit=data.time_limit,
        )
        .check()
    )


class SessionPlanController(Controller):
    path = "/session-plans"
    tags = ["session plans"]  # noqa: RUF012 (Litestar declares it as a plain attribute)

    @post(
        "/",
        opt={SCOPE: WRITE},
        status_code=201,
        operation_id="createSessionPlan",
        response_headers=LOCATION,
        # Clustering and solving are CPU work: off the event loop.
        sync_to_thread=True,
        responses=problem_responses(413, 422),
    )
    def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[SessionPlanIn],
        runtime: NamedDependency[Runtime],
    ) -> Response[SessionPlan]:
        """Plan sessions over everyone, minus what approved plans take; stored as a draft.
        422 says why no session is possible (too few learners per topic, no eligible host)."""
        plan = create_plan(
            runtime.store,
            runtime.roster(),
            _options(data, runtime),
            lang=data.lang or runtime.settings.lang,
        )
        location = f"{request.url.path.rstrip('/')}/{plan.id}"
        return Response(plan, status_code=201, headers={"Location": location})

    @get(
        "/",
        opt={SCOPE: READ},
        operation_id="listSessionPlans",
        sync_to_thread=True,
        responses=problem_responses(),
    )
    def index(
        self,
        runtime: NamedDependency[Runtime],
        status: Annotated[
            Literal["draft", "approved", "discarded"] | None,
            QueryParameter(description="Only plans with this status."),
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> SessionPlanPage:
        """Session plans newest first with their status and size, a page at a time."""
        items = list_plans(runtime.store, status=status, after=_after(cursor), limit=limit + 1)
        return SessionPlanPage(items=items[:limit], next_cursor=next_cursor(items, limit, _key))

    @get(
        "/{plan_id:str}",
        opt={SCOPE: READ},
        operation_id="getSessionPlan",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def read(self, plan_id: PlanPath, runtime: NamedDependency[Runtime]) -> SessionPlan:
        """A plan with its sessions, their explanations and the learners left out."""
        return get_plan(runtime.store, plan_id)

    @post(
        "/{plan_id:str}/approve",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="approveSessionPlan",
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def approve(self, plan_id: PlanPath, runtime: NamedDependency[Runtime]) -> SessionPlan:
        """Approve the draft; 409 when plans approved since leave someone above a limit or in
        two sessions of one slot, or when it is not a draft."""
        return approve_plan(runtime.store, plan_id)

    @post(
        "/{plan_id:str}/discard",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="discardSessionPlan",
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def discard(self, plan_id: PlanPath, runtime: NamedDependency[Runtime]) -> SessionPlan:
        """Set a draft aside for good (it stays readable); 409 when it is not a draft."""
        return discard_plan(runtime.store, plan_id)
