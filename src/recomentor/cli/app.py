"""Root Typer app; every command module registers itself here, errors are mapped in main()."""

from __future__ import annotations

import atexit
import gc

import typer

from recomentor.cli import context, errors
from recomentor.cli.errors import run_with_error_mapping

app = typer.Typer(
    name="recomentor",
    help="Explained pair suggestions and cohort matching for reverse-mentoring programs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", help="Show the traceback of an unexpected error (may hold data)."
    ),
) -> None:
    errors.debug = debug


def _register_commands() -> None:
    # Imported here, not at module top, so each command module can import `app` from this one;
    # the modules import their heavy dependencies inside the commands, so --help stays fast.
    from recomentor.cli import (
        apikey,
        db_commands,
        demo,
        feedback,
        imports,
        match,
        model,
        pairings,
        participants,
        serve,
        sessions,
        suggest,
        synth,
        train,
        users,
    )

    app.add_typer(imports.app, name="import")
    app.add_typer(participants.app, name="participants")
    app.command("suggest")(suggest.suggest)
    app.command("match")(match.match)
    app.add_typer(match.app, name="matching")
    app.add_typer(pairings.app, name="pairings")
    app.add_typer(sessions.app, name="sessions")
    app.command("train")(train.train)
    app.add_typer(model.app, name="model")
    app.add_typer(feedback.app, name="feedback")
    app.command("synth")(synth.synth)
    app.command("serve")(serve.serve)
    app.add_typer(apikey.app, name="apikey")
    app.add_typer(db_commands.app, name="db")
    app.add_typer(users.app, name="user")
    app.command("demo")(demo.demo)


_register_commands()


def main() -> None:
    """Run the command in this process (the tests call it too): errors become messages and
    exit codes."""
    run_with_error_mapping(app)


def console() -> None:
    """The `recomentor` program: main(), with what only a process of its own may set."""
    # No collections while the command imports what it needs; its work turns them back on
    # (timings.work_begins). Not in main(): a test process runs many commands.
    gc.disable()
    # At exit the interpreter's collections would walk every object the command made, only to
    # free them: frozen first, they are freed by their reference counts alone.
    atexit.register(gc.freeze)
    atexit.register(context.close_store)  # exit handlers run last first: before the freeze
    main()
