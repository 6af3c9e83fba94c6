"""A program manager finds a person, reads why partners are suggested, pairs one, and ends
that pairing, in a real browser on the French sample (examples/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import LANGUAGES, create_user, import_sample
from tests.web.conftest import Snap

MANAGER = "manager@example.org"
PASSWORD = "people journey 2026"
# examples/README.md: each senior and the junior who is their pick, a direct report aside.
# One pair per language: the first run's pairing, once ended, is never proposed again.
# Pages that rank wait for the server's first roster; a loaded machine takes its time.
ROSTER_BUILD_MS = 90_000
PICKS = {"en-US": ("E1040", "E1011"), "fr-FR": ("E1041", "E1005")}


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("people-home")
    import_sample(home)
    create_user(home, MANAGER, "manager", PASSWORD)
    return home


def _sign_in(page: Page, target: str) -> None:
    page.goto(target)
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    page.locator("#email").fill(MANAGER)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_find_explain_pair_and_end(page: Page, snap: Snap, language: str) -> None:
    senior, pick = PICKS[language]
    _sign_in(page, "/participants")
    expect(page.locator("table.people tbody tr")).to_have_count(30)
    page.locator("#q").fill(senior)
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"q={senior}"))
    rows = page.locator("table.people tbody tr")
    expect(rows).to_have_count(1)
    snap(page, "participants")

    # The first person page builds the roster: the real model encodes every answer once.
    rows.first.locator("a").click(timeout=ROSTER_BUILD_MS)
    expect(page).to_have_url(re.compile(rf"/participants/{senior}$"))
    cards = page.locator("article.suggestion")
    first_three = [
        cards.nth(n).locator("h3 code").inner_text() for n in range(min(3, cards.count()))
    ]
    assert pick in first_three, first_three
    card = cards.filter(has=page.locator(f"h3 code:text-is('{pick}')"))
    # A bar per factor, as long as its contribution: the width the browser lays out.
    fills = card.locator("tbody .bar-fill")
    assert fills.count() >= 3
    for n in range(fills.count()):
        fill = fills.nth(n)
        contribution = float(fill.get_attribute("data-contribution") or "nan")
        track = fill.evaluate("e => e.parentElement.clientWidth")
        width = fill.evaluate("e => e.getBoundingClientRect().width")
        assert width == pytest.approx(min(abs(contribution), 1) * track, abs=0.02 * track + 1)
    expect(card.locator(".matches li").first).to_contain_text("↔")
    # The summary names both people, as the card's heading does.
    partner_name = card.locator("h3 a").inner_text()
    expect(card.locator(".summary")).to_contain_text(partner_name)
    snap(page, "person")

    page.locator("nav.tabs a[href^='?mode=mutual']").click()
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_attribute(
        "href", re.compile("mode=mutual")
    )
    snap(page, "person-mutual")
    page.locator("nav.tabs a[href^='?mode=reverse']").click()

    card = page.locator("article.suggestion").filter(has=page.locator(f"h3 code:text-is('{pick}')"))
    card.locator("form.pair-form button").click()
    expect(page.locator(".alert.success")).to_contain_text(f"{pick}")
    expect(page.locator("section.panel", has=page.locator("h2")).nth(1)).to_contain_text(pick)
    snap(page, "person-paired")

    page.goto("/pairings")
    row = page.locator("table.pairings tbody tr").filter(has_text=senior)
    expect(row).to_have_count(1)
    snap(page, "pairings")
    row.locator("select[name=reason]").select_option("completed")
    row.locator("form.end-form button").click()
    expect(page.locator(".alert.success")).to_be_visible()
    expect(page.locator("table.pairings tbody tr").filter(has_text=senior)).to_have_count(0)
    page.goto("/pairings?status=ended")
    ended = page.locator("table.pairings tbody tr").filter(has_text=senior)
    expect(ended).to_have_count(1)
    expect(ended).to_contain_text(pick)
    snap(page, "pairings-ended")
