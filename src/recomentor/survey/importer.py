"""Imports of participant surveys and feedback files: read, map, validate, store in one go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
import polars as pl
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recomentor import fields as F
from recomentor.attributes import AttributeSpec
from recomentor.errors import (
    ConflictError,
    InvalidInputError,
    RowProblem,
    RowsRejectedError,
    shown_text,
)
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.attributes import save_definitions
from recomentor.store.feedback import FeedbackStatus, upsert_feedback, upsert_one_feedback
from recomentor.store.import_runs import ImportRun, record_import_run
from recomentor.store.pairings import rated_pairs, was_paired
from recomentor.store.participants import UpsertCounts, existing_ids
from recomentor.store.tables import utcnow
from recomentor.suppression import (
    load_erasure_key,
    plan_unless_erased,
    upsert_unless_erased,
)
from recomentor.survey.attribute_answers import answered
from recomentor.survey.checks import control_character_problems, without_control_characters
from recomentor.survey.feedback import NEVER_PAIRED, validate_feedback
from recomentor.survey.mapping import ColumnMapping
from recomentor.survey.participants import (
    canonical_frame,
    latest_per_id,
    to_records,
    validate_participants,
)
from recomentor.survey.reader import LINE, RawTable, ReadLimits, read_table


class AttributeSummary(msgspec.Struct, kw_only=True):
    """One attribute an import read: its name, type, column, and how many rows answered it."""

    name: str
    type: str
    column: str
    answered: int


class ImportReport(msgspec.Struct, kw_only=True):
    """What an import read, stored and rejected: the CLI's `--json` and the API return it as is.

    No field has a default, so the API documents every one as always present.
    """

    source: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    stale: int
    # Ids erased earlier whose row is not newer than the erasure: not imported again.
    erased: int
    superseded_lines: list[int]
    rejected: list[RowProblem]
    rejected_rows: int  # distinct lines among `rejected`
    ignored_columns: list[str]
    encoding: str
    delimiter: str | None
    # The mapping's attributes (empty when it declares none), in its order.
    attributes: list[AttributeSummary]

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({p.line for p in self.rejected})


def _require_columns(
    table: RawTable, mapping: ColumnMapping, required: tuple[str, ...], source: str
) -> None:
    absent = [
        name
        for name in required
        if mapping.header_for(name, table.headers) is None and name not in mapping.defaults
    ]
    if not absent:
        return
    described = ", ".join(
        f"{name} (mapped to {mapping.columns[name]!r})" if name in mapping.columns else name
        for name in absent
    )
    # The file's own headers are not repeated: without a header row, the first line read as
    # headers is somebody's answers. Field names and the mapping's headers are ours to name.
    known = set(F.PARTICIPANT_FIELDS) | set(F.FEEDBACK_FIELDS) | set(mapping.columns.values())
    recognised = sum(1 for header in table.headers if header in known)
    hint = (
        "none of them is a field name or a mapped header: is the header line missing, or is "
        "a mapping needed?"
        if recognised == 0
        else f"{recognised} of them name a field or a mapped header"
    )
    raise InvalidInputError(
        f"{source}: no column for required field(s) {described}; the header line has "
        f"{len(table.headers)} columns, {hint}"
    )


def _require_attribute_columns(
    table: RawTable, attributes: tuple[AttributeSpec, ...], source: str
) -> None:
    # A misspelt header would otherwise leave everybody without an answer, silently.
    present = set(table.headers)
    absent = [spec for spec in attributes if spec.column not in present]
    if absent:
        described = ", ".join(f"{spec.name} (mapped to {spec.column!r})" for spec in absent)
        raise InvalidInputError(f"{source}: no column for attribute(s) {described}")


def _refuse_shared_columns(
    table: RawTable, mapping: ColumnMapping, fields: tuple[str, ...], source: str
) -> None:
    """Two fields read from one column would store one answer twice and drop another."""
    taken: dict[str, str] = {}
    for name in fields:
        header = mapping.header_for(name, table.headers)
        if header is None:
            continue
        if header in taken:
            raise InvalidInputError(
                f"{source}: fields {taken[header]} and {name} would both be read from column "
                f"{header!r}; map each field to its own column"
            )
        taken[header] = name


@dataclass(frozen=True)
class _Mapped:
    """An export read and mapped to canonical text columns, before any validation."""

    table: RawTable
    frame: pl.DataFrame
    ignored: list[str]
    attributes: tuple[AttributeSpec, ...]

    def report(
        self, source: str, problems: list[RowProblem], superseded: list[int]
    ) -> ImportReport:
        return ImportReport(
            source=source,
            rows_read=self.frame.height,
            inserted=0,
            updated=0,
            unchanged=0,
            stale=0,
            erased=0,
            superseded_lines=superseded,
            rejected=problems,
            rejected_rows=len({p.line for p in problems}),
            ignored_columns=[shown_text(header) for header in self.ignored],
            encoding=self.table.encoding,
            delimiter=self.table.delimiter,
            attributes=[
                AttributeSummary(
                    name=spec.name,
                    type=spec.type,
                    column=shown_text(spec.column),
                    answered=answered(self.frame, spec),
                )
                for spec in self.attributes
            ],
        )


def _read_mapped(
    data: bytes,
    source: str,
    settings: Settings,
    mapping: ColumnMapping,
    fields: tuple[str, ...],
    required: tuple[str, ...],
) -> _Mapped:
    table = read_table(data, source=source, limits=ReadLimits.of(settings))
    _require_columns(table, mapping, required, source)
    attributes = mapping.attributes if F.ID in fields else ()
    _require_attribute_columns(table, attributes, source)
    _refuse_shared_columns(table, mapping, fields, source)
    frame, ignored = canonical_frame(table.frame, table.headers, mapping, fields)
    return _Mapped(table, frame, ignored, attributes)


@dataclass(frozen=True)
class _CheckedParticipants:
    mapped: _Mapped
    latest: pl.DataFrame  # the valid rows, each id's latest submission only
    problems: list[RowProblem]
    superseded: list[int]

    def report(self, source: str) -> ImportReport:
        return self.mapped.report(source, self.problems, self.superseded)


def _check_participants(
    data: bytes, source: str, settings: Settings, mapping: ColumnMapping
) -> _CheckedParticipants:
    mapped = _read_mapped(
        data, source, settings, mapping, F.PARTICIPANT_FIELDS, F.REQUIRED_PARTICIPANT_FIELDS
    )
    valid, problems = validate_participants(
        mapped.frame, mapping, max_text_chars=settings.max_text_chars
    )
    latest, superseded = latest_per_id(valid)
    return _CheckedParticipants(mapped, latest, problems, superseded)


def import_participants(
    store: Store,
    data: bytes,
    *,
    source: str,
    settings: Settings,
    mapping: ColumnMapping | None = None,
    skip_invalid: bool = False,
    imported_by: int | None = None,
) -> ImportReport:
    """Validate every row, then upsert all valid rows in one transaction (or none when strict).

    The run is logged in the same transaction (when, `imported_by` a web user, the counts).
    """
    checked = _check_participants(data, source, settings, mapping or ColumnMapping())
    if checked.problems and not skip_invalid:
        raise RowsRejectedError(checked.problems, what="rows")
    report = checked.report(source)
    key = load_erasure_key(settings)
    records = to_records(checked.latest)

    definitions = [spec.definition for spec in checked.mapped.attributes]

    def store_rows(session: Session) -> UpsertCounts:
        save_definitions(session, definitions)
        counts = upsert_unless_erased(session, records, key)
        run = ImportRun(
            finished_at=utcnow(),
            user_id=imported_by,
            rows_read=report.rows_read,
            inserted=counts.inserted,
            updated=counts.updated,
            unchanged=counts.unchanged,
            rejected_rows=report.rejected_rows,
        )
        record_import_run(session, run)
        return counts

    counts = store.write(store_rows)
    report.inserted, report.updated = counts.inserted, counts.updated
    report.unchanged, report.stale, report.erased = counts.unchanged, counts.stale, counts.erased
    return report


# Rows of the file a preview shows as mapped, before anything is stored.
PREVIEW_ROWS = 10


@dataclass(frozen=True)
class ImportPreview:
    """What `import_participants` would do with a file now, worked out without writing."""

    # Counts as the import would report them with the invalid rows skipped; `rejected` lists
    # every problem, which a strict import refuses the whole file for.
    report: ImportReport
    # The first rows as mapped to canonical fields (text, value aliases applied), with "line".
    first_rows: list[dict[str, str | int | None]]

    @property
    def valid_rows(self) -> int:
        return self.report.rows_read - self.report.rejected_rows

    def importable(self, *, skip_invalid: bool) -> bool:
        """A strict import stores nothing when any row is invalid; a file with no valid row
        has nothing to store either way."""
        if self.valid_rows == 0:
            return False
        return skip_invalid or not self.report.rejected


def preview_participants(
    store: Store,
    data: bytes,
    *,
    source: str,
    settings: Settings,
    mapping: ColumnMapping | None = None,
    rows: int = PREVIEW_ROWS,
) -> ImportPreview:
    """The import's checks and counts under the same rules and limits, reading only."""
    checked = _check_participants(data, source, settings, mapping or ColumnMapping())
    report = checked.report(source)
    key = load_erasure_key(settings)
    records = to_records(checked.latest)
    with store.session() as session:
        counts = plan_unless_erased(session, records, key)
    report.inserted, report.updated = counts.inserted, counts.updated
    report.unchanged, report.stale, report.erased = counts.unchanged, counts.stale, counts.erased
    first = checked.mapped.frame.head(rows).rename({LINE: "line"})
    return ImportPreview(report=report, first_rows=first.to_dicts())


