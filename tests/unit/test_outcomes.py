"""Program outcomes (issue 14) on a program whose figures were worked out by hand
(tests/outcomes_data.py); groups under MIN_GROUP people are never shown on their own."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest

from recomentor.feedback import submit_answer
from recomentor.outcomes import MIN_GROUP, outcomes_csv, program_outcomes, small_group
from recomentor.store import Store
from recomentor.store.tables import utcnow
from tests.outcomes_data import seed_outcomes


@pytest.fixture
def seeded(store: Store, tmp_path: Path) -> Store:
    """On SQLite, and on PostgreSQL when RECOMENTOR_TEST_DATABASE_URL is set."""
    seed_outcomes(store, tmp_path)
    return store


def test_the_group_rule() -> None:
    assert MIN_GROUP == 5
    assert small_group(4) and not small_group(5)


def test_overall_figures(seeded: Store) -> None:
    overall = program_outcomes(seeded).overall
    assert (overall.people, overall.asked, overall.answers, overall.respondents) == (12, 12, 6, 6)
    assert overall.response_rate == pytest.approx(0.5)
    # Ratings 5, 4, 3, 5, 1, 4.
    assert overall.ratings == [1, 0, 1, 2, 2]
    assert overall.mean_rating == pytest.approx(22 / 6)
    # Pairings by their latest answer: J1-S1 ongoing (S1 last), J2-S2 completed, J3-S3
    # dropped, J6-S6 ongoing.
    assert overall.pairings_answered == 4
    assert (overall.completed, overall.ongoing, overall.dropped) == (0.25, 0.5, 0.25)
    # The most meetings reported per pairing: 3, 6, 1, 4.
    assert overall.mean_meetings == pytest.approx(3.5)
    # Learners: S1 ticked 1 of 2 goals, S2 2 of 3.
    assert overall.goals_progressed == pytest.approx(3 / 5)
    # Five of six pairings cross departments (J6-S6 are both in Digital).
    assert overall.pairings == 6 and overall.cross_department == pytest.approx(5 / 6)


def test_a_matching_figures(seeded: Store) -> None:
    """m-big alone: its breakdown row and its overall give the figures worked out by hand."""
    big_only = program_outcomes(seeded, matching_id="m-big")
    (big,) = big_only.breakdowns[0].rows
    for figures in (big, big_only.overall):
        assert (figures.people, figures.asked, figures.answers) == (10, 10, 5)
        assert figures.ratings == [1, 0, 1, 1, 2] and figures.mean_rating == pytest.approx(3.6)
        assert figures.completed == figures.ongoing == figures.dropped == pytest.approx(1 / 3)
        assert figures.mean_meetings == pytest.approx(10 / 3)
        assert figures.cross_department == 1.0
    assert big.group == "m-big"


def test_a_lone_small_group_cannot_be_worked_out_by_difference(seeded: Store) -> None:
    """Regression (complementary disclosure): m-small (2 people) was hidden while m-big was
    shown, so the program's figures minus m-big's gave m-small's, down to J6's rating of 4.
    The next-smallest matching now joins it in "other"."""
    outcomes = program_outcomes(seeded)
    by_matching = outcomes.breakdowns[0]
    (other,) = by_matching.rows
    assert (other.kind, other.group, other.people) == ("other", "", 12)
    assert by_matching.hidden_people == 0
    # Nothing is left for a subtraction to find.
    overall = outcomes.overall
    assert (other.asked, other.answers, other.ratings) == (overall.asked, 6, overall.ratings)
    assert all(not small_group(row.people) for row in by_matching.rows)


def test_answers_of_a_few_cannot_be_worked_out_by_difference(store: Store, tmp_path: Path) -> None:
    """Three more seniors answer: Digital has 4 respondents (no answer figures) and "other" 5.
    Had "other" shown its ratings, the program's minus other's would give Digital's; both are
    withheld."""
    tokens = seed_outcomes(store, tmp_path)
    for step, pid in enumerate(("S3", "S4", "S5"), 10):
        answer = {"rating": 2, "outcome": "ongoing", "meetings": 1, "goals_progressed": [],
                  "comment": None}  # fmt: skip
        submit_answer(store, tokens[pid], answer, utcnow() + timedelta(seconds=step))
    outcomes = program_outcomes(store)
    assert outcomes.overall.respondents == 9 and outcomes.overall.answers_shown
    rows = {row.kind: row for row in outcomes.breakdowns[1].rows}
    assert (rows["group"].respondents, rows["other"].respondents) == (4, 5)
    assert not rows["group"].answers_shown and not rows["other"].answers_shown
    assert rows["other"].ratings is None and rows["other"].completed is None


def test_departments_small_ones_merged_and_few_answers_not_shown(seeded: Store) -> None:
    by_department = program_outcomes(seeded).breakdowns[1]
    rows = {(row.kind, row.group): row for row in by_department.rows}
    assert set(rows) == {("group", "Digital"), ("other", "")}
    assert by_department.hidden_people == 0
    digital, other = rows["group", "Digital"], rows["other", ""]
    # Finance (3) and Legal (2) are one group of 5.
    assert (other.people, other.asked, other.answers) == (5, 5, 2)
    assert (digital.people, digital.asked, digital.answers) == (7, 7, 4)
    # Four and two respondents: counts only, no ratings that could point at someone.
    assert not digital.answers_shown and digital.ratings is None
    assert not other.answers_shown and other.mean_rating is None


def test_one_matching_one_checkin(seeded: Store) -> None:
    small = program_outcomes(seeded, matching_id="m-small")
    assert small.overall.people == 2 and small.overall.answers == 1
    assert small.overall.mean_rating is None  # one respondent
    assert program_outcomes(seeded, checkin="week-4").overall.answers == 0
    assert program_outcomes(seeded, checkin="end").overall.answers == 6


def test_the_csv_holds_the_rows_of_the_page(seeded: Store) -> None:
    data = outcomes_csv(program_outcomes(seeded))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    found = {(row["section"], row["group"]): row for row in rows}
    assert set(found) == {
        ("overall", "all"),
        ("matching", "other"),
        ("department", "Digital"),
        ("department", "other"),
        ("checkin", "end"),
        ("month", rows[-1]["group"]),
    }
    assert found["overall", "all"]["rating_4"] == "2"
    assert found["overall", "all"]["mean_rating"] == "3.6667"
    assert found["department", "other"]["mean_rating"] == ""  # too few answers
    assert "m-small" not in data.decode("utf-8-sig")
    assert "comment of" not in data.decode("utf-8-sig")
