"""Typed attribute answers of survey rows: read from their columns, checked, made storable."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import polars as pl

from recomentor import fields as F
from recomentor import text as T
from recomentor.attributes import (
    MAX_LABEL_CHARS,
    MULTI,
    NUMBER,
    ORDINAL,
    TEXT,
    AttributeSpec,
    AttributeValue,
    answer_key,
    ordinal_rank,
)
from recomentor.survey.checks import Check, control_character_check

_PREFIX = "attribute:"
_REQUIRED = "required answer missing"


def attribute_column(name: str) -> str:
    """The column of a canonical frame that holds an attribute's raw answers."""
    return _PREFIX + name


def _typed(
    spec: AttributeSpec, raw: str | None, max_text_chars: int
) -> tuple[AttributeValue | None, str | None]:
    """One answer as stored (None: no answer) and why it is invalid (None: it is not)."""
    answer = T.normalise(raw) if raw else ""
    if not answer:
        return None, _REQUIRED if spec.required else None
    if spec.type == NUMBER:
        try:
            number = float(answer.replace(",", ".").replace(" ", ""))
        except ValueError:
            return None, "not a number"
        return (number, None) if math.isfinite(number) else (None, "not a finite number")
    if spec.type == ORDINAL:
        rank = ordinal_rank(spec.definition, answer)
        if rank is None:
            return None, f"not one of the allowed answers: {', '.join(spec.order)}"
        return spec.order[rank], None
    if spec.type == MULTI:
        chosen: dict[str, str] = {}
        for item in answer.split(spec.separator):
            label = T.normalise(item)
            if len(label) > MAX_LABEL_CHARS:
                return None, f"an answer is longer than {MAX_LABEL_CHARS} characters"
            if label:
                chosen.setdefault(answer_key(label), label)
        if not chosen:
            return None, _REQUIRED if spec.required else None
        if len(answer) > max_text_chars:
            return None, f"longer than {max_text_chars} characters"
        return list(chosen.values()), None
    limit = max_text_chars if spec.type == TEXT else MAX_LABEL_CHARS
    if len(answer) > limit:
        return None, f"longer than {limit} characters"
    return answer, None


def with_attribute_answers(
    frame: pl.DataFrame, specs: Sequence[AttributeSpec], *, max_text_chars: int
) -> tuple[pl.DataFrame, list[Check]]:
    """`frame` with each row's stored attributes as JSON text (F.ATTRIBUTES; null when the
    mapping has none, so a stored participant keeps theirs), and the checks of the answers."""
    if not specs:
        return frame.with_columns(pl.lit(None, dtype=pl.String).alias(F.ATTRIBUTES)), []
    answers: list[dict[str, AttributeValue]] = [{} for _ in range(frame.height)]
    columns: list[pl.Series] = []
    checks: list[Check] = []
    for spec in specs:
        column = attribute_column(spec.name)
        reasons: list[str | None] = []
        for row, raw in enumerate(frame[column].to_list()):
            value, reason = _typed(spec, raw, max_text_chars)
            reasons.append(reason)
            if value is not None and reason is None:
                answers[row][spec.name] = value
        why = f"__why_{column}"
        columns.append(pl.Series(why, reasons, dtype=pl.String))
        checks.append(control_character_check(column, spec.name, free_text=spec.type == TEXT))
        checks.append(Check(spec.name, pl.col(why).is_not_null(), pl.col(why)))
    stored = [json.dumps(entry, ensure_ascii=False, sort_keys=True) for entry in answers]
    columns.append(pl.Series(F.ATTRIBUTES, stored, dtype=pl.String))
    return frame.with_columns(columns), checks


def answered(frame: pl.DataFrame, spec: AttributeSpec) -> int:
    """How many rows of a canonical frame answered the attribute (before checks)."""
    column = frame[attribute_column(spec.name)]
    return int(column.str.strip_chars().str.len_chars().fill_null(0).gt(0).sum())
