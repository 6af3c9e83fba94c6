"""`recomentor match` and `recomentor matching show|approve` end to end on a small store."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from recomentor import fields as F
from recomentor.cli import context
from recomentor.cli.app import app
from recomentor.cli.errors import EXIT_CONFLICT, exit_code_for, report_error
from recomentor.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PairsConflictError,
    RecomentorError,
    RowsRejectedError,
)
from recomentor.matching.edits import lock_pair
from recomentor.store.participants import upsert_participants
from tests.cli_runner import fake_encoder_home
from tests.fakes import person

JEANNE = "[b]Jeanne[/b]"
SERGE = "Serge Noël"


@pytest.fixture
def runner(migrated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    with fake_encoder_home(migrated_home, monkeypatch):
        with context.store().session() as session:
            upsert_participants(
                session,
                [
                    # A name the terminal must show as typed, not as rich markup.
                    person("J1", years=1, skills="@Instagram stories", max_mentees=2)
                    | {F.NAME: JEANNE, F.EMAIL: "jeanne@ex.fr"},
                    person("S1", role=F.MENTEE, years=25, goals="Instagram") | {F.NAME: SERGE},
                    # No name: shown by id alone.
                    person("S2", role=F.MENTEE, years=20, goals="TikTok", languages="de"),
                ],
            )
        yield CliRunner()


def test_match_show_export_and_approve(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    created = runner.invoke(app, ["match", "--json", "--out", str(out)])
    assert created.exit_code == 0, created.output
    payload = json.loads(created.output)
    assert payload["status"] == "draft" and payload["objective"] == "participation"
    assert [(p["mentor_id"], p["mentee_id"]) for p in payload["pairs"]] == [("J1", "S1")]
    assert [u["mentee_id"] for u in payload["unpaired"]] == ["S2"]
    assert JEANNE not in created.output and SERGE not in created.output  # JSON: ids only
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig"), delimiter=";"))
    assert (rows[0]["Mentor"], rows[0]["Mentor e-mail"], rows[0]["Mentee"]) == (
        JEANNE,
        "jeanne@ex.fr",
        SERGE,
    )
    assert rows[0]["Matched phrases"].startswith("'@Instagram stories")  # cannot run as formula
    shown = runner.invoke(app, ["matching", "show", payload["id"]])
    assert shown.exit_code == 0 and "1 pairs" in shown.output
    # Names beside ids, as typed (no markup); an id alone for someone without a name.
    assert f"J1 ({JEANNE})" in shown.output and f"S1 ({SERGE})" in shown.output
    assert "unpaired S2: no_eligible_mentor" in shown.output
    workbook = tmp_path / "pairs.xlsx"
    exported = runner.invoke(app, ["matching", "show", payload["id"], "--out", str(workbook)])
    assert exported.exit_code == 0, exported.output
    assert workbook.read_bytes().startswith(b"PK") and "Written to" in exported.output
    assert "locked" not in shown.output  # no column while no pair is locked
    lock_pair(context.store(), payload["id"], "S1")
    locked = runner.invoke(app, ["matching", "show", payload["id"]])
    assert "locked" in locked.output and "yes" in locked.output
    approved = runner.invoke(app, ["matching", "approve", payload["id"]])
    assert approved.exit_code == 0 and "1 pairings recorded" in approved.output
    again = runner.invoke(app, ["matching", "approve", payload["id"]])
    assert isinstance(again.exception, ConflictError)
    assert exit_code_for(again.exception) == EXIT_CONFLICT


def test_suggest_and_match_tell_why_in_the_asked_language(runner: CliRunner) -> None:
    # S2 speaks only German: J1, the one mentor, shares no language with them; S1 is a mentee.
    english = runner.invoke(app, ["suggest", "S2"])
    assert english.exit_code == 0, english.output
    assert "No eligible partner for S2" in english.output
    assert "Excluded: 1 wrong role, 1 no common language." in english.output
    french = runner.invoke(app, ["suggest", "S2", "--lang", "fr"])
    assert french.exit_code == 0, french.output
    assert "Aucun partenaire éligible pour S2" in french.output
    assert "Exclus : 1 rôle incompatible, 1 aucune langue commune." in french.output
    matched = runner.invoke(app, ["match", "--lang", "fr", "--json"])
    assert matched.exit_code == 0, matched.output
    unpaired = json.loads(matched.output)["unpaired"]
    assert unpaired == [
        {
            "mentee_id": "S2",
            "reason": "no_eligible_mentor",
            "detail": "aucun mentor éligible (1 aucune langue commune)",
        }
    ]


def _error(result: Result) -> RecomentorError:
    # CliRunner calls the Typer app directly; main() maps the same errors to exit codes.
    assert isinstance(result.exception, RecomentorError), result.output
    return result.exception


def test_bad_inputs_raise_errors_the_cli_maps_once(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[require]\nsame_site = true\n")
    bad_rules = _error(runner.invoke(app, ["match", "--rules", str(rules)]))
    assert isinstance(bad_rules, InvalidInputError) and "rules.toml, line 2" in str(bad_rules)
    bad_objective = _error(runner.invoke(app, ["match", "--objective", "fairness"]))
    assert "objective must be one of" in str(bad_objective)
    bad_mode = _error(runner.invoke(app, ["match", "--mode", "sideways"]))
    assert "mode must be one of" in str(bad_mode)
    unknown = _error(runner.invoke(app, ["matching", "show", "nope"]))
    assert isinstance(unknown, NotFoundError) and exit_code_for(unknown) == 2
    # Refused before the matching is computed: nothing is stored, nothing written.
    bad_out = _error(runner.invoke(app, ["match", "--out", str(tmp_path / "pairs.txt")]))
    assert "must end in .csv, .xlsx, .json" in str(bad_out)
    bad_lang = _error(runner.invoke(app, ["match", "--lang", "de"]))
    assert "lang must be one of" in str(bad_lang)
    assert _json(runner.invoke(app, ["matching", "list", "--json"])) == []


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_lifecycle_list_discard_end_and_conflicts(
    runner: CliRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _json(runner.invoke(app, ["match", "--json"]))
    second = _json(runner.invoke(app, ["match", "--json"]))
    assert runner.invoke(app, ["matching", "approve", first["id"]]).exit_code == 0
    refused = runner.invoke(app, ["matching", "approve", second["id"]])
    error = refused.exception
    assert isinstance(error, PairsConflictError) and exit_code_for(error) == EXIT_CONFLICT
    report_error(error)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("error: 1 of the 1 pairs of matching")
    assert lines[1:] == ["  J1 -> S1: already_paired"]

    discarded = _json(runner.invoke(app, ["matching", "discard", second["id"], "--json"]))
    assert discarded["status"] == "discarded"
    listed = _json(runner.invoke(app, ["matching", "list", "--json"]))
    assert {m["id"]: m["status"] for m in listed} == {
        first["id"]: "approved",
        second["id"]: "discarded",
    }
    assert [m["pair_count"] for m in listed] == [1, 1]
    # A later round starts from what the pairing leaves: S1 has a mentor now.
    third = _json(runner.invoke(app, ["match", "--json"]))
    assert third["pairs"] == [] and third["mentees_already_paired"] == 1

    (pairing,) = _json(runner.invoke(app, ["pairings", "list", "--status", "active", "--json"]))
    assert (pairing["mentor_id"], pairing["mentee_id"], pairing["matching_id"]) == (
        "J1",
        "S1",
        first["id"],
    )
    ended = _json(
        runner.invoke(app, ["pairings", "end", "J1", "S1", "--reason", "completed", "--json"])
    )
    assert (ended["status"], ended["end_reason"]) == ("ended", "completed")
    assert _json(runner.invoke(app, ["pairings", "list", "--status", "active", "--json"])) == []
    statuses = {
        m["id"]: m["status"] for m in _json(runner.invoke(app, ["matching", "list", "--json"]))
    }
    assert statuses[first["id"]] == "superseded"  # none of its pairings is active any more
    again = runner.invoke(app, ["pairings", "add", "J1", "S1"])
    assert isinstance(again.exception, PairsConflictError)
    assert [c.reason for c in again.exception.conflicts] == ["already_paired"]
    bad = runner.invoke(app, ["pairings", "end", "J1", "S1", "--reason", "bored"])
    assert isinstance(bad.exception, InvalidInputError) and "reason must be one of" in str(
        bad.exception
    )


def test_pairings_add_pairs_by_hand_and_feedback_then_imports(
    runner: CliRunner, tmp_path: Path
) -> None:
    added = _json(runner.invoke(app, ["pairings", "add", "J1", "S1", "--json"]))
    assert (added["status"], added["matching_id"]) == ("active", None)
    feedback = tmp_path / "feedback.csv"
    feedback.write_text("mentor_id,mentee_id,rating\nJ1,S1,5\nJ1,S2,4\n")
    refused = runner.invoke(app, ["import", "feedback", str(feedback)])
    assert isinstance(refused.exception, RowsRejectedError)
    assert [(p.line, p.field) for p in refused.exception.problems] == [(3, "pair")]
    imported = _json(
        runner.invoke(app, ["import", "feedback", str(feedback), "--allow-unpaired", "--json"])
    )
    assert imported["inserted"] == 2
    unknown = runner.invoke(app, ["pairings", "add", "J1", "NOBODY"])
    assert isinstance(unknown.exception, NotFoundError)
    # How many mentors a mentee may have is checked before anything is read.
    too_few = runner.invoke(app, ["pairings", "add", "J1", "S2", "--max-mentors", "0"])
    assert isinstance(too_few.exception, InvalidInputError)
    assert "max_mentors must be from 1 to 50, got 0" in str(too_few.exception)


def test_tables_name_people_for_the_operator_and_logs_never_do(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(context.console, "_width", 200)  # no folded cells to search across
    caplog.set_level(logging.DEBUG)
    suggested = runner.invoke(app, ["suggest", "S1"])
    assert suggested.exit_code == 0, suggested.output
    assert f"Suggestions for S1 ({SERGE})" in suggested.output
    assert f"J1 ({JEANNE})" in suggested.output  # the markup-like name as typed
    alone = runner.invoke(app, ["suggest", "S2"])
    assert "No eligible partner for S2 in reverse mode." in alone.output
    assert runner.invoke(app, ["pairings", "add", "J1", "S1"]).exit_code == 0
    listed = runner.invoke(app, ["pairings", "list"])
    assert listed.exit_code == 0, listed.output
    assert f"J1 ({JEANNE})" in listed.output and f"S1 ({SERGE})" in listed.output
    matched = runner.invoke(app, ["match", "--out", str(tmp_path / "round.csv")])
    assert matched.exit_code == 0, matched.output
    assert "unpaired S2: no_eligible_mentor" in matched.output
    logged = caplog.text
    assert JEANNE not in logged and SERGE not in logged and "jeanne@ex.fr" not in logged


def test_match_takes_the_gaps_and_mentors_per_mentee_as_options(
    runner: CliRunner, tmp_path: Path
) -> None:
    rules = tmp_path / "program.toml"
    rules.write_text("min_gap = 30\nmax_mentors = 2\n", encoding="utf-8")
    # The rules' min_gap of 30 years leaves nobody a mentor; the option overrides it.
    strict = _json(runner.invoke(app, ["match", "--json", "--rules", str(rules)]))
    assert strict["pairs"] == [] and strict["min_gap"] == 30.0 and strict["max_mentors"] == 2
    loose = _json(
        runner.invoke(
            app,
            ["match", "--json", "--rules", str(rules), "--min-gap", "2", "--max-gap", "30",
             "--max-mentors", "1"],
        )
    )  # fmt: skip
    assert (loose["min_gap"], loose["max_gap"], loose["max_mentors"]) == (2.0, 30.0, 1)
    assert [(p["mentor_id"], p["mentee_id"]) for p in loose["pairs"]] == [("J1", "S1")]
    assert [u["mentor_id"] for u in loose["unpaired_mentors"]] == []
    narrow = runner.invoke(app, ["match", "--max-gap", "10"])
    assert narrow.exit_code == 0, narrow.output
    assert "experience gap too wide" in " ".join(narrow.output.split())  # wrapped to width
    assert "mentor without mentee J1: no_eligible_mentee" in narrow.output
    refused = runner.invoke(app, ["match", "--max-mentors", "0"])
    assert refused.exit_code != 0
