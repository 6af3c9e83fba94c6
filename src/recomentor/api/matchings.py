"""Cohort matchings: solve a draft, read it, approve it into pairings."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import Matching, MatchingIn
from recomentor.matching.rules import NO_RULES, parse_rules
from recomentor.matching.service import approve_matching, create_matching, get_matching
from recomentor.store.apikeys import READ, WRITE

MatchingPath = Annotated[str, PathParameter(min_length=1, max_length=36)]


class MatchingController(Controller):
    path = "/matchings"
    tags = ["matchings"]  # noqa: RUF012 (Litestar declares it as a plain attribute)

    @post(
        "/",
        opt={SCOPE: WRITE},
        status_code=201,
        operation_id="createMatching",
        # Solving a cohort is CPU work: off the event loop.
        sync_to_thread=True,
        responses=problem_responses(413, 422),
    )
    def create(self, data: JSONBody[MatchingIn], runtime: NamedDependency[Runtime]) -> Matching:
        """Solve the whole cohort under capacities and rules; stored as a draft."""
        settings = runtime.settings
        rules = parse_rules(data.rules, source="rules") if data.rules else NO_RULES
        return create_matching(
            runtime.store,
            runtime.roster(),
            runtime.scorer,
            mode=data.mode,
            objective=data.objective,
            rules=rules,
            min_gap=settings.min_gap if data.min_gap is None else data.min_gap,
            lang=data.lang or settings.lang,
        )

    @get(
        "/{matching_id:str}",
        opt={SCOPE: READ},
        operation_id="getMatching",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def read(self, matching_id: MatchingPath, runtime: NamedDependency[Runtime]) -> Matching:
        """A draft or approved matching with its pairs, unpaired mentees and mentor loads."""
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
        """Turn the draft into pairings; 409 when it was approved already."""
        return approve_matching(runtime.store, matching_id)
