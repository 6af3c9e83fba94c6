"""A manager imports the French sample in a real browser: the two bad rows refuse the import,
skipping them imports 30 people, the mapping is saved and a re-import by its name changes
nothing (examples/README.md states the sample's outcome)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import LANGUAGES, create_user
from tests.conftest import EXAMPLES
from tests.servers import serving
from tests.web.conftest import Snap, WebServer

SAMPLE = EXAMPLES / "forms_export_fr.csv"
MAPPING = EXAMPLES / "forms_fr_mapping.toml"
MANAGER = "manager@example.org"
PASSWORD = "correct horse battery"


@pytest.fixture
def web_home(tmp_path: Path) -> Path:
    create_user(tmp_path, MANAGER, "manager", PASSWORD)
    return tmp_path


@pytest.fixture
def server(web_home: Path) -> Iterator[WebServer]:
    """A server of this test's own: each language's journey starts from no participant."""
    with serving(web_home) as (origin, output):
        yield WebServer(origin, web_home, output)


def _sign_in(page: Page) -> None:
    page.goto("/import")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fimport$"))
    page.locator("#email").fill(MANAGER)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/sign-in'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/import$"))


def _upload(page: Page, *, skip_invalid: bool, saved_mapping: str | None = None) -> None:
    page.goto("/import")
    form = page.locator("#upload-form")
    form.locator("#file").set_input_files(SAMPLE)
    if saved_mapping:
        form.locator("#saved_mapping").select_option(saved_mapping)
    else:
        form.locator("#mapping").set_input_files(MAPPING)
    form.locator("input[name=skip_invalid]").set_checked(skip_invalid)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/import/[\w-]{32}$"))
    # The address changes before the stylesheet applies: until it does, the phone-only
    # "Line" before each rejected line's number is text too.
    page.wait_for_load_state("load")


def _count(page: Page, name: str) -> str:
    return page.locator(f"[data-count={name}]").first.inner_text()


def _problems(page: Page) -> list[tuple[str, str, str]]:
    rows = page.locator("table.problems tbody tr")
    found = []
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td")
        found.append(
            (cells.nth(0).inner_text(), cells.nth(2).inner_text(), cells.nth(3).inner_text())
        )
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_import_the_french_sample_then_again_by_the_saved_mapping(
    page: Page, snap: Snap, language: str
) -> None:
    _sign_in(page)
    snap(page, "import-form")

    # All or nothing: lines 33 and 34 are shown with their field and reason, confirm refused.
    _upload(page, skip_invalid=False)
    problems = _problems(page)
    assert [(line, field.split()[-1]) for line, field, _ in problems] == [
        ("33", "years_experience"),
        ("34", "role"),
        ("34", "max_mentees"),
    ]
    assert problems[0][2] == "required field missing"
    expect(page.locator("#confirm-import")).to_be_disabled()
    expect(page.locator("#blocked")).to_be_visible()
    assert (_count(page, "rows_read"), _count(page, "rejected_rows")) == ("33", "2")
    snap(page, "preview-refused")

    # Skipping the bad rows: 30 people (line 2 superseded by line 32), 2 rejected.
    _upload(page, skip_invalid=True)
    expect(page.locator("#confirm-import")).to_be_enabled()
    save = page.locator("#save-this-mapping")
    save.locator("input[name=name]").fill("Forms FR")
    save.locator("button[type=submit]").click()
    expect(page.locator(".alert.success")).to_contain_text("Forms FR")
    snap(page, "preview-skip")
    page.locator("#confirm-import").click()
    expect(page.locator("h1")).to_contain_text("forms_export_fr.csv")
    assert [_count(page, n) for n in ("inserted", "updated", "unchanged", "rejected_rows")] == [
        "30",
        "0",
        "0",
        "2",
    ]
    assert [p[0] for p in _problems(page)] == ["33", "34", "34"]
    snap(page, "report")

    # The next wave: the mapping chosen by its name; the same answers change nothing.
    _upload(page, skip_invalid=True, saved_mapping="Forms FR")
    expect(page.locator(".facts")).to_contain_text("Forms FR")
    assert (_count(page, "inserted"), _count(page, "unchanged")) == ("0", "30")
    page.locator("#confirm-import").click()
    assert [_count(page, n) for n in ("inserted", "updated", "unchanged")] == ["0", "0", "30"]

    page.goto("/import")
    expect(page.locator("table.mappings")).to_contain_text("Forms FR")
    snap(page, "import-page-after")
    page.goto("/")
    expect(page.locator(".cards")).to_contain_text("30")
    snap(page, "overview")
