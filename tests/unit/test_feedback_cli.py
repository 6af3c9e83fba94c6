"""`recomentor feedback send` against a real SMTP server: a summary, an exit code per outcome,
and a dry run that writes working links for a mail merge instead of sending."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from recomentor.cli import context
from recomentor.feedback import open_request
from recomentor.store import Store
from tests.cli_runner import cli_home, run_main
from tests.feedback_data import MATCHING, PUBLIC_URL, SENT, read_links_csv, seed_program, token_of
from tests.smtp_server import HOST, SENDER, Collector, free_port, smtp_server


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("RECOMENTOR_PUBLIC_URL", PUBLIC_URL)
    monkeypatch.setenv("RECOMENTOR_SMTP_HOST", HOST)
    monkeypatch.setenv("RECOMENTOR_SMTP_FROM", SENDER)
    monkeypatch.setenv("RECOMENTOR_MAIL_PER_SECOND", "500")
    with cli_home(tmp_path / "home", monkeypatch) as home:
        seed_program(context.store())
        yield home


@pytest.fixture
def store(home: Path) -> Store:
    return context.store()


def _send(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    return run_main(["feedback", "send", *args], capsys, monkeypatch)


def test_send_twice_delivers_once_and_says_so(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    collector = Collector()
    with smtp_server(collector) as port:
        monkeypatch.setenv("RECOMENTOR_SMTP_PORT", str(port))
        context.settings.cache_clear()
        code, out, err = _send(["--all-active", "--checkin", "week-4"], capsys, monkeypatch)
        assert (code, err) == (0, "")
        assert "requests sent" in out and "│ 6" in out
        code, out, _ = _send(["--all-active", "--checkin", "week-4"], capsys, monkeypatch)
    assert code == 0
    assert "skipped: sent before" in out
    assert len(collector.received) == 6
    assert "(semaine 4)" in collector.to("s1@example.com")[0].subject


def test_with_the_server_down_every_person_is_listed_and_the_exit_code_says_it(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECOMENTOR_SMTP_PORT", str(free_port()))
    context.settings.cache_clear()
    code, out, err = _send(["--matching", MATCHING, "--json"], capsys, monkeypatch)
    assert code == 3 and err == ""
    import json

    report = json.loads(out)
    assert report["sent"] == 0
    assert sorted(f["participant_id"] for f in report["failed"]) == ["J1", "J2", "S1", "S2"]
    assert {f["reason"] for f in report["failed"]} == {
        "cannot connect to the SMTP server (ConnectionRefusedError)"
    }
    code, out, _ = _send(["--all-active"], capsys, monkeypatch)
    assert code == 3
    assert "6 not sent" in out and "ConnectionRefusedError" in out


def test_a_dry_run_writes_working_links_and_sends_nothing(
    home: Path,
    store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RECOMENTOR_SMTP_HOST")  # not needed for a dry run
    context.settings.cache_clear()
    out_file = tmp_path / "links.csv"
    code, out, err = _send(
        ["--all-active", "--dry-run", "--out", str(out_file)], capsys, monkeypatch
    )
    assert (code, err) == (0, "")
    assert "requests listed in the CSV" in out and "Links for a mail merge written" in out
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid;name;email;language;checkin;link\r\n")
    rows = read_links_csv(out_file)
    assert [(r["id"], r["language"], r["checkin"]) for r in rows] == [
        ("J1", "fr", "end"), ("S1", "fr", "end"), ("J2", "en", "end"),
        ("S2", "en", "end"), ("J3", "en", "end"), ("S3", "en", "end"),
    ]  # fmt: skip
    by_id = {r["id"]: r for r in rows}
    assert by_id["S2"]["name"] == "Sarah O'Neil" and by_id["S2"]["email"] == "s2@example.com"
    form = open_request(store, token_of(by_id["S1"]["link"]), SENT)
    assert form.partner_name == "Jeanne Martin"
    # Listed counts as sent: a second dry run does not repeat it (nor does e-mail, see
    # test_feedback_send).
    again = tmp_path / "again.csv"
    code, out, _ = _send(["--all-active", "--dry-run", "--out", str(again)], capsys, monkeypatch)
    assert code == 0 and read_links_csv(again) == []


def test_a_links_file_that_cannot_be_written_leaves_the_requests_undelivered(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-such-folder" / "links.csv"
    code, _, err = _send(["--all-active", "--dry-run", "--out", str(missing)], capsys, monkeypatch)
    assert code == 1 and "cannot write the links file" in err and "FileNotFoundError" in err
    written = tmp_path / "links.csv"
    code, _, _ = _send(["--all-active", "--dry-run", "--out", str(written)], capsys, monkeypatch)
    assert code == 0 and len(read_links_csv(written)) == 6


def test_usage_and_configuration_errors_are_one_line_each(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [
        (["--all-active", "--matching", MATCHING], 2, "either --matching ID or --all-active"),
        ([], 2, "either --matching ID or --all-active"),
        (["--all-active", "--dry-run"], 2, "--dry-run and --out FILE go together"),
        (["--all-active", "--out", str(tmp_path / "x.csv")], 2, "go together"),
        (["--matching", "nope"], 2, "unknown matching id 'nope'"),
        (["--all-active", "--checkin", "Week 4"], 1, "check-in must be 1-32 lower-case"),
    ]
    for args, expected_code, message in cases:
        code, _, err = _send(args, capsys, monkeypatch)
        assert (code, message in err) == (expected_code, True), (args, err)
    monkeypatch.delenv("RECOMENTOR_SMTP_HOST")
    context.settings.cache_clear()
    code, _, err = _send(["--all-active"], capsys, monkeypatch)
    assert code == 1 and "RECOMENTOR_SMTP_HOST is not set" in err
    monkeypatch.delenv("RECOMENTOR_PUBLIC_URL")
    context.settings.cache_clear()
    code, _, err = _send(["--all-active"], capsys, monkeypatch)
    assert code == 1 and "RECOMENTOR_PUBLIC_URL is not set" in err
    assert not (tmp_path / "x.csv").exists()
