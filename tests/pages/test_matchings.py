"""/matchings pages driven through their forms: draft, review, edit, approve, discard, export."""

from __future__ import annotations

import csv
import html
import io
import math
import re
from collections import Counter
from typing import Any

import polars as pl
import pytest
from litestar.testing import TestClient

from recomentor.matching.rules import FILTERS
from recomentor.matching.service import get_matching, list_matchings
from recomentor.store import Store
from recomentor.store.participants import upsert_participants
from recomentor.store.tables import PairingRow
from recomentor.web.explanations import NAMED_FACTORS
from recomentor.web.i18n import catalogs
from recomentor.web.matching_view import UNPAIRED_REASONS, WINDOW_SIZES
from tests.fakes import person
from tests.web_client import SignIn, csrf_token

FORMULA_NAME = '=HYPERLINK("http://evil.example","x")'
NO_FILE = {"rules": ("", b"", "application/octet-stream")}


def _named(record: dict[str, Any], name: str, email: str) -> dict[str, Any]:
    return {**record, "name": name, "email": email}


# J1-S1 and J2-S2 are the pairs by topic; J3 (both) can take S1 or S2 but nobody mentors J3.
COHORT = [
    _named(
        person("J1", role="mentor", years=2, skills="TikTok, Instagram", goals=None),
        "Léa Martin",
        "lea.martin@example.org",
    ),
    _named(
        person("J2", role="mentor", years=3, skills="Python, Power BI", goals=None),
        FORMULA_NAME,
        "j2@example.org",
    ),
    _named(
        person("J3", role="both", years=1, skills="ChatGPT, prompts", goals="leadership"),
        "Tom Petit",
        "tom.petit@example.org",
    ),
    _named(
        person("S1", role="mentee", years=25, skills=None, goals="comprendre TikTok et Instagram"),
        "Anne Roux",
        "anne.roux@example.org",
    ),
    _named(
        person(
            "S2",
            role="mentee",
            years=30,
            skills=None,
            goals="Power BI, Python",
            department="Finance",
        ),
        "Marc Blanc",
        "marc.blanc@example.org",
    ),
]


@pytest.fixture(autouse=True)
def cohort(sqlite_store: Store) -> None:
    with sqlite_store.session() as session:
        upsert_participants(session, COHORT)


@pytest.fixture
def manager(signed_in: SignIn) -> TestClient:
    return signed_in("manager")


def _draft(client: TestClient, files: dict[str, Any] | None = None, **fields: Any) -> Any:
    form = {"csrf_token": csrf_token(client, "/matchings/new"), "mode": "reverse"}
    form |= {"objective": "score", **fields}
    return client.post("/matchings/new", data=form, files=files or NO_FILE, follow_redirects=False)


def _drafted(client: TestClient, **fields: Any) -> str:
    response = _draft(client, **fields)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/matchings/[0-9a-f-]{36}", location)
    return str(location.rsplit("/", 1)[1])


def _pairs(store: Store, matching_id: str) -> dict[str, tuple[str, bool]]:
    matching = get_matching(store, matching_id)
    return {p.mentee_id: (p.mentor_id, p.locked) for p in matching.pairs}


def _text(response: Any) -> str:
    return html.unescape(response.text)


