"""/feedback/{token} (issue 14): a participant answers through their link, signed out, in their
language; revises; unknown, made-up, expired and closed links get a clear page and change
nothing; refused fields come back named; the token reaches no log, referrer or cache."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from recomentor.feedback.tokens import new_token
from recomentor.matching.pairings import end_pairing
from recomentor.store import Store
from recomentor.store.tables import FeedbackAnswerRow, FeedbackRequestRow, PairingRow, utcnow
from tests.feedback_data import S1_PHRASES, Program, issue_links, link_settings, seed_program

ANSWER = {"rating": "4", "outcome": "ongoing", "meetings": "3", "comment": "Très utile"}


@pytest.fixture
def program(sqlite_store: Store) -> Program:
    return seed_program(sqlite_store)


@pytest.fixture
def links(sqlite_store: Store, program: Program, tmp_path: Path) -> dict[str, str]:
    """Person id -> token, issued now (links work 30 days)."""
    return issue_links(sqlite_store, link_settings(tmp_path / "links"), tmp_path, now=utcnow())


def _answers(store: Store) -> dict[str, tuple[int, str, int, list[str], str | None]]:
    """Person id -> their stored answer."""
    query = select(FeedbackRequestRow.participant_id, FeedbackAnswerRow).join(
        FeedbackAnswerRow, FeedbackAnswerRow.request_id == FeedbackRequestRow.id
    )
    with store.session() as session:
        return {
            pid: (a.rating, a.outcome, a.meetings, list(a.goals_progressed), a.comment)
            for pid, a in session.execute(query)
        }


def _checked(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"[^>]*? checked', html)


def test_a_link_opens_signed_out_in_the_persons_language_with_partner_and_checkin(
    client: TestClient, links: dict[str, str]
) -> None:
    response = client.get(f"/feedback/{links['J1']}")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="fr">' in html
    assert "Serge Dupont" in html  # the partner
    assert "Étape\u00a0: fin du programme" in html  # French spacing (typography.typeset)
    # A mentor reports no goals; the five ratings have their words.
    assert 'name="goals_progressed"' not in html
    for word in ("Mal", "Moyennement", "Bien", "Très bien", "Excellent"):
        assert f"<span>{word}</span>" in html
    # No session, no menu of the HR pages.
    assert "/sign-out" not in html and 'href="/participants"' not in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_switch_changes_the_language_and_keeps_the_link(
    client: TestClient, links: dict[str, str]
) -> None:
    html = client.get(f"/feedback/{links['J1']}", params={"lang": "en"}).text
    assert '<html lang="en">' in html
    assert "Check-in: end of the program" in html
    assert 'href="?lang=fr"' in html  # stays on this address
    assert 'action="?lang=en"' in html


def test_the_learner_ticks_their_own_goals(client: TestClient, links: dict[str, str]) -> None:
    html = client.get(f"/feedback/{links['S1']}").text
    offered = re.findall(r'name="goals_progressed" value="([^"]+)"', html)
    assert [o.replace("&#39;", "'") for o in offered] == S1_PHRASES
    assert "Jeanne Martin" in html


def test_answer_thanks_then_revise_prefilled(
    client: TestClient, links: dict[str, str], sqlite_store: Store
) -> None:
    path = f"/feedback/{links['S1']}"
    posted = {**ANSWER, "goals_progressed": [S1_PHRASES[0], S1_PHRASES[2]]}
    response = client.post(path, data=posted, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{path}?saved=1&lang=fr"
    assert _answers(sqlite_store)["S1"] == (
        4,
        "ongoing",
        3,
        [S1_PHRASES[0], S1_PHRASES[2]],
        "Très utile",
    )

    thanks = client.get(response.headers["location"]).text
    assert "Merci\u00a0!" in thanks and "Votre réponse est enregistrée." in thanks
    until = (utcnow() + timedelta(days=30)).year
    assert re.search(rf"modifier votre réponse jusqu&#39;au \d+ \w+ {until}", thanks)
    assert "<form" not in thanks  # the thanks alone, with a link to change it

    form = client.get(path).text
    assert "Vous avez répondu le" in form
    assert _checked(form, "rating") == ["4"] and _checked(form, "outcome") == ["ongoing"]
    assert len(_checked(form, "goals_progressed")) == 2
    assert 'value="3"' in form and ">Très utile</textarea>" in form
    assert "Enregistrer mes modifications" in form

    revised = {"rating": "2", "outcome": "dropped", "meetings": "4", "comment": ""}
    assert client.post(path, data=revised, follow_redirects=False).status_code == 303
    assert _answers(sqlite_store)["S1"] == (2, "dropped", 4, [], None)


def test_refused_fields_come_back_named_and_nothing_is_stored(
    client: TestClient, links: dict[str, str], sqlite_store: Store
) -> None:
    path = f"/feedback/{links['S1']}"
    bad = {"rating": "9", "outcome": "", "meetings": "-1", "goals_progressed": "Not my goal"}
    response = client.post(f"{path}?lang=en", data=bad)
    assert response.status_code == 400
    html = response.text
    assert "Some answers need a look" in html
    for message in (
        "Choose one of the five answers.",
        "Choose where the pairing stands.",
        "Give a whole number from 0 to 365.",
        "Tick only goals from this list.",
    ):
        assert message in html
    assert 'id="meetings-error"' in html and 'aria-invalid="true"' in html
    assert 'value="-1"' in html  # what was typed stays
    assert "Keep the comment" not in html  # a field not refused shows no error
    assert _answers(sqlite_store) == {}


@pytest.mark.parametrize(
    "token",
    ["made-up", "x" * 43, new_token(), "%2e%2e", "a" * 500],
    ids=["short", "well-formed-shape", "never-issued", "dots", "long"],
)
def test_unknown_and_made_up_links_get_the_same_clear_page(
    client: TestClient, links: dict[str, str], sqlite_store: Store, token: str
) -> None:
    shown = client.get(f"/feedback/{token}")
    posted = client.post(f"/feedback/{token}", data=ANSWER)
    for response in (shown, posted):
        assert response.status_code == 404
        assert "This link does not work" in response.text
        assert response.headers["Referrer-Policy"] == "no-referrer"
    # No oracle: the page of a made-up token is the page of a well-formed never-issued one.
    reference = client.get(f"/feedback/{new_token()}").text
    assert _without_request_specifics(shown.text) == _without_request_specifics(reference)
    assert _answers(sqlite_store) == {}


def _without_request_specifics(html: str) -> str:
    return re.sub(r"\?lang=\w+", "", html)


def test_expired_and_closed_links_say_so_and_change_nothing(
    client: TestClient, program: Program, sqlite_store: Store, tmp_path: Path
) -> None:
    settings = link_settings(tmp_path / "links")
    old = issue_links(sqlite_store, settings, tmp_path, now=utcnow() - timedelta(days=31))
    expired = client.post(f"/feedback/{old['J2']}?lang=en", data=ANSWER)
    assert expired.status_code == 410
    assert "This link has expired" in expired.text
    assert re.search(r"It worked until \d+ \w+ \d{4}", expired.text)

    fresh = issue_links(sqlite_store, settings, tmp_path, now=utcnow(), reminder=True)
    end_pairing(sqlite_store, program.pairing_of["J2"], "completed")
    with sqlite_store.session() as session:  # ended longer ago than the 14 days of grace
        session.get(PairingRow, program.pairing_of["J2"]).ended_at = utcnow() - timedelta(days=15)
    closed = client.get(f"/feedback/{fresh['J2']}", params={"lang": "en"})
    assert closed.status_code == 410
    assert "Feedback on this pairing is closed" in closed.text
    assert client.post(f"/feedback/{fresh['J2']}", data=ANSWER).status_code == 410
    assert _answers(sqlite_store) == {}


def test_a_link_answers_for_its_own_pairing_only(
    client: TestClient, links: dict[str, str], sqlite_store: Store, program: Program
) -> None:
    # Whatever else the form carries, J2's link writes J2's answer about J2's pairing.
    forged = {**ANSWER, "pairing_id": str(program.pairing_of["J1"]), "participant_id": "J1"}
    assert client.post(f"/feedback/{links['J2']}", data=forged).status_code == 200
    assert set(_answers(sqlite_store)) == {"J2"}
    # Another learner's goal phrases are not this learner's.
    stolen = {**ANSWER, "goals_progressed": S1_PHRASES[0]}
    assert client.post(f"/feedback/{links['S2']}", data=stolen).status_code == 400
    assert set(_answers(sqlite_store)) == {"J2"}
    with sqlite_store.session() as session:
        (pairing,) = session.scalars(
            select(FeedbackRequestRow.pairing_id).join(
                FeedbackAnswerRow, FeedbackAnswerRow.request_id == FeedbackRequestRow.id
            )
        )
    assert pairing == program.pairing_of["J2"]


def test_a_post_from_another_site_is_refused(
    client: TestClient, links: dict[str, str], sqlite_store: Store
) -> None:
    path = f"/feedback/{links['J1']}"
    refused = client.post(path, data=ANSWER, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert _answers(sqlite_store) == {}
    same_site = client.post(path, data=ANSWER, headers={"Origin": "http://testserver.local"})
    assert same_site.status_code == 200
    assert set(_answers(sqlite_store)) == {"J1"}


def test_the_token_reaches_no_log_line(
    client: TestClient, links: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    token, unknown = links["S1"], new_token()
    with caplog.at_level(logging.DEBUG):
        client.get(f"/feedback/{token}")
        client.post(f"/feedback/{token}", data={"rating": "0"})
        client.post(f"/feedback/{token}", data=ANSWER, follow_redirects=False)
        client.get(f"/feedback/{token}?saved=1&lang=en")
        client.get(f"/feedback/{unknown}")
        client.get(f"/feedback/{token}/extra")
    # httpx is the test's own client, not the server: it logs the URLs it requests.
    server = [record for record in caplog.records if not record.name.startswith("httpx")]
    logged = [record.getMessage() for record in server]
    access = [line for line in logged if line.startswith(("GET ", "POST "))]
    # The access log names the route, never the address it was reached at.
    assert sum("/feedback/{token} " in line for line in access) == 5
    assert not any(token in line or unknown in line for line in logged)
    assert not any(token in repr(record.args) for record in server)
