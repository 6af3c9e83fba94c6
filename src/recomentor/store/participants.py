"""Participant queries: upsert by id, read, list, contact details and erasure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from recomentor import fields as F
from recomentor.errors import NotFoundError
from recomentor.store.db import affected_rows, batches, upsert_insert
from recomentor.store.pairings import ACTIVE
from recomentor.store.tables import FeedbackRow, PairingRow, ParticipantRow, utcnow
from recomentor.text import strip_accents

# Fields compared to decide whether an upsert changes a stored participant.
_DATA_FIELDS = tuple(f for f in F.PARTICIPANT_FIELDS if f != F.ID)
_CHUNK = 5_000
_ANALYZE_AFTER = 1_000


@dataclass(frozen=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows whose submission is older than the one already stored: the stored one wins.
    stale: int = 0
    # Rows of erased people not newer than their erasure (see suppression.py): not written.
    erased: int = 0


def as_utc(value: datetime | None) -> datetime | None:
    # Stored times come back aware (tables.UTCDateTime); a caller may hand in naive UTC ones.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _same(stored: ParticipantRow, incoming: dict[str, Any]) -> bool:
    for name in _DATA_FIELDS:
        old, new = getattr(stored, name), incoming.get(name)
        if name == F.SUBMITTED_AT:
            new = as_utc(new)
        if old != new:
            return False
    # Records without attributes (None: their mapping had none) keep the stored ones.
    incoming_attributes = incoming.get(F.ATTRIBUTES)
    return incoming_attributes is None or incoming_attributes == (stored.attributes or {})


def _upsert_statement(session: Session, *, attributes: bool) -> Any:
    """INSERT ... ON CONFLICT (id) DO UPDATE, unless the stored submission is the later one.

    Writers of the same new id no longer race between a lookup and an INSERT (two of them both
    inserted and one failed on the primary key); the stale rule is checked by the database
    against the row as it is at write time, so the later submission wins whatever the order.
    """
    statement = upsert_insert(session, ParticipantRow)
    table, new = ParticipantRow.__table__.c, statement.excluded
    changes: dict[str, Any] = {name: new[name] for name in (*_DATA_FIELDS, "updated_at")}
    if attributes:
        changes[F.ATTRIBUTES] = func.coalesce(new[F.ATTRIBUTES], table[F.ATTRIBUTES])
    newer = or_(
        table.submitted_at.is_(None),
        new.submitted_at.is_(None),
        new.submitted_at >= table.submitted_at,
    )
    return statement.on_conflict_do_update(index_elements=[table.id], set_=changes, where=newer)


@dataclass(frozen=True)
class UpsertPlan:
    """What an upsert of `records` would do to the rows as stored now, before writing."""

    counts: UpsertCounts
    # Rows to insert or update, in id order (every writer locks rows in that order).
    writes: list[dict[str, Any]]


def plan_upsert(session: Session, records: Sequence[dict[str, Any]]) -> UpsertPlan:
    """New ids are inserted, changed ones updated unless older than stored, identical ones
    left alone; reads only, so an import's preview counts exactly as its write will."""
    existing: dict[str, ParticipantRow] = {}
    for chunk in batches([r[F.ID] for r in records], _CHUNK):
        for row in session.scalars(select(ParticipantRow).where(ParticipantRow.id.in_(chunk))):
            existing[row.id] = row
    now = utcnow()
    writes: list[dict[str, Any]] = []
    inserted = unchanged = stale = 0
    for record in records:
        stored = existing.get(record[F.ID])
        if stored is None:
            inserted += 1
        elif _same(stored, record):
            unchanged += 1
            continue
        else:
            old_at, new_at = stored.submitted_at, as_utc(record.get(F.SUBMITTED_AT))
            if old_at is not None and new_at is not None and new_at < old_at:
                stale += 1
                continue
        writes.append({F.ATTRIBUTES: None, **record, "created_at": now, "updated_at": now})
    if existing:
        # The ORM identity map holds the old rows; bulk statements of a write bypass it.
        session.expunge_all()
    writes.sort(key=lambda write: str(write[F.ID]))
    counts = UpsertCounts(inserted, len(writes) - inserted, unchanged, stale)
    return UpsertPlan(counts, writes)


