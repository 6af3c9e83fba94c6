"""Closing the loop in a real browser (issue 14): HR downloads the dry-run links of an approved
matching, a participant opens theirs signed out, answers and revises; an expired and a made-up
link get a clear page and change nothing; the outcomes page shows the answers. Screenshots of
the feedback and outcomes pages in French and English, 1280 and 390 px wide."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import create_user, import_sample
from tests.servers import run_recomentor, serving
from tests.web.conftest import NewPage, Snap, WebServer

HR, PASSWORD = "hr@example.org", "feedback journey password"


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French sample imported, a manager, and an approved matching (through the CLI)."""
    home = tmp_path_factory.mktemp("feedback-home")
    import_sample(home)
    create_user(home, HR, "manager", PASSWORD)
    matching = json.loads(run_recomentor(home, "match", "--json"))
    run_recomentor(home, "matching", "approve", matching["id"], "--json")
    (home / "matching-id").write_text(matching["id"])
    return home


@pytest.fixture(scope="module")
def server(web_home: Path) -> Iterator[WebServer]:
    with serving(web_home, public_url=True) as (origin, output):
        yield WebServer(origin, web_home, output)


def _sign_in(page: Page) -> None:
    page.goto("/sign-in")
    page.locator("#email").fill(HR)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator(".brand")).to_be_visible()


def _answers(home: Path) -> list[tuple[int, str, int]]:
    with sqlite3.connect(home / "recomentor.db") as db:
        return sorted(db.execute("SELECT rating, outcome, meetings FROM feedback_answers"))


def _download_links(page: Page, server: WebServer) -> list[dict[str, str]]:
    matching = (server.home / "matching-id").read_text()
    page.goto(f"/feedback-requests?matching={matching}")
    expect(page.locator("#matching")).to_have_value(matching)
    page.locator("#checkin").fill("week-4")
    with page.expect_download() as download:
        page.locator("button[value=links]").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows and all(row["checkin"] == "week-4" for row in rows)
    assert all(row["link"].startswith(f"{server.origin}/feedback/") for row in rows)
    return rows


def test_links_answer_revise_refusals_and_outcomes(
    page: Page, new_page: NewPage, server: WebServer, snap: Snap
) -> None:
    _sign_in(page)
    rows = _download_links(page, server)
    # Mentees are the learners in reverse mode: theirs is the fuller form.
    path_of = {row["id"]: row["link"].removeprefix(server.origin) for row in rows}
    learner = next(pid for pid in path_of if pid >= "E1040")
    others = [pid for pid in path_of if pid != learner]

    # A participant, signed out, on a phone-width French browser.
    person, _ = new_page("fr-FR")
    person.goto(f"{path_of[learner]}?lang=fr")
    expect(person.locator("h1")).to_have_text("Votre binôme de mentorat")
    goals = person.locator("input[name=goals_progressed]")
    assert goals.count() >= 1
    snap(person, "feedback-form")
    person.locator("label.choice", has_text="Bien").first.click()
    person.locator("input[name=outcome][value=ongoing]").check()
    goals.first.check()
    person.locator("#meetings").fill("2")
    person.locator("#comment").fill("Très utile, merci")
    person.get_by_role("button", name="Envoyer ma réponse").click()
    expect(person.locator("[data-link-state=saved]")).to_contain_text("Merci !")
    snap(person, "feedback-thanks")
    assert _answers(server.home) == [(3, "ongoing", 2)]

    # Revising: the form comes back filled in.
    person.get_by_role("link", name="Modifier ma réponse").click()
    expect(person.locator("input[name=rating][value='3']")).to_be_checked()
    expect(person.locator("#comment")).to_have_value("Très utile, merci")
    person.locator("input[name=rating][value='5']").check()
    person.get_by_role("button", name="Enregistrer mes modifications").click()
    expect(person.locator("[data-link-state=saved]")).to_be_visible()
    assert _answers(server.home) == [(5, "ongoing", 2)]

    # The same page in English, by its switch.
    english, english_log = new_page("en-US")
    english.goto(f"{path_of[learner]}?lang=fr")
    english.get_by_role("link", name="EN", exact=True).click()
    expect(english.locator("h1")).to_have_text("Your mentoring pairing")
    snap(english, "feedback-form")

    # An expired link and a made-up one: a clear page, nothing changed (Chromium logs the
    # statuses as console errors).
    english_log.expect_console_error(r"status of 410 \(Gone\)")
    english_log.expect_console_error(r"status of 404 \(Not Found\)")
    expired_token = path_of[others[0]].rsplit("/", 1)[1]
    with sqlite3.connect(server.home / "recomentor.db") as db:
        db.execute(
            "UPDATE feedback_tokens SET expires_at = '2020-01-01 00:00:00.000000' "
            "WHERE token_hash = ?",
            (hashlib.sha256(expired_token.encode()).hexdigest(),),
        )
    response = english.goto(path_of[others[0]])
    assert response is not None and response.status == 410
    expect(english.locator("h1")).to_have_text("This link has expired")
    snap(english, "feedback-expired")
    response = english.goto("/feedback/made-up-token-0000000000000000000000000000")
    assert response is not None and response.status == 404
    expect(english.locator("h1")).to_have_text("This link does not work")
    snap(english, "feedback-unknown")
    assert _answers(server.home) == [(5, "ongoing", 2)]

    # Four more people answer, so that the outcomes show ratings (groups of 5 at least).
    for rating, pid in enumerate(others[1:5], start=1):
        answered = person.request.post(
            path_of[pid], form={"rating": str(rating), "outcome": "completed", "meetings": "4"}
        )
        assert answered.ok
    assert len(_answers(server.home)) == 5

    page.goto("/outcomes")
    expect(page.locator("[data-figure=mean_rating]")).to_have_text("3.0")  # 5, 1, 2, 3, 4
    ratings = page.locator("[data-table=ratings] td.num")
    expect(ratings).to_have_text(["1", "1", "1", "1", "1"])
    assert page.locator(".chart svg").count() == 3
    snap(page, "outcomes")
    french, _ = new_page("fr-FR")
    _sign_in(french)
    french.goto("/outcomes")
    expect(french.locator("h1")).to_have_text("Résultats")
    snap(french, "outcomes")
