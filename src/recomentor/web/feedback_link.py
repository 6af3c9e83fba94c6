"""/feedback/{token}: a participant rates their pairing through their link, signed out.

The token is the only credential: the page answers the same for unknown and made-up tokens,
never puts the token anywhere but its own address (no referrer, no cache, not logged: the
access log writes the route's template), and its form posts back to the same address. No
session exists to carry a CSRF token; the guard checks the Origin of the POST instead (a
forger who knew the token could post the form directly anyway).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from recomentor.api.runtime import Runtime
from recomentor.feedback import (
    ClosedLinkError,
    ExpiredLinkError,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackLinkError,
    InvalidAnswerError,
    LinkRules,
    open_request,
    submit_answer,
)
from recomentor.feedback.answers import COMMENT, GOALS_PROGRESSED, MEETINGS, OUTCOME, RATING
from recomentor.feedback.forms import MAX_MEETINGS, MAX_RATING, MIN_RATING
from recomentor.feedback.messages import checkin_label, long_date
from recomentor.store.tables import utcnow
from recomentor.web.forms import FormData, field, fields
from recomentor.web.guards import PUBLIC
from recomentor.web.i18n import supported
from recomentor.web.session import redirect
from recomentor.web.templates import page, page_lang, set_page_lang

_PUBLIC = {PUBLIC: True}
# The link is a credential: no page it leads to may learn it, no cache may keep it.
_LINK_HEADERS = [
    ResponseHeader(name="Referrer-Policy", value="no-referrer"),
    ResponseHeader(name="Cache-Control", value="no-store"),
    ResponseHeader(name="X-Robots-Tag", value="noindex, nofollow"),
]
Token = Annotated[str, PathParameter()]
Lang = Annotated[str | None, QueryParameter(max_length=8)]
# The order a person reads them in: still meeting, ended well, stopped (fields.OUTCOMES).
_SHOWN_OUTCOMES = ("ongoing", "completed", "dropped")
_FORM = "feedback_link/form.html"
_REFUSED = "feedback_link/refused.html"


def _rules(runtime: Runtime) -> LinkRules:
    return LinkRules.from_settings(runtime.settings)


def _lang_query(code: str) -> str:
    """The switch stays on this page: its language is the link's, not a cookie's."""
    return "?" + urlencode({"lang": code})


def _values(answer: FeedbackAnswer | None) -> dict[str, Any]:
    """What the inputs show: the previous answer, or nothing yet."""
    if answer is None:
        return {RATING: "", OUTCOME: "", MEETINGS: "", GOALS_PROGRESSED: [], COMMENT: ""}
    return {
        RATING: str(answer.rating),
        OUTCOME: answer.outcome,
        MEETINGS: str(answer.meetings),
        GOALS_PROGRESSED: list(answer.goals_progressed),
        COMMENT: answer.comment or "",
    }


def _posted(data: dict[str, Any]) -> dict[str, Any]:
    return {
        RATING: field(data, RATING),
        OUTCOME: field(data, OUTCOME),
        MEETINGS: field(data, MEETINGS),
        GOALS_PROGRESSED: [goal for goal in fields(data, GOALS_PROGRESSED) if goal],
        COMMENT: field(data, COMMENT),
    }


def _form_page(
    request: Request[Any, Any, Any],
    form: FeedbackForm,
    lang: str | None,
    *,
    values: dict[str, Any],
    problems: frozenset[str] = frozenset(),
    saved: bool = False,
    status: int = 200,
) -> Template:
    chosen = supported(lang) or form.language
    set_page_lang(request, chosen)
    return page(
        _FORM,
        status=status,
        form=form,
        values=values,
        problems=problems,
        saved=saved,
        checkin=checkin_label(form.checkin, chosen),
        until=long_date(form.open_until, chosen),
        answered_on=long_date(form.answered_at, chosen) if form.answered_at else None,
        ratings=range(MIN_RATING, MAX_RATING + 1),
        outcomes=_SHOWN_OUTCOMES,
        max_meetings=MAX_MEETINGS,
        lang_query=_lang_query,
    )


def _refused(
    request: Request[Any, Any, Any], error: FeedbackLinkError, lang: str | None
) -> Template:
    """The same page, and the same 404, for every link that was never issued."""
    chosen = supported(lang) or page_lang(request)
    set_page_lang(request, chosen)
    moment: datetime | None = None
    if isinstance(error, ExpiredLinkError):
        kind, status, moment = "expired", 410, error.expired_at
    elif isinstance(error, ClosedLinkError):
        kind, status, moment = "closed", 410, error.closed_at
    else:
        kind, status = "unknown", 404
    return page(
        _REFUSED,
        status=status,
        kind=kind,
        date=long_date(moment, chosen) if moment else "",
        lang_query=_lang_query,
    )


class FeedbackLinkController(Controller):
    path = "/feedback"
    include_in_schema = False
    response_headers = _LINK_HEADERS

    @get("/{token:str}", opt=_PUBLIC, sync_to_thread=True)
    def show(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        token: Token,
        lang: Lang = None,
        saved: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        """The form, filled with the previous answer at this check-in; thanks after saving."""
        try:
            form = open_request(runtime.store, token, utcnow(), _rules(runtime))
        except FeedbackLinkError as error:
            return _refused(request, error, lang)
        shown_saved = saved and form.answer is not None
        return _form_page(request, form, lang, values=_values(form.answer), saved=shown_saved)

    @post("/{token:str}", opt=_PUBLIC, sync_to_thread=True, status_code=303)
    def answer(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        token: Token,
        data: FormData,
        lang: Lang = None,
    ) -> Template | Redirect:
        """Stores or revises the answer, then the thanks; each refused field shown again."""
        now, rules = utcnow(), _rules(runtime)
        posted = _posted(data)
        try:
            form = submit_answer(runtime.store, token, posted, now, rules)
        except FeedbackLinkError as error:
            return _refused(request, error, lang)
        except InvalidAnswerError as invalid:
            try:
                form = open_request(runtime.store, token, now, rules)
            except FeedbackLinkError as error:
                return _refused(request, error, lang)
            refused = frozenset(problem.field for problem in invalid.problems)
            return _form_page(request, form, lang, values=posted, problems=refused, status=400)
        query = {"saved": "1", "lang": supported(lang) or form.language}
        return redirect(f"/feedback/{token}?{urlencode(query)}")
