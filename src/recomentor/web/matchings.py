"""/matchings: the list, a new draft, the review of one, its approval or discard, its exports.

Drafting runs inside the POST (off the event loop, like the API's): any worker can answer it,
nothing is left half-done when a server restarts, and the browser shows that it is working
(static/matchings.js). A job in a thread would need its state in the database and a way to
notice a worker that died mid-job, for no gain while a solve takes seconds.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, PathParameter, QueryParameter
from litestar.response import Redirect, Template

from recomentor import fields as F
from recomentor.accounts.roles import MANAGE_PROGRAM, VIEW
from recomentor.api.runtime import Runtime
from recomentor.errors import ConflictError, InvalidInputError, NotFoundError, PairsConflictError
from recomentor.matching.export import matching_csv, matching_xlsx
from recomentor.matching.rules import FILTERS
from recomentor.matching.service import (
    Matching,
    MatchingExcerpt,
    Window,
    approve_matching,
    create_matching,
    discard_matching,
    get_matching,
    get_matching_excerpt,
    list_matchings,
)
from recomentor.matching.solver import OBJECTIVES
from recomentor.store.matchings import DRAFT, STATUSES
from recomentor.web.explanations import criterion_label, factor_label, name_of
from recomentor.web.forms import Query
from recomentor.web.guards import PERMISSION, session_token
from recomentor.web.matching_form import (
    PREFERENCES,
    FormRefused,
    MatchingChoices,
    read_matching_form,
    rules_upload,
)
from recomentor.web.matching_view import (
    UNPAIRED_REASONS,
    conflict_words,
    explain_pairs,
    people_of,
    read_contacts_of,
    required_words,
    review_pages,
    review_windows,
    rule_words,
)
from recomentor.web.pagination import PAGE_SIZE, Pages, page_number
from recomentor.web.session import flash, redirect
from recomentor.web.templates import page, page_lang

VIEWING: Final = {PERMISSION: VIEW}
MANAGING: Final = {PERMISSION: MANAGE_PROGRAM}
# Matching ids are UUIDs; anything much longer is no matching, not worth a query.
_MAX_ID = 64
MatchingPath = Annotated[str, PathParameter()]
MultipartForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
PageQuery = Annotated[str | None, QueryParameter(name="page")]
MATCHINGS_PER_PAGE: Final = PAGE_SIZE


def _checked_id(matching_id: str) -> str:
    if len(matching_id) > _MAX_ID:
        raise NotFoundError("matching", matching_id[:_MAX_ID])
    return matching_id


def read_matching(
    runtime: Runtime,
    matching_id: str,
    *,
    pairs: Window | None = None,
    unpaired: Window | None = None,
    loads: Window | None = None,
) -> MatchingExcerpt:
    """The matching with the windows a page shows (none: its summary and sizes only)."""
    return get_matching_excerpt(
        runtime.store, _checked_id(matching_id), pairs=pairs, unpaired=unpaired, loads=loads
    )


def read_whole_matching(runtime: Runtime, matching_id: str) -> Matching:
    """Every pair of the matching: for the exports, not for a page."""
    return get_matching(runtime.store, _checked_id(matching_id))


def review_url(matching_id: str) -> str:
    return f"/matchings/{matching_id}"


def _preference_labels(lang: str) -> dict[str, str]:
    return {criterion: criterion_label(criterion, lang) for criterion in PREFERENCES}


class MatchingsController(Controller):
    path = "/matchings"
    include_in_schema = False

    @get("/", opt=VIEWING, sync_to_thread=True)
    def index(
        self,
        runtime: NamedDependency[Runtime],
        status: Annotated[str, QueryParameter()] = "",
        page_query: PageQuery = None,
    ) -> Template:
        """Matchings newest first with status, mode, size and total, numbered pages."""
        chosen = status if status in STATUSES else None
        # A program drafts a few matchings a round: all of them cost no more than a page of
        # them (the pair counts aggregate every pair either way), and give the total.
        listed = list_matchings(runtime.store, status=chosen)
        pages = Pages.clamped(
            page_number(page_query),
            len(listed),
            (("status", chosen or ""),),
            size=MATCHINGS_PER_PAGE,
        )
        return page(
            "matchings/list.html",
            matchings=listed[pages.offset : pages.stop],
            pages=pages,
            statuses=STATUSES,
            chosen_status=chosen or "",
        )

    def _new_page(
        self,
        runtime: Runtime,
        lang: str,
        choices: MatchingChoices,
        status: int = 200,
        error: Any = None,
    ) -> Template:
        return page(
            "matchings/new.html",
            status=status,
            choices=choices,
            default_min_gap=runtime.settings.min_gap,
            modes=F.MODES,
            objectives=OBJECTIVES,
            filters=FILTERS,
            preferences=_preference_labels(lang),
            error=error,
        )

    @get("/new", opt=MANAGING, sync_to_thread=True)
    def new(self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]) -> Template:
        """The form of a new draft: mode, objective, the common rules or a rules file."""
        return self._new_page(runtime, page_lang(request), MatchingChoices())

    @post("/new", opt=MANAGING, sync_to_thread=True, status_code=303)
    def create(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        data: MultipartForm,
    ) -> Template | Redirect:
        """Solves the round and stores it as a draft; its review page is next."""
        lang = page_lang(request)
        choices = MatchingChoices.of(data)
        roster = runtime.roster()
        try:
            asked = read_matching_form(
                choices,
                rules_upload(data),
                known=roster.index,
                default_min_gap=runtime.settings.min_gap,
                labels=_preference_labels(lang),
            )
            matching = create_matching(
                runtime.store,
                roster,
                runtime.scorer_now(),
                mode=asked.mode,
                objective=asked.objective,
                rules=asked.rules,
                min_gap=asked.min_gap,
                max_gap=asked.max_gap,
                max_mentors=asked.max_mentors,
                # Explanations and reasons are stored in the language of whoever drafted it.
                lang=lang,
            )
        except FormRefused as refused:
            return self._new_page(runtime, lang, choices, status=400, error=refused.error)
        except InvalidInputError as error:
            # Core messages name the rule and its line (an unknown id in an exclusion).
            return self._new_page(runtime, lang, choices, status=400, error=str(error))
        flash(runtime, session_token(request), "success", "matchings.created_flash")
        return redirect(review_url(matching.id))

    @get("/{matching_id:str}", opt=VIEWING, sync_to_thread=True)
    def review(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
        page_query: PageQuery = None,
        unpaired_page: Query = None,
        loads_page: Query = None,
    ) -> Template:
        """Summary, pairs with explanations on demand, unpaired people, mentor loads: each a
        page at a time, so a draft over a whole program reads no more than a small one."""
        asked = {"pairs": page_query, "unpaired": unpaired_page, "loads": loads_page}
        windows = review_windows({name: page_number(raw) for name, raw in asked.items()})
        matching = read_matching(runtime, matching_id, **windows)
        lang = page_lang(request)
        people = people_of(runtime.store, matching)
        words = rule_words(matching.rules, lang)
        return page(
            "matchings/review.html",
            matching=matching,
            people=people,
            name_of=name_of,
            pairs=explain_pairs(
                matching.pairs, people, mode=matching.mode, lang=lang, rule_words=words
            ),
            pages=review_pages(matching),
            editable=matching.status == DRAFT,
            required=required_words(matching.rules, lang),
            reasons=UNPAIRED_REASONS,
            factor_label=factor_label,
            rule_words=words,
        )

    @get("/{matching_id:str}/approve", opt=MANAGING, sync_to_thread=True)
    def confirm_approval(
        self, runtime: NamedDependency[Runtime], matching_id: MatchingPath
    ) -> Template:
        """Asks once more before the pairs come into force."""
        matching = read_matching(runtime, matching_id)
        return page("matchings/confirm.html", matching=matching, action="approve", conflicts=[])

    @post("/{matching_id:str}/approve", opt=MANAGING, sync_to_thread=True, status_code=303)
    def approve(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
    ) -> Template | Redirect:
        """All pairs become pairings, or none: the conflicts are listed as the API lists them."""
        matching = read_matching(runtime, matching_id)
        try:
            approve_matching(runtime.store, runtime.roster(), matching.id)
        except PairsConflictError as error:
            lang = page_lang(request)
            named = [person for c in error.conflicts for person in (c.mentor_id, c.mentee_id)]
            people = read_contacts_of(runtime.store, named)
            conflicts = [
                (
                    name_of(c.mentor_id, people),
                    name_of(c.mentee_id, people),
                    conflict_words(c.reason, lang, matching.rules),
                    c,
                )
                for c in error.conflicts
            ]
            return page(
                "matchings/confirm.html",
                status=409,
                matching=matching,
                action="approve",
                conflicts=conflicts,
            )
        except ConflictError as error:
            flash(runtime, session_token(request), "error", "matchings.refused", text=str(error))
            return redirect(review_url(matching.id))
        flash(runtime, session_token(request), "success", "matchings.approved_flash")
        return redirect(review_url(matching.id))

    @get("/{matching_id:str}/discard", opt=MANAGING, sync_to_thread=True)
    def confirm_discard(
        self, runtime: NamedDependency[Runtime], matching_id: MatchingPath
    ) -> Template:
        """Asks once more before a draft is set aside."""
        matching = read_matching(runtime, matching_id)
        return page("matchings/confirm.html", matching=matching, action="discard", conflicts=[])

    @post("/{matching_id:str}/discard", opt=MANAGING, sync_to_thread=True, status_code=303)
    def discard(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
    ) -> Redirect:
        """Sets the draft aside for good; it stays readable."""
        matching = read_matching(runtime, matching_id)
        try:
            discard_matching(runtime.store, matching.id)
        except ConflictError as error:
            flash(runtime, session_token(request), "error", "matchings.refused", text=str(error))
            return redirect(review_url(matching.id))
        flash(runtime, session_token(request), "success", "matchings.discarded_flash")
        return redirect(review_url(matching.id))

    # Managers only: a file of names and e-mail addresses leaves the app's access control the
    # moment it is downloaded; viewers read the same pairs on the page.
    @get("/{matching_id:str}/export.csv", opt=MANAGING, sync_to_thread=True)
    def export_csv(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
    ) -> Response[bytes]:
        """The pairs for French Excel: `;`, UTF-8 with BOM, formula-escaped, with names."""
        matching = read_whole_matching(runtime, matching_id)
        people = people_of(runtime.store, matching)
        body = matching_csv(matching, people, lang=page_lang(request))
        return _attachment(body, "text/csv; charset=utf-8", f"matching-{matching.id}.csv")

    @get("/{matching_id:str}/export.xlsx", opt=MANAGING, sync_to_thread=True)
    def export_xlsx(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching_id: MatchingPath,
    ) -> Response[bytes]:
        """The same columns as a workbook: pairs on one sheet, unpaired people on another."""
        matching = read_whole_matching(runtime, matching_id)
        people = people_of(runtime.store, matching)
        body = matching_xlsx(matching, people, lang=page_lang(request))
        return _attachment(body, _XLSX_TYPE, f"matching-{matching.id}.xlsx")


_XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(body: bytes, media_type: str, filename: str) -> Response[bytes]:
    # The name is built from the stored matching's id (a UUID): nothing to quote.
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
