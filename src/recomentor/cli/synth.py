"""`recomentor synth`: write a synthetic organisation with known answers as CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from recomentor.cli.context import console
from recomentor.cli.timings import work_begins


def _rows(path: Path) -> str:
    if path.suffix != ".csv":
        return "-"  # world.json: the parameters, not rows
    import polars as pl

    count: int = pl.scan_csv(path, infer_schema=False).select(pl.len()).collect().item()
    return f"{count:,}"


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
    paraphrases: Annotated[
        int | None,
        typer.Option(help="At most this many wordings per topic and language (default: all)."),
    ] = None,
    typo_rate: Annotated[
        float, typer.Option(help="Chance that a phrase gets one typo (0 to 1).")
    ] = 0.0,
    french_share: Annotated[
        float | None,
        typer.Option(help="Share of people answering in French (default: about 3 in 4)."),
    ] = None,
    reciprocity: Annotated[
        float, typer.Option(help="Weight of the mentee teaching back in the truth, x 0.15.")
    ] = 1.0,
    site_effect: Annotated[
        float, typer.Option(help="Weight of working on the same site in the truth, x 0.12.")
    ] = 1.0,
    department_effect: Annotated[
        float, typer.Option(help="Weight of different departments in the truth, x 0.05.")
    ] = 1.0,
    rating_noise: Annotated[
        float, typer.Option(help="Deviation of the noise on each past rating (1-5 scale).")
    ] = 0.6,
    past_pairs: Annotated[
        str | None,
        typer.Option(
            help="How past pairings were chosen: topic (mostly plausible, the default) or random."
        ),
    ] = None,
) -> None:
    """Write a synthetic organisation: participants, feedback and the topics behind answers.

    The world options change what kind of company it is (training/README.md); with their
    defaults a seed writes the files it always wrote.
    """
    # The generator needs polars and numpy: imported when it runs, not to show help.
    from recomentor.synth import BY_TOPIC, MIXED_ANSWERS, World, write_synthetic

    work_begins()

    # World values and counts are checked before any file is written (InvalidInputError,
    # which the CLI maps).
    world = World(
        paraphrases=paraphrases,
        typo_rate=typo_rate,
        french_share=french_share,
        reciprocity=reciprocity,
        site_effect=site_effect,
        department_effect=department_effect,
        rating_noise=rating_noise,
        past_pairs=past_pairs or BY_TOPIC,
    )
    with console.status("Generating the organisation..."):
        written = write_synthetic(
            out,
            participants,
            feedback,
            seed,
            ground_truth=ground_truth,
            answers=answers or MIXED_ANSWERS,
            world=world,
        )
    table = Table(title=f"Synthetic organisation (seed {seed}, world: {world.describe()})")
    table.add_column("file")
    table.add_column("rows", justify="right")
    table.add_column("path")
    for name, path in written.items():
        table.add_row(name, _rows(path), str(path))
    console.print(table)
