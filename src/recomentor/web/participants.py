"""/participants: search and filter everyone; /participants/{id}: one person's answers,
pairings and explained suggestions, with "pair them"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from recomentor import fields as F
from recomentor.accounts.roles import MANAGE_PROGRAM, VIEW
from recomentor.api.runtime import Runtime
from recomentor.api.suggestions import suggest_partners
from recomentor.errors import NotFoundError, PairsConflictError, RecomentorError, shown_text
from recomentor.matching.pairings import Pairing, list_pairings, pair_by_hand
from recomentor.ranking.explain import describe_exclusions
from recomentor.ranking.rank import PARTNER, Suggestion, SuggestionResult
from recomentor.ranking.roster import Roster
from recomentor.store.participants import (
    ParticipantFilters,
    get_participant,
    participant_facets,
    read_contacts,
    search_participants,
)
from recomentor.store.tables import ParticipantRow
from recomentor.web.explanations import explain_for_page
from recomentor.web.forms import FormData, Query, field
from recomentor.web.guards import PERMISSION, session_token
from recomentor.web.pagination import Pages, page_number
from recomentor.web.session import flash, redirect
from recomentor.web.templates import page, page_lang

SUGGESTIONS_SHOWN = 5
# Longer search texts are cut: nobody types a 100-character name, and LIKE stays cheap.
_MAX_QUERY = 100
_PAIRED = {"yes": True, "no": False}
# The reasons pair_by_hand may give (matching.conflicts and ranking.candidates) that the
# catalog words; any other (a program rule's) reads as `refused_other`.
REFUSAL_CODES = (
    "same_person",
    "wrong_role",
    "own_manager",
    "no_common_language",
    "wrong_direction",
    "already_paired",
    "at_capacity",
    "excluded",
    "unknown_participant",
    "mentor_at_capacity",
    "mentee_has_mentor",
)
ParticipantId = Annotated[str, PathParameter(min_length=1, max_length=64)]


def _choice(raw: str | None, allowed: tuple[str, ...] | dict[str, Any]) -> str | None:
    """A filter's value when it is one of `allowed`; anything else means no filter."""
    value = (raw or "").strip()
    return value if value in allowed else None


def _mode(raw: str | None) -> str:
    return _choice(raw, F.MODES) or F.REVERSE


@dataclass(frozen=True)
class PairAction:
    """What the "pair them" form of one suggestion posts."""

    mentor_id: str
    mentee_id: str


def pair_action(roster: Roster, person_id: str, suggestion: Suggestion) -> PairAction:
    """Who would mentor whom if this suggestion became a pairing.

    In mutual mode a pair has no direction; it is stored the way the ranking oriented it:
    the person mentors when they may mentor and the partner may be mentored.
    """
    partner_id = suggestion.partner_id
    if suggestion.role == F.MENTOR:
        return PairAction(partner_id, person_id)
    if suggestion.role == F.MENTEE:
        return PairAction(person_id, partner_id)
    assert suggestion.role == PARTNER
    me, partner = roster.position(person_id), roster.position(partner_id)
    if roster.can_mentor[me] and roster.can_be_mentee[partner]:
        return PairAction(person_id, partner_id)
    return PairAction(partner_id, person_id)


