"""Knowledge-sharing sessions in Chromium: plan with time slots, read why, approve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import create_user, import_sample
from tests.web.conftest import NewPage, Snap

MANAGER = "rh@example.org"
PASSWORD = "a long enough password"
SLOTS = (
    "id,start,end\n"
    "lundi-matin,2026-10-05T09:00+02:00,2026-10-05T10:30+02:00\n"
    "lundi-aprem,2026-10-05T14:00+02:00,2026-10-05T15:30+02:00\n"
)


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French sample imported as HR would, and a manager."""
    home = tmp_path_factory.mktemp("sessions-home")
    import_sample(home)
    create_user(home, MANAGER, "manager", PASSWORD)
    return home


@pytest.fixture
def language() -> str:
    return "fr-FR"


def _sign_in(page: Page) -> None:
    page.goto("/sign-in")
    page.fill("input[name=email]", MANAGER)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_plan_read_why_and_approve(
    page: Page, new_page: NewPage, snap: Snap, tmp_path: Path
) -> None:
    english, _ = new_page("en-US")
    _sign_in(page)
    _sign_in(english)

    def both(name: str) -> None:
        snap(page, name)
        english.goto(page.url)
        for summary in english.locator("section.session-card details summary").all():
            summary.click()
        snap(english, name)

    page.get_by_role("link", name="Séances").click()
    expect(page.get_by_role("heading", name="Séances de partage de connaissances")).to_be_visible()
    page.get_by_role("link", name="Nouveau plan de séances").first.click()
    page.fill("input[name=size_min]", "2")
    slots = tmp_path / "creneaux.csv"
    slots.write_text(SLOTS, encoding="utf-8")
    page.set_input_files("input[name=slots]", str(slots))
    both("new")
    expect(page.get_by_role("button", name="Planifier les séances")).to_be_enabled()
    # Planning with the real model may outlast a click's wait for navigation: submit, then wait.
    page.evaluate("document.querySelector('form[data-progress]').requestSubmit()")
    expect(page).to_have_url(re.compile(r"/session-plans/[0-9a-f-]{36}$"), timeout=90_000)
    expect(page.get_by_text("Brouillon de plan de séances créé.")).to_be_visible()

    cards = page.locator("section.session-card")
    expect(cards.first).to_be_visible()
    # Names, not ids alone; the slot with its times; the summary in French.
    expect(cards.first.locator("a[href^='/participants/']").first).to_be_visible()
    expect(cards.first).to_contain_text("lundi-")
    expect(cards.first).to_contain_text("apprenants ont demandé ce sujet ; les compétences de")
    for summary in cards.locator("details summary").all():
        summary.click()
    expect(cards.first.get_by_text("l'ont demandé, avec leurs mots")).to_be_visible()
    expect(page.get_by_text("Apprenants sans séance")).to_be_visible()
    # Nothing overflows the narrow screen sideways.
    both("review")

    page.get_by_role("link", name="Approuver").click()
    both("confirm")
    page.get_by_role("button", name="Approuver").click()
    expect(page.get_by_text("Plan de séances approuvé.")).to_be_visible()
    page.goto("/session-plans")
    expect(page.locator("table").get_by_text("approuvé")).to_be_visible()
    both("list")
