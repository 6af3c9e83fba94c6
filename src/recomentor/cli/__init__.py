"""The `recomentor` command line: Typer app assembled from one module per command group."""

from recomentor.cli.app import app, main

__all__ = ["app", "main"]
