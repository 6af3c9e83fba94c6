"""Row checks as polars expressions, and the run that turns them into per-row problems."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from recomentor import fields as F
from recomentor.errors import RowProblem
from recomentor.survey.reader import LINE

ROW_ID = "__row_id__"


@dataclass(frozen=True)
class Check:
    """Rows where `bad` is true are invalid for `field`, for the reason `reason` gives."""

    field: str
    bad: pl.Expr
    reason: pl.Expr | str


# C0 controls (NUL...), DEL and C1 controls: PostgreSQL refuses NUL, terminals obey escapes,
# and no survey answer needs them. Free text may keep tabs and line breaks (CR is a line
# break only there). One pattern for polars (Rust regex) and Python's re alike.
_CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
_CONTROL_ON_ONE_LINE = r"[\x00-\x1F\x7F-\x9F]"
CONTROL_REASON = (
    "holds a control character (such as NUL); only free text may hold tabs and line breaks"
)
FREE_TEXT_FIELDS = (F.SKILLS, F.GOALS)


def _control_pattern(name: str) -> str:
    return _CONTROL if name in FREE_TEXT_FIELDS else _CONTROL_ON_ONE_LINE


def control_character_check(column: str, field: str, *, free_text: bool) -> Check:
    """The refusal of control characters for one column reported under `field`."""
    pattern = _CONTROL if free_text else _CONTROL_ON_ONE_LINE
    return Check(field, pl.col(column).str.contains(pattern), CONTROL_REASON)


def control_character_checks(fields: Sequence[str]) -> list[Check]:
    """The same refusal for every text a file or a JSON body brings in."""
    return [
        Check(name, pl.col(name).str.contains(_control_pattern(name)), CONTROL_REASON)
        for name in fields
    ]


def without_control_characters(ids: pl.Series) -> pl.Series:
    """Ids fit to look up: PostgreSQL refuses a NUL even in a query (their rows fail anyway)."""
    return ids.filter(~ids.str.contains(_CONTROL_ON_ONE_LINE))


def control_character_problems(values: Mapping[str, str | None]) -> list[RowProblem]:
    """`control_character_checks` for one record outside a frame (a JSON body), as line 1."""
    return [
        RowProblem(1, name, CONTROL_REASON)
        for name, value in values.items()
        if value is not None and re.search(_control_pattern(name), value)
    ]


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
