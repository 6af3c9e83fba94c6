"""Time slots of a session plan, read from a CSV file: `id,start,end`, one slot a line."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Final

import msgspec

from recomentor.errors import InvalidInputError, shown_text

_COLUMNS: Final = ("id", "start", "end")
MAX_SLOTS: Final = 200
_MAX_ID: Final = 64


class Slot(msgspec.Struct, frozen=True):
    """A time slot; `start` and `end` are both set (aware datetimes) or both None."""

    id: str
    start: datetime | None = None
    end: datetime | None = None

    @property
    def timed(self) -> bool:
        return self.start is not None and self.end is not None


def _moment(raw: str, column: str, where: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError(
            f"{where}: {column} must be an ISO 8601 date and time such as "
            f"2026-10-05T09:00+02:00, got {shown_text(raw)!r}"
        ) from None
    if value.tzinfo is None:
        raise InvalidInputError(
            f"{where}: {column} needs a UTC offset (e.g. 2026-10-05T09:00+02:00 or ...Z)"
        )
    return value


def parse_slots(text: str, *, source: str = "slots") -> tuple[Slot, ...]:
    """Slots from CSV text (comma or semicolon separated, header `id,start,end`; start and end
    may be left out or empty for untimed slots). Any problem raises InvalidInputError naming
    the line."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise InvalidInputError(f"{source}: empty file; expected a header line id,start,end")
    header_line, header = rows[0]
    names = [cell.strip().casefold() for cell in header]
    if (
        names[:1] != ["id"]
        or any(name not in _COLUMNS for name in names)
        or len(set(names)) < len(names)
    ):
        raise InvalidInputError(
            f"{source}, line {header_line}: the header must be id,start,end "
            "(start and end may be left out)"
        )
    if ("start" in names) != ("end" in names):
        raise InvalidInputError(f"{source}, line {header_line}: give both start and end, or none")
    slots: list[Slot] = []
    seen: set[str] = set()
    for line, row in rows[1:]:
        where = f"{source}, line {line}"
        if len(row) > len(names):
            raise InvalidInputError(f"{where}: {len(row)} cells for {len(names)} columns")
        cells = dict(zip(names, (cell.strip() for cell in row), strict=False))
        slot_id = cells.get("id", "")
        if not slot_id or len(slot_id) > _MAX_ID:
            raise InvalidInputError(f"{where}: id must be 1 to {_MAX_ID} characters")
        if slot_id in seen:
            raise InvalidInputError(f"{where}: slot {shown_text(slot_id)!r} is given twice")
        seen.add(slot_id)
        start_raw, end_raw = cells.get("start", ""), cells.get("end", "")
        if bool(start_raw) != bool(end_raw):
            raise InvalidInputError(f"{where}: give both start and end, or neither")
        if not start_raw:
            slots.append(Slot(slot_id))
            continue
        start, end = _moment(start_raw, "start", where), _moment(end_raw, "end", where)
        if end <= start:
            raise InvalidInputError(f"{where}: end must come after start")
        slots.append(Slot(slot_id, start, end))
    if not slots:
        raise InvalidInputError(f"{source}: no slot below the header")
    if len(slots) > MAX_SLOTS:
        raise InvalidInputError(f"{source}: {len(slots)} slots; at most {MAX_SLOTS}")
    return tuple(slots)


def load_slots(path: Path | str) -> tuple[Slot, ...]:
    """Slots from a CSV file; unreadable files raise InvalidInputError."""
    location = Path(path)
    try:
        text = location.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise InvalidInputError(
            f"cannot read slots file {shown_text(location.name)} (UTF-8 CSV expected)"
        ) from None
    return parse_slots(text, source=shown_text(location.name))
