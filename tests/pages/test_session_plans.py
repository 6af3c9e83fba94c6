"""/session-plans pages driven through their forms: plan, review with names, approve, discard."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

import recomentor.web
from recomentor.sessions.service import get_plan, list_plans
from recomentor.store import Store
from recomentor.store.participants import upsert_participants
from recomentor.web.i18n import catalogs
from tests.fakes import person
from tests.web_client import SignIn, csrf_token

NO_FILES = {
    "slots": ("", b"", "application/octet-stream"),
    "rules": ("", b"", "application/octet-stream"),
}
SOCIAL = "Instagram et TikTok, vidéos courtes"
NAMES = {"J1": "Léa Martin", "S1": "Anne Roux", "S2": "Marc Blanc", "S3": "Zoé <b>Faure</b>"}


@pytest.fixture(autouse=True)
def cohort(sqlite_store: Store) -> None:
    records = [
        person("J1", years=1, skills=SOCIAL),
        *[
            person(f"S{i}", role="mentee", years=20 + i, goals="Instagram et TikTok")
            for i in (1, 2, 3)
        ],
        person("S9", role="mentee", years=25, goals="Comptabilité analytique"),
    ]
    with sqlite_store.session() as session:
        upsert_participants(session, [{**r, "name": NAMES.get(r["id"])} for r in records])


@pytest.fixture
def manager(signed_in: SignIn) -> TestClient:
    return signed_in("manager")


def _text(response: Any) -> str:
    return html.unescape(response.text)


def _plan(client: TestClient, files: dict[str, Any] | None = None, **fields: str) -> Any:
    form = {
        "csrf_token": csrf_token(client, "/session-plans/new"),
        "size_min": "2",
        "size_max": "4",
        "max_sessions_per_host": "2",
        "max_sessions_per_attendee": "2",
        **fields,
    }
    return client.post(
        "/session-plans/new", data=form, files=files or NO_FILES, follow_redirects=False
    )


def test_plan_review_approve(manager: TestClient, sqlite_store: Store) -> None:
    # Saved from a spreadsheet: UTF-8 with a byte-order mark, as the matchings form takes it.
    slots = b"\xef\xbb\xbfid,start,end\nam,2026-10-05T09:00+02:00,2026-10-05T10:30+02:00\n"
    response = _plan(manager, {**NO_FILES, "slots": ("slots.csv", slots, "text/csv")})
    assert response.status_code == 303, response.text
    plan_id = response.headers["location"].rsplit("/", 1)[1]
    plan = get_plan(sqlite_store, plan_id)
    assert [(s.host_id, sorted(s.attendee_ids), s.slot) for s in plan.sessions] == [
        ("J1", ["S1", "S2", "S3"], "am")
    ]
    page = manager.get(f"/session-plans/{plan_id}").text
    shown = html.unescape(page)
    assert "Draft session plan created." in shown
    # Names, not ids alone; a name is text, never markup.
    for name in ("Léa Martin", "Anne Roux", "Marc Blanc"):
        assert name in shown
    assert "Zoé &lt;b&gt;Faure&lt;/b&gt;" in page
    assert "3 learners asked for this topic; Léa Martin's skills cover its phrases at 1.00" in shown
    assert "Instagram et TikTok ↔ Instagram et TikTok" in shown
    assert ">2026-10-05 09:00</time>–10:30 (UTC+02:00)" in shown
    assert "none of their goals is shared by enough learners" in shown  # S9
    token = csrf_token(manager, f"/session-plans/{plan_id}/approve")
    approved = manager.post(
        f"/session-plans/{plan_id}/approve", data={"csrf_token": token}, follow_redirects=False
    )
    assert approved.status_code == 303
    assert get_plan(sqlite_store, plan_id).status == "approved"
    assert "Session plan approved." in _text(manager.get(f"/session-plans/{plan_id}"))
    listed = _text(manager.get("/session-plans"))
    assert plan_id[:8] in listed and "approved" in listed


def test_french_page_and_clear_refusals(manager: TestClient, sqlite_store: Store) -> None:
    manager.cookies.set("lang", "fr")
    too_big = _plan(manager, size_min="5", size_max="8")
    assert too_big.status_code == 400
    assert "no topic is wanted by at least 5 learners" in _text(too_big)
    bad_number = _plan(manager, size_min="zéro")
    assert bad_number.status_code == 400
    assert "Le minimum de participants est un nombre entier de 1 à 200." in _text(bad_number)
    bad_slots = _plan(
        manager, {**NO_FILES, "slots": ("s.csv", b"id,start,end\nam,9h,10h\n", "text/csv")}
    )
    assert bad_slots.status_code == 400 and "slots, line 2" in _text(bad_slots)
    latin = _plan(manager, {**NO_FILES, "slots": ("s.csv", b"id,start,end\n\xe9t\xe9\n", "t/c")})
    assert latin.status_code == 400 and "Le fichier doit être du texte UTF-8." in _text(latin)
    huge = _plan(manager, {**NO_FILES, "rules": ("r.toml", b"#" * (64 * 1024 + 1), "t/p")})
    assert huge.status_code == 400 and "Un fichier fait au plus 64 Kio." in _text(huge)
    assert list_plans(sqlite_store) == []
    response = _plan(manager)
    plan_id = response.headers["location"].rsplit("/", 1)[1]
    page = _text(manager.get(f"/session-plans/{plan_id}"))
    assert "3 apprenants ont demandé ce sujet ; les compétences de Léa Martin couvrent" in page
    assert "à 1,00 en moyenne" in page
    assert "Apprenants sans séance (1)" in page


def test_discard_needs_the_csrf_token_and_a_manager(
    manager: TestClient, signed_in: SignIn, sqlite_store: Store
) -> None:
    plan_id = _plan(manager).headers["location"].rsplit("/", 1)[1]
    forged = manager.post(f"/session-plans/{plan_id}/discard", data={"csrf_token": "nope"})
    assert forged.status_code == 403
    viewer = signed_in("viewer")
    assert viewer.get(f"/session-plans/{plan_id}").status_code == 200
    assert viewer.get("/session-plans/new").status_code == 403
    token = csrf_token(manager, f"/session-plans/{plan_id}/discard")
    manager.post(f"/session-plans/{plan_id}/discard", data={"csrf_token": token})
    assert get_plan(sqlite_store, plan_id).status == "discarded"
    assert manager.get("/session-plans/nope").status_code == 404


def test_both_catalogs_have_every_key() -> None:
    english, french = catalogs()["en"], catalogs()["fr"]
    ours = {k for k in english if k.startswith("session_plans.")}
    assert ours and ours == {k for k in french if k.startswith("session_plans.")}
    templates = Path(recomentor.web.__file__).parent / "templates" / "session_plans"
    used = set()
    for template in templates.glob("*.html"):
        # Whole keys only: "session_plans.solver_" ~ status is checked by its values below.
        used |= set(re.findall(r'"(session_plans\.[a-z_]*[a-z])"', template.read_text()))
    assert used and used <= ours
    statuses = ("optimal", "time_limit", "restricted", "time_limit_greedy")
    assert {f"session_plans.solver_{status}" for status in statuses} <= ours
