"""Shared CLI plumbing: settings and store opened once per command, consoles, JSON output."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any

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
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