def test_draft_from_form_fields_then_review(manager: TestClient, sqlite_store: Store) -> None:
    matching_id = _drafted(
        manager,
        min_gap="10",
        require=["common_language"],
        weight_same_location="0.05",
        exclude="J3, S2",
    )
    matching = get_matching(sqlite_store, matching_id)
    assert (matching.mode, matching.objective, matching.min_gap) == ("reverse", "score", 10.0)
    assert matching.rules["require"] == ["common_language"]
    assert matching.rules["bonus"] == [{"criterion": "same_location", "weight": 0.05}]
    assert matching.rules["exclude"] == [{"mentor_id": "J3", "mentee_id": "S2"}]
    assert _pairs(sqlite_store, matching_id) == {"S1": ("J1", False), "S2": ("J2", False)}

    page = _text(manager.get(f"/matchings/{matching_id}"))
    assert "Draft matching created." in page
    # Both names, linked to the person's page, departments, score and label.
    assert '<a href="/participants/J1">Léa Martin</a>' in page
    assert '<a href="/participants/S1">Anne Roux</a>' in page
    assert "Finance" in page and "Marketing" in page
    # A score in two decimals, cut, so it never reads as the next label's line.
    assert f"{math.floor(matching.pairs[0].score * 100) / 100:.2f}" in page
    assert "Reverse (the junior mentors)" in page and "Highest total score" in page
    assert "Rule: Same site +0.05" in page and "1 pairs excluded" in page
    # The explanation on demand, written again with names in the page's language.
    assert "<details" in page and "Why this pair?" in page
    assert "Léa Martin's skills" in page
    # A bar per factor that adds something, as long as its contribution, its number beside it.
    bars = re.findall(
        r'class="bar-fill w-(\d+)[^"]*" data-contribution="([^"]+)"></span></span></td>\s*'
        r'<td class="num">([^<]+)</td>',
        page,
    )
    factors = [f for p in matching.pairs for f in p.explanation.factors if f.contribution]
    assert sorted(float(c) for _, c, _ in bars) == sorted(f.contribution for f in factors)
    for width, contribution, text in bars:
        assert int(width) == min(round(abs(float(contribution)) * 100), 100)
        assert text == f"{float(contribution):.2f}"
    assert "TikTok" in page  # a matched phrase
    # Unpaired: J3 as mentee (nobody more junior), reason in words; mentor loads.
    assert "No eligible mentor" in page and "Tom Petit" in page
    assert "Mentor loads" in page and "1 / 1" in page
    # A manager sees the actions and the exports.
    for action in ("/lock", "/remove", "/rematch", "/approve", "/discard", "/export.csv"):
        assert f'/matchings/{matching_id}{action}"' in page, action


