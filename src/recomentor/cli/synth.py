"""`recomentor synth`: write a synthetic organisation with known answers as CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from recomentor.cli.context import console


def _rows(path: Path) -> int:
    import polars as pl

    count: int = pl.scan_csv(path, infer_schema=False).select(pl.len()).collect().item()
    return count


def synth(
    participants: Annotated[int, typer.Option("--participants", help="How many people.")],
    feedback: Annotated[int, typer.Option("--feedback", help="How many rated past pairings.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the CSV files into.")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files.")] = 0,
    ground_truth: Annotated[
        bool,
        typer.Option(
            "--ground-truth",
            help="Also write the true compatibility of every eligible pair (small sets only).",
        ),
    ] = False,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            help="Language of the answers: mixed (mostly French, the default) or en (everyone "
            "in English).",
        ),
    ] = None,
) -> None:
    """Write a synthetic organisation: participants, feedback and the topics behind answers."""
    # The generator needs polars and numpy: imported when it runs, not to show help.
    from recomentor.synth import MIXED_ANSWERS, write_synthetic

    language = answers or MIXED_ANSWERS
    # Counts are checked by write_synthetic, which raises InvalidInputError the CLI maps.
    with console.status("Generating the organisation..."):
        written = write_synthetic(
            out, participants, feedback, seed, ground_truth=ground_truth, answers=language
        )
    table = Table(title=f"Synthetic organisation (seed {seed})")
    table.add_column("file")
    table.add_column("rows", justify="right")
    table.add_column("path")
    for name, path in written.items():
        table.add_row(name, f"{_rows(path):,}", str(path))
    console.print(table)
