"""`recomentor sessions plan|list|show|approve|discard` end to end on a small store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from recomentor import fields as F
from recomentor.cli import context
from recomentor.store.participants import upsert_participants
from tests.cli_runner import fake_encoder_home, run_main
from tests.fakes import person

SOCIAL = "Instagram et TikTok, vidéos courtes"


@pytest.fixture
def home(migrated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with fake_encoder_home(migrated_home, monkeypatch):
        with context.store().session() as session:
            upsert_participants(
                session,
                [
                    person("J1", years=1, skills=SOCIAL) | {F.NAME: "[b]Jeanne[/b]"},
                    *[
                        person(f"S{i}", role=F.MENTEE, years=20 + i, goals="Instagram et TikTok")
                        | {F.NAME: f"Senior {i}"}
                        for i in range(1, 4)
                    ],
                ],
            )
        yield migrated_home


def _plan_args(*extra: str) -> list[str]:
    return ["sessions", "plan", "--size", "2..3", "--min-host-similarity", "0.3", *extra]


def test_plan_json_csv_ics_then_approve(
    home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slots = tmp_path / "slots.csv"
    slots.write_text("id,start,end\nam,2026-10-05T09:00+02:00,2026-10-05T10:30+02:00\n")
    out = tmp_path / "plan.csv"
    code, printed, _ = run_main(
        _plan_args("--slots", str(slots), "--json", "--out", str(out)), capsys, monkeypatch
    )
    assert code == 0
    plan = json.loads(printed)
    assert {"sessions", "unassigned", "objective", "baseline"} <= set(plan)
    (session,) = plan["sessions"]
    assert set(session) == {"id", "topic", "host_id", "attendee_ids", "slot", "explanation"}
    assert session["host_id"] == "J1" and session["slot"] == "am"
    assert sorted(session["attendee_ids"]) == ["S1", "S2", "S3"]
    assert "Senior 1" in out.read_text(encoding="utf-8-sig")
    assert (tmp_path / "plan-S1.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    code, printed, _ = run_main(["sessions", "list"], capsys, monkeypatch)
    assert code == 0 and "draft" in printed
    code, printed, _ = run_main(["sessions", "show", plan["id"]], capsys, monkeypatch)
    # A name is shown as typed (the table folds it), never read as markup.
    assert code == 0 and "[b]Jeanne[/b" in printed
    code, printed, _ = run_main(["sessions", "approve", plan["id"]], capsys, monkeypatch)
    assert code == 0 and "approved: 1 sessions" in printed
    code, _, error = run_main(["sessions", "discard", plan["id"]], capsys, monkeypatch)
    assert code == 4 and "only a draft can be discarded" in error


def test_bad_slots_file_names_the_line(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slots = tmp_path / "slots.csv"
    slots.write_text("id,start,end\nam,,\nam,,\n")
    code, _, error = run_main(_plan_args("--slots", str(slots)), capsys, monkeypatch)
    assert code == 1 and "slots.csv, line 3: slot 'am' is given twice" in error


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ("5..8", "no topic is wanted by at least 5 learners"),
        ("4..2", "session size must be MIN..MAX"),
        ("three", "--size must read MIN..MAX"),
    ],
)
def test_infeasible_settings_give_a_clear_message(
    home: Path,
    size: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ["sessions", "plan", "--size", size]
    code, printed, error = run_main(args, capsys, monkeypatch)
    assert code == 1 and message in error and printed == ""
