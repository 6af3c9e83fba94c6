"""`recomentor db`: schema migrations."""

from __future__ import annotations

import typer

from recomentor.cli.context import console, settings
from recomentor.store import open_store

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply pending migrations (also done automatically on first use)."""
    store = open_store(settings().resolved_database_url, migrate=False)
    before = store.current_revision()
    store.upgrade()
    console.print(f"schema at {store.current_revision()} (was {before or 'empty'})")
