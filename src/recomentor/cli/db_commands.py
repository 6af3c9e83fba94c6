"""`recomentor db`: schema migrations and scrubbing deleted rows out of the files."""

from __future__ import annotations

import typer

from recomentor.cli.context import console, settings, store

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply pending migrations (also done automatically on first use)."""
    from recomentor.store import open_store

    store = open_store(settings().resolved_database_url, migrate=False)
    before = store.current_revision()
    store.upgrade()
    console.print(f"schema at {store.current_revision()} (was {before or 'empty'})")


@app.command("scrub")
def scrub() -> None:
    """Overwrite what deleted rows left in the database files.

    Erasure does it by itself; run this when it reported the files busy, or once on a
    database written before deletions were zeroed (SQLite: rebuilt by VACUUM).
    """
    from recomentor.erasure import ERASED_TABLES
    from recomentor.store.db import StoreUnavailableError

    if not store().scrub(ERASED_TABLES, rebuild=True):
        raise StoreUnavailableError("the database is busy; run `recomentor db scrub` again")
    console.print("scrubbed: no deleted row is left in the database files")
