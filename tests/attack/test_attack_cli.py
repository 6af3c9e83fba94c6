"""The CLI under bad URLs and unexpected failures: one line on stderr, never a traceback or
a value, unless --debug asks for the traceback."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from recomentor.cli import context, errors
from recomentor.cli.app import main
from recomentor.settings import Settings
from recomentor.store import open_store

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    migrated_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Cli]:
    """Runs `recomentor ARGS` in this process; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("RECOMENTOR_HOME", str(migrated_home))
    monkeypatch.delenv("RECOMENTOR_DATABASE_URL", raising=False)

    def run(*args: str, url: str | None = None) -> tuple[int, str, str]:
        if url is not None:
            monkeypatch.setenv("RECOMENTOR_DATABASE_URL", url)
        context.settings.cache_clear()
        context.store.cache_clear()
        monkeypatch.setattr(sys, "argv", ["recomentor", *args])
        code = 0
        try:
            main()
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        finally:
            errors.debug = False
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    context.store.cache_clear()
    context.settings.cache_clear()


def test_a_postgres_url_is_read_as_postgresql(cli: Cli, pg_url: str) -> None:
    url = pg_url.replace("postgresql://", "postgres://", 1)
    assert cli("apikey", "list", url=url)[0] == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "oracle://scott:tiger@db/x",
            "error: unsupported database driver 'oracle'; use sqlite:/// or postgresql:// "
            "(pip install 'recomentor[postgres]')\n",
        ),
        (
            "not a url with p4ssw0rd",
            "error: not a database URL; expected e.g. sqlite:///path/recomentor.db or "
            "postgresql://user@host/db\n",
        ),
    ],
)
def test_an_unusable_database_url_is_one_line(cli: Cli, url: str, message: str) -> None:
    assert cli("participants", "list", url=url) == (1, "", message)


def test_a_database_failure_is_one_line_without_its_sql(cli: Cli, settings: Settings) -> None:
    open_store(settings.resolved_database_url).dispose()
    database = settings.resolved_database_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TABLE feedback")
        connection.execute("DROP TABLE participants")
    code, out, err = cli("participants", "list")
    assert (code, out) == (3, "")
    assert err == "error: the database refused the operation (OperationalError)\n"


def test_an_unexpected_error_is_one_line_with_a_reference_and_debug_shows_it(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise ValueError("cell 'Chloé Girard, chloe@exemple.fr' could not be read")

    monkeypatch.setattr("recomentor.store.participants.list_participants", explode)
    code, out, err = cli("participants", "list")
    assert (code, out) == (3, "")
    assert err.count("\n") == 1 and "Traceback" not in err and "Chloé" not in err
    assert err.startswith("error: unexpected failure, reference ValueError at participants.py:")
    assert err.endswith("; run again with --debug to see the traceback\n")
    with pytest.raises(ValueError, match="Chloé"):
        cli("--debug", "participants", "list")
