"""Root Typer app; every command module registers itself here, errors are mapped in main()."""

from __future__ import annotations

import typer

from recomentor.cli.errors import run_with_error_mapping

app = typer.Typer(
    name="recomentor",
    help="Explained pair suggestions and cohort matching for reverse-mentoring programs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register_commands() -> None:
    # Imported here, not at module top, so each command module can import `app` from this one.
    from recomentor.cli import db_commands, imports, participants

    app.add_typer(imports.app, name="import")
    app.add_typer(participants.app, name="participants")
    app.add_typer(db_commands.app, name="db")
    from recomentor.cli import suggest as suggest_cli

    app.command("suggest")(suggest_cli.suggest)
    from recomentor.cli import synth

    app.command("synth")(synth.synth)
    from recomentor.cli import apikey, serve

    app.add_typer(apikey.app, name="apikey")
    app.command("serve")(serve.serve)
    from recomentor.cli import train

    app.command("train")(train.train)
    from recomentor.cli import match

    app.command("match")(match.match)
    app.add_typer(match.app, name="matching")
    from recomentor.cli import demo

    app.command("demo")(demo.demo)


_register_commands()


def main() -> None:
    run_with_error_mapping(app)