def import_feedback(
    store: Store,
    data: bytes,
    *,
    source: str,
    settings: Settings,
    mapping: ColumnMapping | None = None,
    skip_invalid: bool = False,
    allow_unpaired: bool = False,
) -> ImportReport:
    """Validate every feedback row against the stored participants and pairings, then upsert
    in one go. Feedback on a pair that was never paired is refused unless `allow_unpaired`
    (history from before recomentor)."""
    mapping = mapping or ColumnMapping()
    mapped = _read_mapped(
        data, source, settings, mapping, F.FEEDBACK_FIELDS, F.REQUIRED_FEEDBACK_FIELDS
    )
    frame = mapped.frame
    mentioned = without_control_characters(
        pl.concat([frame[F.MENTOR_ID], frame[F.MENTEE_ID]]).drop_nulls().unique()
    )
    with store.session() as session:
        known = existing_ids(session, mentioned.to_list())
        paired = None if allow_unpaired else rated_pairs(session)
    valid, problems = validate_feedback(frame, mapping, known_ids=known, paired=paired)
    if problems and not skip_invalid:
        raise RowsRejectedError(problems, what="feedback rows")
    # Rows neither kept nor rejected repeated a pair and time that a later line gave again.
    rejected_lines = {p.line for p in problems}
    kept = set(valid[LINE].to_list())
    superseded = sorted(set(frame[LINE].to_list()) - kept - rejected_lines)
    report = mapped.report(source, problems, superseded)
    with store.session() as session:
        counts = upsert_feedback(session, valid.drop(LINE).to_dicts())
    report.inserted, report.updated = counts.inserted, counts.updated
    report.unchanged = counts.unchanged
    return report


