"""Column mappings saved by name, so the next wave of a survey is imported with the same one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from recomentor import fields as F
from recomentor.errors import ConflictError, InvalidInputError, shown_text
from recomentor.store import Store
from recomentor.store.db import affected_rows
from recomentor.store.tables import SavedMappingRow
from recomentor.survey.mapping import ColumnMapping, parse_mapping

MAX_NAME_CHARS = 100
_CONTROL = re.compile(r"[\x00-\x1F\x7F-\x9F]")
# A mapping names at most every field and a few dozen answer aliases: kilobytes.
MAX_MAPPING_BYTES = 64 * 1024


@dataclass(frozen=True)
class SavedMapping:
    id: int
    name: str
    created_at: datetime
    # Fields it reads from a named column; None when this version no longer reads the mapping.
    mapped_fields: int | None


def mapping_text(raw: bytes, source: str) -> str:
    """An uploaded mapping's TOML text, refused when too large or not UTF-8."""
    if len(raw) > MAX_MAPPING_BYTES:
        raise InvalidInputError(
            f"{source}: the mapping is {len(raw):,} bytes; a mapping holds at most "
            f"{MAX_MAPPING_BYTES:,}"
        )
    if not raw.strip():
        raise InvalidInputError(f"{source}: the mapping file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{source}: the mapping is not UTF-8 text") from None


def parse_participant_mapping(text: str, source: str) -> ColumnMapping:
    return parse_mapping(text, allowed_fields=F.PARTICIPANT_FIELDS, source=source)


def _checked_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError("give the mapping a name")
    if len(cleaned) > MAX_NAME_CHARS:
        raise InvalidInputError(f"a mapping name has at most {MAX_NAME_CHARS} characters")
    if _CONTROL.search(cleaned):
        raise InvalidInputError("a mapping name cannot hold control characters")
    return cleaned


def save_mapping(store: Store, name: str, text: str, *, created_by: int | None) -> SavedMapping:
    """Checks the mapping as an import would read it, then keeps it under a new name."""
    chosen = _checked_name(name)
    mapping = parse_participant_mapping(text, source=f"mapping {chosen!r}")
    taken = ConflictError(
        f"a mapping named {chosen!r} is already saved; delete it first or choose another name"
    )
    try:
        with store.session() as session:
            if session.scalar(select(SavedMappingRow.id).where(SavedMappingRow.name == chosen)):
                raise taken
            row = SavedMappingRow(name=chosen, toml=text, created_by=created_by)
            session.add(row)
            session.flush()
            saved = SavedMapping(row.id, row.name, row.created_at, len(mapping.columns))
    except IntegrityError:
        # Saved by someone else between the look-up and the insert.
        raise taken from None
    return saved


def _fields_of(row: SavedMappingRow) -> int | None:
    try:
        return len(parse_participant_mapping(row.toml, source=row.name).columns)
    except InvalidInputError:
        return None


def list_mappings(store: Store) -> list[SavedMapping]:
    with store.session() as session:
        rows = session.scalars(select(SavedMappingRow).order_by(SavedMappingRow.name))
        return [SavedMapping(r.id, r.name, r.created_at, _fields_of(r)) for r in rows]


def load_saved_mapping(store: Store, name: str) -> ColumnMapping:
    """The mapping saved as `name`, parsed under the rules of this version."""
    with store.session() as session:
        text = session.scalar(select(SavedMappingRow.toml).where(SavedMappingRow.name == name))
    if text is None:
        raise InvalidInputError(f"no mapping is saved as {shown_text(name)!r}")
    return parse_participant_mapping(text, source=f"saved mapping {name!r}")


def delete_mapping(store: Store, mapping_id: int) -> bool:
    """False when it was already gone (deleted from another page meanwhile)."""
    with store.session() as session:
        result = session.execute(delete(SavedMappingRow).where(SavedMappingRow.id == mapping_id))
    return affected_rows(result) > 0
