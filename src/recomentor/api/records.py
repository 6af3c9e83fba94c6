"""JSON participants through the same row validation and upsert as a survey file import."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from recomentor import fields as F
from recomentor.api.schemas import ParticipantIn
from recomentor.errors import RowsRejectedError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.participants import UpsertCounts, upsert_participants
from recomentor.survey import ColumnMapping
from recomentor.survey.participants import latest_per_id, to_records, validate_participants
from recomentor.survey.reader import LINE


def _as_text(participant: ParticipantIn, name: str) -> str | None:
    value = getattr(participant, name)
    if value is None:
        return None
    if name == F.LANGUAGES:
        value = ";".join(value)
    elif name == F.SUBMITTED_AT:
        value = value.isoformat()
    # A blank answer is a missing one, as in a file.
    return str(value).strip() or None


def _frame(participants: Sequence[ParticipantIn]) -> pl.DataFrame:
    # Row validation reads text cells like a file's; "line" is the position in the request.
    columns: dict[str, pl.Series] = {
        LINE: pl.Series(LINE, range(1, len(participants) + 1), dtype=pl.Int64)
    }
    for name in F.PARTICIPANT_FIELDS:
        cells = [_as_text(p, name) for p in participants]
        columns[name] = pl.Series(name, cells, dtype=pl.String)
    return pl.DataFrame(columns)


def upsert_json_participants(
    store: Store, participants: Sequence[ParticipantIn], settings: Settings
) -> UpsertCounts:
    """All or nothing: one bad participant rejects the request with every problem listed."""
    valid, problems = validate_participants(
        _frame(participants), ColumnMapping(), max_text_chars=settings.max_text_chars
    )
    if problems:
        raise RowsRejectedError(problems, what="participants")
    latest, _ = latest_per_id(valid)
    with store.session() as session:
        return upsert_participants(session, to_records(latest))