def upsert_participants(session: Session, records: Sequence[dict[str, Any]]) -> UpsertCounts:
    """Insert new ids, update changed ones, leave identical ones alone; ids must be unique.

    The counts describe the rows as read before writing; a concurrent writer of the same id
    can turn an insert into an update (or a no-op when its submission is the later one).
    """
    plan = plan_upsert(session, records)
    if plan.writes:
        # Attributes are written only when some record brings them: a record without any
        # keeps the stored ones (coalesce), and the rows of one statement share their columns.
        attributes = any(write.get(F.ATTRIBUTES) is not None for write in plan.writes)
        writes = [
            {F.ATTRIBUTES: None, **write}
            if attributes
            else {k: v for k, v in write.items() if k != F.ATTRIBUTES}
            for write in plan.writes
        ]
        statement = _upsert_statement(session, attributes=attributes)
        for chunk in batches(writes, _CHUNK):
            session.execute(statement, list(chunk))
    if plan.counts.inserted >= _ANALYZE_AFTER:
        # A freshly bulk-loaded table has no statistics yet; without them PostgreSQL plans the
        # next import's `id IN (...)` lookups as sequential scans of the whole table.
        session.execute(text(f"ANALYZE {ParticipantRow.__tablename__}"))
    return plan.counts


def get_participant(session: Session, participant_id: str) -> ParticipantRow:
    row = session.get(ParticipantRow, participant_id)
    if row is None:
        raise NotFoundError("participant", participant_id)
    return row


def lock_participant(session: Session, participant_id: str) -> ParticipantRow:
    """The stored row, write-locked until the transaction ends, for a read-modify-write.

    A no-op UPDATE takes the lock on both databases (SQLite has no SELECT ... FOR UPDATE), so
    two partial updates of different fields cannot undo each other.
    """
    touch = update(ParticipantRow).where(ParticipantRow.id == participant_id)
    touched = session.execute(touch.values(updated_at=ParticipantRow.updated_at))
    if affected_rows(touched) == 0:
        raise NotFoundError("participant", participant_id)
    return get_participant(session, participant_id)


def list_participants(session: Session) -> list[ParticipantRow]:
    return list(session.scalars(select(ParticipantRow).order_by(ParticipantRow.id)))


def count_participants(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ParticipantRow)) or 0)


