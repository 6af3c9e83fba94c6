"""Validation of survey rows into canonical participant records."""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from recomentor import fields as F
from recomentor.errors import RowProblem
from recomentor.store.tables import ParticipantRow
from recomentor.survey.attribute_answers import attribute_column, with_attribute_answers
from recomentor.survey.checks import (
    FREE_TEXT_FIELDS,
    ROW_ID,
    Check,
    control_character_checks,
    missing,
    run_checks,
)
from recomentor.survey.mapping import ColumnMapping
from recomentor.survey.reader import LINE
from recomentor.survey.timestamps import parse_timestamp_column
from recomentor.text import language_codes

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_MAX_YEARS = 70
_MAX_CAPACITY = 50
_BUILTIN_ROLES = {role: role for role in F.ROLES}


def _column_width(name: str) -> int | None:
    column = ParticipantRow.__table__.c[name]
    return getattr(column.type, "length", None)


def canonical_frame(
    frame: pl.DataFrame, headers: list[str], mapping: ColumnMapping, fields: tuple[str, ...]
) -> tuple[pl.DataFrame, list[str]]:
    """Canonical text columns with value aliases applied, + ignored headers.

    A field the export lacks holds the mapping's default for it, else null. Participant
    fields come with a column per attribute of the mapping (attribute_column).
    """
    used: set[str] = set()
    columns: list[pl.Expr] = [pl.col(LINE)]
    for name in fields:
        header = mapping.header_for(name, headers)
        if header is not None:
            used.add(header)
        column = (
            pl.col(header)
            if header is not None
            else pl.lit(mapping.defaults.get(name), dtype=pl.String)
        )
        aliases = mapping.aliases(name)
        if aliases:
            lowered = column.str.to_lowercase()
            column = (
                pl.when(lowered.is_in(list(aliases)))
                .then(lowered.replace_strict(aliases, default=None))
                .otherwise(column)
            )
        columns.append(column.alias(name))
    if F.ID in fields:
        for spec in mapping.attributes:
            used.add(spec.column)
            columns.append(pl.col(spec.column).alias(attribute_column(spec.name)))
    ignored = [h for h in headers if h not in used]
    return frame.select(columns), ignored


def _number(column: str) -> pl.Expr:
    # French exports write decimals with a comma.
    return pl.col(column).str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)


def _checks(max_text_chars: int) -> list[Check]:
    years = pl.col("__years")
    capacity = pl.col("__capacity")
    role = pl.col(F.ROLE)
    teaches = role.is_in([F.MENTOR, F.BOTH])
    learns = role.is_in([F.MENTEE, F.BOTH])
    checks = [
        Check(F.ID, missing(F.ID), "required field missing"),
        Check(F.DEPARTMENT, missing(F.DEPARTMENT), "required field missing"),
        Check(F.YEARS_EXPERIENCE, missing(F.YEARS_EXPERIENCE), "required field missing"),
        Check(
            F.YEARS_EXPERIENCE,
            pl.col(F.YEARS_EXPERIENCE).is_not_null()
            & (years.is_null() | ~years.is_finite() | (years < 0) | (years > _MAX_YEARS)),
            f"not a number of years between 0 and {_MAX_YEARS}",
        ),
        Check(F.ROLE, missing(F.ROLE), "required field missing"),
        Check(
            F.ROLE,
            role.is_not_null() & ~role.is_in(list(F.ROLES)),
            "not an allowed answer (mentor, mentee, both or a mapped alias)",
        ),
        Check(F.SKILLS, teaches & missing(F.SKILLS), "required for a mentor (role mentor or both)"),
        Check(F.GOALS, learns & missing(F.GOALS), "required for a mentee (role mentee or both)"),
        Check(
            F.MAX_MENTEES,
            pl.col(F.MAX_MENTEES).is_not_null()
            & (
                capacity.is_null()
                | ~capacity.is_finite()
                | (capacity < 0)
                | (capacity > _MAX_CAPACITY)
                | (capacity != capacity.floor())
            ),
            f"not a whole number between 0 and {_MAX_CAPACITY}",
        ),
        Check(
            F.EMAIL,
            pl.col(F.EMAIL).is_not_null() & ~pl.col(F.EMAIL).str.contains(_EMAIL),
            "not a valid e-mail address",
        ),
        Check(
            F.MANAGER_ID,
            pl.col(F.MANAGER_ID).is_not_null() & (pl.col(F.MANAGER_ID) == pl.col(F.ID)),
            "a person cannot be their own manager",
        ),
        Check(
            F.SUBMITTED_AT,
            pl.col(F.SUBMITTED_AT).is_not_null() & pl.col("__submitted").is_null(),
            "not a date and time we can read",
        ),
    ]
    for name in FREE_TEXT_FIELDS:
        checks.append(
            Check(
                name,
                pl.col(name).str.len_chars() > max_text_chars,
                f"longer than {max_text_chars} characters",
            )
        )
    for name in F.PARTICIPANT_FIELDS:
        width = _column_width(name) if name not in FREE_TEXT_FIELDS else None
        if width is not None and name != F.YEARS_EXPERIENCE:
            checks.append(
                Check(name, pl.col(name).str.len_chars() > width, f"longer than {width} characters")
            )
    return checks + control_character_checks(F.PARTICIPANT_FIELDS)


