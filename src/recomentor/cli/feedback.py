"""`recomentor feedback send`: feedback request links by e-mail, or as a CSV for a mail merge."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from recomentor.cli import context
from recomentor.cli.errors import EXIT_ENVIRONMENT
from recomentor.errors import shown_text

if TYPE_CHECKING:
    from recomentor.feedback import SendReport

app = typer.Typer(
    help="Ask participants to rate their pairing through a link.", no_args_is_help=True
)


def _summary(report: SendReport) -> Table:
    table = Table(title=f"Feedback requests, check-in {report.checkin}", show_header=False)
    delivered = "listed in the CSV" if report.dry_run else "sent"
    kind = "reminders" if report.reminder else "requests"
    table.add_row("active pairings", str(report.pairings))
    if not report.reminder:
        table.add_row("requests created", str(report.requests_created))
    table.add_row(f"{kind} {delivered}", str(report.sent))
    if report.reminder:
        table.add_row("skipped: answered already", str(report.answered))
        table.add_row("skipped: no request sent yet", str(report.not_sent_yet))
    else:
        table.add_row("skipped: sent before", str(report.already_sent))
    table.add_row("failed", str(len(report.failed)))
    return table


def _failures(report: SendReport) -> Table:
    table = Table(title=f"{len(report.failed)} not sent")
    table.add_column("participant")
    table.add_column("reason")
    for failure in report.failed:
        # Text, not markup: an id is whatever the survey export held.
        table.add_row(Text(shown_text(failure.participant_id)), failure.reason)
    return table


@app.command("send")
def send(
    matching: Annotated[
        str | None,
        typer.Option("--matching", metavar="ID", help="The active pairings of this matching."),
    ] = None,
    all_active: Annotated[bool, typer.Option("--all-active", help="Every active pairing.")] = False,
    checkin: Annotated[
        str, typer.Option("--checkin", metavar="NAME", help="Check-in, e.g. week-4 or end.")
    ] = "end",
    remind: Annotated[
        bool,
        typer.Option(
            "--remind", help="Again, only to those who got a request and have not answered."
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Send no e-mail: write the links to --out for a mail merge (they then count "
            "as sent).",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="The CSV of links written by --dry-run."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Send each person of the selected active pairings a link to rate their pairing.

    Once per person and check-in; exit code 3 when any could not be sent (listed with why).
    """
    from recomentor.feedback import export_links, plan_requests, send_requests
    from recomentor.feedback.mailer import SmtpConfig, SmtpMailer
    from recomentor.feedback.tokens import checked_public_url
    from recomentor.store.tables import utcnow

    if (matching is None) == (not all_active):
        raise typer.BadParameter("give either --matching ID or --all-active")
    if dry_run != (out is not None):
        raise typer.BadParameter("--dry-run and --out FILE go together")
    settings = context.settings()
    # Refused before any request is created: nothing to undo.
    checked_public_url(settings.public_url)
    smtp = None if dry_run else SmtpConfig.from_settings(settings)
    store, now = context.store(), utcnow()
    plan = plan_requests(store, matching_id=matching, checkin=checkin, reminder=remind, now=now)
    if out is not None:
        report = export_links(store, settings, plan, out, now)
    else:
        assert smtp is not None
        show = context.console.is_terminal and not as_json and bool(plan.targets)
        with Progress(console=context.console, transient=True) if show else nullcontext() as bar:
            task = bar.add_task("sending", total=len(plan.targets)) if bar else None
            report = send_requests(
                store,
                settings,
                plan,
                SmtpMailer(smtp),
                now,
                on_message=(lambda: bar.advance(task)) if bar and task is not None else None,
            )
    if as_json:
        context.print_json(report)
    else:
        context.console.print(_summary(report))
        if out is not None:
            context.console.print(f"Links for a mail merge written to {out}.", markup=False)
        if report.failed:
            context.console.print(_failures(report))
    if report.failed:
        raise typer.Exit(EXIT_ENVIRONMENT)