def existing_ids(session: Session, ids: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in batches(list(set(ids)), _CHUNK):
        found.update(session.scalars(select(ParticipantRow.id).where(ParticipantRow.id.in_(chunk))))
    return found


@dataclass(frozen=True)
class Contact:
    """Who a person is to the people running the program: shown to them, never logged."""

    name: str | None
    email: str | None
    department: str


def read_contacts(session: Session, ids: Iterable[str]) -> dict[str, Contact]:
    """Name, e-mail and department of each of `ids` that is stored; unknown ids are left out."""
    contacts: dict[str, Contact] = {}
    columns = (ParticipantRow.id, ParticipantRow.name, ParticipantRow.email)
    for chunk in batches(sorted(set(ids)), _CHUNK):
        rows = session.execute(
            select(*columns, ParticipantRow.department).where(ParticipantRow.id.in_(chunk))
        )
        for person_id, name, email, department in rows:
            contacts[person_id] = Contact(name, email, department)
    return contacts


def delete_participant_rows(session: Session, participant_id: str) -> dict[str, int]:
    """Delete the person's row and every feedback and pairing row that names them.

    Deletes explicitly rather than trusting ON DELETE CASCADE alone, so erasure is the same on
    a database where foreign keys were not enforced when the rows were written.
    """
    involved = (FeedbackRow.mentor_id == participant_id) | (FeedbackRow.mentee_id == participant_id)
    feedback = affected_rows(session.execute(delete(FeedbackRow).where(involved)))
    paired = (PairingRow.mentor_id == participant_id) | (PairingRow.mentee_id == participant_id)
    pairings = affected_rows(session.execute(delete(PairingRow).where(paired)))
    session.execute(delete(ParticipantRow).where(ParticipantRow.id == participant_id))
    return {"feedback": feedback, "pairings": pairings}


# Search is case- and accent-insensitive: "elodie" finds "Élodie". PostgreSQL folds with
# translate(); SQLite gets a function of ours on the connection (it has no such built-in).
_ACCENTED = "àáâäãåāçćčèéêëēėęìíîïīñńòóôöõōùúûüūýÿžšÀÁÂÄÃÅĀÇĆČÈÉÊËĒĖĘÌÍÎÏĪÑŃÒÓÔÖÕŌÙÚÛÜŪÝŸŽŠ"
_PLAIN = "aaaaaaaccceeeeeeeiiiiinnoooooouuuuuyyzsaaaaaaaccceeeeeeeiiiiinnoooooouuuuuyyzs"
_SQLITE_FOLD = "recomentor_fold"
_SEARCH_SEPARATOR = "\x1f"  # between id, name and department: no query matches across two


@dataclass(frozen=True)
class ParticipantFilters:
    """What the participants page asks for; None means any."""

    text: str | None = None  # part of the id, name or department
    role: str | None = None
    department: str | None = None
    location: str | None = None
    paired: bool | None = None  # in an active pairing (on either side) or not


@dataclass(frozen=True)
class ParticipantListing:
    """One page of participants sorted by name, and how many match in all."""

    rows: list[ParticipantRow]
    total: int
    # Ids of the page's people who are in an active pairing.
    paired: set[str]


def fold_text(text: str | None) -> str:
    """Lower case without accents, as the search compares texts."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    return strip_accents(text).casefold()


def _folded(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        # Registered per query: cheap, and every pooled connection gets it when it is used.
        raw = session.connection().connection.driver_connection
        assert raw is not None  # a connection checked out of the pool is open
        raw.create_function(_SQLITE_FOLD, 1, fold_text, deterministic=True)
        return getattr(func, _SQLITE_FOLD)(column)
    return func.translate(func.lower(column), _ACCENTED, _PLAIN)


def _active_pairing_of(person: Any) -> Any:
    return (
        select(PairingRow.id)
        .where(
            PairingRow.status == ACTIVE,
            (PairingRow.mentor_id == person) | (PairingRow.mentee_id == person),
        )
        .exists()
    )


def search_participants(
    session: Session, filters: ParticipantFilters, *, offset: int, limit: int
) -> ParticipantListing:
    """The participants matching `filters`, sorted by name (then id), `limit` from `offset`."""
    conditions = []
    if filters.text:
        haystack = (
            ParticipantRow.id
            + _SEARCH_SEPARATOR
            + func.coalesce(ParticipantRow.name, "")
            + _SEARCH_SEPARATOR
            + ParticipantRow.department
        )
        conditions.append(
            _folded(session, haystack).contains(fold_text(filters.text), autoescape=True)
        )
    if filters.role:
        conditions.append(ParticipantRow.role == filters.role)
    if filters.department:
        conditions.append(ParticipantRow.department == filters.department)
    if filters.location:
        conditions.append(ParticipantRow.location == filters.location)
    if filters.paired is not None:
        active = _active_pairing_of(ParticipantRow.id)
        conditions.append(active if filters.paired else ~active)
    total = session.scalar(select(func.count()).select_from(ParticipantRow).where(*conditions))
    # Nameless people last; among equal names the id keeps pages stable.
    order = (
        ParticipantRow.name.is_(None),
        _folded(session, ParticipantRow.name),
        ParticipantRow.id,
    )
    rows = list(
        session.scalars(
            select(ParticipantRow).where(*conditions).order_by(*order).offset(offset).limit(limit)
        )
    )
    ids = [row.id for row in rows]
    paired = (
        set(
            session.scalars(
                select(ParticipantRow.id).where(
                    ParticipantRow.id.in_(ids), _active_pairing_of(ParticipantRow.id)
                )
            )
        )
        if ids
        else set()
    )
    return ParticipantListing(rows, int(total or 0), paired)


def participant_facets(session: Session) -> tuple[list[str], list[str]]:
    """Every department and every location given, sorted: the choices of the page's filters."""
    departments = session.scalars(select(ParticipantRow.department).distinct())
    locations = session.scalars(
        select(ParticipantRow.location).where(ParticipantRow.location.is_not(None)).distinct()
    )
    return sorted(departments, key=fold_text), sorted(
        (location for location in locations if location), key=fold_text
    )
