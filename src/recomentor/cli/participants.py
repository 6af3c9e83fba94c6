"""`recomentor participants list|show|delete`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from recomentor import fields as F
from recomentor.cli.context import console, print_json, settings, store

if TYPE_CHECKING:
    from recomentor.store.tables import ParticipantRow

app = typer.Typer(help="Read and erase participants.", no_args_is_help=True)

# Listings leave out personal data (names, e-mails, free text); `show` gives one person in full.
_LISTED = (
    F.ID,
    F.DEPARTMENT,
    F.JOB_TITLE,
    F.YEARS_EXPERIENCE,
    F.ROLE,
    F.LOCATION,
    F.LANGUAGES,
    F.MAX_MENTEES,
)


def _as_dict(row: ParticipantRow, names: tuple[str, ...] = F.PARTICIPANT_FIELDS) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


@app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List participants (no personal data)."""
    from recomentor.store.participants import list_participants

    with store().session() as session:
        rows = [_as_dict(row, _LISTED) for row in list_participants(session)]
    if as_json:
        print_json(rows)
        return
    table = Table(*_LISTED, title=f"{len(rows)} participants")
    for row in rows:
        table.add_row(*("" if row[name] is None else str(row[name]) for name in _LISTED))
    console.print(table)


@app.command("show")
def show(
    participant_id: str = typer.Argument(..., metavar="ID"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one participant's answers in full."""
    from recomentor.store.participants import get_participant

    with store().session() as session:
        row = _as_dict(get_participant(session, participant_id))
    if as_json:
        print_json(row)
        return
    table = Table(show_header=False, title=participant_id)
    for name, value in row.items():
        table.add_row(name, "" if value is None else str(value))
    console.print(table)


@app.command("delete")
def delete(
    participant_id: str = typer.Argument(..., metavar="ID"),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Erase a person everywhere (GDPR): answers, cached embeddings, feedback, pairings and
    the answers to their pairings' feedback requests."""
    from recomentor.erasure import erase_participant
    from recomentor.suppression import load_erasure_key

    if not yes:
        typer.confirm(f"Erase {participant_id} and everything that involves them?", abort=True)
    report = erase_participant(store(), participant_id, load_erasure_key(settings()))
    console.print(
        f"erased {participant_id}: {report.feedback} feedback, {report.pairings} pairings, "
        f"{report.matching_entries} draft matching entries, {report.embeddings} cached embeddings, "
        f"{report.feedback_answers} answers to feedback requests"
    )
    if not report.scrubbed:
        console.print(
            "[yellow]warning[/]: the database files could not be scrubbed of the deleted bytes "
            "yet (busy); `recomentor db scrub` does it once the server is idle"
        )
