"""/pairings: the pairings in force and the ended ones, and "end this pairing" with a reason."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from recomentor.accounts.roles import MANAGE_PROGRAM, VIEW
from recomentor.api.runtime import Runtime
from recomentor.errors import ConflictError, InvalidInputError
from recomentor.matching.pairings import END_REASONS, end_pairing, pairings_page
from recomentor.store.pairings import ACTIVE, STATUSES
from recomentor.store.participants import read_contacts
from recomentor.web.forms import FormData, Query, field
from recomentor.web.guards import PERMISSION, session_token
from recomentor.web.pagination import Pages, page_number
from recomentor.web.session import flash, redirect
from recomentor.web.templates import page

PairingId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]


class PairingsController(Controller):
    path = "/pairings"
    include_in_schema = False

    @get("/", opt={PERMISSION: VIEW}, sync_to_thread=True)
    def index(
        self,
        runtime: NamedDependency[Runtime],
        status: Query = None,
        page_query: Annotated[str | None, QueryParameter(name="page")] = None,
    ) -> Template:
        """Active pairings (or ended ones), latest first, 50 a page, with both people."""
        shown = status if status in STATUSES else ACTIVE
        params = (("status", shown),)
        asked = Pages(page_number(page_query), 0, params=params)
        items, total = pairings_page(
            runtime.store, status=shown, offset=asked.offset, limit=asked.size
        )
        pages = Pages.clamped(asked.number, total, params)
        if pages.number != asked.number:
            items, total = pairings_page(
                runtime.store, status=shown, offset=pages.offset, limit=pages.size
            )
        with runtime.store.session() as session:
            people = read_contacts(
                session, {p.mentor_id for p in items} | {p.mentee_id for p in items}
            )
        return page(
            "pairings/list.html",
            pairings=items,
            people=people,
            pages=pages,
            shown_status=shown,
            statuses=STATUSES,
            reasons=END_REASONS,
        )

    @post("/{pairing_id:int}/end", opt={PERMISSION: MANAGE_PROGRAM}, sync_to_thread=True)
    def end(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        pairing_id: PairingId,
        data: FormData,
    ) -> Redirect:
        """Ends an active pairing with a reason: the mentor's slot and the mentee are free."""
        token = session_token(request)
        try:
            end_pairing(runtime.store, pairing_id, field(data, "reason"))
        except InvalidInputError:
            flash(runtime, token, "error", "pairings.reason_needed", id=pairing_id)
            return redirect("/pairings")
        except ConflictError:
            flash(runtime, token, "error", "pairings.already_ended", id=pairing_id)
            return redirect("/pairings")
        flash(runtime, token, "success", "pairings.ended", id=pairing_id)
        return redirect("/pairings")
