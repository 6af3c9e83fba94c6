"""Shared CLI plumbing: settings and store once per command, the ranking inputs, JSON output."""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING, Any

import msgspec
from rich.console import Console

from recomentor.cli.timings import work_begins
from recomentor.settings import Settings

if TYPE_CHECKING:
    from recomentor.embeddings import SentenceEncoder
    from recomentor.ranking.roster import Roster
    from recomentor.ranking.scorers import Scorer
    from recomentor.store import Store

console = Console(highlight=False)


@cache
def settings() -> Settings:
    return Settings.from_env()


@cache
def store() -> Store:
    # Imported here: the database layer is not needed to show help or parse options.
    from recomentor.store import open_store

    # A command's imports are done once it opens the database: its work starts.
    work_begins()
    return open_store(settings().resolved_database_url)


def close_store() -> None:
    """Close the database's connections, if the command opened it. SQLite folds its write-ahead
    log back into the database file when the last connection closes; a process that exits
    with them open leaves the log behind, and it grew with every later command."""
    if store.cache_info().currsize:
        store().dispose()


# The ranking stack is imported inside these three, so `recomentor --help` stays fast.
def encoder() -> SentenceEncoder:
    """The configured embedding model; it loads on its first encode, not here."""
    from recomentor.embeddings import SentenceEncoder

    return SentenceEncoder.from_settings(settings())


def roster(*, progress: bool = True) -> Roster:
    """Every participant with embedded answers; the progress bar shows only on a terminal."""
    from recomentor.ranking.roster import load_roster

    return load_roster(store(), encoder(), progress=progress and console.is_terminal)


def scorer() -> Scorer:
    """What suggestions and matchings are scored with: the champion, else the heuristic."""
    from recomentor.training.registry import load_scorer

    return load_scorer(settings())


def print_json(payload: Any) -> None:
    """Indented JSON of a result Struct (or plain data), encoded as the API encodes it."""
    encoded = msgspec.json.encode(payload, enc_hook=str)
    sys.stdout.write(msgspec.json.format(encoded, indent=2).decode() + "\n")


def os_user() -> str:
    """Who runs the command, for audit trails: the login name, else `unknown`."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return "unknown"
