"""/outcomes (issue 14): every signed-in role sees the figures worked out by hand in
tests/outcomes_data.py, small groups are not shown on their own, the CSV matches the page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from litestar.testing import TestClient

from recomentor.store import Store
from tests.outcomes_data import seed_outcomes
from tests.web_client import SignIn


@pytest.fixture
def seeded(sqlite_store: Store, tmp_path: Path) -> Store:
    seed_outcomes(sqlite_store, tmp_path)
    return sqlite_store


def _section(html: str, name: str) -> str:
    found = re.search(rf'data-breakdown="{name}">(.*?)</section>', html, re.S)
    assert found, name
    return found.group(1)


def test_a_viewer_sees_the_figures(signed_in: SignIn, seeded: Store) -> None:
    response = signed_in("viewer").get("/outcomes")
    assert response.status_code == 200
    html = response.text
    assert 'data-figure="response_rate">50%<' in html
    assert 'data-figure="mean_rating">3.7<' in html  # 22 / 6
    assert "25% · 25%" in html  # completed · dropped of 4 pairings
    assert ">3.5<" in html  # meetings per pairing
    assert ">60%<" in html  # learners' goals: 3 of 5
    assert ">83%<" in html  # 5 of 6 pairs across departments
    ratings = re.search(r'data-table="ratings">(.*?)</table>', html, re.S)
    assert ratings
    assert re.findall(r'class="num">(\d+)</td>', ratings.group(1)) == ["1", "0", "1", "2", "2"]
    # Charts are inline SVG drawn on the server, each with its table.
    assert html.count("<svg") == 3
    assert html.count('role="img" aria-label="Chart:') == 3
    assert "<script" not in html
    # Viewers ask for nothing.
    assert 'href="/feedback-requests"' not in html


def test_small_groups_are_not_shown_on_their_own(signed_in: SignIn, seeded: Store) -> None:
    html = signed_in("viewer").get("/outcomes").text
    matchings = _section(html, "matching")
    # m-small (2 people) would be the total minus m-big: both are counted as "other".
    assert "m-big" not in matchings and "m-small" not in matchings
    assert "Other (small groups together)" in matchings and "data-hidden" not in matchings
    departments = _section(html, "department")
    assert "Digital" in departments and "Other (small groups together)" in departments
    assert "Finance" not in html and "Legal" not in html
    # Digital has 4 respondents: counts only.
    assert departments.count("fewer than 5 answers") == 2
    assert "with the next-smallest group" in html


def test_filters_and_french(signed_in: SignIn, seeded: Store) -> None:
    browser = signed_in("manager")
    html = browser.get("/outcomes", params={"matching": "m-small"}).text
    assert "Ratings and outcomes appear once 5 people have answered (1 so far)" in html
    # Two people: no chart, no department, only the note.
    assert "<svg" not in html and "Digital" not in html
    assert "2 people in groups of fewer than 5 are not shown here." in _section(html, "department")
    assert 'href="/feedback-requests"' in html
    browser.cookies.set("lang", "fr")
    french = browser.get("/outcomes").text
    assert "Taux de réponse" in french and "Autres (petits groupes réunis)" in french


def test_numbers_in_the_page_language(signed_in: SignIn, seeded: Store) -> None:
    """French: a decimal comma and a no-break space before %, in the figures, the tables and
    the charts' labels."""
    browser = signed_in("viewer")
    browser.cookies.set("lang", "fr")
    french = browser.get("/outcomes").text
    assert 'data-figure="response_rate">50\u00a0%<' in french
    assert 'data-figure="mean_rating">3,7<' in french and ">3,5<" in french
    assert "25\u00a0% · 25\u00a0%" in french and ">83\u00a0%<" in french
    assert ">25\u00a0%</text>" in french  # the chart's bar labels
    assert not re.search(r">\d+\.\d<", french) and " %<" not in french
    english = signed_in("viewer").get("/outcomes").text
    assert ">25%</text>" in english and ">3.5<" in english


def test_an_empty_program(signed_in: SignIn) -> None:
    html = signed_in("viewer").get("/outcomes").text
    assert "No feedback requested yet." in html


def test_the_csv(signed_in: SignIn, seeded: Store) -> None:
    response = signed_in("viewer").get("/outcomes.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="outcomes.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, overall = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:3] == ["section", "group", "people"]
    assert overall["response_rate"] == "0.5000" and overall["cross_department"] == "0.8333"
    groups = [(row[0], row[1]) for row in rows[1:]]
    assert ("matching", "other") in groups and ("department", "other") in groups
    assert not any("m-small" in row or "m-big" in row or "Finance" in row for row in rows)


def test_signed_out_browsers_are_sent_to_sign_in(client: TestClient) -> None:
    for path in ("/outcomes", "/outcomes.csv"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/sign-in")
