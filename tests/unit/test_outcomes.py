"""Program outcomes (issue 14) on a program whose figures were worked out by hand
(tests/outcomes_data.py); groups under MIN_GROUP people are never shown on their own."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from recomentor.outcomes import MIN_GROUP, outcomes_csv, program_outcomes, small_group
from recomentor.store import Store
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


def test_matchings_small_ones_hidden(seeded: Store) -> None:
    by_matching = program_outcomes(seeded).breakdowns[0]
    assert by_matching.section == "matching"
    (big,) = by_matching.rows  # m-small has 2 people: not shown, not even as "other"
    assert by_matching.hidden_people == 2
    assert (big.group, big.people, big.asked, big.answers) == ("m-big", 10, 10, 5)
    assert big.ratings == [1, 0, 1, 1, 2] and big.mean_rating == pytest.approx(3.6)
    assert big.completed == big.ongoing == big.dropped == pytest.approx(1 / 3)
    assert big.mean_meetings == pytest.approx(10 / 3)
    assert big.cross_department == 1.0


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
        ("matching", "m-big"),
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
