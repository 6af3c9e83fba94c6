"""Shared CLI plumbing: settings and store opened once per command, consoles, JSON output."""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

import msgspec
from rich.console import Console

from recomentor.settings import Settings
from recomentor.store import Store, open_store

console = Console(highlight=False)


@cache
def settings() -> Settings:
    return Settings.from_env()


@cache
def store() -> Store:
    return open_store(settings().resolved_database_url)


def print_json(payload: Any) -> None:
    """Indented JSON of a result Struct (or plain data), encoded as the API encodes it."""
    encoded = msgspec.json.encode(payload, enc_hook=str)
    sys.stdout.write(msgspec.json.format(encoded, indent=2).decode() + "\n")
