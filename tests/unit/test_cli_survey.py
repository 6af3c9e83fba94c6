"""The survey side of the CLI as a user sees it: messages, exit codes, JSON reports."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from recomentor.cli import context
from recomentor.store import Store
from tests.cli_runner import cli_home, run_main
from tests.conftest import EXAMPLES

SAMPLE = str(EXAMPLES / "forms_export_fr.csv")
MAPPING = str(EXAMPLES / "forms_fr_mapping.toml")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, migrated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with cli_home(migrated_home, monkeypatch):
        yield tmp_path


run = run_main


def _import_sample(capsys, monkeypatch, *extra: str) -> tuple[int, str, str]:
    return run(
        ["import", "participants", SAMPLE, "--mapping", MAPPING, *extra], capsys, monkeypatch
    )


def test_strict_import_of_the_sample_names_the_bad_lines_and_imports_nothing(
    capsys, monkeypatch
) -> None:
    code, _, err = _import_sample(capsys, monkeypatch)
    assert code == 1
    assert "error: 2 invalid rows (lines 33, 34); nothing was imported" in err
    assert "line 33 (E1055): years_experience: required field missing" in err
    assert "line 34 (E1056): role: not an allowed answer" in err
    assert "line 34 (E1056): max_mentees: not a whole number" in err
    code, out, _ = run(["participants", "list", "--json"], capsys, monkeypatch)
    assert (code, json.loads(out)) == (0, [])


def test_skip_invalid_json_report_then_reimport_changes_nothing(capsys, monkeypatch) -> None:
    code, out, _ = _import_sample(capsys, monkeypatch, "--skip-invalid", "--json")
    report = json.loads(out)
    assert code == 0
    assert (report["inserted"], report["rejected_rows"], report["superseded_lines"]) == (30, 2, [2])
    assert {(p["line"], p["field"]) for p in report["rejected"]} == {
        (33, "years_experience"), (34, "role"), (34, "max_mentees"),
    }  # fmt: skip
    _, out, _ = _import_sample(capsys, monkeypatch, "--skip-invalid", "--json")
    again = json.loads(out)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 30)


def test_listing_leaves_out_personal_data_show_has_it_and_delete_erases(
    capsys, monkeypatch
) -> None:
    _import_sample(capsys, monkeypatch, "--skip-invalid")
    _, out, _ = run(["participants", "list", "--json"], capsys, monkeypatch)
    listed = json.loads(out)
    assert len(listed) == 30 and "Claire Martin" not in out and "@exemple.fr" not in out
    assert set(listed[0]) == {
        "id", "department", "job_title", "years_experience", "role", "location", "languages",
        "max_mentees",
    }  # fmt: skip
    _, out, _ = run(["participants", "show", "E1001", "--json"], capsys, monkeypatch)
    assert json.loads(out)["name"] == "Claire Martin"
    code, out, _ = run(["participants", "delete", "E1001", "--yes"], capsys, monkeypatch)
    assert code == 0 and out.startswith("erased E1001")
    code, _, err = run(["participants", "show", "E1001"], capsys, monkeypatch)
    assert (code, err.strip()) == (2, "error: unknown participant id 'E1001'")
    # Re-importing the same export does not bring the erased person back.
    code, out, _ = _import_sample(capsys, monkeypatch, "--skip-invalid")
    assert code == 0 and "erased earlier (not imported again) │ 1" in out
    _, out, _ = _import_sample(capsys, monkeypatch, "--skip-invalid", "--json")
    assert (json.loads(out)["erased"], json.loads(out)["inserted"]) == (1, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["import", "participants", "/no/such/file.csv"],
            "error: file not found: /no/such/file.csv",
        ),
        (["import", "participants", SAMPLE, "--mapping", "/no/map.toml"], "mapping file not found"),
        (["import", "participants", SAMPLE], "no column for required field(s) id"),
    ],
)
def test_unreadable_inputs_are_one_clear_line(capsys, monkeypatch, args, message) -> None:
    code, _, err = run(args, capsys, monkeypatch)
    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_bad_mapping_file_names_its_line(capsys, monkeypatch, home: Path) -> None:
    mapping = home / "bad.toml"
    mapping.write_text('[columns]\nid = "Matricule"\nname = =\n', encoding="utf-8")
    code, _, err = run(
        ["import", "participants", SAMPLE, "--mapping", str(mapping)], capsys, monkeypatch
    )
    assert code == 1 and "not valid TOML" in err and "line 3" in err


def test_feedback_with_unknown_id_is_rejected_with_its_line(
    capsys, monkeypatch, home: Path
) -> None:
    _import_sample(capsys, monkeypatch, "--skip-invalid")
    feedback = home / "feedback.csv"
    feedback.write_text(
        "mentor_id,mentee_id,rating\nE1011,E1040,5\nE9999,E1040,4\nE1005,E1041,7\n",
        encoding="utf-8",
    )
    code, _, err = run(["import", "feedback", str(feedback)], capsys, monkeypatch)
    assert code == 1
    assert "line 3 (E9999->E1040): mentor_id: not a known participant id" in err
    assert "line 4 (E1005->E1041): rating: not a whole rating from 1 to 5" in err
    # Nobody was paired in this fresh database: the one good row is history from before.
    assert "line 2 (E1011->E1040): pair: these two were never paired" in err
    code, out, _ = run(
        ["import", "feedback", str(feedback), "--skip-invalid", "--allow-unpaired", "--json"],
        capsys,
        monkeypatch,
    )
    assert (code, json.loads(out)["inserted"]) == (0, 1)


def test_db_upgrade_reports_the_schema_revision(tmp_path: Path, capsys, monkeypatch) -> None:
    with cli_home(tmp_path / "empty", monkeypatch):
        code, out, _ = run(["db", "upgrade"], capsys, monkeypatch)
        # The newest revision, whichever it is now: every migration moves it.
        head = context.store().head_revision()
        assert head is not None and head >= "0004"
        assert code == 0 and out.startswith(f"schema at {head} (was empty)")
        _, out, _ = run(["db", "upgrade"], capsys, monkeypatch)
        assert out.startswith(f"schema at {head} (was {head})")


def test_a_first_command_in_an_empty_home_creates_the_database_at_the_newest_schema(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    # The other tests start from a copy of a migrated database; this is the first run's path.
    with cli_home(tmp_path / "new" / "home", monkeypatch):
        code, out, _ = run(["participants", "list", "--json"], capsys, monkeypatch)
        assert (code, json.loads(out)) == (0, [])
        assert (tmp_path / "new" / "home" / "recomentor.db").is_file()
        head = context.store().head_revision()
        _, out, _ = run(["db", "upgrade"], capsys, monkeypatch)
        assert out.startswith(f"schema at {head} (was {head})")


def test_an_erasure_the_files_could_not_be_scrubbed_after_says_what_to_run(
    capsys, monkeypatch
) -> None:
    _import_sample(capsys, monkeypatch, "--skip-invalid")
    monkeypatch.setattr(Store, "scrub", lambda self, tables, rebuild=False: False)
    code, out, _ = run(["participants", "delete", "E1001", "--yes"], capsys, monkeypatch)
    assert code == 0 and "recomentor db scrub" in out
    code, _, err = run(["db", "scrub"], capsys, monkeypatch)
    assert code == 3 and "busy" in err


def test_db_scrub_removes_rows_deleted_before_deletions_were_zeroed(
    capsys, monkeypatch, home: Path
) -> None:
    _import_sample(capsys, monkeypatch, "--skip-invalid")
    context.store().dispose()
    database = home / "home" / "recomentor.db"
    # As an older version did it: a plain delete, on a SQLite built without secure_delete.
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA secure_delete=OFF")
    connection.execute("DELETE FROM participants WHERE id = 'E1011'")
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    assert b"chloe.girard@exemple.fr" in database.read_bytes()
    code, out, _ = run(["db", "scrub"], capsys, monkeypatch)
    assert code == 0 and out.startswith("scrubbed")
    assert b"chloe.girard@exemple.fr" not in database.read_bytes()
    assert b"claire.martin@exemple.fr" in database.read_bytes()
