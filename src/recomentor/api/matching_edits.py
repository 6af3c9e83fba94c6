"""Editing a draft matching: lock, remove or re-assign a pair, list replacements, re-match."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from recomentor.accounts.scopes import READ, WRITE
from recomentor.api.auth import SCOPE
from recomentor.api.errors import problem_responses
from recomentor.api.matchings import MatchingPath
from recomentor.api.runtime import Runtime
from recomentor.api.schemas import Matching, MentorEligibility, MentorIn, ReplacementCandidates
from recomentor.matching.edits import (
    assign_mentor,
    lock_pair,
    rematch_draft,
    remove_pair,
    unlock_pair,
)
from recomentor.matching.eligibility import (
    MAX_CANDIDATES,
    mentor_eligibility,
    replacement_candidates,
)

PersonPath = Annotated[str, PathParameter(min_length=1, max_length=64)]
SeenMentor = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=64,
        description="Only if the pair is still with this mentor (409 otherwise): the pair the "
        "caller saw, so an edit never hits a pair someone changed meanwhile.",
    ),
]


class MatchingEditController(Controller):
    """A pair of a draft is named by its mentee (in mutual mode, by either member)."""

    path = "/matchings/{matching_id:str}"
    tags = ["matchings"]  # noqa: RUF012 (Litestar declares it as a plain attribute)

    @post(
        "/pairs/{mentee_id:str}/lock",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="lockMatchingPair",
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def lock(
        self,
        matching_id: MatchingPath,
        mentee_id: PersonPath,
        runtime: NamedDependency[Runtime],
        mentor_id: SeenMentor = None,
    ) -> Matching:
        """Lock the mentee's pair: matching the rest again keeps it as it is."""
        return lock_pair(runtime.store, matching_id, mentee_id, mentor_id=mentor_id)

    @delete(
        "/pairs/{mentee_id:str}/lock",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="unlockMatchingPair",
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def unlock(
        self,
        matching_id: MatchingPath,
        mentee_id: PersonPath,
        runtime: NamedDependency[Runtime],
        mentor_id: SeenMentor = None,
    ) -> Matching:
        """Unlock the mentee's pair."""
        return unlock_pair(runtime.store, matching_id, mentee_id, mentor_id=mentor_id)

    @delete(
        "/pairs/{mentee_id:str}",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="removeMatchingPair",
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def remove(
        self,
        matching_id: MatchingPath,
        mentee_id: PersonPath,
        runtime: NamedDependency[Runtime],
        mentor_id: SeenMentor = None,
    ) -> Matching:
        """Take the pair out of the draft: the mentee is unpaired (`removed_by_hr`), the mentor
        has one mentee less, and matching the rest again does not propose the pair again."""
        return remove_pair(runtime.store, matching_id, mentee_id, mentor_id=mentor_id)

    @put(
        "/pairs/{mentee_id:str}",
        opt={SCOPE: WRITE},
        operation_id="assignMatchingMentor",
        sync_to_thread=True,
        responses=problem_responses(404, 409, 413),
    )
    def assign(
        self,
        matching_id: MatchingPath,
        mentee_id: PersonPath,
        data: JSONBody[MentorIn],
        runtime: NamedDependency[Runtime],
    ) -> Matching:
        """Give the mentee this mentor, replacing the one they have, if any. Every rule and
        capacity is checked again now; 409 lists the pair with the reason code when one
        forbids it. The pair is scored and explained as the draft's pairs and is locked."""
        return assign_mentor(
            runtime.store,
            runtime.roster(),
            runtime.scorer_now(),
            matching_id,
            mentee_id,
            data.mentor_id,
        )

    @get(
        "/pairs/{mentee_id:str}/candidates",
        opt={SCOPE: READ},
        operation_id="listReplacementMentors",
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def candidates(
        self,
        matching_id: MatchingPath,
        mentee_id: PersonPath,
        runtime: NamedDependency[Runtime],
        k: Annotated[
            int, QueryParameter(ge=1, le=MAX_CANDIDATES, description="How many mentors.")
        ] = 10,
    ) -> ReplacementCandidates:
        """The mentors who could take the mentee now, best first, each scored and explained as
        the draft's pairs; everyone else counted per reason in `excluded`."""
        return replacement_candidates(
            runtime.store, runtime.roster(), runtime.scorer_now(), matching_id, mentee_id, k=k
        )

    @get(
        "/pairs/{mentee_id:str}/candidates/{mentor_id:str}",
        opt={SCOPE: READ},
        operation_id="getMentorEligibility",
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def eligibility(
        self,
        matching_id: MatchingPath,
        mentee_id: PersonPath,
        mentor_id: PersonPath,
        runtime: NamedDependency[Runtime],
    ) -> MentorEligibility:
        """Whether this mentor could take the mentee now: the reason code and its words when
        not, the pair's score and explanation when so."""
        return mentor_eligibility(
            runtime.store, runtime.roster(), runtime.scorer_now(), matching_id, mentee_id, mentor_id
        )

    @post(
        "/rematch",
        opt={SCOPE: WRITE},
        status_code=200,
        operation_id="rematchMatching",
        # Solving a cohort is CPU work: off the event loop.
        sync_to_thread=True,
        responses=problem_responses(404, 409),
    )
    def rematch(self, matching_id: MatchingPath, runtime: NamedDependency[Runtime]) -> Matching:
        """Solve the draft again for everyone but its locked pairs, under its own mode, rules
        and objective; no pair removed by HR comes back."""
        return rematch_draft(runtime.store, runtime.roster(), runtime.scorer_now(), matching_id)
