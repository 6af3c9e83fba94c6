"""/feedback-requests (issue 14): a manager asks an approved matching's pairings (or all) for
feedback: the dry-run links CSV as a download, e-mails through a real SMTP server, reminders;
the same core and rules as `recomentor feedback send`. Viewers see, and cannot send."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from litestar.testing import TestClient

from recomentor.settings import Settings
from recomentor.store import Store
from tests.feedback_data import Program, seed_program
from tests.smtp_server import HOST, SENDER, Collector, smtp_server
from tests.web_client import SignIn, csrf_token

PAGE = "/feedback-requests"
# http: an https address would make the session cookie Secure, which the test client (on
# http) would not send back.
PUBLIC_URL = "http://mentoring.example.com"
with_smtp = pytest.mark.parametrize("smtp_port", [True], indirect=True, ids=["smtp"])


@pytest.fixture
def collector() -> Collector:
    return Collector(refused={"s2@example.com"})


@pytest.fixture
def smtp_port(request: pytest.FixtureRequest, collector: Collector) -> Iterator[int | None]:
    """A running SMTP server for tests that ask for one (`with_smtp`), else no mail set up."""
    if not getattr(request, "param", False):
        yield None
        return
    with smtp_server(collector) as port:
        yield port


@pytest.fixture
def web_settings(settings: Settings, smtp_port: int | None) -> Settings:
    """Links on; mail only for tests `with_smtp`."""
    chosen = replace(settings, lang="en", public_url=PUBLIC_URL, mail_per_second=1_000.0)
    if smtp_port is not None:
        chosen = replace(chosen, smtp_host=HOST, smtp_port=smtp_port, smtp_from=SENDER)
    return chosen


@pytest.fixture
def program(sqlite_store: Store) -> Program:
    return seed_program(sqlite_store)


def _ask(browser: TestClient, action: str, checkin: str = "week-4", matching: str = "m-autumn"):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(browser, PAGE), "matching": matching,
            "checkin": checkin, "action": action}  # fmt: skip
    return browser.post(PAGE, data=data)


def _csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_page_offers_the_approved_matching_and_says_mail_is_not_set_up(
    signed_in: SignIn, program: Program
) -> None:
    html = signed_in("manager").get(PAGE, params={"matching": "m-autumn"}).text
    assert "All active pairings (3)" in html  # J4-S4 ended
    assert re.search(r'<option value="m-autumn" selected>Matching m-autumn \(2 active', html)
    assert "E-mail is not set up on this server" in html
    assert re.search(r'value="send" class="button primary" disabled', html)
    assert re.search(r'value="links" class="button primary">', html)


def test_download_links_then_nobody_twice_then_reminders(
    signed_in: SignIn, program: Program, client: TestClient
) -> None:
    manager = signed_in("manager")
    response = _ask(manager, "links")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="feedback-links-week-4.csv"'
    assert response.headers["cache-control"] == "no-store"
    rows = _csv(response.content)
    assert sorted(row["id"] for row in rows) == ["J1", "J2", "S1", "S2"]
    assert {row["checkin"] for row in rows} == {"week-4"}
    assert all(row["link"].startswith(f"{PUBLIC_URL}/feedback/") for row in rows)
    links = {row["id"]: row["link"].rsplit("/", 1)[1] for row in rows}
    # The links work, signed out.
    assert client.get(f"/feedback/{links['S1']}").status_code == 200
    answer = {"rating": "5", "outcome": "ongoing", "meetings": "2"}
    assert client.post(f"/feedback/{links['J1']}", data=answer).status_code == 200

    again = _ask(manager, "links")
    assert again.headers["content-type"].startswith("text/html")
    assert "Nobody to write to" in again.text
    assert re.search(r"Skipped: sent before</th><td class=\"num\">4<", again.text)

    reminders = _ask(manager, "reminder_links")
    assert reminders.headers["content-disposition"].endswith('reminder-links-week-4.csv"')
    assert sorted(row["id"] for row in _csv(reminders.content)) == ["J2", "S1", "S2"]


def test_refused_choices_say_what_to_fix(signed_in: SignIn, program: Program) -> None:
    manager = signed_in("manager")
    bad_checkin = _ask(manager, "links", checkin="Week 4!")
    assert bad_checkin.status_code == 400
    assert "check-in must be 1-32 lower-case letters" in bad_checkin.text
    unknown = _ask(manager, "links", matching="m-nope")
    assert unknown.status_code == 400 and "unknown matching id" in unknown.text
    no_mail = _ask(manager, "send")
    assert no_mail.status_code == 400 and "RECOMENTOR_SMTP_HOST is not set" in no_mail.text
    assert _ask(manager, "explode").status_code == 400


def test_a_viewer_sees_and_cannot_send(signed_in: SignIn, program: Program) -> None:
    viewer = signed_in("viewer")
    html = viewer.get(PAGE).text
    assert "Your role can see this page but not send requests." in html
    assert re.search(r'value="links" class="button primary" disabled', html)
    token = csrf_token(viewer, PAGE)
    data = {"csrf_token": token, "matching": "", "checkin": "end", "action": "links"}
    refused = viewer.post(PAGE, data=data)
    assert refused.status_code == 403
    assert "text/csv" not in refused.headers["content-type"]


def test_a_post_without_the_csrf_token_is_refused(signed_in: SignIn, program: Program) -> None:
    manager = signed_in("manager")
    data = {"matching": "", "checkin": "end", "action": "links"}
    assert manager.post(PAGE, data=data).status_code == 403


@with_smtp
def test_send_emails_and_reminders_through_smtp(
    signed_in: SignIn, program: Program, collector: Collector
) -> None:
    manager = signed_in("manager")
    assert "E-mail is not set up" not in manager.get(PAGE).text
    sent = _ask(manager, "send", matching="")
    assert sent.status_code == 200
    html = sent.text
    assert re.search(r"data-sent>5<", html)  # six people, S2's address refused
    assert "Not sent" in html and 'href="/participants/S2"' in html
    assert sorted(r.recipients[0] for r in collector.received) == [
        "j1@example.com", "j2@example.com", "j3@example.com", "s1@example.com", "s3@example.com"
    ]  # fmt: skip
    reminded = _ask(manager, "remind", matching="")
    assert "Reminders, check-in week-4" in reminded.text
    assert re.search(r"data-sent>5<", reminded.text)
    assert sum(r.subject.startswith(("Reminder", "Rappel")) for r in collector.received) == 5
