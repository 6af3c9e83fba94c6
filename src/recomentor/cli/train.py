"""`recomentor train`: learn from feedback, compare with the heuristic, log and maybe promote."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from recomentor.cli import context

if TYPE_CHECKING:
    from recomentor.training import Evaluation, TrainingReport

_SOURCES = {"observed": "held-out feedback", "truth": "ground truth, all candidates"}


def _cell(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.4f}"


def comparison_table(evaluation: Evaluation) -> Table:
    """Metrics as rows, scorers as columns, one block per evaluation source."""
    from recomentor.training import METRIC_LABELS

    tables = {"observed": evaluation.observed, "truth": evaluation.truth}
    scorers = list(evaluation.observed)
    table = Table(title="Learned model against its rivals on held-out mentees")
    table.add_column("evaluated on")
    table.add_column("metric")
    for scorer in scorers:
        table.add_column(scorer, justify="right")
    for source, results in tables.items():
        if results is None:
            continue
        for metric, label in METRIC_LABELS.items():
            values = [_cell(results[scorer][metric]) for scorer in scorers]
            table.add_row(_SOURCES[source], label, *values)
        table.add_section()
    return table


def _print_report(report: TrainingReport) -> None:
    console = context.console
    evaluation = report.evaluation
    console.print(
        f"Trained on {report.train_rows} of {report.rows} rated pairings "
        f"({report.good_share:.0%} rated good); held out {evaluation.test_rows} pairings of "
        f"{evaluation.test_mentees} mentees"
        + (
            f", {evaluation.truth_pairs} candidate pairs scored against truth."
            if evaluation.truth
            else "."
        )
    )
    console.print(comparison_table(evaluation))
    for note in report.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    run = report.run
    verdict = "[green]promoted to champion[/green]" if report.promotion.promote else "not promoted"
    console.print(
        f"recomentor-ranker v{run.version} ({', '.join(run.aliases)}): {verdict}, "
        f"{report.promotion.reason}."
    )
    console.print(
        f"[dim]MLflow run {run.run_id} in {context.settings().resolved_tracking_uri}[/dim]"
    )


def train(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Training config (TOML); without it the defaults of "
            "training/configs/default.toml.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Promote to champion even if it does not win (recorded)."),
    ] = False,
    truth: Annotated[
        Path | None,
        typer.Option(
            "--truth", help="A `recomentor synth` folder: also evaluate against its ground truth."
        ),
    ] = None,
) -> None:
    """Train a ranker on all feedback, compare it on held-out mentees, log it to MLflow."""
    from recomentor.embeddings import SentenceEncoder
    from recomentor.training import TrainingConfig, train_and_register

    settings = context.settings()
    # The defaults live in TrainingConfig, so `recomentor train` works from any directory.
    base = TrainingConfig() if config is None else TrainingConfig.from_toml(config)
    chosen = base.with_ground_truth(truth)
    report = train_and_register(
        settings,
        context.store(),
        SentenceEncoder.from_settings(settings),
        chosen,
        force=force,
        progress=context.console.is_terminal,
        actor=context.os_user(),
    )
    _print_report(report)
