"""The `recomentor` command line: Typer app assembled from one module per command group."""

# First: where /proc cannot tell when the process started, `match --timings` counts from here.
from recomentor.cli import timings  # noqa: F401  # isort: skip
from recomentor.cli.app import app, console, main

__all__ = ["app", "console", "main"]
