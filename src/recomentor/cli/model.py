"""`recomentor model promote|rollback|history`: move the champion by hand, with an audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from recomentor.cli import context

if TYPE_CHECKING:
    from recomentor.training import ChampionChange

app = typer.Typer(
    help="The champion model: promote a version, roll back, show who moved it.",
    no_args_is_help=True,
)

_REASON = typer.Option("--reason", help="Why (recorded in the history).")
_BY = typer.Option("--by", help="Who, as recorded; default: the login name running this.")


def _done(change: ChampionChange) -> None:
    before = f"v{change.from_version}" if change.from_version else "no champion"
    context.console.print(
        f"recomentor-ranker v{change.to_version} is the champion (was {before}); "
        f"recorded as change {change.id} by {change.actor}.",
        markup=False,
    )


@app.command("promote")
def promote(
    version: Annotated[str, typer.Argument(metavar="VERSION", help="Registry version, e.g. 3.")],
    reason: Annotated[str, _REASON],
    by: Annotated[str | None, _BY] = None,
) -> None:
    """Make a registered version the champion (exit 4 when it already is or cannot serve)."""
    from recomentor.training import promote_version

    _done(
        promote_version(
            context.settings(),
            context.store(),
            version,
            reason=reason,
            actor=by or context.os_user(),
        )
    )


@app.command("rollback")
def rollback(reason: Annotated[str, _REASON], by: Annotated[str | None, _BY] = None) -> None:
    """Restore the champion before the current one (exit 4 when there is none)."""
    from recomentor.training import roll_back_champion

    _done(
        roll_back_champion(
            context.settings(), context.store(), reason=reason, actor=by or context.os_user()
        )
    )


@app.command("history")
def history(
    as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON.")] = False,
) -> None:
    """Every move of the champion, newest first: when, what, from, to, who, why."""
    from recomentor.training import champion_history

    changes = champion_history(context.store())
    if as_json:
        context.print_json(changes)
        return
    table = Table(title=f"{len(changes)} champion changes")
    for column in ("when", "action", "from", "to", "by", "reason"):
        table.add_column(column, overflow="fold")
    for c in changes:
        table.add_row(
            f"{c.changed_at:%Y-%m-%d %H:%M}", c.action, c.from_version or "–", c.to_version,
            Text(c.actor), Text(c.reason),
        )  # fmt: skip
    context.console.print(table)
