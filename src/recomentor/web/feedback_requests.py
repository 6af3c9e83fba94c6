"""/feedback-requests: a manager asks the active pairings of a matching (or all) for feedback at
a check-in: the links as a CSV for a mail merge, or by e-mail, reminders too.

Thin over recomentor.feedback, the core `recomentor feedback send` calls: the same requests,
the same once-per-person rule, the same CSV.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from recomentor.accounts.roles import MANAGE_PROGRAM, VIEW
from recomentor.api.runtime import Runtime
from recomentor.errors import RecomentorError
from recomentor.feedback import (
    DEFAULT_CHECKIN,
    SendReport,
    links_csv,
    plan_requests,
    send_requests,
)
from recomentor.feedback.mailer import SmtpConfig, SmtpMailer
from recomentor.feedback.tokens import checked_public_url
from recomentor.settings import Settings
from recomentor.store.feedback_requests import count_active_pairings, sendable_matchings
from recomentor.store.tables import utcnow
from recomentor.web.forms import FormData, field
from recomentor.web.guards import PERMISSION
from recomentor.web.templates import page

_TEMPLATE = "feedback_requests/index.html"
ALL_ACTIVE: Final = ""  # the matching field's value for every active pairing
# Each button of the form: (reminder, e-mailed).
ACTIONS: Final = {
    "links": (False, False),
    "reminder_links": (True, False),
    "send": (False, True),
    "remind": (True, True),
}


def _smtp_ready(settings: Settings) -> bool:
    try:
        SmtpConfig.from_settings(settings)
    except RecomentorError:
        return False
    return True


def _links_ready(settings: Settings) -> bool:
    try:
        checked_public_url(settings.public_url)
    except RecomentorError:
        return False
    return True


def _page(
    runtime: Runtime,
    status: int = 200,
    *,
    values: dict[str, str],
    report: SendReport | None = None,
    error: str | tuple[str, dict[str, Any]] | None = None,
) -> Template:
    with runtime.store.session() as session:
        matchings = sendable_matchings(session)
        all_active = count_active_pairings(session)
    return page(
        _TEMPLATE,
        status=status,
        matchings=matchings,
        all_active=all_active,
        values={"matching": ALL_ACTIVE, "checkin": DEFAULT_CHECKIN, **values},
        smtp_ready=_smtp_ready(runtime.settings),
        links_ready=_links_ready(runtime.settings),
        report=report,
        error=error,
    )


def _csv_download(body: bytes, checkin: str, reminder: bool) -> Response[bytes]:
    kind = "reminder-links" if reminder else "links"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            # The check-in name is lower-case letters, digits and dashes (checked by the core).
            "Content-Disposition": f'attachment; filename="feedback-{kind}-{checkin}.csv"',
            "Cache-Control": "no-store",
        },
    )


class FeedbackRequestsController(Controller):
    path = "/feedback-requests"
    include_in_schema = False

    @get("/", opt={PERMISSION: VIEW}, sync_to_thread=True)
    def index(
        self,
        runtime: NamedDependency[Runtime],
        matching: Annotated[str, QueryParameter(max_length=64)] = ALL_ACTIVE,
    ) -> Template:
        """The form: which pairings, which check-in, and the four ways to ask."""
        return _page(runtime, values={"matching": matching})

    @post("/", opt={PERMISSION: MANAGE_PROGRAM}, sync_to_thread=True, status_code=200)
    def ask(self, runtime: NamedDependency[Runtime], data: FormData) -> Template | Response[bytes]:
        """Links as a CSV download, or e-mails with the run's summary and failures."""
        matching, checkin = field(data, "matching").strip(), field(data, "checkin").strip()
        values = {"matching": matching, "checkin": checkin}
        action = ACTIONS.get(field(data, "action"))
        if action is None:
            return _page(runtime, 400, values=values, error=("feedback_requests.no_action", {}))
        reminder, emailed = action
        settings, now = runtime.settings, utcnow()
        try:
            checked_public_url(settings.public_url)
            smtp = SmtpConfig.from_settings(settings) if emailed else None
            plan = plan_requests(
                runtime.store,
                matching_id=matching or None,
                checkin=checkin,
                reminder=reminder,
                now=now,
            )
            if not plan.targets:
                report = plan.report(dry_run=not emailed, sent=0, failed=[])
                return _page(runtime, values=values, report=report)
            if smtp is None:
                body, _ = links_csv(runtime.store, settings, plan, now)
                return _csv_download(body, plan.checkin, reminder)
            report = send_requests(runtime.store, settings, plan, SmtpMailer(smtp), now)
        except RecomentorError as error:
            # Core messages name the setting, field or id to fix; never personal data.
            return _page(runtime, 400, values=values, error=str(error))
        return _page(runtime, values=values, report=report)
