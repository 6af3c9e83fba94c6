"""/participants, /participants/{id} and /pairings, driven through their links and forms."""

from __future__ import annotations

import html
import logging
import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import select

from recomentor import fields as F
from recomentor.erasure import erase_participant
from recomentor.matching.pairings import list_pairings, pair_by_hand
from recomentor.ranking.capacity import read_pairing_state
from recomentor.ranking.explain import label_words, summarise
from recomentor.ranking.labels import match_label
from recomentor.ranking.rank import Suggestion, SuggestionResult, rank_partners
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.participants import read_contacts, upsert_participants
from recomentor.store.tables import PairingRow
from recomentor.suppression import ErasureKey
from recomentor.web.participants import pair_action
from tests.fakes import person
from tests.web_client import SignIn, csrf_token

# Names the pages show and no log may hold.
NAMES = {
    "J1": "Élodie Béranger",
    "J2": "Yanis Dupont",
    "J3": "Chloé Martin",
    "S1": "Bernard Lefèvre",
    "S2": "Martine Roux",
    "M1": "Henri Grand",
}


def _people() -> list[dict[str, Any]]:
    """Three junior mentors and two senior mentees; S1 is J3's manager, M1 manages S1."""
    records = [
        person("J1", skills="Instagram, TikTok, vidéos courtes", languages="fr;en"),
        person("J2", skills="Python, Power BI", department="IT", location="Lyon"),
        person("J3", skills="TikTok, Instagram, réseaux sociaux", manager_id="S1"),
        person(
            "S1",
            role=F.MENTEE,
            years=25,
            skills=None,
            goals="Comprendre TikTok et Instagram",
            manager_id="M1",
        ),
        person(
            "S2",
            role=F.MENTEE,
            years=28,
            skills=None,
            goals="Python pour l'analyse",
            department="Finance",
            location="Lyon",
        ),
        person("M1", role=F.MENTEE, years=30, skills=None, goals="Leadership", department="DG"),
    ]
    for record in records:
        record[F.NAME] = NAMES[record[F.ID]]
    records[3][F.JOB_TITLE] = "Directeur marketing"
    return records


@pytest.fixture
def people(sqlite_store: Store) -> Store:
    with sqlite_store.session() as session:
        upsert_participants(session, _people())
    return sqlite_store


def _text(response: Any) -> str:
    return html.unescape(response.text)


def _listed_ids(page: str) -> list[str]:
    return re.findall(r"<td><code>([^<]+)</code></td>", page)


def _flash(page: str) -> list[str]:
    return [
        html.unescape(m)
        for m in re.findall(r'<p class="alert \w+" role="status">([^<]*)</p>', page)
    ]


# --- /participants -------------------------------------------------------------------------


def test_search_is_case_and_accent_insensitive_on_name_id_and_department(
    signed_in: SignIn, people: Store
) -> None:
    viewer = signed_in("viewer")
    assert _listed_ids(viewer.get("/participants", params={"q": "elodie"}).text) == ["J1"]
    assert _listed_ids(viewer.get("/participants", params={"q": "BÉRANGER"}).text) == ["J1"]
    assert _listed_ids(viewer.get("/participants", params={"q": "lefevre"}).text) == ["S1"]
    assert _listed_ids(viewer.get("/participants", params={"q": "s2"}).text) == ["S2"]
    assert _listed_ids(viewer.get("/participants", params={"q": "financ"}).text) == ["S2"]
    everyone = _text(viewer.get("/participants"))
    # Sorted by name, accents folded: Bernard, Chloé, Élodie, Henri, Martine, Yanis.
    assert _listed_ids(everyone) == ["S1", "J3", "J1", "M1", "S2", "J2"]
    assert "Élodie Béranger" in everyone and "6 participants" in everyone


def test_filters_by_role_department_location_and_pairing(signed_in: SignIn, people: Store) -> None:
    viewer = signed_in("viewer")

    def ids(**params: str) -> list[str]:
        response = viewer.get("/participants", params=params)
        assert response.status_code == 200
        return _listed_ids(response.text)

    assert ids(role="mentee") == ["S1", "M1", "S2"]
    assert ids(department="Finance") == ["S2"]
    assert ids(location="Lyon") == ["S2", "J2"]
    assert ids(location="Lyon", role="mentor") == ["J2"]
    with people.session() as session:
        session.add(PairingRow(mentor_id="J2", mentee_id="S2", mode=F.REVERSE, status="active"))
        session.add(PairingRow(mentor_id="J1", mentee_id="M1", mode=F.REVERSE, status="ended"))
    assert ids(paired="yes") == ["S2", "J2"]
    assert ids(paired="no") == ["S1", "J3", "J1", "M1"]
    listing = viewer.get("/participants", params={"paired": "yes", "location": "Lyon"}).text
    # The filters stay chosen in the form, so the page's links are shareable.
    assert (
        '<option value="yes" selected>' in listing and "<option selected>Lyon</option>" in listing
    )


