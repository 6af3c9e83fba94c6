"""JSON participants through the same row validation and upsert as a survey file import."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
import polars as pl

from recomentor import fields as F
from recomentor.api.schemas import ParticipantIn, ParticipantPatch
from recomentor.errors import ConflictError, RowProblem, RowsRejectedError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.participants import UpsertCounts, lock_participant
from recomentor.store.tables import ParticipantRow
from recomentor.suppression import load_erasure_key, upsert_unless_erased
from recomentor.survey import ColumnMapping
from recomentor.survey.participants import latest_per_id, to_records, validate_participants
from recomentor.survey.reader import LINE

_MISSING = "missing: send every field, null where the answer is empty (PATCH changes a few)"


def _as_text(participant: ParticipantIn, name: str) -> str | None:
    value = getattr(participant, name)
    if value is None or value is msgspec.UNSET:
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


def _absent_fields(participants: Sequence[ParticipantIn]) -> list[RowProblem]:
    # A field left out is never taken as "empty": that silently erased stored answers.
    return [
        RowProblem(line, name, _MISSING, participant.id)
        for line, participant in enumerate(participants, start=1)
        for name in F.PARTICIPANT_FIELDS
        if getattr(participant, name) is msgspec.UNSET
    ]


def _validated(participants: Sequence[ParticipantIn], settings: Settings) -> pl.DataFrame:
    """The import's row checks; all or nothing, every problem listed."""
    valid, problems = validate_participants(
        _frame(participants), ColumnMapping(), max_text_chars=settings.max_text_chars
    )
    if problems:
        raise RowsRejectedError(problems, what="participants")
    return valid


def upsert_json_participants(
    store: Store, participants: Sequence[ParticipantIn], settings: Settings
) -> UpsertCounts:
    """Complete records only; one bad participant rejects the request with every problem."""
    absent = _absent_fields(participants)
    if absent:
        raise RowsRejectedError(absent, what="participants")
    latest, _ = latest_per_id(_validated(participants, settings))
    key = load_erasure_key(settings)
    records = to_records(latest)
    return store.write(lambda session: upsert_unless_erased(session, records, key))


def stored_fields(row: ParticipantRow) -> dict[str, Any]:
    """The stored record in the JSON shape: languages as a list of codes."""
    fields = {name: getattr(row, name) for name in F.PARTICIPANT_FIELDS}
    fields[F.LANGUAGES] = [code for code in (row.languages or "").split(";") if code]
    return fields


def _sent_fields(changes: ParticipantPatch) -> dict[str, Any]:
    return {
        name: value
        for name, value in msgspec.structs.asdict(changes).items()
        if value is not msgspec.UNSET
    }


def patch_json_participant(
    store: Store, participant_id: str, changes: ParticipantPatch, settings: Settings
) -> None:
    """Change only the fields sent; the merged record passes the same checks as a POST.

    Unknown id -> NotFoundError; a submission older than the stored one or than the person's
    erasure -> ConflictError, and nothing changes.
    """
    key = load_erasure_key(settings)
    with store.session() as session:
        stored = lock_participant(session, participant_id)
        merged = ParticipantIn(**{**stored_fields(stored), **_sent_fields(changes)})
        counts = upsert_unless_erased(session, to_records(_validated([merged], settings)), key)
        if counts.stale or counts.erased:
            raise ConflictError(_refusal(participant_id, counts, stored.submitted_at))


def _refusal(participant_id: str, counts: UpsertCounts, stored_at: datetime | None) -> str:
    if counts.erased:
        return (
            f"participant {participant_id!r} was erased after this submission (or it is "
            "undated); nothing changed"
        )
    return (
        f"participant {participant_id!r}: the stored answers were submitted later "
        f"({stored_at.isoformat() if stored_at else 'unknown'}); nothing changed"
    )
