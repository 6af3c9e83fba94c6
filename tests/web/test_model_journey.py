"""The model page in Chromium (issue 14): a data scientist trains on synthetic feedback with
"train now" (the page follows the job by itself), promotes a version and rolls back, each
with a reason; screenshots in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import create_user
from tests.servers import run_recomentor
from tests.web.conftest import NewPage, Snap

SCIENTIST = "ds@example.org"
VIEWER = "viewer@example.org"
PASSWORD = "a long enough password"
# Training in the server (real embedding model, cached at import) outlasts an action's wait
# (ACTION_TIMEOUT_MS); the page reloads itself when the job ends.
JOB_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic participants and feedback imported the documented way, and two accounts."""
    home = tmp_path_factory.mktemp("model-journey")
    synth = home / "synth"
    run_recomentor(
        home, "synth", "--participants", "80", "--feedback", "160", "--out", str(synth),
        "--seed", "3",
    )  # fmt: skip
    run_recomentor(home, "import", "participants", str(synth / "participants.csv"))
    run_recomentor(home, "import", "feedback", str(synth / "feedback.csv"), "--allow-unpaired")
    create_user(home, SCIENTIST, "scientist", PASSWORD)
    create_user(home, VIEWER, "viewer", PASSWORD)
    return home


def _sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in?next=/model")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/model$"))


def _train(page: Page, version: str, snap: Snap | None = None) -> None:
    page.get_by_role("button", name="Train now").click()
    expect(page.locator("#job")).to_contain_text("is running")
    if snap is not None:
        snap(page, "model-training")
    expect(page.locator("#job")).to_contain_text(f"registered v{version}.", timeout=JOB_TIMEOUT_MS)


def _champion_heading(page: Page) -> str:
    return page.locator("#in-use").inner_text()


def _promote(page: Page, version: str, reason: str) -> None:
    page.goto(f"/model/promote/{version}")
    page.fill("input[name=reason]", reason)
    page.get_by_role("button", name=f"Promote v{version}").click()
    expect(page.locator(".alert[role=status]")).to_contain_text(f"v{version} is the champion now.")


def test_train_now_then_promote_and_roll_back_with_reasons(
    page: Page, snap: Snap, new_page: NewPage
) -> None:
    _sign_in(page, SCIENTIST)
    expect(page.locator("#versions")).to_contain_text("No version trained yet.")
    snap(page, "model-before-training")

    _train(page, "1", snap)
    expect(page.locator("#versions")).to_contain_text("v1")
    expect(page.locator(".effect img").first).to_be_visible()
    snap(page, "model-trained")
    _train(page, "2")

    if "learned model v1" not in _champion_heading(page):
        # Training promotes only a model that beats the heuristic; make v1 champion by hand.
        _promote(page, "1", "first champion for the journey")
    page.goto("/model/promote/2")
    expect(page.locator("main")).to_contain_text("v2 replaces v1 as the champion")
    page.fill("input[name=reason]", "better on the week-4 answers")
    snap(page, "model-promote-confirm")
    page.get_by_role("button", name="Promote v2").click()
    expect(page.locator(".alert[role=status]")).to_contain_text("v2 is the champion now.")
    expect(page.locator("#in-use")).to_contain_text("learned model v2")
    expect(page.locator("#history")).to_contain_text("better on the week-4 answers")

    page.get_by_role("link", name="Roll back to v1…").click()
    expect(page.locator("main")).to_contain_text("v2 is set aside and v1 is the champion again")
    page.fill("input[name=reason]", "v2 ranks juniors from sales badly")
    page.get_by_role("button", name="Roll back to v1").click()
    expect(page.locator(".alert[role=status]")).to_contain_text("v1 is the champion again")
    history = page.locator("#history tbody tr").first
    expect(history).to_contain_text("rolled back")
    expect(history).to_contain_text(SCIENTIST)
    expect(history).to_contain_text("v2 ranks juniors from sales badly")
    snap(page, "model-after-rollback")

    # The same page in French, and read-only for a viewer.
    french, _ = new_page("fr-FR")
    _sign_in(french, SCIENTIST)
    expect(french.locator("h1")).to_have_text("Modèle")
    expect(french.locator("#history")).to_contain_text("retour arrière")
    snap(french, "model-after-rollback")
    french.goto("/model/promote/2")
    french.fill("input[name=reason]", "meilleure sur les retours de la semaine 4")
    snap(french, "model-promote-confirm")
    viewer, _ = new_page("en-US")
    _sign_in(viewer, VIEWER)
    expect(viewer.locator("#effects img").first).to_be_visible()
    expect(viewer.get_by_role("button", name="Train now")).to_have_count(0)
    expect(viewer.get_by_role("link", name="Promote…")).to_have_count(0)
