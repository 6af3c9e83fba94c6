"""/outcomes: what the program achieved, for every signed-in user; /outcomes.csv its figures."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template
from markupsafe import Markup

from recomentor.accounts.roles import VIEW
from recomentor.api.runtime import Runtime
from recomentor.outcomes import (
    MIN_GROUP,
    RATINGS,
    GroupOutcomes,
    ProgramOutcomes,
    outcomes_csv,
    program_outcomes,
)
from recomentor.web.guards import PERMISSION
from recomentor.web.i18n import translate
from recomentor.web.outcome_charts import OUTCOME_COLOURS, counts_chart, rating_chart, share_chart
from recomentor.web.templates import page, page_lang

_VIEW = {PERMISSION: VIEW}
Filter = Annotated[str | None, QueryParameter(max_length=64)]
_OUTCOMES = ("completed", "ongoing", "dropped")


def _filters(matching: str | None, checkin: str | None) -> dict[str, str | None]:
    return {"matching_id": matching or None, "checkin": checkin or None}


def _label(lang: str, row: GroupOutcomes) -> str:
    return row.group if row.kind == "group" else translate(lang, f"outcomes.group_{row.kind}")


def _charts(lang: str, outcomes: ProgramOutcomes) -> dict[str, Markup | None]:
    """The charts of what is shown; each has its table beside it on the page."""
    overall = outcomes.overall

    def t(key: str) -> str:
        return translate(lang, f"outcomes.{key}")

    charts: dict[str, Markup | None] = {"ratings": None, "outcomes": None, "departments": None}
    if overall.ratings is not None:
        words = [f"{r} {t(f'rating_{r}')}" for r in RATINGS]
        charts["ratings"] = rating_chart(overall.ratings, words, lang)
        shares = [getattr(overall, name) or 0.0 for name in _OUTCOMES]
        charts["outcomes"] = share_chart(
            "outcomes", [t(name) for name in _OUTCOMES], shares, OUTCOME_COLOURS, lang
        )
    departments = outcomes.breakdowns[1].rows
    if departments:
        charts["departments"] = counts_chart(
            "departments",
            [_label(lang, row) for row in departments],
            [row.asked for row in departments],
            [row.respondents for row in departments],
            [t("asked"), t("answered")],
            lang,
        )
    return charts


class OutcomesController(Controller):
    include_in_schema = False

    @get("/outcomes", opt=_VIEW, sync_to_thread=True)
    def index(
        self,
        request: Request[Any, Any, Any],
        runtime: NamedDependency[Runtime],
        matching: Filter = None,
        checkin: Filter = None,
    ) -> Template:
        """Response rate, ratings, completion, meetings, goals and participation, with charts;
        filtered by matching and check-in."""
        outcomes = program_outcomes(runtime.store, **_filters(matching, checkin))
        lang = page_lang(request)
        return page(
            "outcomes/index.html",
            outcomes=outcomes,
            charts=_charts(lang, outcomes),
            label=lambda row: _label(lang, row),
            ratings=RATINGS,
            outcome_names=_OUTCOMES,
            min_group=MIN_GROUP,
            filters={"matching": matching or "", "checkin": checkin or ""},
        )

    @get("/outcomes.csv", opt=_VIEW, sync_to_thread=True)
    def download(
        self, runtime: NamedDependency[Runtime], matching: Filter = None, checkin: Filter = None
    ) -> Response[bytes]:
        """The figures of the page as a `;`-separated CSV (UTF-8 with BOM)."""
        outcomes = program_outcomes(runtime.store, **_filters(matching, checkin))
        return Response(
            outcomes_csv(outcomes),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="outcomes.csv"'},
        )