class ParticipantsController(Controller):
    path = "/participants"
    include_in_schema = False

    @get("/", opt={PERMISSION: VIEW}, sync_to_thread=True)
    def index(
        self,
        runtime: NamedDependency[Runtime],
        q: Query = None,
        role: Query = None,
        department: Query = None,
        location: Query = None,
        paired: Query = None,
        page_query: Annotated[str | None, QueryParameter(name="page")] = None,
    ) -> Template:
        """Everyone, sorted by name: search by name, id or department, filter, 50 a page."""
        text = shown_text((q or "").strip())[:_MAX_QUERY].strip()
        filters = ParticipantFilters(
            text=text or None,
            role=_choice(role, F.ROLES),
            department=(department or "").strip() or None,
            location=(location or "").strip() or None,
            paired=_PAIRED.get((paired or "").strip()),
        )
        params = (
            ("q", text),
            ("role", filters.role or ""),
            ("department", filters.department or ""),
            ("location", filters.location or ""),
            ("paired", (paired or "").strip() if filters.paired is not None else ""),
        )
        with runtime.store.session() as session:
            departments, locations = participant_facets(session)
            asked = Pages(page_number(page_query), 0, params=params)
            listing = search_participants(session, filters, offset=asked.offset, limit=asked.size)
            pages = Pages.clamped(asked.number, listing.total, params)
            if pages.number != asked.number:
                # Asked beyond the end (a stale link after a filter): the last page instead.
                listing = search_participants(
                    session, filters, offset=pages.offset, limit=pages.size
                )
        return page(
            "participants/list.html",
            listing=listing,
            pages=pages,
            filters=filters,
            paired_choice=params[-1][1],
            roles=F.ROLES,
            departments=departments,
            locations=locations,
            ignored_role=bool((role or "").strip()) and filters.role is None,
            # No filter at all and nobody: the roster is empty, not the search.
            blank_filters=ParticipantFilters(),
        )

    @get("/{participant_id:str}", opt={PERMISSION: VIEW}, sync_to_thread=True)
    def person(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        participant_id: ParticipantId,
        mode: Query = None,
    ) -> Template:
        """The person's answers, pairings and best partners, each with why."""
        chosen_mode = _mode(mode)
        lang = page_lang(request)
        with runtime.store.session() as session:
            row = get_participant(session, participant_id)
        pairings = list_pairings(runtime.store, participant_id=participant_id)
        result = suggest_partners(
            runtime, participant_id, k=SUGGESTIONS_SHOWN, mode=chosen_mode, lang=lang
        )
        roster = runtime.roster()
        actions = {s.partner_id: pair_action(roster, participant_id, s) for s in result.suggestions}
        people = _contacts_around(runtime, row, pairings, result)
        # Written with the pair the way "pair them" would store it: the same mentor and mentee
        # the ranking scored (candidates orient a mutual pair the same way).
        explained = {
            s.partner_id: explain_for_page(
                s.explanation,
                score=s.score,
                label=s.label,
                mentor_id=actions[s.partner_id].mentor_id,
                mentee_id=actions[s.partner_id].mentee_id,
                people=people,
                mode=chosen_mode,
                lang=lang,
            )
            for s in result.suggestions
        }
        return page(
            "participants/person.html",
            person=row,
            languages=[code for code in (row.languages or "").split(";") if code],
            people=people,
            pairings=pairings,
            result=result,
            actions=actions,
            explained=explained,
            modes=F.MODES,
            mode=chosen_mode,
            excluded=describe_exclusions(result.excluded, lang),
        )

    @post("/{participant_id:str}/pair", opt={PERMISSION: MANAGE_PROGRAM}, sync_to_thread=True)
    def pair(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        participant_id: ParticipantId,
        data: FormData,
    ) -> Redirect:
        """Pairs the person with one of their suggestions, under the checks of every pairing."""
        mode = _mode(field(data, "mode"))
        token = session_token(request)
        back = f"/participants/{quote(participant_id, safe='')}?mode={mode}"
        mentor_id, mentee_id = field(data, "mentor_id"), field(data, "mentee_id")
        if participant_id not in (mentor_id, mentee_id):
            # The form pairs this page's person; anything else is not a form of this page.
            raise NotFoundError("participant", participant_id)
        try:
            pairing = pair_by_hand(
                runtime.store,
                runtime.roster(),
                mentor_id,
                mentee_id,
                mode=mode,
                min_gap=runtime.settings.min_gap,
            )
        except PairsConflictError as refused:
            reason = refused.conflicts[0].reason if refused.conflicts else ""
            key = reason if reason in REFUSAL_CODES else "other"
            flash(
                runtime,
                token,
                "error",
                f"participants.refused_{key}",
                mentor=mentor_id,
                mentee=mentee_id,
            )
            return redirect(back)
        except RecomentorError:
            # Unknown partner (erased meanwhile), the same person twice: nothing was formed.
            flash(runtime, token, "error", "participants.pair_failed")
            return redirect(back)
        flash(
            runtime,
            token,
            "success",
            "participants.pair_done",
            mentor=pairing.mentor_id,
            mentee=pairing.mentee_id,
        )
        return redirect(back)


def _contacts_around(
    runtime: Runtime, row: ParticipantRow, pairings: list[Pairing], result: SuggestionResult
) -> dict[str, Any]:
    """Names and departments of everyone the page names: the person (in the summaries), their
    manager, partners and suggestions."""
    ids = {row.id, *(s.partner_id for s in result.suggestions)}
    ids.update(p.mentor_id for p in pairings)
    ids.update(p.mentee_id for p in pairings)
    if row.manager_id:
        ids.add(row.manager_id)
    with runtime.store.session() as session:
        return dict(read_contacts(session, ids))
