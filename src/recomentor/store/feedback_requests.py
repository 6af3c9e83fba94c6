"""Feedback request queries: create per person and check-in, pick recipients, tokens, answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from recomentor.errors import NotFoundError
from recomentor.store.db import affected_rows, batches
from recomentor.store.pairings import ACTIVE
from recomentor.store.tables import (
    FeedbackAnswerRow,
    FeedbackRequestRow,
    FeedbackTokenRow,
    MatchingRow,
    PairingRow,
    ParticipantRow,
)

_CHUNK: Final = 900


@dataclass(frozen=True)
class RecipientRow:
    """Whom a request goes to; name and e-mail are personal data, for the message only."""

    request_id: int
    participant_id: str
    name: str | None
    email: str | None
    languages: str | None
    checkin: str
    emailed: bool
    exported: bool  # listed in a dry-run CSV, for a mail merge
    answered: bool

    @property
    def delivered(self) -> bool:
        return self.emailed or self.exported


def active_pairings(session: Session, matching_id: str | None) -> list[tuple[int, str, str]]:
    """(pairing_id, mentor_id, mentee_id) of the active pairings, of one matching or all;
    NotFoundError for an unknown matching."""
    if matching_id is not None and session.get(MatchingRow, matching_id) is None:
        raise NotFoundError("matching", matching_id)
    query = (
        select(PairingRow.id, PairingRow.mentor_id, PairingRow.mentee_id)
        .where(PairingRow.status == ACTIVE)
        .order_by(PairingRow.id)
    )
    if matching_id is not None:
        query = query.where(PairingRow.matching_id == matching_id)
    return [(int(p), mentor, mentee) for p, mentor, mentee in session.execute(query)]


def ensure_requests(
    session: Session, pairings: Sequence[tuple[int, str, str]], checkin: str, now: datetime
) -> int:
    """One request per pairing, person and check-in: the missing ones are created; how many."""
    wanted = {(pid, person) for pid, mentor, mentee in pairings for person in (mentor, mentee)}
    existing: set[tuple[int, str]] = set()
    for ids in batches(sorted({pid for pid, _, _ in pairings}), _CHUNK):
        query = select(FeedbackRequestRow.pairing_id, FeedbackRequestRow.participant_id).where(
            FeedbackRequestRow.checkin == checkin, FeedbackRequestRow.pairing_id.in_(ids)
        )
        existing.update((int(pid), person) for pid, person in session.execute(query))
    missing = sorted(wanted - existing)
    rows: list[dict[str, object]] = [
        {"pairing_id": pid, "participant_id": person, "checkin": checkin, "created_at": now}
        for pid, person in missing
    ]
    for chunk in batches(rows, _CHUNK):
        session.execute(insert(FeedbackRequestRow), list(chunk))
    return len(rows)


def recipients(session: Session, pairing_ids: Sequence[int], checkin: str) -> list[RecipientRow]:
    """Every request of these pairings at this check-in, with its person and state."""
    found: list[RecipientRow] = []
    request, person = FeedbackRequestRow, ParticipantRow
    for chunk in batches(sorted(set(pairing_ids)), _CHUNK):
        query = (
            select(
                request.id,
                request.participant_id,
                person.name,
                person.email,
                person.languages,
                request.checkin,
                request.sent_at,
                request.exported_at,
                FeedbackAnswerRow.id,
            )
            .join(person, person.id == request.participant_id)
            .outerjoin(FeedbackAnswerRow, FeedbackAnswerRow.request_id == request.id)
            .where(request.checkin == checkin, request.pairing_id.in_(chunk))
        )
        for rid, pid, name, email, languages, check, sent, exported, answer in session.execute(
            query
        ):
            found.append(
                RecipientRow(
                    request_id=int(rid),
                    participant_id=pid,
                    name=name,
                    email=email,
                    languages=languages,
                    checkin=check,
                    emailed=sent is not None,
                    exported=exported is not None,
                    answered=answer is not None,
                )
            )
    found.sort(key=lambda row: row.request_id)
    return found


def add_tokens(session: Session, tokens: Sequence[tuple[str, int, datetime, datetime]]) -> None:
    """(token_hash, request_id, issued_at, expires_at) rows."""
    rows = [
        {"token_hash": h, "request_id": rid, "issued_at": issued, "expires_at": expires}
        for h, rid, issued, expires in tokens
    ]
    for chunk in batches(rows, _CHUNK):
        session.execute(insert(FeedbackTokenRow), list(chunk))


def remove_token(session: Session, token_hash: str) -> None:
    session.execute(delete(FeedbackTokenRow).where(FeedbackTokenRow.token_hash == token_hash))


def claim_first_send(session: Session, request_id: int, now: datetime) -> bool:
    """Mark a request e-mailed before its message goes out; False when it was delivered
    already (by another run meanwhile, by e-mail or CSV). A failed delivery gives the claim
    back (release_first_send): a crash in between loses one message, never sends it twice."""
    row = FeedbackRequestRow
    claimed = session.execute(
        update(row)
        .where(row.id == request_id, row.sent_at.is_(None), row.exported_at.is_(None))
        .values(sent_at=now)
    )
    return affected_rows(claimed) == 1


def release_first_send(session: Session, request_id: int) -> None:
    row = FeedbackRequestRow
    session.execute(update(row).where(row.id == request_id).values(sent_at=None))


def mark_reminded(session: Session, request_id: int, now: datetime) -> None:
    row = FeedbackRequestRow
    session.execute(
        update(row).where(row.id == request_id).values(reminded_at=now, reminders=row.reminders + 1)
    )


def mark_exported(
    session: Session, request_ids: Sequence[int], now: datetime, *, reminder: bool
) -> None:
    """Listed in a CSV for a mail merge; as a reminder it also counts as one."""
    row = FeedbackRequestRow
    values: dict[str, object] = {"exported_at": now}
    if reminder:
        values.update(reminded_at=now, reminders=row.reminders + 1)
    for chunk in batches(sorted(set(request_ids)), _CHUNK):
        session.execute(update(row).where(row.id.in_(chunk)).values(**values))


def request_by_token(
    session: Session, token_hash: str
) -> tuple[FeedbackTokenRow, FeedbackRequestRow, PairingRow] | None:
    """The token, its request and the request's pairing; None for an unknown token."""
    query = (
        select(FeedbackTokenRow, FeedbackRequestRow, PairingRow)
        .join(FeedbackRequestRow, FeedbackRequestRow.id == FeedbackTokenRow.request_id)
        .join(PairingRow, PairingRow.id == FeedbackRequestRow.pairing_id)
        .where(FeedbackTokenRow.token_hash == token_hash)
    )
    found = session.execute(query).first()
    return None if found is None else (found[0], found[1], found[2])


