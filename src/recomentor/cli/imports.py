"""`recomentor import participants|feedback`: validated imports with a readable report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from recomentor import fields as F
from recomentor.cli.context import console, print_json, settings, store

if TYPE_CHECKING:
    from recomentor.survey import ColumnMapping, ImportReport

app = typer.Typer(help="Import survey exports and feedback (CSV or XLSX).", no_args_is_help=True)

MappingOption = typer.Option(None, "--mapping", help="TOML column mapping for this export.")
SkipOption = typer.Option(False, "--skip-invalid", help="Import the valid rows, report the rest.")
JsonOption = typer.Option(False, "--json", help="Print the report as JSON.")


def _mapping(path: Path | None, allowed: tuple[str, ...]) -> ColumnMapping | None:
    from recomentor.survey import load_mapping

    return load_mapping(path, allowed_fields=allowed) if path else None


def _show(report: ImportReport, *, what: str, as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    table = Table(title=f"Import of {report.source}", show_header=False)
    table.add_row("rows read", str(report.rows_read))
    table.add_row(f"new {what}", str(report.inserted))
    table.add_row(f"updated {what}", str(report.updated))
    table.add_row("unchanged", str(report.unchanged))
    if report.stale:
        table.add_row("older than stored (kept stored)", str(report.stale))
    if report.erased:
        table.add_row("erased earlier (not imported again)", str(report.erased))
    if report.superseded_lines:
        table.add_row("superseded by a later submission", _lines(report.superseded_lines))
    table.add_row("rejected rows", str(len(report.rejected_lines)))
    if report.ignored_columns:
        table.add_row("ignored columns", ", ".join(report.ignored_columns))
    for attribute in report.attributes:
        table.add_row(
            f"attribute {attribute.name} ({attribute.type})",
            f"{attribute.answered} answers in column {attribute.column!r}",
        )
    if report.encoding != "utf-8":
        table.add_row("encoding", report.encoding)
    console.print(table)
    for problem in report.rejected:
        console.print(f"  [yellow]skipped[/] {problem}", markup=True, highlight=False)


def _lines(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:15]))
    return f"lines {shown}{', ...' if len(lines) > 15 else ''}"


@app.command("participants")
def participants(
    file: Path = typer.Argument(..., help="Survey export: CSV (, or ;) or XLSX."),
    mapping: Path | None = MappingOption,
    skip_invalid: bool = SkipOption,
    as_json: bool = JsonOption,
) -> None:
    """Import survey answers; all-or-nothing unless --skip-invalid."""
    # The survey readers need polars: imported when an import runs, not to show help.
    from recomentor.survey import import_participants, read_source

    report = import_participants(
        store(),
        read_source(file, settings()),
        source=file.name,
        settings=settings(),
        mapping=_mapping(mapping, F.PARTICIPANT_FIELDS),
        skip_invalid=skip_invalid,
    )
    _show(report, what="participants", as_json=as_json)


@app.command("feedback")
def feedback(
    file: Path = typer.Argument(..., help="Feedback file: mentor_id, mentee_id, rating, ..."),
    mapping: Path | None = MappingOption,
    skip_invalid: bool = SkipOption,
    allow_unpaired: bool = typer.Option(
        False,
        "--allow-unpaired",
        help="Accept feedback on pairs never paired here (history from before recomentor).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Import pairing feedback; unknown ids, pairs never paired, bad ratings and dates are
    errors."""
    from recomentor.survey import import_feedback, read_source

    report = import_feedback(
        store(),
        read_source(file, settings()),
        source=file.name,
        settings=settings(),
        mapping=_mapping(mapping, F.FEEDBACK_FIELDS),
        skip_invalid=skip_invalid,
        allow_unpaired=allow_unpaired,
    )
    _show(report, what="feedback rows", as_json=as_json)
