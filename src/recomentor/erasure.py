"""Erasure of one person everywhere we keep data about them (GDPR right to erasure)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select

from recomentor.store import Store
from recomentor.store.db import affected_rows
from recomentor.store.participants import delete_participant_rows, get_participant
from recomentor.store.tables import (
    EmbeddingRow,
    MatchingPairRow,
    MatchingUnpairedRow,
    ParticipantRow,
)
from recomentor.text import split_items, text_hash


@dataclass(frozen=True)
class ErasureReport:
    feedback: int
    pairings: int
    matching_entries: int
    embeddings: int


def _embedded_hashes(skills: str | None, goals: str | None) -> set[str]:
    # The same texts the encoder caches for a person: whole answers and each item.
    texts = [t for t in (skills, goals) if t] + split_items(skills) + split_items(goals)
    return {text_hash(t) for t in texts}


def erase_participant(store: Store, participant_id: str) -> ErasureReport:
    """Remove the person's row, feedback, pairings, matching entries and unshared embeddings.

    A cached vector is deleted unless another participant's answers embed the very same text,
    because the cache is keyed by text, not by person. Unknown id -> NotFoundError.
    """
    with store.session() as session:
        person = get_participant(session, participant_id)
        own = _embedded_hashes(person.skills, person.goals)
        shared: set[str] = set()
        others = select(ParticipantRow.skills, ParticipantRow.goals).where(
            ParticipantRow.id != participant_id
        )
        for skills, goals in session.execute(others):
            shared |= own & _embedded_hashes(skills, goals)
        erasable = sorted(own - shared)
        embeddings = 0
        for start in range(0, len(erasable), 500):
            chunk = erasable[start : start + 500]
            result = session.execute(delete(EmbeddingRow).where(EmbeddingRow.text_hash.in_(chunk)))
            embeddings += affected_rows(result)
        entries = 0
        for table in (MatchingPairRow, MatchingUnpairedRow):
            involved = [table.mentee_id == participant_id]
            if table is MatchingPairRow:
                involved.append(MatchingPairRow.mentor_id == participant_id)
            result = session.execute(delete(table).where(or_(*involved)))
            entries += affected_rows(result)
        counts = delete_participant_rows(session, participant_id)
    return ErasureReport(counts["feedback"], counts["pairings"], entries, embeddings)
