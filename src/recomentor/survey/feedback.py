"""Validation of feedback rows: known ids, pairs that were paired, ratings 1-5, outcomes, dates."""

from __future__ import annotations

import polars as pl

from recomentor import fields as F
from recomentor.errors import RowProblem
from recomentor.survey.checks import (
    ROW_ID,
    Check,
    control_character_checks,
    missing,
    run_checks,
)
from recomentor.survey.mapping import ColumnMapping
from recomentor.survey.reader import LINE
from recomentor.survey.timestamps import parse_timestamp_column

PAIR = "pair"
NEVER_PAIRED = (
    "these two were never paired; feedback on a pairing from before recomentor must be "
    "marked as unpaired"
)
# Joins the two ids of a pair into one key; ids never contain it (it is a control character).
_SEPARATOR = "\x1f"


def pair_key(mentor_id: str, mentee_id: str) -> str:
    return f"{mentor_id}{_SEPARATOR}{mentee_id}"


def validate_feedback(
    frame: pl.DataFrame,
    mapping: ColumnMapping,
    *,
    known_ids: set[str],
    paired: set[tuple[str, str]] | None = None,
) -> tuple[pl.DataFrame, list[RowProblem]]:
    """Valid rows and the problems of the others; `paired` (the pairs feedback may be given
    for) refuses feedback on any other pair, None accepts it (history from before the tool)."""
    rating = pl.col("__rating")
    outcome = pl.col(F.OUTCOME).str.to_lowercase()
    typed = frame.with_columns(
        pl.concat_str(
            pl.col(F.MENTOR_ID), pl.lit("->"), pl.col(F.MENTEE_ID), ignore_nulls=True
        ).alias(ROW_ID),
        pl.col(F.RATING)
        .str.replace(",", ".", literal=True)
        .cast(pl.Float64, strict=False)
        .alias("__rating"),
        parse_timestamp_column(frame[F.SUBMITTED_AT]).alias("__submitted"),
    )
    known = sorted(known_ids)
    checks = [
        Check(F.MENTOR_ID, missing(F.MENTOR_ID), "required field missing"),
        Check(
            F.MENTOR_ID,
            pl.col(F.MENTOR_ID).is_not_null() & ~pl.col(F.MENTOR_ID).is_in(known),
            "not a known participant id",
        ),
        Check(F.MENTEE_ID, missing(F.MENTEE_ID), "required field missing"),
        Check(
            F.MENTEE_ID,
            pl.col(F.MENTEE_ID).is_not_null() & ~pl.col(F.MENTEE_ID).is_in(known),
            "not a known participant id",
        ),
        Check(
            F.MENTEE_ID,
            pl.col(F.MENTEE_ID) == pl.col(F.MENTOR_ID),
            "mentor and mentee are the same person",
        ),
        *_pair_checks(known, paired),
        Check(F.RATING, missing(F.RATING), "required field missing"),
        Check(
            F.RATING,
            pl.col(F.RATING).is_not_null()
            & (
                rating.is_null()
                | ~rating.is_finite()
                | (rating != rating.floor())
                | (rating < 1)
                | (rating > 5)
            ),
            "not a whole rating from 1 to 5",
        ),
        Check(
            F.OUTCOME,
            pl.col(F.OUTCOME).is_not_null() & ~outcome.is_in(list(F.OUTCOMES)),
            "not one of completed, ongoing, dropped",
        ),
        Check(
            F.SUBMITTED_AT,
            pl.col(F.SUBMITTED_AT).is_not_null() & pl.col("__submitted").is_null(),
            "not a date and time we can read",
        ),
        *control_character_checks(F.FEEDBACK_FIELDS),
    ]
    valid, found = run_checks(typed, checks)
    records = valid.select(
        LINE,
        F.MENTOR_ID,
        F.MENTEE_ID,
        pl.col("__rating").cast(pl.Int64).alias(F.RATING),
        outcome.alias(F.OUTCOME),
        pl.col("__submitted").alias(F.SUBMITTED_AT),
    )
    # The same pair and time twice in one file: the later line wins.
    records = records.unique(
        subset=[F.MENTOR_ID, F.MENTEE_ID, F.SUBMITTED_AT], keep="last", maintain_order=True
    )
    return records, found


def _pair_checks(known: list[str], paired: set[tuple[str, str]] | None) -> list[Check]:
    if paired is None:
        return []
    both_known = (
        pl.col(F.MENTOR_ID).is_in(known)
        & pl.col(F.MENTEE_ID).is_in(known)
        & (pl.col(F.MENTOR_ID) != pl.col(F.MENTEE_ID))
    )
    key = pl.concat_str(pl.col(F.MENTOR_ID), pl.lit(_SEPARATOR), pl.col(F.MENTEE_ID))
    keys = sorted(pair_key(mentor, mentee) for mentor, mentee in paired)
    return [Check(PAIR, both_known & ~key.is_in(keys), NEVER_PAIRED)]
