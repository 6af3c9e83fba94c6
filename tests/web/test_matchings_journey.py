"""A cohort matching in Chromium: draft it, read a pair's why, replace a mentor, approve, export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Page, expect

from tests.browser import create_user, import_sample
from tests.web.conftest import NewPage, Snap, WebServer

MANAGER = ("rh@example.org", "manager")
VIEWER = ("lecture@example.org", "viewer")
PASSWORD = "a long enough password"
# A survey answer a spreadsheet would run as a formula if the export did not escape it.
FORMULA_NAME = '=HYPERLINK("http://evil.example","Cliquez")'
_HEADER = (
    "Horodateur,Adresse e-mail,Nom et prénom,Matricule,Direction / service,Intitulé de poste,"
    "Années d'expérience professionnelle,Je souhaite participer en tant que,"
    "Ce que je peux partager (compétences),Ce que je souhaite apprendre,Langues parlées,Site,"
    "Nombre maximum de binômes,Matricule de mon manager"
)
_FORMULA_ROW = (
    f'2026/09/02 10:00:00 UTC+2,formule@exemple.fr,"{FORMULA_NAME.replace(chr(34), chr(34) * 2)}",'
    "E2001,Achats,Acheteuse senior,22,Mentoré(e),,"
    '"Comprendre TikTok et Instagram, créer des vidéos courtes",Français,Paris,,'
)


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French sample imported as HR would (bad rows skipped), one hostile name before it,
    a manager and a viewer."""
    home = tmp_path_factory.mktemp("matchings-home")
    hostile = home / "formula.csv"
    hostile.write_text(f"{_HEADER}\n{_FORMULA_ROW}\n", encoding="utf-8")
    import_sample(home, hostile)
    for email, role in (MANAGER, VIEWER):
        create_user(home, email, role, PASSWORD)
    return home


@pytest.fixture
def language() -> str:
    """The journey runs in French, the sample's language; each page is also shot in English."""
    return "fr-FR"


def _sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))


def _csrf(page: Page) -> str:
    return str(page.locator("input[name=csrf_token]").first.get_attribute("value"))


