"""/session-plans: the list, a new plan (form), the review of one, its approval or discard.

Planning runs inside the POST, as a new matching does (web/matchings.py says why).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Final

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, PathParameter, QueryParameter
from litestar.response import Redirect, Template

from recomentor.accounts.roles import MANAGE_PROGRAM, VIEW
from recomentor.api.runtime import Runtime
from recomentor.errors import ConflictError, InvalidInputError, NotFoundError
from recomentor.matching.rules import NO_RULES, parse_rules
from recomentor.sessions.plan import MAX_SESSION_SIZE, MAX_SESSIONS_PER_PERSON, PlanOptions
from recomentor.sessions.service import (
    DRAFT,
    STATUSES,
    SessionPlan,
    approve_plan,
    create_plan,
    discard_plan,
    get_plan,
    list_plans,
)
from recomentor.sessions.slots import parse_slots
from recomentor.store.db import Store
from recomentor.web.forms import MAX_UPLOAD_BYTES, TOO_LARGE, UploadRefused, uploaded_text
from recomentor.web.guards import PERMISSION, session_token
from recomentor.web.matching_view import read_contacts_of
from recomentor.web.pagination import PAGE_SIZE, Pages, page_number
from recomentor.web.session import flash, redirect
from recomentor.web.templates import page, page_lang

VIEWING: Final = {PERMISSION: VIEW}
MANAGING: Final = {PERMISSION: MANAGE_PROGRAM}
_MAX_ID: Final = 64
PlanPath = Annotated[str, PathParameter()]
MultipartForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
PageQuery = Annotated[str | None, QueryParameter(name="page")]
_NUMBERS: Final = {
    "size_min": (1, MAX_SESSION_SIZE),
    "size_max": (1, MAX_SESSION_SIZE),
    "max_sessions_per_host": (1, MAX_SESSIONS_PER_PERSON),
    "max_sessions_per_attendee": (1, MAX_SESSIONS_PER_PERSON),
}


@dataclass(frozen=True)
class PlanChoices:
    """What the form asks for, as typed: shown again with an error."""

    size_min: str = str(PlanOptions.size_min)
    size_max: str = str(PlanOptions.size_max)
    max_sessions_per_host: str = str(PlanOptions.max_sessions_per_host)
    max_sessions_per_attendee: str = str(PlanOptions.max_sessions_per_attendee)

    @classmethod
    def of(cls, data: dict[str, Any]) -> PlanChoices:
        return cls(**{name: str(data.get(name, "")).strip()[:10] for name in _NUMBERS})

    def numbers(self) -> dict[str, int]:
        """The four numbers; InvalidInputError (with a catalog key) naming the first bad one."""
        out = {}
        for name, (low, high) in _NUMBERS.items():
            raw = getattr(self, name)
            if not raw.isdigit() or not low <= int(raw) <= high:
                raise _FormRefused((f"session_plans.error_{name}", {"high": high}))
            out[name] = int(raw)
        return out


class _FormRefused(Exception):
    def __init__(self, error: tuple[str, dict[str, Any]]) -> None:
        super().__init__("the new-plan form is not valid")
        self.error = error


def _upload(data: dict[str, Any], name: str) -> str | None:
    try:
        return uploaded_text(data, name)
    except UploadRefused as refused:
        if refused.reason == TOO_LARGE:
            raise _FormRefused(
                ("session_plans.error_file_size", {"kib": MAX_UPLOAD_BYTES // 1024})
            ) from None
        raise _FormRefused(("session_plans.error_encoding", {})) from None


def _plan(runtime: Runtime, plan_id: str) -> SessionPlan:
    if len(plan_id) > _MAX_ID:
        raise NotFoundError("session plan", plan_id[:_MAX_ID])
    return get_plan(runtime.store, plan_id)


def _people(runtime: Runtime, plan: SessionPlan) -> dict[str, Any]:
    ids = {s.host_id for s in plan.sessions} | {a for s in plan.sessions for a in s.attendee_ids}
    return read_contacts_of(runtime.store, ids | {u.id for u in plan.unassigned})


def review_url(plan_id: str) -> str:
    return f"/session-plans/{plan_id}"


class SessionPlansController(Controller):
    path = "/session-plans"
    include_in_schema = False

    @get("/", opt=VIEWING, sync_to_thread=True)
    def index(
        self,
        runtime: NamedDependency[Runtime],
        status: Annotated[str, QueryParameter()] = "",
        page_query: PageQuery = None,
    ) -> Template:
        """Session plans newest first with status, sessions, coverage and baseline."""
        chosen = status if status in STATUSES else None
        listed = list_plans(runtime.store, status=chosen)
        pages = Pages.clamped(
            page_number(page_query), len(listed), (("status", chosen or ""),), size=PAGE_SIZE
        )
        return page(
            "session_plans/list.html",
            plans=listed[pages.offset : pages.stop],
            pages=pages,
            statuses=STATUSES,
            chosen_status=chosen or "",
        )

    @get("/new", opt=MANAGING, sync_to_thread=False)
    def new(self) -> Template:
        """The form of a new plan: session sizes, limits, a slots file, a rules file."""
        return page("session_plans/new.html", choices=PlanChoices(), error=None)

    @post("/new", opt=MANAGING, sync_to_thread=True, status_code=303)
    def create(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        data: MultipartForm,
    ) -> Template | Redirect:
        """Plans and stores a draft; its review page is next."""
        choices = PlanChoices.of(data)
        try:
            numbers = choices.numbers()
            slots_text, rules_text = _upload(data, "slots"), _upload(data, "rules")
            options = PlanOptions(
                **numbers,
                min_gap=runtime.settings.min_gap,
                slots=parse_slots(slots_text, source="slots") if slots_text else (),
                rules=parse_rules(rules_text, source="rules") if rules_text else NO_RULES,
            ).check()
            # Explanations are stored in the language of whoever planned it.
            plan = create_plan(runtime.store, runtime.roster(), options, lang=page_lang(request))
        except _FormRefused as refused:
            return page("session_plans/new.html", status=400, choices=choices, error=refused.error)
        except InvalidInputError as error:
            # Core messages say why no session is possible, or name the file's line.
            return page("session_plans/new.html", status=400, choices=choices, error=str(error))
        flash(runtime, session_token(request), "success", "session_plans.created_flash")
        return redirect(review_url(plan.id))

    @get("/{plan_id:str}", opt=VIEWING, sync_to_thread=True)
    def review(self, runtime: NamedDependency[Runtime], plan_id: PlanPath) -> Template:
        """Each session with its topic, host, attendees and why; who has no session and why."""
        plan = _plan(runtime, plan_id)
        return page(
            "session_plans/review.html",
            plan=plan,
            people=_people(runtime, plan),
            editable=plan.status == DRAFT,
            times={slot.id: slot for slot in plan.settings.slots},
        )

    @get("/{plan_id:str}/approve", opt=MANAGING, sync_to_thread=True)
    def confirm_approval(self, runtime: NamedDependency[Runtime], plan_id: PlanPath) -> Template:
        """Asks once more before the sessions count against everyone's limits."""
        return page("session_plans/confirm.html", plan=_plan(runtime, plan_id), action="approve")

    @get("/{plan_id:str}/discard", opt=MANAGING, sync_to_thread=True)
    def confirm_discard(self, runtime: NamedDependency[Runtime], plan_id: PlanPath) -> Template:
        """Asks once more before a draft is set aside."""
        return page("session_plans/confirm.html", plan=_plan(runtime, plan_id), action="discard")

    @post("/{plan_id:str}/approve", opt=MANAGING, sync_to_thread=True, status_code=303)
    def approve(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], plan_id: PlanPath
    ) -> Redirect:
        """Approved whole, or refused with the people it would overload."""
        return _decide(request, runtime, plan_id, approve_plan, "session_plans.approved_flash")

    @post("/{plan_id:str}/discard", opt=MANAGING, sync_to_thread=True, status_code=303)
    def discard(
        self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime], plan_id: PlanPath
    ) -> Redirect:
        """Sets the draft aside for good; it stays readable."""
        return _decide(request, runtime, plan_id, discard_plan, "session_plans.discarded_flash")


def _decide(
    request: Request[Any, Any, Any],
    runtime: Runtime,
    plan_id: str,
    decision: Callable[[Store, str], SessionPlan],
    done: str,
) -> Redirect:
    """Approve or discard a draft, then back to its review with what happened."""
    plan = _plan(runtime, plan_id)
    try:
        decision(runtime.store, plan.id)
    except ConflictError as error:
        flash(runtime, session_token(request), "error", "session_plans.refused", text=str(error))
        return redirect(review_url(plan.id))
    flash(runtime, session_token(request), "success", done)
    return redirect(review_url(plan.id))
