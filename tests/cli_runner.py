"""`recomentor ARGS` run in this process, against a home folder of its own."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from recomentor.cli import context
from recomentor.cli.app import main
from recomentor.embeddings import SentenceEncoder
from tests.fakes import FakeEncoder


@contextmanager
def cli_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """RECOMENTOR_HOME set to `home`, with the CLI's cached settings and store read afresh."""
    monkeypatch.setenv("RECOMENTOR_HOME", str(home))
    context.settings.cache_clear()
    context.store.cache_clear()
    try:
        yield home
    finally:
        context.store.cache_clear()
        context.settings.cache_clear()


@contextmanager
def fake_encoder_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """`cli_home`, with the CLI's sentence encoder replaced by the fake one (no model loaded)."""
    monkeypatch.setattr(SentenceEncoder, "from_settings", lambda _settings: FakeEncoder())
    with cli_home(home, monkeypatch):
        yield home


def run_main(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """`recomentor ARGS` through main(), where errors become messages and exit codes."""
    monkeypatch.setattr(sys, "argv", ["recomentor", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    captured = capsys.readouterr()
    return int(stopped.value.code or 0), captured.out, captured.err