def test_pages_of_fifty_with_links_and_a_total(signed_in: SignIn, sqlite_store: Store) -> None:
    records = []
    for number in range(120):
        record = person(f"P{number:03d}")
        record[F.NAME] = f"Person {number:03d}"
        records.append(record)
    with sqlite_store.session() as session:
        upsert_participants(session, records)
    viewer = signed_in("viewer")
    first = viewer.get("/participants", params={"role": "mentor"}).text
    assert _listed_ids(first) == [f"P{n:03d}" for n in range(50)]
    assert "120 participants" in first and "1–50 of 120" in first
    assert 'href="?role=mentor&amp;page=2"' in first and 'href="?role=mentor&amp;page=3"' in first
    second = viewer.get("/participants", params={"role": "mentor", "page": "2"}).text
    assert _listed_ids(second) == [f"P{n:03d}" for n in range(50, 100)]
    third = viewer.get("/participants", params={"page": "3"}).text
    assert _listed_ids(third) == [f"P{n:03d}" for n in range(100, 120)]
    assert "101–120 of 120" in third
    # Past the end: the last page rather than an empty one.
    assert _listed_ids(viewer.get("/participants", params={"page": "99"}).text) == _listed_ids(
        third
    )


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "-3"},
        {"page": "0"},
        {"page": "1e9"},
        {"page": "9" * 40},
        {"paired": "maybe"},
        {"q": "%"},
        {"q": "_"},
        {"q": "x" * 10_000},
        {"q": "\x00\x1b[31m"},
        {"q": "' OR 1=1 --"},
        {"department": "<script>alert(1)</script>"},
    ],
)
def test_hostile_query_strings_never_fail(
    signed_in: SignIn, people: Store, query: dict[str, str]
) -> None:
    response = signed_in("viewer").get("/participants", params=query)
    assert response.status_code == 200
    page = response.text
    assert "<script>alert(1)" not in page
    if query.get("q") in ("%", "_", "' OR 1=1 --") or "department" in query:
        # Wildcards and quotes are searched as typed: nobody's name holds them.
        assert _listed_ids(page) == [] and "No participant matches" in page
    elif "page" in query or "paired" in query:
        assert len(_listed_ids(page)) == 6


def test_an_unknown_role_is_said_and_ignored(signed_in: SignIn, people: Store) -> None:
    page = signed_in("viewer").get("/participants", params={"role": "admin"}).text
    assert "the role filter is off" in page
    assert len(_listed_ids(page)) == 6