@dataclass(frozen=True)
class RecordedFeedback:
    id: int
    status: FeedbackStatus


def record_feedback(
    store: Store, record: dict[str, Any], *, allow_unpaired: bool = False
) -> RecordedFeedback:
    """One feedback (API) under the checks of a file row; the same pair and submission time
    sent again is the same row, reported unchanged (or updated when the rating changed)."""
    # A file row's refusal of control characters, before any lookup (PostgreSQL refuses NUL).
    unreadable = control_character_problems(
        {F.MENTOR_ID: record[F.MENTOR_ID], F.MENTEE_ID: record[F.MENTEE_ID]}
    )
    if unreadable:
        raise RowsRejectedError(unreadable, what="feedback")
    if record[F.MENTOR_ID] == record[F.MENTEE_ID]:
        raise InvalidInputError("mentor_id and mentee_id must be two different participants")
    try:
        return _record_once(store, record, allow_unpaired)
    except IntegrityError:
        pass
    # A concurrent request committed the same feedback in between; this time it is found.
    try:
        return _record_once(store, record, allow_unpaired)
    except IntegrityError:
        raise ConflictError("the same feedback is being recorded concurrently") from None


def _record_once(store: Store, record: dict[str, Any], allow_unpaired: bool) -> RecordedFeedback:
    mentor_id, mentee_id = record[F.MENTOR_ID], record[F.MENTEE_ID]
    with store.session() as session:
        known = existing_ids(session, [mentor_id, mentee_id])
        for name in (F.MENTOR_ID, F.MENTEE_ID):
            if record[name] not in known:
                raise InvalidInputError(f"{name} {record[name]!r} is not a known participant")
        if not allow_unpaired and not was_paired(session, mentor_id, mentee_id):
            raise InvalidInputError(f"{mentor_id} -> {mentee_id}: {NEVER_PAIRED}")
        return RecordedFeedback(*upsert_one_feedback(session, record))
