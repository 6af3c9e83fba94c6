"""Row checks as polars expressions, and the run that turns them into per-row problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from recomentor.errors import RowProblem
from recomentor.survey.reader import LINE

ROW_ID = "__row_id__"


@dataclass(frozen=True)
class Check:
    """Rows where `bad` is true are invalid for `field`, for the reason `reason` gives."""

    field: str
    bad: pl.Expr
    reason: pl.Expr | str


def shown(column: str, width: int = 40) -> pl.Expr:
    """A cell as quoted in an error message, cut short; never used on personal fields."""
    value = pl.col(column)
    cut = pl.when(value.str.len_chars() > width).then(
        pl.concat_str(value.str.slice(0, width), pl.lit("…"))
    )
    return pl.concat_str(pl.lit("'"), cut.otherwise(value), pl.lit("'"))


def missing(column: str) -> pl.Expr:
    return pl.col(column).is_null()


def run_checks(
    frame: pl.DataFrame, checks: Sequence[Check]
) -> tuple[pl.DataFrame, list[RowProblem]]:
    """Split `frame` into its valid rows and the problems of the others, ordered by line."""
    flags = frame.select(
        pl.col(LINE),
        pl.col(ROW_ID),
        *[c.bad.fill_null(False).alias(f"__bad_{i}") for i, c in enumerate(checks)],
        *[
            (c.reason if isinstance(c.reason, pl.Expr) else pl.lit(c.reason)).alias(f"__why_{i}")
            for i, c in enumerate(checks)
        ],
    )
    found: list[RowProblem] = []
    for i, check in enumerate(checks):
        hits = flags.filter(pl.col(f"__bad_{i}")).select(LINE, ROW_ID, f"__why_{i}")
        for line, row_id, why in hits.iter_rows():
            found.append(RowProblem(int(line), check.field, str(why), row_id))
    order: dict[str, int] = {}
    for i, check in enumerate(checks):
        order.setdefault(check.field, i)
    found.sort(key=lambda p: (p.line, order[p.field]))
    any_bad = pl.any_horizontal(pl.col(f"__bad_{i}") for i in range(len(checks)))
    valid_mask = (
        flags.select(~any_bad).to_series() if checks else pl.repeat(True, frame.height, eager=True)
    )
    return frame.filter(valid_mask), found
