"""Erasure of one person everywhere we keep data about them (GDPR right to erasure)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete

from recomentor.embeddings import erase_participant_embeddings
from recomentor.store import Store
from recomentor.store.db import affected_rows
from recomentor.store.participants import delete_participant_rows, get_participant
from recomentor.store.tables import MatchingPairRow, MatchingUnpairedRow


@dataclass(frozen=True)
class ErasureReport:
    feedback: int
    pairings: int
    matching_entries: int
    embeddings: int


def erase_participant(store: Store, participant_id: str) -> ErasureReport:
    """Remove the person's answers, feedback, pairings, matching entries and cached vectors.

    A cached vector is kept only when another participant's answers embed the very same text,
    because the cache is keyed by text, not by person. One transaction: all or nothing.
    Unknown id -> NotFoundError.
    """
    with store.session() as session:
        get_participant(session, participant_id)
        embeddings = erase_participant_embeddings(session, participant_id)
        in_pairs = (MatchingPairRow.mentor_id == participant_id) | (
            MatchingPairRow.mentee_id == participant_id
        )
        entries = affected_rows(session.execute(delete(MatchingPairRow).where(in_pairs)))
        unpaired = MatchingUnpairedRow.mentee_id == participant_id
        entries += affected_rows(session.execute(delete(MatchingUnpairedRow).where(unpaired)))
        counts = delete_participant_rows(session, participant_id)
    return ErasureReport(counts["feedback"], counts["pairings"], entries, embeddings)