def test_review_shows_long_lists_a_page_at_a_time(
    manager: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in WINDOW_SIZES:
        monkeypatch.setitem(WINDOW_SIZES, name, 1)
    matching_id = _drafted(manager)  # J1-S1 and J2-S2, in mentor order; J3 unpaired
    first = _text(manager.get(f"/matchings/{matching_id}"))
    assert 'id="pair-S1"' in first and 'id="pair-S2"' not in first
    assert "1–1 of 2" in first  # the pairs
    assert 'href="?page=2#pairs"' in first and 'href="?loads_page=2#loads"' in first
    assert "unpaired_page=" not in first  # one unpaired person: the whole list, no pager
    # Each list's links move that list and keep the others where they are.
    second = _text(manager.get(f"/matchings/{matching_id}?page=2&loads_page=2"))
    assert 'id="pair-S2"' in second and 'id="pair-S1"' not in second
    assert "2–2 of 2" in second
    assert 'href="?loads_page=2#pairs"' in second and 'href="?page=2#loads"' in second
    # A page past the end shows the last one.
    assert 'id="pair-S2"' in _text(manager.get(f"/matchings/{matching_id}?page=99"))


def test_review_in_french_says_the_summary_in_french(
    manager: TestClient, sqlite_store: Store
) -> None:
    matching_id = _drafted(manager)
    manager.get("/lang/fr")
    page = _text(manager.get(f"/matchings/{matching_id}"))
    assert "Pourquoi ce binôme\u00a0?" in page and "les compétences de Léa Martin" in page
    assert "Aucun mentor éligible" in page
    score = get_matching(sqlite_store, matching_id).pairs[0].score
    assert f"{math.floor(score * 100) / 100:.2f}".replace(".", ",") in page


def test_draft_with_a_rules_file(manager: TestClient, sqlite_store: Store) -> None:
    rules = b'name = "Wave 2"\n[require]\ndifferent_department = true\n'
    matching_id = _drafted(manager, files={"rules": ("rules.toml", rules, "application/toml")})
    matching = get_matching(sqlite_store, matching_id)
    assert matching.rules["name"] == "Wave 2"
    assert matching.rules["require"] == ["different_department"]
    # S1 is in Marketing like every mentor: the must-filter leaves them unpaired.
    assert set(_pairs(sqlite_store, matching_id)) == {"S2"}
    assert "rule different department" in _text(manager.get(f"/matchings/{matching_id}"))
    manager.get("/lang/fr")
    # Drafted in French, S1's stored reason words the criterion in French too.
    french = _text(
        manager.get(
            "/matchings/"
            + _drafted(manager, files={"rules": ("rules.toml", rules, "application/toml")})
        )
    )
    assert "règle directions différentes" in french and "different department" not in french


def test_a_rules_file_with_several_mentors_per_mentee_shows_both_sides(
    manager: TestClient, sqlite_store: Store
) -> None:
    rules = (
        b'max_mentors = 2\nmin_gap = 0\nmax_gap = 28\n[[never]]\nfield = "department"\n'
        b'test = "different"\n[[bonus]]\nname = "same site"\nfield = "location"\n'
        b'test = "equal"\nweight = 2\n'
    )
    matching_id = _drafted(manager, files={"rules": ("rules.toml", rules, "application/toml")})
    matching = get_matching(sqlite_store, matching_id)
    assert (matching.max_mentors, matching.max_gap) == (2, 28.0)
    # S2 is in Finance, unlike every mentor; S1 gets two of the three mentors.
    assert {p.mentee_id for p in matching.pairs} == {"S1"} and len(matching.pairs) == 2
    page = _text(manager.get(f"/matchings/{matching_id}"))
    assert "not different department" in page  # the [[never]] in words
    assert "same site" in page  # the bonus by its name
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Anne Roux S1 2 / 2" in words.split("Mentors per mentee ")[-1]
    assert "Mentors without a mentee (1)" in words
    # Pair edits would be refused (409): the page offers approve and discard, not them.
    assert "pairs are edited one mentor per mentee only" in words
    assert f"/matchings/{matching_id}/approve" in page
    assert not any(path in page for path in ("/rematch", "/candidates?", "/lock", "/remove"))
    french = _text(manager.get(f"/matchings/{matching_id}", headers={"Accept-Language": "fr"}))
    assert "Mentors par mentoré" in french
    assert "un mentor par mentoré" in french


def test_the_form_alone_gives_a_mentee_several_mentors_within_a_gap(
    manager: TestClient, sqlite_store: Store
) -> None:
    # The same round as the rules file above, from the form's fields.
    matching_id = _drafted(manager, min_gap="0", max_gap="28,0", max_mentors="2")
    matching = get_matching(sqlite_store, matching_id)
    assert (matching.min_gap, matching.max_gap, matching.max_mentors) == (0.0, 28.0, 2)
    per_mentee = Counter(pair.mentee_id for pair in matching.pairs)
    assert max(per_mentee.values()) == 2
    words = " ".join(
        re.sub(r"<[^>]+>", " ", _text(manager.get(f"/matchings/{matching_id}"))).split()
    )
    assert "Mentors per mentee" in words
    # Empty fields keep today's round: one mentor each, no upper bound.
    plain = get_matching(sqlite_store, _drafted(manager, min_gap="0"))
    assert (plain.max_gap, plain.max_mentors) == (None, 1)


def test_a_french_review_words_the_rules_conditions_in_french(
    manager: TestClient, sqlite_store: Store
) -> None:
    rules = (
        b'min_gap = 0\n[[never]]\nfield = "department"\ntest = "different"\n'
        b'[[bonus]]\nfield = "location"\ntest = "equal"\nweight = 2\n'
    )
    drafted = _drafted(manager, files={"rules": ("rules.toml", rules, "application/toml")})
    english = _text(manager.get(f"/matchings/{drafted}"))
    assert "not different department" in english and "same location" in english
    manager.get("/lang/fr")
    # Drafted in French, the reasons stored with the unpaired mentees are French too.
    matching_id = _drafted(manager, files={"rules": ("rules.toml", rules, "application/toml")})
    french = _text(manager.get(f"/matchings/{matching_id}"))
    # The [[never]] among the filters and in S2's reason; the unnamed bonus in the rules and
    # in each pair's bars.
    assert "jamais : service : valeurs différentes" in french
    assert "règle jamais : service : valeurs différentes" in french
    assert french.count("même site") >= 2
    assert "different department" not in french and "same location" not in french


@pytest.mark.parametrize(
    ("fields", "files", "message"),
    [
        ({}, {"rules": ("r.toml", b"[require]\nsame_site = true\n", "text/plain")}, "line 2"),
        ({}, {"rules": ("r.toml", b"name = \n", "text/plain")}, "invalid TOML"),
        ({}, {"rules": ("r.toml", b"\xff\xfe", "text/plain")}, "UTF-8 text"),
        (
            {},
            {"rules": ("r.toml", b'[[exclude]]\nmentor_id = "J1"\nmentee_id = "X9"\n', "t/p")},
            "line 1: unknown participant id 'X9'",
        ),
        ({"exclude": "J1, S1\nJ1 S9"}, None, "line 2: S9 is not a participant"),
        ({"exclude": "J1"}, None, "line 1: write two ids"),
        ({"min_gap": "-1"}, None, "from 0 to 70"),
        ({"weight_seniority_gap": "2"}, None, "Experience gap: the weight must be"),
        ({"require": ["same_location", "different_location"]}, None, "same site and on"),
        ({"mode": "sideways"}, None, "Choose a mode."),
        ({"max_gap": "abc"}, None, "The maximum gap must be a number of years from 0 to 70."),
        ({"max_gap": "80"}, None, "The maximum gap must be a number of years from 0 to 70."),
        (
            {"min_gap": "10", "max_gap": "5"},
            None,
            "The maximum gap (5 years) must not be below the minimum gap (10 years).",
        ),
        (
            {"min_gap": "30"},
            {"rules": ("r.toml", b"max_gap = 20\n", "text/plain")},
            "The maximum gap (20 years) must not be below the minimum gap (30 years).",
        ),
        ({"max_mentors": "0"}, None, "a whole number from 1 to 50"),
        ({"max_mentors": "2.5"}, None, "a whole number from 1 to 50"),
        ({"max_mentors": "51"}, None, "a whole number from 1 to 50"),
        ({"mode": "mutual", "max_mentors": "2"}, None, "Mutual mode forms pairs of two"),
        (
            {"require": ["same_location"]},
            {"rules": ("r.toml", b"", "text/plain"), "x": ("a", b"b", "text/plain")},
            None,
        ),
        (
            {"require": ["same_location"]},
            {"rules": ("r.toml", b"name = 'x'\n", "text/plain")},
            "either the rules above or a rules file",
        ),
    ],
)
def test_bad_forms_say_what_to_fix_and_draft_nothing(
    manager: TestClient,
    sqlite_store: Store,
    fields: dict[str, Any],
    files: dict[str, Any] | None,
    message: str | None,
) -> None:
    response = _draft(manager, files=files, **fields)
    if message is None:
        # An empty file input is no file: the fields' rules are used.
        assert response.status_code == 303
        return
    assert response.status_code == 400, response.text
    assert message in _text(response)
    assert list_matchings(sqlite_store) == []
    # What was typed is still there to be corrected.
    for value in fields.values():
        if isinstance(value, str) and value != "sideways":
            assert html.escape(value, quote=True).split("\n")[0] in response.text


def test_lock_unlock_remove_and_rematch(manager: TestClient, sqlite_store: Store) -> None:
    matching_id = _drafted(manager)
    token = csrf_token(manager, f"/matchings/{matching_id}")
    base = f"/matchings/{matching_id}"
    pair = {"csrf_token": token, "mentee_id": "S1", "mentor_id": "J1"}
    locked = manager.post(f"{base}/lock", data=pair, follow_redirects=False)
    assert locked.status_code == 303 and locked.headers["location"] == f"{base}#pair-S1"
    assert _pairs(sqlite_store, matching_id)["S1"] == ("J1", True)
    page = _text(manager.get(base))
    # A flash keeps the id (sessions store no names); the page shows the name beside it.
    assert "Pair of Anne Roux (S1) locked." in page and "Unlock" in page
    manager.post(f"{base}/unlock", data=pair)
    assert _pairs(sqlite_store, matching_id)["S1"] == ("J1", False)
    # A page that showed another mentor than the draft has now: refused, nothing changed.
    stale = manager.post(f"{base}/remove", data={**pair, "mentor_id": "J2"})
    assert "Change refused" in _text(stale) and "reload" in stale.text
    assert "S1" in _pairs(sqlite_store, matching_id)
    manager.post(f"{base}/lock", data={**pair, "mentee_id": "S2", "mentor_id": "J2"})
    removed = manager.post(f"{base}/remove", data=pair)
    assert "Pair of Anne Roux (S1) removed" in _text(removed) and "Pair removed by HR" in _text(
        removed
    )
    assert "S1" not in _pairs(sqlite_store, matching_id)
    rematched = manager.post(f"{base}/rematch", data={"csrf_token": token})
    assert "matched again" in rematched.text
    # S2's locked pair stayed; S1 got J3, not the J1 HR removed.
    assert _pairs(sqlite_store, matching_id) == {"S1": ("J3", False), "S2": ("J2", True)}


def test_replace_a_mentor_by_a_candidate(manager: TestClient, sqlite_store: Store) -> None:
    matching_id = _drafted(manager)
    base = f"/matchings/{matching_id}"
    candidates = manager.get(f"{base}/candidates?mentee=S1")
    assert candidates.status_code == 200
    page = _text(candidates)
    assert "A mentor for Anne Roux" in page and "Léa Martin" in page  # the current mentor
    assert "Tom Petit" in page and 'value="J3"' in page and "Choose" in page
    assert "1 at capacity" in page  # J2, taken by S2
    assert "Why this pair?" in page
    token = csrf_token(manager, base)
    chosen = manager.post(
        f"{base}/assign",
        data={"csrf_token": token, "mentee_id": "S1", "mentor_id": "J3"},
        follow_redirects=False,
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == f"{base}#pair-S1"
    assert _pairs(sqlite_store, matching_id)["S1"] == ("J3", True)
    assert "Tom Petit (J3) is now the mentor of Anne Roux (S1)" in _text(manager.get(base))


def test_a_refused_choice_names_the_reason(manager: TestClient, sqlite_store: Store) -> None:
    matching_id = _drafted(manager)
    base = f"/matchings/{matching_id}"
    token = csrf_token(manager, base)
    refused = manager.post(
        f"{base}/assign", data={"csrf_token": token, "mentee_id": "S1", "mentor_id": "J2"}
    )
    assert refused.status_code == 409
    said = f"{FORMULA_NAME} cannot take Anne Roux: at capacity. Nothing was changed."
    assert said in _text(refused)
    assert _pairs(sqlite_store, matching_id)["S1"] == ("J1", False)
    wrong_way = manager.post(
        f"{base}/assign", data={"csrf_token": token, "mentee_id": "S1", "mentor_id": "S2"}
    )
    assert wrong_way.status_code == 409 and "wrong role" in _text(wrong_way)


def test_an_unpaired_mentee_gets_a_mentor_the_same_way(
    manager: TestClient, sqlite_store: Store
) -> None:
    matching_id = _drafted(manager)
    base = f"/matchings/{matching_id}"
    token = csrf_token(manager, base)
    manager.post(f"{base}/remove", data={"csrf_token": token, "mentee_id": "S2"})
    page = manager.get(base).text
    assert f'href="{base}/candidates?mentee=S2"' in page
    manager.post(f"{base}/assign", data={"csrf_token": token, "mentee_id": "S2", "mentor_id": "J3"})
    assert _pairs(sqlite_store, matching_id)["S2"] == ("J3", True)


def test_approve_after_confirmation_then_read_only(
    manager: TestClient, sqlite_store: Store
) -> None:
    matching_id = _drafted(manager)
    base = f"/matchings/{matching_id}"
    confirm = manager.get(f"{base}/approve")
    assert confirm.status_code == 200
    assert "Approve matching" in confirm.text and "Its 2 pairs become pairings" in confirm.text
    token = csrf_token(manager, base)
    approved = manager.post(f"{base}/approve", data={"csrf_token": token})
    assert approved.status_code == 200 and "Matching approved" in approved.text
    with sqlite_store.session() as session:
        formed = {(r.mentor_id, r.mentee_id) for r in session.query(PairingRow)}
    assert formed == {("J1", "S1"), ("J2", "S2")}
    page = approved.text
    assert "it can no longer be changed" in page
    assert f"{base}/lock" not in page and f"{base}/approve" not in page
    assert f"{base}/export.csv" in page  # exports stay
    again = manager.post(f"{base}/lock", data={"csrf_token": token, "mentee_id": "S1"})
    assert "only a draft can be edited" in again.text
    assert manager.get(f"{base}/candidates?mentee=S1").url.path == base


def test_approve_conflicts_are_listed_and_nothing_is_approved(
    manager: TestClient, sqlite_store: Store
) -> None:
    first, second = _drafted(manager), _drafted(manager)
    token = csrf_token(manager, f"/matchings/{first}")
    manager.post(f"/matchings/{first}/approve", data={"csrf_token": token})
    refused = manager.post(f"/matchings/{second}/approve", data={"csrf_token": token})
    assert refused.status_code == 409
    page = _text(refused)
    assert "Nothing was approved" in page and "2 pairs conflict" in page
    assert "Léa Martin" in page and "Anne Roux" in page and "already paired" in page
    assert get_matching(sqlite_store, second).status == "draft"


def test_discard_after_confirmation(manager: TestClient, sqlite_store: Store) -> None:
    matching_id = _drafted(manager)
    base = f"/matchings/{matching_id}"
    assert "stays readable" in manager.get(f"{base}/discard").text
    discarded = manager.post(f"{base}/discard", data={"csrf_token": csrf_token(manager, base)})
    assert "Matching discarded." in discarded.text
    assert get_matching(sqlite_store, matching_id).status == "discarded"


def test_list_shows_status_mode_counts_and_total(manager: TestClient, sqlite_store: Store) -> None:
    first, second = _drafted(manager), _drafted(manager, mode="mutual")
    token = csrf_token(manager, "/matchings")
    manager.post(f"/matchings/{first}/discard", data={"csrf_token": token})
    listing = _text(manager.get("/matchings"))
    assert listing.index(second[:8]) < listing.index(first[:8])  # newest first
    assert "discarded" in listing and "draft" in listing and "mutual" in listing
    total = sum(p.score for p in get_matching(sqlite_store, first).pairs)
    assert f"{total:.2f}" in listing
    drafts = _text(manager.get("/matchings?status=draft"))
    assert second[:8] in drafts and first[:8] not in drafts


def test_list_pages(manager: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("recomentor.web.matchings.MATCHINGS_PER_PAGE", 1)
    first, second = _drafted(manager), _drafted(manager)
    one = manager.get("/matchings").text
    assert f'"/matchings/{second}"' in one and f'"/matchings/{first}"' not in one
    # The pager every long list has: numbered pages, the next one linked.
    assert 'href="?page=2" rel="next"' in one
    two = manager.get("/matchings?page=2").text
    assert f'"/matchings/{first}"' in two and f'"/matchings/{second}"' not in two
    assert 'href="?" rel="prev"' in two and '<span aria-current="page">2</span>' in two


def test_viewer_sees_everything_and_changes_nothing(
    manager: TestClient, signed_in: SignIn, sqlite_store: Store
) -> None:
    matching_id = _drafted(manager)
    base = f"/matchings/{matching_id}"
    viewer = signed_in("viewer")
    page = _text(viewer.get(base))
    assert "Léa Martin" in page and "Why this pair?" in page
    assert "<form" not in page.split('<main id="content"')[1]
    assert "New matching" not in viewer.get("/matchings").text
    token = csrf_token(viewer, base)
    for path in ("/new", f"/{matching_id}/approve", f"/{matching_id}/export.csv"):
        assert viewer.get(f"/matchings{path}").status_code == 403, path
    for action, data in [
        ("approve", {}),
        ("discard", {}),
        ("rematch", {}),
        ("lock", {"mentee_id": "S1"}),
        ("remove", {"mentee_id": "S1"}),
        ("assign", {"mentee_id": "S1", "mentor_id": "J3"}),
    ]:
        refused = viewer.post(f"{base}/{action}", data={"csrf_token": token, **data})
        assert refused.status_code == 403, action
        assert "Not allowed" in refused.text
    forged = viewer.post("/matchings/new", data={"csrf_token": token}, files=NO_FILE)
    assert forged.status_code == 403
    assert get_matching(sqlite_store, matching_id).version == 0
    assert len(list_matchings(sqlite_store)) == 1


def test_a_post_without_its_csrf_token_changes_nothing(
    manager: TestClient, sqlite_store: Store
) -> None:
    matching_id = _drafted(manager)
    base = f"/matchings/{matching_id}"
    refused = manager.post(f"{base}/approve", data={})
    assert refused.status_code == 403 and "Form refused" in refused.text
    assert manager.post(f"{base}/remove", data={"mentee_id": "S1"}).status_code == 403
    untokened = manager.post("/matchings/new", data={"mode": "reverse"}, files=NO_FILE)
    assert untokened.status_code == 403
    assert get_matching(sqlite_store, matching_id).status == "draft"
    assert get_matching(sqlite_store, matching_id).version == 0
    assert len(list_matchings(sqlite_store)) == 1


def test_unknown_matching_is_an_html_404(manager: TestClient) -> None:
    for path in ("/matchings/nope", "/matchings/" + "x" * 80, "/matchings/nope/export.csv"):
        missing = manager.get(path)
        assert missing.status_code == 404, path
        assert missing.headers["content-type"].startswith("text/html")
        assert "Page not found" in missing.text


def test_csv_export_for_french_excel(manager: TestClient) -> None:
    matching_id = _drafted(manager)
    exported = manager.get(f"/matchings/{matching_id}/export.csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="matching-{matching_id}.csv"'
    )
    body = exported.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Mentor ID", "Mentor", "Mentor e-mail"]
    by_mentor = {row[0]: row for row in rows[1:3]}
    assert by_mentor["J1"][1:3] == ["Léa Martin", "lea.martin@example.org"]
    assert by_mentor["J1"][5] == "Anne Roux"
    # The name that is a formula arrives as text.
    assert by_mentor["J2"][1] == "'" + FORMULA_NAME
    manager.get("/lang/fr")
    french = manager.get(f"/matchings/{matching_id}/export.csv").content.decode("utf-8-sig")
    assert french.startswith("Matricule mentor;Mentor;")


def test_xlsx_export(manager: TestClient) -> None:
    matching_id = _drafted(manager)
    exported = manager.get(f"/matchings/{matching_id}/export.xlsx")
    assert exported.status_code == 200
    assert exported.headers["content-disposition"] == (
        f'attachment; filename="matching-{matching_id}.xlsx"'
    )
    sheets = pl.read_excel(io.BytesIO(exported.content), sheet_id=0, engine="calamine")
    assert list(sheets) == ["Pairs", "Unpaired"]
    pairs = sheets["Pairs"]
    assert set(pairs["Mentor"].to_list()) == {"Léa Martin", "'" + FORMULA_NAME}
    assert set(pairs["Mentor e-mail"].to_list()) == {"lea.martin@example.org", "j2@example.org"}
    assert pairs["Score"].dtype.is_float()  # a number Excel can sort


def test_catalog_names_every_factor_and_reason() -> None:
    english = catalogs()["en"]
    built = [f"explanation.factor_{name}" for name in NAMED_FACTORS]
    built += [f"matchings.reason_{code}" for code in UNPAIRED_REASONS]
    built += [f"explanation.criterion_{c}" for c in FILTERS]
    built += [f"matchings.criterion_{c}" for c in FILTERS]
    built += [f"matchings.{kind}_{s}" for kind in ("status",) for s in ("draft", "approved")]
    assert [key for key in built if key not in english] == []
