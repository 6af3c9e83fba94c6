"""`recomentor user create|list|disable`: hashes stored, never shown; clear errors."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import select

from recomentor.accounts import users
from recomentor.cli import context
from recomentor.store.tables import UserRow
from tests.cli_runner import cli_home, run_main

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(users, "password_hasher", lambda: PasswordHasher.from_parameters(CHEAPEST))
    with cli_home(tmp_path / "home", monkeypatch) as path:
        yield path


def _user(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str = PASSWORD + "\n",
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return run_main(["user", *args], capsys, monkeypatch)


def test_create_list_disable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = _user(
        ["create", "Ana@Example.org", "--role", "manager", "--password-stdin"], capsys, monkeypatch
    )
    assert code == 0 and "ana@example.org" in out and "manager" in out
    with context.store().session() as session:
        stored = session.scalars(select(UserRow)).one()
    assert stored.email == "ana@example.org"
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    code, out, _ = _user(["list"], capsys, monkeypatch)
    assert code == 0 and "ana@example.org" in out and "$argon2" not in out and " no " in out
    code, _, _ = _user(["disable", "ANA@example.org"], capsys, monkeypatch)
    assert code == 0
    _, out, _ = _user(["list"], capsys, monkeypatch)
    assert " yes " in out


def test_refusals_say_why(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _user(
        ["create", "a@example.org", "--role", "boss", "--password-stdin"], capsys, monkeypatch
    )
    assert code == 1 and "unknown role 'boss'" in err and "viewer, manager, scientist, admin" in err
    code, _, err = _user(
        ["create", "a@example.org", "--role", "viewer", "--password-stdin"],
        capsys,
        monkeypatch,
        stdin="short\n",
    )
    assert code == 1 and "at least 10 characters" in err
    code, _, err = _user(
        ["create", "not-an-address", "--role", "viewer", "--password-stdin"], capsys, monkeypatch
    )
    assert code == 1 and "not an e-mail address" in err
    assert (
        _user(
            ["create", "a@example.org", "--role", "viewer", "--password-stdin"], capsys, monkeypatch
        )[0]
        == 0
    )
    code, _, err = _user(
        ["create", "A@EXAMPLE.ORG", "--role", "admin", "--password-stdin"], capsys, monkeypatch
    )
    # Taken in another case; the message does not repeat the address (personal data).
    assert code == 4 and "already exists" in err and "example.org" not in err.lower()
    code, _, err = _user(["disable", "nobody@example.org"], capsys, monkeypatch)
    assert code == 2 and "no user has this e-mail address" in err and "nobody" not in err


def test_prompted_passwords_must_match(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("typer.prompt", lambda *_a, **_k: next(answers))
    code, _, err = run_main(
        ["user", "create", "b@example.org", "--role", "viewer"], capsys, monkeypatch
    )
    assert code == 1 and "differ" in err
    assert users.list_users(context.store()) == []


def test_the_last_admin_stays(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (
        _user(
            ["create", "boss@example.org", "--role", "admin", "--password-stdin"],
            capsys,
            monkeypatch,
        )[0]
        == 0
    )
    code, _, err = _user(["disable", "boss@example.org"], capsys, monkeypatch)
    assert code == 4 and "last enabled admin" in err
