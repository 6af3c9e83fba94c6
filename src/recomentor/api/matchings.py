"""Cohort matchings: solve a draft, list them, read one, approve or discard a draft."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from recomentor.accounts.scopes import READ, WRITE
from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    bad_cursor,
    decode_cursor,
    next_cursor,
)
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import Matching, MatchingIn, MatchingPage
from recomentor.matching.rules import NO_RULES, parse_rules
from recomentor.matching.service import (
    MatchingSummary,
    approve_matching,
    create_matching,
    discard_matching,
    get_matching,
    list_matchings,
)

MatchingPath = Annotated[str, PathParameter(min_length=1, max_length=36)]
LOCATION = [
    ResponseHeader(
        name="Location", description="The new resource.", required=True, documentation_only=True
    )
]


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    key = decode_cursor(cursor, str, str)
    if key is None:
        return None
    try:
        return datetime.fromisoformat(key[0]), key[1]
    except ValueError:
        raise bad_cursor() from None


def _key(summary: MatchingSummary) -> list[Any]:
    return [summary.created_at.isoformat(), summary.id]


class MatchingController(Controller):
    path = "/matchings"
    tags = ["matchings"]  # noqa: RUF012 (Litestar declares it as a plain attribute)

    @post(
        "/",
        opt={SCOPE: WRITE},
        status_code=201,
        operation_id="createMatching",
        response_headers=LOCATION,
        # Solving a cohort is CPU work: off the event loop.
        sync_to_thread=True,
        responses=problem_responses(413, 422),
    )
    def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[MatchingIn],
        runtime: NamedDependency[Runtime],
    ) -> Response[Matching]:
        """Solve the cohort left free by the pairings in force; stored as a draft."""
        settings = runtime.settings
        rules = parse_rules(data.rules, source="rules") if data.rules else NO_RULES
        matching = create_matching(
            runtime.store,
            runtime.roster(),
            runtime.scorer_now(),
            mode=data.mode,
            objective=data.objective,
            rules=rules,
            min_gap=data.min_gap,
            max_gap=data.max_gap,
            max_mentors=data.max_mentors,
            default_min_gap=settings.min_gap,
            lang=data.lang or settings.lang,
        )
        location = f"{request.url.path.rstrip('/')}/{matching.id}"
        return Response(matching, status_code=201, headers={"Location": location})

    @get(
        "/",
        opt={SCOPE: READ},
        operation_id="listMatchings",
        sync_to_thread=True,
        responses=problem_responses(),
    )
    def index(
        self,
        runtime: NamedDependency[Runtime],
        status: Annotated[
            Literal["draft", "approved", "discarded", "superseded"] | None,
            QueryParameter(description="Only matchings with this status."),
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> MatchingPage:
        """Matchings newest first with their status and size, a page at a time."""
        items = list_matchings(runtime.store, status=status, after=_after(cursor), limit=limit + 1)
        return MatchingPage(items=items[:limit], next_cursor=next_cursor(items, limit, _key))

    @get(
        "/{matching_id:str}",
        opt={SCOPE: READ},
        operation_id="getMatching",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def read(self, matching_id: MatchingPath, runtime: NamedDependency[Runtime]) -> Matching:
        """A matching with its pairs, unpaired mentees and mentor loads, whatever its status."""
        return get_matching(runtime.store, matching_id)

    @post(
        "/{matching_id:str}/approve",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="approveMatching",
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def approve(self, matching_id: MatchingPath, runtime: NamedDependency[Runtime]) -> Matching:
        """Turn the draft into pairings, all or nothing; 409 lists every pair that conflicts
        with the pairings in force, or says the matching is not a draft."""
        return approve_matching(runtime.store, runtime.roster(), matching_id)

    @post(
        "/{matching_id:str}/discard",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="discardMatching",
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def discard(self, matching_id: MatchingPath, runtime: NamedDependency[Runtime]) -> Matching:
        """Set a draft aside for good (it stays readable); 409 when it is not a draft."""
        return discard_matching(runtime.store, matching_id)