def test_signed_out_browsers_are_sent_to_sign_in(client: TestClient, people: Store) -> None:
    for path in ("/participants", "/participants/J1", "/pairings"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/sign-in?next=")


# --- /participants/{id} ----------------------------------------------------------------------


def _named_summary(
    web_app: Litestar, person_id: str, suggestion: Suggestion, mode: str, lang: str
) -> str:
    """The core's summary of a suggestion written with the people's names, as pages show it;
    the pair oriented as "pair them" stores it."""
    runtime = web_app.state.runtime
    action = pair_action(runtime.roster(), person_id, suggestion)
    with runtime.store.session() as session:
        names = {i: c.name for i, c in read_contacts(session, action.__dict__.values()).items()}
    return summarise(
        suggestion.explanation.factors,
        suggestion.explanation.matches,
        label=suggestion.label,
        mentor_id=names[action.mentor_id],
        mentee_id=names[action.mentee_id],
        mode=mode,
        lang=lang,
    )


def _ranked(web_app: Litestar, person_id: str, mode: str, lang: str) -> SuggestionResult:
    """What the API's route ranks for this person, for comparison with the page."""
    runtime = web_app.state.runtime
    return rank_partners(
        runtime.roster(),
        runtime.scorer,
        person_id,
        k=5,
        mode=mode,
        min_gap=runtime.settings.min_gap,
        lang=lang,
        pairings=read_pairing_state(runtime.store),
    )


def test_person_page_shows_answers_pairings_and_explained_suggestions(
    signed_in: SignIn, people: Store, web_app: Litestar
) -> None:
    viewer = signed_in("viewer")
    viewer.cookies["lang"] = "fr"
    response = viewer.get("/participants/S1")
    assert response.status_code == 200
    page = _text(response)
    for shown in (
        "Bernard Lefèvre",
        "Directeur marketing",
        "Comprendre TikTok et Instagram",
        "Marketing",
        "Paris",
        "jusqu'à 1 mentoré",
        "Mentoré",
    ):
        assert shown in page, shown
    # The manager by name, linked.
    assert '<a href="/participants/M1">Henri Grand</a>' in page
    expected = _ranked(web_app, "S1", "reverse", "fr")
    # J3 reports to S1: never suggested. J1 is.
    shown_ids = re.findall(
        r'<h3 id="s\d+"><span class="rank">\d+\.</span> <a href="/participants/(\w+)"',
        response.text,
    )
    assert shown_ids == [s.partner_id for s in expected.suggestions]
    assert "J1" in shown_ids and "J3" not in shown_ids
    for suggestion in expected.suggestions:
        # The summary in French, as the core words it, with names; the label matches the score.
        assert _named_summary(web_app, "S1", suggestion, "reverse", "fr") in page
        assert suggestion.explanation.summary.startswith(
            label_words(match_label(suggestion.score, "heuristic"), "fr")
        )
        assert label_words(suggestion.label, "fr") in page
        for match in suggestion.explanation.matches:
            assert f"{match.skill}</span>" in page and f"{match.goal}</span>" in page
    # Every bar is as long as its contribution, and its number says the same.
    bars = re.findall(
        r'class="bar-fill w-(\d+)[^"]*" data-contribution="([^"]+)"></span></span></td>\s*'
        r'<td class="num">([^<]+)</td>',
        response.text,
    )
    # A factor that adds nothing is left out: it says nothing about the pair.
    factors = [f for s in expected.suggestions for f in s.explanation.factors if f.contribution]
    assert len(bars) == len(factors) > 0
    for (width, contribution, text), factor in zip(bars, factors, strict=True):
        assert int(width) == round(abs(factor.contribution) * 100)
        assert float(contribution) == pytest.approx(factor.contribution)
        assert text == f"{factor.contribution:.2f}".replace(".", ",")
    assert "Compétences → objectifs" in page


def test_mode_switch_ranks_in_that_mode(
    signed_in: SignIn, people: Store, web_app: Litestar
) -> None:
    viewer = signed_in("viewer")
    page = _text(viewer.get("/participants/J1", params={"mode": "mutual"}))
    assert 'href="?mode=mutual#suggestions" aria-current="page"' in page
    expected = _ranked(web_app, "J1", "mutual", "en")
    assert expected.suggestions
    for suggestion in expected.suggestions:
        assert _named_summary(web_app, "J1", suggestion, "mutual", "en") in page
    # An unknown mode is the default one, not an error.
    other = viewer.get("/participants/J1", params={"mode": "sideways"})
    assert (
        other.status_code == 200 and 'href="?mode=reverse#suggestions" aria-current' in other.text
    )


def test_unknown_and_erased_people_are_404_pages(
    signed_in: SignIn, people: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    viewer = signed_in("viewer")
    missing = viewer.get("/participants/NOPE")
    assert missing.status_code == 404 and "<html" in missing.text
    assert viewer.get("/participants/J2").status_code == 200
    erase_participant(people, "J2", erasure_key)
    erased = viewer.get("/participants/J2")
    assert erased.status_code == 404 and "Yanis" not in erased.text


# --- pair them -------------------------------------------------------------------------------


def _pair_form(client: TestClient, person_id: str, partner_id: str) -> dict[str, str]:
    """The fields of the "pair them" form of one suggestion on the person's page."""
    page = client.get(f"/participants/{person_id}").text
    forms = re.findall(
        r'<form method="post" action="/participants/[^"]+/pair".*?</form>', page, re.S
    )
    for form in forms:
        values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
        if partner_id in (values["mentor_id"], values["mentee_id"]):
            return values
    raise AssertionError(f"no pair form for {partner_id} on {person_id}'s page")


def test_a_manager_pairs_a_suggestion_and_a_refusal_gives_the_reason(
    signed_in: SignIn, people: Store, web_app: Litestar
) -> None:
    manager = signed_in("manager")
    form = _pair_form(manager, "S1", "J1")
    assert form["mentor_id"] == "J1" and form["mentee_id"] == "S1" and form["csrf_token"]
    done = manager.post("/participants/S1/pair", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/participants/S1?mode=reverse"
    page = manager.get(done.headers["location"]).text
    # Names as of the page, ids beside them (the session stored the ids only).
    assert _flash(page) == ["Paired: Élodie Béranger (J1) mentors Bernard Lefèvre (S1)."]
    assert [(p.mentor_id, p.mentee_id, p.status) for p in list_pairings(people)] == [
        ("J1", "S1", "active")
    ]
    # The page was stale: S1 has a mentor now, so the same checks as everywhere refuse.
    manager.cookies["lang"] = "fr"
    again = manager.post("/participants/S1/pair", data={**form, "mentor_id": "J2"})
    assert again.status_code == 200
    assert _flash(again.text) == ["Binôme refusé\u00a0: Bernard Lefèvre (S1) a déjà un binôme."]
    own_manager = manager.post(
        "/participants/S1/pair", data={**form, "mentor_id": "J3", "mentee_id": "S1"}
    )
    assert any("est le manager de" in m for m in _flash(own_manager.text))
    assert len(list_pairings(people)) == 1
    # The pairing now shows on both people's pages.
    assert "Élodie Béranger" in _text(manager.get("/participants/S1"))
    assert "Bernard Lefèvre" in _text(manager.get("/participants/J1"))


def test_viewers_and_forms_without_csrf_cannot_pair(signed_in: SignIn, people: Store) -> None:
    viewer = signed_in("viewer")
    assert "Pair them" not in viewer.get("/participants/S1").text
    token = csrf_token(viewer, "/participants/S1")
    fields = {"mentor_id": "J1", "mentee_id": "S1", "mode": "reverse"}
    refused = viewer.post("/participants/S1/pair", data={**fields, "csrf_token": token})
    assert refused.status_code == 403
    manager = signed_in("manager")
    assert "Pair them" in manager.get("/participants/S1").text
    forged = manager.post("/participants/S1/pair", data=fields)
    assert forged.status_code == 403
    wrong = manager.post("/participants/S1/pair", data={**fields, "csrf_token": token})
    assert wrong.status_code == 403
    assert list_pairings(people) == []


def test_a_form_naming_other_people_pairs_nobody(signed_in: SignIn, people: Store) -> None:
    manager = signed_in("manager")
    form = _pair_form(manager, "S1", "J1")
    other = manager.post(
        "/participants/S1/pair", data={**form, "mentor_id": "J2", "mentee_id": "S2"}
    )
    assert other.status_code == 404
    gone = manager.post("/participants/S1/pair", data={**form, "mentor_id": "NOPE"})
    assert _flash(gone.text) == ["Nothing was paired: one of the two is no longer a participant."]
    assert list_pairings(people) == []


# --- /pairings -------------------------------------------------------------------------------


def test_pairings_list_and_end_with_a_reason(
    signed_in: SignIn, people: Store, web_app: Litestar
) -> None:
    roster = web_app.state.runtime.roster()
    first = pair_by_hand(people, roster, "J1", "S1", min_gap=5)
    pair_by_hand(people, roster, "J2", "S2", min_gap=5)
    manager = signed_in("manager")
    listing = _text(manager.get("/pairings"))
    assert "2 pairings in force" in listing
    for shown in ("Élodie Béranger", "Bernard Lefèvre", "Yanis Dupont", "Finance", "by hand"):
        assert shown in listing, shown
    token = csrf_token(manager, "/pairings")
    missing = manager.post(f"/pairings/{first.id}/end", data={"csrf_token": token})
    assert _flash(missing.text) == [f"Pairing {first.id} was not ended: choose why it ends."]
    ended = manager.post(
        f"/pairings/{first.id}/end",
        data={"csrf_token": token, "reason": "completed"},
        follow_redirects=False,
    )
    assert ended.status_code == 303 and ended.headers["location"] == "/pairings"
    assert _flash(manager.get("/pairings").text) == [f"Pairing {first.id} ended."]
    assert [p.status for p in list_pairings(people)] == ["ended", "active"]
    again = manager.post(
        f"/pairings/{first.id}/end", data={"csrf_token": token, "reason": "completed"}
    )
    assert _flash(again.text) == [f"Pairing {first.id} had already ended."]
    manager.cookies["lang"] = "fr"
    history = _text(manager.get("/pairings", params={"status": "ended"}))
    assert "1 binôme terminé" in history and "mentorat achevé" in history
    assert "Élodie Béranger" in history and "Yanis Dupont" not in history
    assert (
        manager.post("/pairings/999/end", data={"csrf_token": token, "reason": "other"}).status_code
        == 404
    )


def test_viewers_see_pairings_but_cannot_end_them(
    signed_in: SignIn, people: Store, web_app: Litestar
) -> None:
    pairing = pair_by_hand(people, web_app.state.runtime.roster(), "J1", "S1", min_gap=5)
    viewer = signed_in("viewer")
    page = viewer.get("/pairings", params={"status": "nonsense", "page": "x"})
    assert (
        page.status_code == 200 and "Élodie" in _text(page) and "End this pairing" not in page.text
    )
    token = csrf_token(viewer, "/pairings")
    refused = viewer.post(
        f"/pairings/{pairing.id}/end", data={"csrf_token": token, "reason": "other"}
    )
    assert refused.status_code == 403
    assert [p.status for p in list_pairings(people)] == ["active"]


def test_pairings_are_paginated(signed_in: SignIn, sqlite_store: Store) -> None:
    records = [person(f"J{n:02d}") for n in range(60)] + [
        person(f"S{n:02d}", role=F.MENTEE, years=30, goals="Instagram") for n in range(60)
    ]
    with sqlite_store.session() as session:
        upsert_participants(session, records)
        for n in range(60):
            session.add(PairingRow(mentor_id=f"J{n:02d}", mentee_id=f"S{n:02d}", mode="reverse"))
    viewer = signed_in("viewer")
    first = viewer.get("/pairings").text
    assert "60 pairings in force" in first and "1–50 of 60" in first
    assert 'href="?status=active&amp;page=2"' in first
    second = viewer.get("/pairings", params={"page": "2"}).text
    # Latest first: the ten formed first are on page 2.
    assert "S09" in second and "S10" not in second and "51–60 of 60" in second


# --- privacy ---------------------------------------------------------------------------------


def test_names_never_reach_the_logs(
    signed_in: SignIn, people: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    manager = signed_in("manager")
    manager.get("/participants", params={"q": "Élodie"})
    manager.get("/participants/S1")
    form = _pair_form(manager, "S1", "J1")
    manager.post("/participants/S1/pair", data=form)
    manager.post("/participants/S1/pair", data={**form, "mentor_id": "J2"})
    with people.session() as session:
        pairing_id = session.scalar(select(PairingRow.id))
    manager.post(
        f"/pairings/{pairing_id}/end", data={"csrf_token": form["csrf_token"], "reason": "dropped"}
    )
    manager.get("/pairings", params={"status": "ended"})
    assert caplog.records, "the requests were logged"
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for name in NAMES.values():
        for part in name.split():
            assert part not in logged, part


def test_a_pairing_on_the_person_page_names_the_partner_s_role(
    signed_in: SignIn, people: Store, web_app: Litestar
) -> None:
    pair_by_hand(people, web_app.state.runtime.roster(), "J1", "S1", min_gap=5)
    viewer = signed_in("viewer")
    mentee_page = _text(viewer.get("/participants/S1"))
    assert re.search(
        r'Élodie Béranger</a> <code class="id">J1</code></td>\s*<td>mentor</td>', mentee_page
    )
    mentor_page = _text(viewer.get("/participants/J1"))
    assert re.search(
        r'Bernard Lefèvre</a> <code class="id">S1</code></td>\s*<td>mentee</td>', mentor_page
    )


def test_person_page_lists_the_attributes_in_both_languages(
    signed_in: SignIn, sqlite_store: Store
) -> None:
    answers = {"grade": "HEO", "characteristics": ["Carer", "LGBTQ"], "hours_a_month": 2.5}
    with sqlite_store.session() as session:
        upsert_participants(session, [person("A1", attributes=answers)])
    viewer = signed_in("viewer")
    page = " ".join(re.sub(r"<[^>]+>", " ", _text(viewer.get("/participants/A1"))).split())
    assert "Further answers characteristics Carer, LGBTQ grade HEO hours a month 2.5" in page
    viewer.cookies["lang"] = "fr"
    french = " ".join(re.sub(r"<[^>]+>", " ", _text(viewer.get("/participants/A1"))).split())
    assert "Autres réponses characteristics Carer, LGBTQ grade HEO hours a month 2,5" in french
