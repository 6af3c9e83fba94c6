"""Sending feedback requests at a check-in: who gets one, by e-mail or as a CSV of links.

A request is delivered once per person, pairing and check-in, by e-mail or by being listed in
a dry-run CSV (handed to a mail merge): a later run of either kind skips it. Reminders go
only to those who got a request and have not answered. Each delivery carries a fresh token;
earlier links keep working until they expire.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final, Literal

import msgspec

from recomentor.errors import InvalidInputError
from recomentor.feedback.links import LinkRules
from recomentor.feedback.mailer import DeliveryError, Mailer, Throttle
from recomentor.feedback.messages import RequestMessage, person_language
from recomentor.feedback.tokens import checked_public_url, feedback_link, new_token, token_hash
from recomentor.matching.export import escape_cell
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.feedback_requests import (
    RecipientRow,
    active_pairings,
    add_tokens,
    claim_first_send,
    ensure_requests,
    mark_exported,
    mark_reminded,
    recipients,
    release_first_send,
    remove_token,
)

log = logging.getLogger(__name__)

DEFAULT_CHECKIN: Final = "end"
_CHECKIN = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
CSV_COLUMNS: Final = ("id", "name", "email", "language", "checkin", "link")
NO_EMAIL: Final = "no e-mail address on record"
BAD_EMAIL: Final = "the e-mail address on record cannot be used in a message"
Delivered = Literal["sent", "already", "failed"]
SENT: Final = "sent"
ALREADY: Final = "already"  # another run delivered it meanwhile
FAILED: Final = "failed"


def check_checkin(name: str) -> str:
    """A check-in name: lower-case letters, digits and dashes, e.g. `week-4` or `end`."""
    if not _CHECKIN.fullmatch(name):
        raise InvalidInputError(
            "check-in must be 1-32 lower-case letters, digits or dashes, e.g. week-4 or end"
        )
    return name


class DeliveryFailure(msgspec.Struct):
    """A person whose request did not go out, and why (our words, no personal data)."""

    participant_id: str
    reason: str


class SendReport(msgspec.Struct, kw_only=True):
    """What one `feedback send` did."""

    checkin: str
    reminder: bool
    dry_run: bool
    pairings: int  # active pairings selected
    requests_created: int
    sent: int  # e-mailed, or listed in the CSV
    already_sent: int  # first sends skipped: delivered before
    answered: int  # reminders skipped: answered already
    not_sent_yet: int  # reminders skipped: no request delivered to remind of
    failed: list[DeliveryFailure]


@dataclass(frozen=True)
class RequestPlan:
    """The requests one run delivers, and what it skips."""

    checkin: str
    reminder: bool
    pairings: int
    created: int
    targets: list[RecipientRow]
    already_sent: int
    answered: int
    not_sent_yet: int

    def report(
        self,
        *,
        dry_run: bool,
        sent: int,
        failed: list[DeliveryFailure],
        delivered_meanwhile: int = 0,
    ) -> SendReport:
        return SendReport(
            checkin=self.checkin,
            reminder=self.reminder,
            dry_run=dry_run,
            pairings=self.pairings,
            requests_created=self.created,
            sent=sent,
            already_sent=self.already_sent + delivered_meanwhile,
            answered=self.answered,
            not_sent_yet=self.not_sent_yet,
            failed=failed,
        )


def plan_requests(
    store: Store, *, matching_id: str | None, checkin: str, reminder: bool, now: datetime
) -> RequestPlan:
    """Create the missing requests of the selected active pairings (not for reminders) and
    pick whom to deliver to: first sends to those not delivered yet, reminders to those
    delivered and not answered. `matching_id` None: every active pairing."""
    check_checkin(checkin)
    with store.session() as session:
        pairings = active_pairings(session, matching_id)
        created = 0 if reminder else ensure_requests(session, pairings, checkin, now)
        rows = recipients(session, [pid for pid, _, _ in pairings], checkin)
    if reminder:
        targets = [r for r in rows if r.delivered and not r.answered]
        answered = sum(r.delivered and r.answered for r in rows)
        return RequestPlan(
            checkin, True, len(pairings), created, targets, 0, answered,
            sum(not r.delivered for r in rows),
        )  # fmt: skip
    targets = [r for r in rows if not r.delivered]
    already = len(rows) - len(targets)
    return RequestPlan(checkin, False, len(pairings), created, targets, already, 0, 0)


@dataclass(frozen=True)
class _EmailRun:
    """Everything one e-mail run shares between its messages."""

    store: Store
    settings: Settings
    plan: RequestPlan
    mailer: Mailer
    throttle: Throttle
    public_url: str
    now: datetime
    expires: datetime

    def message(self, target: RecipientRow, token: str) -> RequestMessage:
        return RequestMessage(
            to=target.email or "",
            name=target.name,
            language=person_language(target.languages, self.settings.lang),
            checkin=self.plan.checkin,
            link=feedback_link(self.public_url, token),
            open_until=self.expires,
            reminder=self.plan.reminder,
        )

    def deliver(self, target: RecipientRow) -> tuple[Delivered, str]:
        """Send one request; the reason goes with FAILED."""
        if not target.email:
            return FAILED, NO_EMAIL
        token = new_token()
        try:
            email = self.message(target, token).email(self.settings.smtp_from)
        except ValueError:
            return FAILED, BAD_EMAIL
        hashed, request_id = token_hash(token), target.request_id
        with self.store.session() as session:
            if not self.plan.reminder and not claim_first_send(session, request_id, self.now):
                return ALREADY, ""
            add_tokens(session, [(hashed, request_id, self.now, self.expires)])
        self.throttle.wait()
        try:
            self.mailer.send(email)
        except DeliveryError as error:
            with self.store.session() as session:
                remove_token(session, hashed)
                if not self.plan.reminder:
                    release_first_send(session, request_id)
            log.info("feedback request %d not sent: %s", request_id, error.reason)
            return FAILED, error.reason
        if self.plan.reminder:
            with self.store.session() as session:
                mark_reminded(session, request_id, self.now)
        return SENT, ""


def send_requests(
    store: Store,
    settings: Settings,
    plan: RequestPlan,
    mailer: Mailer,
    now: datetime,
    *,
    throttle: Throttle | None = None,
    on_message: Callable[[], None] | None = None,
) -> SendReport:
    """E-mail each planned request with a fresh link, at RECOMENTOR_MAIL_PER_SECOND at most.

    A failure is reported for its person and the run goes on; the failed request stays
    unsent (its token is withdrawn), so the next run tries it again. Links expire
    RECOMENTOR_FEEDBACK_LINK_DAYS after `now`.
    """
    run = _EmailRun(
        store=store,
        settings=settings,
        plan=plan,
        mailer=mailer,
        throttle=throttle or Throttle(settings.mail_per_second),
        public_url=checked_public_url(settings.public_url),
        now=now,
        expires=now + timedelta(days=LinkRules.from_settings(settings).link_days),
    )
    sent, already = 0, 0
    failed: list[DeliveryFailure] = []
    try:
        for target in plan.targets:
            delivered, reason = run.deliver(target)
            sent += delivered == SENT
            already += delivered == ALREADY
            if delivered == FAILED:
                failed.append(DeliveryFailure(target.participant_id, reason))
            if on_message is not None:
                on_message()
    finally:
        mailer.close()
    log.info("feedback requests: %d sent, %d failed", sent, len(failed))
    return plan.report(dry_run=False, sent=sent, failed=failed, delivered_meanwhile=already)


def _links_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([[escape_cell(cell) for cell in row] for row in rows])
    return buffer.getvalue()


def _issue_links(
    store: Store,
    settings: Settings,
    plan: RequestPlan,
    now: datetime,
    deliver: Callable[[str], None],
) -> SendReport:
    """Store a fresh token per planned request and hand the links CSV to `deliver` inside the
    same transaction: if delivering fails, no token is stored and nothing counts as sent."""
    public_url = checked_public_url(settings.public_url)
    expires = now + timedelta(days=LinkRules.from_settings(settings).link_days)
    tokens: list[tuple[str, int, datetime, datetime]] = []
    rows: list[list[str]] = []
    for target in plan.targets:
        token = new_token()
        tokens.append((token_hash(token), target.request_id, now, expires))
        rows.append(
            [
                target.participant_id,
                target.name or "",
                target.email or "",
                person_language(target.languages, settings.lang),
                plan.checkin,
                feedback_link(public_url, token),
            ]
        )
    text = _links_csv(rows)
    with store.session() as session:
        add_tokens(session, tokens)
        mark_exported(session, [t.request_id for t in plan.targets], now, reminder=plan.reminder)
        deliver(text)
    return plan.report(dry_run=True, sent=len(rows), failed=[])


def export_links(
    store: Store, settings: Settings, plan: RequestPlan, path: Path, now: datetime
) -> SendReport:
    """Write the planned requests' links as a `;`-separated UTF-8 CSV (with BOM, for
    spreadsheet programs) for a mail merge, and count them as delivered; sends no e-mail.

    The tokens are stored before the file is complete: if it cannot be written, nothing is
    stored, and the links of a written file work.
    """
    writing = False

    def write(text: str) -> None:
        nonlocal writing
        writing = True
        _write(path, text)

    try:
        return _issue_links(store, settings, plan, now, write)
    except BaseException:
        # A file whose tokens were not stored would hold dead links.
        if writing and path.is_file():
            path.unlink()
        raise


def links_csv(
    store: Store, settings: Settings, plan: RequestPlan, now: datetime
) -> tuple[bytes, SendReport]:
    """export_links for a download: the same CSV as bytes (UTF-8 with BOM), its tokens stored."""
    encoded: list[bytes] = []
    report = _issue_links(
        store, settings, plan, now, lambda text: encoded.append(text.encode("utf-8-sig"))
    )
    return encoded[0], report


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8-sig", newline="")
    except OSError as error:
        raise InvalidInputError(
            f"cannot write the links file {path} ({type(error).__name__})"
        ) from None