def test_draft_review_replace_approve_and_export(
    page: Page, new_page: NewPage, snap: Snap, server: WebServer
) -> None:
    english, _ = new_page("en-US")
    _sign_in(page, MANAGER[0])
    _sign_in(english, MANAGER[0])

    def both(name: str, opened: bool = False) -> None:
        """The page in French, and the same address in English, at both widths."""
        snap(page, name)
        english.goto(page.url)
        if opened:
            english.locator("details.explanation summary").first.click()
        snap(english, name)

    page.goto("/matchings")
    expect(page.get_by_role("heading", name="Appariements")).to_be_visible()
    page.get_by_role("link", name="Nouvel appariement").click()
    expect(page).to_have_url(re.compile(r"/matchings/new$"))
    page.get_by_label("des directions différentes").check()
    both("new")
    # While the server solves, the form says so: seen with the sending held back once.
    page.evaluate(
        "document.querySelector('form[data-progress]')"
        ".addEventListener('submit', e => e.preventDefault(), {once: true})"
    )
    submit = page.get_by_role("button", name="Créer le brouillon")
    submit.click()
    expect(page.get_by_text("Appariement en cours")).to_be_visible()
    expect(submit).to_be_disabled()
    snap(page, "new-working")
    page.evaluate("document.querySelector('form[data-progress]').requestSubmit()")
    # Solving with the real model can outlast an action's wait on a loaded machine.
    expect(page).to_have_url(re.compile(r"/matchings/[0-9a-f-]{36}$"), timeout=90_000)
    matching_url = page.url
    expect(page.get_by_text("Brouillon d'appariement créé.")).to_be_visible()

    first_pair = page.locator("tbody.pair").first
    expect(first_pair.locator("a[href^='/participants/']").first).to_be_visible()
    first_pair.locator("details.explanation summary").click()
    # The explanation every page draws: bars as long as their contributions, the summary.
    fills = first_pair.locator("tbody .bar-fill")
    expect(fills.first).to_be_visible()
    for n in range(fills.count()):
        fill = fills.nth(n)
        contribution = float(fill.get_attribute("data-contribution") or "nan")
        track = fill.evaluate("e => e.parentElement.clientWidth")
        width = fill.evaluate("e => e.getBoundingClientRect().width")
        assert width == pytest.approx(min(abs(contribution), 1) * track, abs=0.02 * track + 1)
    expect(first_pair.locator(".summary")).to_contain_text("correspondance")
    both("review", opened=True)

    # Replace the first pair's mentor by the best candidate.
    mentee_id = str(first_pair.get_attribute("id")).removeprefix("pair-")
    first_pair.get_by_role("link", name="Changer de mentor").click()
    expect(page).to_have_url(re.compile(rf"/candidates\?mentee={mentee_id}$"))
    expect(page.get_by_text("Mentor actuel")).to_be_visible()
    both("candidates")
    choice = page.locator("form[action$='/assign']").first
    chosen_mentor = str(choice.locator("input[name=mentor_id]").get_attribute("value"))
    choice.get_by_role("button", name="Choisir").click()
    expect(page).to_have_url(f"{matching_url}#pair-{mentee_id}")
    expect(
        # Names as the page knows them now, ids beside them (the flash stored ids only).
        page.get_by_text(
            re.compile(rf"\({chosen_mentor}\) est désormais le mentor de .*\({mentee_id}\)")
        )
    ).to_be_visible()
    replaced = page.locator(f"tbody#pair-{mentee_id}")
    expect(replaced.locator(f"a[href='/participants/{chosen_mentor}']")).to_be_visible()
    expect(replaced.get_by_text("Verrouillé")).to_be_visible()

    page.get_by_role("link", name="Approuver…").click()
    expect(page.get_by_role("heading", name=re.compile("Approuver l'appariement"))).to_be_visible()
    both("approve-confirm")
    page.get_by_role("button", name="Approuver", exact=True).click()
    expect(page).to_have_url(matching_url)
    expect(page.get_by_text("Appariement approuvé")).to_be_visible()
    expect(page.get_by_role("link", name="Approuver…")).to_have_count(0)
    both("approved")
    page.goto("/matchings")
    expect(page.get_by_role("link", name=matching_url.rsplit("/", 1)[1][:8])).to_be_visible()
    both("list")
    page.goto(matching_url)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Exporter en CSV").click()
    matching_id = matching_url.rsplit("/", 1)[1]
    assert csv_download.value.suggested_filename == f"matching-{matching_id}.csv"
    raw = Path(csv_download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Matricule mentor", "Mentor", "E-mail mentor", "Direction mentor"]
    cells = {cell for row in rows for cell in row}
    assert "'" + FORMULA_NAME in cells and FORMULA_NAME not in cells
    assert any(row[0] == chosen_mentor and row[4] == mentee_id for row in rows)
    assert "Claire Martin" in cells or "Thomas Petit" in cells

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Exporter en Excel").click()
    assert xlsx_download.value.suggested_filename == f"matching-{matching_id}.xlsx"
    workbook = Path(xlsx_download.value.path()).read_bytes()
    sheets = pl.read_excel(io.BytesIO(workbook), sheet_id=0, engine="calamine")
    texts = {
        value
        for frame in sheets.values()
        for column in frame.columns
        for value in frame[column].to_list()
        if isinstance(value, str)
    }
    assert "'" + FORMULA_NAME in texts and FORMULA_NAME not in texts
    assert sheets["Binômes"].height == page.locator("tbody.pair").count()

    # A viewer reads the same matching but has nothing to press, and a forged form is refused.
    viewer, _ = new_page("fr-FR")
    _sign_in(viewer, VIEWER[0])
    viewer.goto(matching_url)
    expect(viewer.locator("tbody.pair").first).to_be_visible()
    expect(viewer.get_by_role("link", name="Approuver…")).to_have_count(0)
    expect(viewer.get_by_role("link", name="Exporter en CSV")).to_have_count(0)
    snap(viewer, "viewer")
    forged = viewer.request.post(f"{matching_url}/discard", form={"csrf_token": _csrf(viewer)})
    assert forged.status == 403
    # A manager's form sent without its token is refused too.
    untokened = page.request.post(f"{matching_url}/discard", form={})
    assert untokened.status == 403 and "Formulaire refusé" in untokened.text()
    assert page.request.get(matching_url).ok
    page.reload()
    expect(page.get_by_text("approuvé", exact=True).first).to_be_visible()