def answer_of(session: Session, request_id: int) -> FeedbackAnswerRow | None:
    return session.scalar(
        select(FeedbackAnswerRow).where(FeedbackAnswerRow.request_id == request_id)
    )


def answers_of_pairing(session: Session, pairing_id: int) -> list[FeedbackAnswerRow]:
    """Both people's answers at every check-in of one pairing, oldest first."""
    query = (
        select(FeedbackAnswerRow)
        .join(FeedbackRequestRow, FeedbackRequestRow.id == FeedbackAnswerRow.request_id)
        .where(FeedbackRequestRow.pairing_id == pairing_id)
        .order_by(FeedbackAnswerRow.answered_at, FeedbackAnswerRow.id)
    )
    return list(session.scalars(query))


def delete_requests_of_person(session: Session, participant_id: str) -> int:
    """Every request, link and answer of the pairings this person was in (both sides: the
    partner's answers are about them) and of the person; how many answers went."""
    pairings = select(PairingRow.id).where(
        (PairingRow.mentor_id == participant_id) | (PairingRow.mentee_id == participant_id)
    )
    requests = select(FeedbackRequestRow.id).where(
        FeedbackRequestRow.pairing_id.in_(pairings)
        | (FeedbackRequestRow.participant_id == participant_id)
    )
    request_ids = list(session.scalars(requests))
    answers = 0
    for chunk in batches(request_ids, _CHUNK):
        answered = FeedbackAnswerRow.request_id.in_(chunk)
        answers += affected_rows(session.execute(delete(FeedbackAnswerRow).where(answered)))
        session.execute(delete(FeedbackTokenRow).where(FeedbackTokenRow.request_id.in_(chunk)))
        session.execute(delete(FeedbackRequestRow).where(FeedbackRequestRow.id.in_(chunk)))
    return answers


@dataclass(frozen=True)
class SendableMatching:
    """A matching whose pairings can be asked for feedback: it has active ones."""

    id: str
    approved_at: datetime | None
    active_pairings: int


def sendable_matchings(session: Session) -> list[SendableMatching]:
    """Matchings with active pairings, newest approval first."""
    query = (
        select(MatchingRow.id, MatchingRow.approved_at, func.count(PairingRow.id))
        .join(PairingRow, PairingRow.matching_id == MatchingRow.id)
        .where(PairingRow.status == ACTIVE)
        .group_by(MatchingRow.id, MatchingRow.approved_at)
        .order_by(MatchingRow.approved_at.desc(), MatchingRow.id)
    )
    return [SendableMatching(mid, at, int(n)) for mid, at, n in session.execute(query)]


def count_active_pairings(session: Session) -> int:
    query = select(func.count()).select_from(PairingRow).where(PairingRow.status == ACTIVE)
    return int(session.scalar(query) or 0)