def validate_participants(
    frame: pl.DataFrame, mapping: ColumnMapping, *, max_text_chars: int
) -> tuple[pl.DataFrame, list[RowProblem]]:
    """Valid canonical rows (typed) and the problems of the rejected rows."""
    roles = {**_BUILTIN_ROLES, **mapping.aliases(F.ROLE)}
    typed = frame.with_columns(
        pl.col(F.ID).alias(ROW_ID),
        pl.col(F.ROLE)
        .str.to_lowercase()
        .replace_strict(roles, default=pl.col(F.ROLE))
        .alias(F.ROLE),
        _number(F.YEARS_EXPERIENCE).alias("__years"),
        _number(F.MAX_MENTEES).alias("__capacity"),
        parse_timestamp_column(frame[F.SUBMITTED_AT]).alias("__submitted"),
    )
    typed, attribute_checks = with_attribute_answers(
        typed, mapping.attributes, max_text_chars=max_text_chars
    )
    valid, found = run_checks(typed, _checks(max_text_chars) + attribute_checks)
    return _records_frame(valid), found


def _records_frame(valid: pl.DataFrame) -> pl.DataFrame:
    distinct = valid[F.LANGUAGES].drop_nulls().unique()
    languages = pl.DataFrame(
        {"__raw": distinct, "__codes": [";".join(language_codes(v)) or None for v in distinct]},
        schema={"__raw": pl.String, "__codes": pl.String},
    )
    return (
        valid.join(
            languages, left_on=F.LANGUAGES, right_on="__raw", how="left", maintain_order="left"
        )
        .with_columns(
            pl.col("__years").alias(F.YEARS_EXPERIENCE),
            pl.col("__capacity")
            .fill_null(F.DEFAULT_MAX_MENTEES)
            .cast(pl.Int64)
            .alias(F.MAX_MENTEES),
            pl.col("__submitted").alias(F.SUBMITTED_AT),
            pl.col("__codes").alias(F.LANGUAGES),
        )
        .select(LINE, *F.PARTICIPANT_FIELDS, F.ATTRIBUTES)
    )


def latest_per_id(valid: pl.DataFrame) -> tuple[pl.DataFrame, list[int]]:
    """Keep each id's latest submission (undated count as oldest; ties: later line wins)."""
    ordered = valid.sort([F.SUBMITTED_AT, LINE], nulls_last=False)
    kept = ordered.unique(subset=[F.ID], keep="last", maintain_order=True).sort(LINE)
    superseded = sorted(set(valid[LINE].to_list()) - set(kept[LINE].to_list()))
    return kept, superseded


def to_records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows to upsert; `attributes` None (the mapping has none) leaves the stored ones."""
    records = frame.drop(LINE).to_dicts()
    for record in records:
        stored = record.get(F.ATTRIBUTES)
        record[F.ATTRIBUTES] = None if stored is None else json.loads(stored)
    return records
