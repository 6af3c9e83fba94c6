"""`recomentor apikey`: create prints the key once, list never shows it, revoke refuses it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recomentor.cli import context
from recomentor.cli.app import app


@pytest.fixture
def runner(migrated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("RECOMENTOR_HOME", str(migrated_home))
    context.settings.cache_clear()
    context.store.cache_clear()
    yield CliRunner()
    context.store.cache_clear()
    context.settings.cache_clear()


def test_create_list_revoke(runner: CliRunner) -> None:
    created = runner.invoke(
        app, ["apikey", "create", "--name", "intranet", "--scopes", "read,write"]
    )
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    assert key.startswith("rmk_") and len(key) > 40
    listed = runner.invoke(app, ["apikey", "list", "--json"])
    rows = json.loads(listed.output)
    assert [(r["id"], r["name"], r["scopes"], r["revoked_at"]) for r in rows] == [
        (1, "intranet", ["read", "write"], None)
    ]
    assert key not in listed.output
    assert runner.invoke(app, ["apikey", "revoke", "1"]).exit_code == 0
    rows = json.loads(runner.invoke(app, ["apikey", "list", "--json"]).output)
    assert rows[0]["revoked_at"] is not None


def test_bad_scope_and_unknown_id_fail(runner: CliRunner) -> None:
    bad = runner.invoke(app, ["apikey", "create", "--name", "x", "--scopes", "root"])
    assert bad.exit_code != 0
    assert runner.invoke(app, ["apikey", "revoke", "42"]).exit_code != 0
