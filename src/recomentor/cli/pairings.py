"""`recomentor pairings list|add|end`: the pairs in force and their history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from recomentor import fields as F
from recomentor.cli import context
from recomentor.cli.people import contacts, who

if TYPE_CHECKING:
    from recomentor.matching.pairings import Pairing

app = typer.Typer(
    help="List pairings, pair two people by hand, end a pairing.", no_args_is_help=True
)

_JSON_HELP = "Print the documented JSON."


def _print(pairing: Pairing, as_json: bool, done: str) -> None:
    if as_json:
        context.print_json(pairing)
    else:
        context.console.print(
            f"Pairing {pairing.id} {pairing.mentor_id} -> {pairing.mentee_id} {done}.",
            markup=False,
        )


@app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help="Only active or ended ones.")] = None,
    participant: Annotated[
        str | None, typer.Option(help="Only this person's pairings, on either side.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_JSON_HELP)] = False,
) -> None:
    """List pairings in the order they were formed."""
    from recomentor.matching.pairings import list_pairings

    pairings = list_pairings(context.store(), status=status, participant_id=participant)
    if as_json:
        context.print_json(pairings)
        return
    people = contacts({p.mentor_id for p in pairings} | {p.mentee_id for p in pairings})
    table = Table(title=f"{len(pairings)} pairings")
    for column in ("id", "mentor", "mentee", "mode", "status", "since", "ended", "matching"):
        table.add_column(column, overflow="fold")
    for p in pairings:
        ended = f"{p.ended_at:%Y-%m-%d} ({p.end_reason})" if p.ended_at else ""
        table.add_row(
            str(p.id), who(p.mentor_id, people), who(p.mentee_id, people), p.mode, p.status,
            f"{p.created_at:%Y-%m-%d}", ended, p.matching_id or "by hand",
        )  # fmt: skip
    context.console.print(table)


@app.command("add")
def add(
    mentor_id: Annotated[str, typer.Argument(metavar="MENTOR", help="Mentor's id.")],
    mentee_id: Annotated[str, typer.Argument(metavar="MENTEE", help="Mentee's id.")],
    mode: Annotated[
        str, typer.Option(help="reverse, classic or mutual.", case_sensitive=False)
    ] = F.REVERSE,
    max_mentors: Annotated[
        int,
        typer.Option(
            help="Mentors in force the mentee may have, this one included (a program that "
            "gives mentees several)."
        ),
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help=_JSON_HELP)] = False,
) -> None:
    """Pair two people by hand, under the checks of an approval (exit 4 when refused)."""
    from recomentor.matching.pairings import pair_by_hand

    pairing = pair_by_hand(
        context.store(),
        context.roster(progress=not as_json),
        mentor_id,
        mentee_id,
        mode=mode.lower(),
        min_gap=context.settings().min_gap,
        max_mentors=max_mentors,
    )
    _print(pairing, as_json, "formed")


@app.command("end")
def end(
    mentor_id: Annotated[str, typer.Argument(metavar="MENTOR", help="Mentor's id.")],
    mentee_id: Annotated[str, typer.Argument(metavar="MENTEE", help="Mentee's id.")],
    reason: Annotated[
        str,
        typer.Option(help="completed, dropped, rematched, mistake or other.", case_sensitive=False),
    ],
    as_json: Annotated[bool, typer.Option("--json", help=_JSON_HELP)] = False,
) -> None:
    """End an active pairing: the mentor's slot and the mentee are free again."""
    from recomentor.matching.pairings import end_pairing_of

    pairing = end_pairing_of(context.store(), mentor_id, mentee_id, reason.lower())
    _print(pairing, as_json, f"ended ({pairing.end_reason})")
