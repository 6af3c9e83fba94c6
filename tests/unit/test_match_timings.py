"""`recomentor match --timings` and the `timings` of its JSON: where a matching's time went."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recomentor import fields as F
from recomentor.cli import context
from recomentor.cli.app import app
from recomentor.stopwatch import Stopwatch
from recomentor.store.participants import upsert_participants
from tests.cli_runner import fake_encoder_home
from tests.fakes import person

PHASES = ["import", "load", "scoring", "solve", "write"]
SECONDS = r"\d+\.\d{3} s"
TIMINGS_LINE = re.compile(
    r"^timings: " + ", ".join(f"{phase} {SECONDS}" for phase in PHASES) + "$", re.MULTILINE
)


@pytest.fixture
def runner(migrated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    with fake_encoder_home(migrated_home, monkeypatch):
        with context.store().session() as session:
            upsert_participants(
                session,
                [
                    person("J1", years=1, skills="Instagram stories"),
                    person("S1", role=F.MENTEE, years=25, goals="Instagram"),
                ],
            )
        yield CliRunner()


def test_timings_print_every_phase_after_the_matching(runner: CliRunner, tmp_path: Path) -> None:
    shown = runner.invoke(app, ["match", "--timings", "--out", str(tmp_path / "pairs.csv")])
    assert shown.exit_code == 0, shown.output
    assert len(TIMINGS_LINE.findall(shown.output)) == 1
    assert shown.output.index("1 pairs") < shown.output.index("timings: ")
    plain = runner.invoke(app, ["match"])
    assert plain.exit_code == 0 and "timings" not in plain.output


def test_the_json_of_a_match_holds_its_timings_and_a_stored_one_does_not(
    runner: CliRunner,
) -> None:
    for args in (["match", "--json"], ["match", "--json", "--timings"]):
        created = runner.invoke(app, args)
        assert created.exit_code == 0, created.output
        payload = json.loads(created.output)
        assert list(payload["timings"]) == PHASES
        assert all(isinstance(s, float) and s >= 0 for s in payload["timings"].values())
        assert [(p["mentor_id"], p["mentee_id"]) for p in payload["pairs"]] == [("J1", "S1")]
    # `matching show` reads a stored draft: there is no run to time.
    stored = json.loads(runner.invoke(app, ["matching", "show", payload["id"], "--json"]).output)
    assert "timings" not in stored and stored["id"] == payload["id"]


def test_a_phase_entered_twice_adds_up() -> None:
    stopwatch = Stopwatch()
    for _ in range(2):
        with stopwatch.phase("write"):
            pass
    with pytest.raises(ValueError), stopwatch.phase("solve"):
        raise ValueError  # an interrupted phase still counts
    assert list(stopwatch.seconds) == ["write", "solve"]
    assert all(seconds >= 0 for seconds in stopwatch.seconds.values())


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_the_import_phase_counts_from_the_process_start() -> None:
    # A process that waited half a second before asking has lived at least that long: the
    # clock reads the kernel's start time, not the moment recomentor was imported.
    probe = (
        "import time; time.sleep(0.5)\n"
        "from recomentor.cli.timings import _started_seconds_ago\n"
        "print(_started_seconds_ago())"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert float(done.stdout) >= 0.5
