"""`recomentor user create|list|disable`: accounts of the web app."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from recomentor.accounts.roles import ROLES, check_role
from recomentor.cli.context import console, store
from recomentor.errors import InvalidInputError

app = typer.Typer(help="Accounts of the web app (passwords stored as argon2 hashes).")


def _password(from_stdin: bool) -> str:
    # accounts.users needs the database layer and argon2: imported when a command runs.
    from recomentor.accounts.users import check_password

    if from_stdin:
        # One line; the newline a shell or a file adds is not part of the password.
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    # Checked before the second prompt: no need to type a too-short password twice.
    check_password(first)
    if typer.prompt("Repeat the password", hide_input=True) != first:
        raise InvalidInputError("the two passwords differ; nothing was created")
    return str(first)


@app.command("create")
def create(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The address they sign in with.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line.")
    ] = False,
) -> None:
    """Create a user; the password is prompted for twice (hidden) unless --password-stdin."""
    from recomentor.accounts.users import create_user, normalise_email

    # Checked before the password is asked for, not after it was typed twice.
    check_role(role)
    normalise_email(email)
    user = create_user(store(), email, role, _password(password_stdin))
    console.print(f"created user {user.id} ({user.email}, {user.role})", markup=False)


@app.command("list")
def list_command() -> None:
    """Users: e-mail, role, disabled or not, created; never the password hashes."""
    from recomentor.accounts.users import list_users

    table = Table("id", "email", "role", "disabled", "created", title="Users")
    for user in list_users(store()):
        table.add_row(
            str(user.id),
            user.email,
            user.role,
            "yes" if user.disabled else "no",
            f"{user.created_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@app.command("disable")
def disable(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="The user's address.")],
) -> None:
    """Disable a user: their sessions end now and they cannot sign in again."""
    from recomentor.accounts.users import disable_user, find_user_id

    active = store()
    user = disable_user(active, find_user_id(active, email))
    console.print(f"disabled user {user.id} ({user.email})", markup=False)
