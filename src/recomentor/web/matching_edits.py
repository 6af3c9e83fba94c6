"""Editing a draft from its review page: lock, unlock, remove, choose a mentor, match the rest.

A pair is named by its mentee (`mentee_id`) and the mentor the page showed (`mentor_id`): an
edit made on a page someone changed meanwhile is refused by the core, not applied elsewhere.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from recomentor.api.runtime import Runtime
from recomentor.errors import ConflictError, NotFoundError, PairsConflictError, RecomentorError
from recomentor.matching.edits import (
    assign_mentor,
    lock_pair,
    rematch_draft,
    remove_pair,
    unlock_pair,
)
from recomentor.matching.eligibility import replacement_candidates
from recomentor.matching.service import MatchingExcerpt
from recomentor.store.matchings import DRAFT
from recomentor.store.participants import read_contacts
from recomentor.web.explanations import explain_for_page, name_of
from recomentor.web.forms import FormData, field
from recomentor.web.guards import session_token
from recomentor.web.matching_view import conflict_words, read_contacts_of, rule_words
from recomentor.web.matchings import MANAGING, VIEWING, read_matching, review_url
from recomentor.web.session import flash, redirect
from recomentor.web.templates import page, page_lang

CANDIDATES_SHOWN = 10
MatchingPath = Annotated[str, PathParameter()]
MenteeQuery = Annotated[str, QueryParameter(name="mentee", min_length=1, max_length=64)]


def _at_pair(matching_id: str, mentee_id: str) -> str:
    return f"{review_url(matching_id)}#pair-{quote(mentee_id, safe='')}"


def _refused(runtime: Runtime, request: Request[Any, Any, Any], error: RecomentorError) -> None:
    # Core messages name ids and the reason, never anything a participant wrote.
    flash(runtime, session_token(request), "error", "matchings.refused", text=str(error))


class MatchingEditsController(Controller):
    path = "/matchings/{matching_id:str}"
    include_in_schema = False

    def _pair_edit(
        self,
        request: Request[Any, Any, Any],
        runtime: Runtime,
        matching_id: MatchingPath,
        data: dict[str, Any],
        action: str,
    ) -> Redirect:
        matching = read_matching(runtime, matching_id)
        mentee_id, mentor_id = field(data, "mentee_id"), field(data, "mentor_id") or None
        edits = {"lock": lock_pair, "unlock": unlock_pair, "remove": remove_pair}
        try:
            edits[action](runtime.store, matching.id, mentee_id, mentor_id=mentor_id)
        except (ConflictError, NotFoundError) as error:
            _refused(runtime, request, error)
            return redirect(_at_pair(matching.id, mentee_id))
        message = {"lock": "locked_flash", "unlock": "unlocked_flash", "remove": "removed_flash"}
        flash(
            runtime, session_token(request), "success", f"matchings.{message[action]}",
            mentee=mentee_id,
        )  # fmt: skip
        return redirect(_at_pair(matching.id, mentee_id))

    @post("/lock", opt=MANAGING, sync_to_thread=True, status_code=303)
    def lock(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
        data: FormData,
    ) -> Redirect:
        """Locks a pair: matching the rest again keeps it."""
        return self._pair_edit(request, runtime, matching_id, data, "lock")

    @post("/unlock", opt=MANAGING, sync_to_thread=True, status_code=303)
    def unlock(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
        data: FormData,
    ) -> Redirect:
        """Unlocks a pair: matching the rest again may change it."""
        return self._pair_edit(request, runtime, matching_id, data, "unlock")

    @post("/remove", opt=MANAGING, sync_to_thread=True, status_code=303)
    def remove(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
        data: FormData,
    ) -> Redirect:
        """Takes a pair out of the draft; the mentee is unpaired, and it does not come back."""
        return self._pair_edit(request, runtime, matching_id, data, "remove")

    def _candidates_page(
        self,
        request: Request[Any, Any, Any],
        runtime: Runtime,
        matching: MatchingExcerpt,
        mentee_id: str,
        status: int = 200,
        error: Any = None,
    ) -> Template:
        lang = page_lang(request)
        found = replacement_candidates(
            runtime.store,
            runtime.roster(),
            runtime.scorer_now(),
            matching.id,
            mentee_id,
            k=CANDIDATES_SHOWN,
        )
        # The people the page names: the mentee, their mentor now and the candidates.
        ids = {mentee_id, *(c.mentor_id for c in found.candidates)}
        if found.mentor_id:
            ids.add(found.mentor_id)
        people = read_contacts_of(runtime.store, ids)
        words = rule_words(matching.rules, lang)
        candidates = [
            (
                candidate,
                explain_for_page(
                    candidate.explanation,
                    score=candidate.score,
                    label=candidate.label,
                    mentor_id=candidate.mentor_id,
                    mentee_id=mentee_id,
                    people=people,
                    mode=matching.mode,
                    lang=lang,
                    rule_words=words,
                ),
            )
            for candidate in found.candidates
        ]
        ruled_out = [
            (conflict_words(reason, lang, matching.rules), count)
            for reason, count in found.excluded.items()
            if count and reason != "same_person"
        ]
        return page(
            "matchings/candidates.html",
            status=status,
            matching=matching,
            found=found,
            candidates=candidates,
            ruled_out=ruled_out,
            people=people,
            name_of=name_of,
            error=error,
        )

    @get("/candidates", opt=VIEWING, sync_to_thread=True)
    def candidates(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
        mentee: MenteeQuery,
    ) -> Template | Redirect:
        """Who could mentor this mentee of the draft now, scored and explained as the draft."""
        matching = read_matching(runtime, matching_id)
        if matching.status != DRAFT:
            # A finished matching has no candidates; its read-only review says why.
            return redirect(review_url(matching.id))
        return self._candidates_page(request, runtime, matching, mentee)

    @post("/assign", opt=MANAGING, sync_to_thread=True, status_code=303)
    def assign(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
        data: FormData,
    ) -> Template | Redirect:
        """Makes the chosen person the mentee's mentor, every rule and capacity checked again."""
        matching = read_matching(runtime, matching_id)
        mentee_id, mentor_id = field(data, "mentee_id"), field(data, "mentor_id")
        try:
            assign_mentor(
                runtime.store,
                runtime.roster(),
                runtime.scorer_now(),
                matching.id,
                mentee_id,
                mentor_id,
            )
        except PairsConflictError as refused:
            reason = refused.conflicts[0].reason if refused.conflicts else ""
            with runtime.store.session() as session:
                people = read_contacts(session, [mentor_id, mentee_id])
            error = (
                "matchings.assign_refused",
                {
                    "mentor": name_of(mentor_id, people),
                    "mentee": name_of(mentee_id, people),
                    "reason": conflict_words(reason, page_lang(request), matching.rules),
                },
            )
            return self._candidates_page(
                request, runtime, matching, mentee_id, status=409, error=error
            )
        except ConflictError as error:
            _refused(runtime, request, error)
            return redirect(_at_pair(matching.id, mentee_id))
        flash(
            runtime, session_token(request), "success", "matchings.assigned_flash",
            mentor=mentor_id, mentee=mentee_id,
        )  # fmt: skip
        return redirect(_at_pair(matching.id, mentee_id))

    @post("/rematch", opt=MANAGING, sync_to_thread=True, status_code=303)
    def rematch(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
    ) -> Redirect:
        """Solves the draft again for all but its locked pairs."""
        matching = read_matching(runtime, matching_id)
        try:
            rematch_draft(runtime.store, runtime.roster(), runtime.scorer_now(), matching.id)
        except ConflictError as error:
            _refused(runtime, request, error)
            return redirect(review_url(matching.id))
        flash(runtime, session_token(request), "success", "matchings.rematched_flash")
        return redirect(review_url(matching.id))
