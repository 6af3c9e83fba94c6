"""A plan as a CSV with names (one line per attendee) and one iCalendar file per timed session."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from recomentor.sessions.explain import PlannedSession
from recomentor.sessions.service import SessionPlan
from recomentor.store.participants import Contact

_HEADER: Final = (
    "session",
    "topic",
    "slot",
    "start",
    "end",
    "host_id",
    "host_name",
    "attendee_id",
    "attendee_name",
    "goal",
    "skill",
    "similarity",
)
# RFC 5545 3.1: lines longer than 75 octets are folded.
_LINE_OCTETS: Final = 75
_PRODUCT: Final = "-//recomentor//knowledge-sharing sessions//EN"


def _name(person_id: str, people: Mapping[str, Contact]) -> str:
    contact = people.get(person_id)
    return contact.name or "" if contact is not None else ""


def _cell(value: str) -> str:
    # A cell starting like a formula would run in a spreadsheet: quote it as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def plan_csv(plan: SessionPlan, people: Mapping[str, Contact]) -> str:
    """UTF-8 text with ';' separators, one line per attendee of each session."""
    times = {slot.id: slot for slot in plan.settings.slots}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(_HEADER)
    for session in plan.sessions:
        slot = times.get(session.slot or "")
        for attendee in session.explanation.attendees:
            writer.writerow(
                _cell(str(value))
                for value in (
                    session.id,
                    session.topic,
                    session.slot or "",
                    slot.start.isoformat() if slot and slot.start else "",
                    slot.end.isoformat() if slot and slot.end else "",
                    session.host_id,
                    _name(session.host_id, people),
                    attendee.id,
                    _name(attendee.id, people),
                    attendee.goal,
                    attendee.skill,
                    f"{attendee.similarity:.3f}",
                )
            )
    return out.getvalue()


def _escaped(text: str) -> str:
    """TEXT value escaping of RFC 5545 3.3.11."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _folded(line: str) -> str:
    """One content line folded at 75 octets, never inside a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = _LINE_OCTETS if not parts else _LINE_OCTETS - 1
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_ics(
    plan: SessionPlan, session: PlannedSession, people: Mapping[str, Contact], *, now: datetime
) -> str | None:
    """The session as an RFC 5545 VCALENDAR, or None when its slot has no times."""
    slot = next((s for s in plan.settings.slots if s.id == session.slot), None)
    if slot is None or slot.start is None or slot.end is None:
        return None
    host = _name(session.host_id, people) or session.host_id
    attendees = [_name(a, people) or a for a in session.attendee_ids]
    description = f"{session.explanation.summary}\n" + "\n".join(attendees)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{plan.id}-{session.id}@recomentor",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(slot.start)}",
        f"DTEND:{_utc(slot.end)}",
        f"SUMMARY:{_escaped(session.topic)}",
        f"DESCRIPTION:{_escaped(description)}",
        f'ORGANIZER;CN="{host.replace(chr(34), "")}":urn:recomentor:{session.host_id}',
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_folded(line) + "\r\n" for line in lines)


def write_plan(
    plan: SessionPlan, out: Path, people: Mapping[str, Contact], *, now: datetime
) -> list[Path]:
    """The CSV at `out`, and beside it `<stem>-<session>.ics` for each timed session; every
    file written whole or not at all."""
    written = [out]
    files = {out: plan_csv(plan, people).encode("utf-8-sig")}
    for session in plan.sessions:
        calendar = session_ics(plan, session, people, now=now)
        if calendar is not None:
            path = out.with_name(f"{out.stem}-{session.id}.ics")
            files[path] = calendar.encode("utf-8")
            written.append(path)
    for path, content in files.items():
        temporary = path.with_name(path.name + ".part")
        temporary.write_bytes(content)
        temporary.replace(path)
    return written
