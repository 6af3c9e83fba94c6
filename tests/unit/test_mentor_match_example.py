"""examples/mentor_match/: mentor-match 7.0.1's default program on its own CSV format.

A small cohort whose answer is known by hand: which pairs its rules allow, what each scores
(+12 two grades above, +9 one grade above, +10 same profession, +6 identity to match among the
mentor's characteristics), and who stays unpaired.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from recomentor.cli.app import app
from tests.cli_runner import fake_encoder_home

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mentor_match"
GRADES = ["AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2", "SCS3", "SCS4"]
COMMON = ["first name", "last name", "email address", "both mentor and mentee", "job title"]
COMMON += ["grade", "organisation", "profession"]

# (e-mail, grade, organisation, profession, characteristics)
MENTORS = [
    ("m1@gov.uk", "Grade 7", "Department of Fun", "Policy", "Gay, Transgender"),
    ("m2@gov.uk", "SCS1", "Department of Joy", "HR", ""),
    ("m3@gov.uk", "AA", "Department of Virtue", "Policy", "Lesbian"),  # above nobody
]
# (e-mail, grade, organisation, profession, match with similar identity, identity to match)
MENTEES = [
    ("e1@gov.uk", "HEO", "Department of Joy", "Policy", "yes", "Gay"),
    ("e2@gov.uk", "SEO", "Department of Fun", "DDaT", "no", ""),  # m1's organisation
    ("e3@gov.uk", "Grade 7", "Department of Peace", "HR", "no", "Transgender"),
    ("e4@gov.uk", "Grade 6", "Department of Truth", "DDaT", "yes", ""),
    ("e5@gov.uk", "SEO", "Department of Love", "Security", "yes", "Transgender"),
]
# Each pair its rules allow, with the bonuses it earns; no other pair is allowed.
TWO_UP, ONE_UP = "two grades above", "one grade above"
PROFESSION, IDENTITY = "same profession", "shared identity"
EXPECTED = {
    ("m1@gov.uk", "e1@gov.uk"): {TWO_UP: 12, PROFESSION: 10, IDENTITY: 6},
    ("m2@gov.uk", "e3@gov.uk"): {TWO_UP: 12, PROFESSION: 10},
    ("m2@gov.uk", "e4@gov.uk"): {ONE_UP: 9},
    ("m1@gov.uk", "e5@gov.uk"): {ONE_UP: 9, IDENTITY: 6},
}


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(email: str, grade: str, organisation: str, profession: str) -> dict[str, str]:
    return {
        "first name": email.split("@")[0],
        "last name": "Test",
        "email address": email,
        "both mentor and mentee": "no",
        "job title": "Some role",
        "grade": grade,
        "organisation": organisation,
        "profession": profession,
    }


@pytest.fixture
def runner(migrated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    with fake_encoder_home(migrated_home, monkeypatch):
        yield CliRunner()


def _import(runner: CliRunner, export: Path, mapping: str) -> dict[str, Any]:
    done = runner.invoke(
        app, ["import", "participants", str(export), "--mapping", str(EXAMPLE / mapping), "--json"]
    )
    assert done.exit_code == 0, done.output
    report: dict[str, Any] = json.loads(done.output)
    return report


def _match(runner: CliRunner) -> dict[str, Any]:
    rules = str(EXAMPLE / "rules.toml")
    done = runner.invoke(app, ["match", "--rules", rules, "--json"])
    assert done.exit_code == 0, done.output
    matching: dict[str, Any] = json.loads(done.output)
    return matching


def test_the_default_program_forms_the_allowed_pairs_with_their_exact_scores(
    runner: CliRunner, tmp_path: Path
) -> None:
    mentors = [
        _row(email, grade, org, profession) | {"characteristics": listed, "biography": "Bio"}
        for email, grade, org, profession, listed in MENTORS
    ]
    mentees = [
        _row(email, grade, org, profession)
        | {"match with similar identity": similar, "identity to match": identity}
        | {"biography": "Bio"}
        for email, grade, org, profession, similar, identity in MENTEES
    ]
    mentor_columns = [*COMMON, "characteristics", "biography"]
    mentee_columns = [*COMMON, "match with similar identity", "identity to match", "biography"]
    imported = _import(
        runner, _write(tmp_path / "mentors.csv", mentor_columns, mentors), "mentors.toml"
    )
    assert (imported["inserted"], imported["rejected"]) == (3, [])
    imported = _import(
        runner, _write(tmp_path / "mentees.csv", mentee_columns, mentees), "mentees.toml"
    )
    assert (imported["inserted"], imported["rejected"]) == (5, [])

    matching = _match(runner)
    formed = {(p["mentor_id"], p["mentee_id"]): p for p in matching["pairs"]}
    assert set(formed) == set(EXPECTED)
    for pair, bonuses in EXPECTED.items():
        explained = formed[pair]["explanation"]["factors"]
        rules = {f["name"].removeprefix("rule:"): f["contribution"] for f in explained}
        assert formed[pair]["score"] == pytest.approx(sum(bonuses.values())), pair
        # Each bonus is a factor worth its weight; every other factor is worth nothing.
        assert {name: c for name, c in rules.items() if c} == pytest.approx(bonuses), pair
    assert matching["total_score"] == pytest.approx(28 + 22 + 9 + 15)
    # Scored in rule points, labelled on the most the bonuses give together (12 + 9 + 10 + 6):
    # three quarters and up strong, half good, a quarter fair; never strong from the first point.
    labels = {formed[pair]["score"]: formed[pair]["label"] for pair in EXPECTED}
    assert labels == {28: "strong", 22: "good", 9: "weak", 15: "fair"}
    assert [u["mentee_id"] for u in matching["unpaired"]] == ["e2@gov.uk"]


def test_no_pair_breaks_the_grade_or_organisation_rule_on_the_shipped_sample(
    runner: CliRunner,
) -> None:
    # The sample files the README runs: every row imports, no pair breaks a Disqualify rule.
    for role in ("mentor", "mentee"):
        report = _import(runner, EXAMPLE / f"{role}s.csv", f"{role}s.toml")
        assert report["rejected"] == [] and report["inserted"] > 0
    people = {
        row["email address"]: row
        for role in ("mentor", "mentee")
        for row in csv.DictReader((EXAMPLE / f"{role}s.csv").open(encoding="utf-8"))
    }
    matching = _match(runner)
    assert matching["pairs"]
    for pair in matching["pairs"]:
        mentor, mentee = people[pair["mentor_id"]], people[pair["mentee_id"]]
        assert 1 <= GRADES.index(mentor["grade"]) - GRADES.index(mentee["grade"]) <= 2
        assert mentor["organisation"] != mentee["organisation"]
    loads = [
        sum(p[side] == person for p in matching["pairs"])
        for side in ("mentor_id", "mentee_id")
        for person in people
    ]
    assert max(loads) <= 3
