"""Erasure of one person everywhere we keep data about them (GDPR right to erasure)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from recomentor.embeddings import erase_participant_embeddings
from recomentor.sessions.service import erase_from_plans
from recomentor.store import Store
from recomentor.store.db import affected_rows
from recomentor.store.feedback_requests import delete_requests_of_person
from recomentor.store.participants import delete_participant_rows, get_participant
from recomentor.store.tables import (
    EmbeddingRow,
    FeedbackAnswerRow,
    FeedbackRequestRow,
    FeedbackRow,
    FeedbackTokenRow,
    MatchingPairRow,
    MatchingRemovedPairRow,
    MatchingRow,
    MatchingUnpairedRow,
    PairingRow,
    ParticipantRow,
    PlanAttendeeRow,
    PlanSessionRow,
    PlanUnassignedRow,
    SessionPlanRow,
    utcnow,
)
from recomentor.suppression import ErasureKey, record_erasure

# Every table an erasure deletes from or rewrites rows of: their files are scrubbed after it.
ERASED_TABLES = tuple(
    row.__tablename__
    for row in (
        ParticipantRow,
        FeedbackRow,
        FeedbackAnswerRow,
        FeedbackTokenRow,
        FeedbackRequestRow,
        PairingRow,
        MatchingRow,
        MatchingPairRow,
        MatchingUnpairedRow,
        MatchingRemovedPairRow,
        EmbeddingRow,
        SessionPlanRow,
        PlanSessionRow,
        PlanAttendeeRow,
        PlanUnassignedRow,
    )
)


@dataclass(frozen=True)
class ErasureReport:
    feedback: int
    pairings: int
    matching_entries: int
    embeddings: int
    # Answers through feedback links (with their comments) about the person's pairings.
    feedback_answers: int
    # False when the old bytes could not be overwritten yet (see Store.scrub); logged.
    scrubbed: bool


# A matching's snapshots in `params` of both sides, entries led by a participant id:
# [mentor_id, assigned, capacity], [mentee_id, assigned, capacity], [mentor_id, code, detail].
_PEOPLE_IN_PARAMS = ("mentor_load", "mentee_load", "unpaired_mentors")


def _drop_from_mentor_loads(session: Session, participant_id: str) -> None:
    for matching in session.scalars(select(MatchingRow)):
        changed = {}
        for key in _PEOPLE_IN_PARAMS:
            entries = matching.params.get(key, [])
            kept = [entry for entry in entries if entry[0] != participant_id]
            if len(kept) != len(entries):
                changed[key] = kept
        if changed:
            matching.params = {**matching.params, **changed}


def erase_participant(store: Store, participant_id: str, key: ErasureKey) -> ErasureReport:
    """Remove the person's answers, feedback, pairings, matching and session plan entries
    (sessions.service.erase_from_plans) and cached vectors,
    and the feedback requests, links and answers (comments included) of their pairings, the
    partner's as well: those are about the person too.

    A cached vector is kept only when another participant's answers embed the very same text,
    because the cache is keyed by text, not by person. One transaction: all or nothing; it
    also records the erasure (suppression.py) so older answers cannot be imported again.
    Then the files are scrubbed of the deleted bytes. Unknown id -> NotFoundError.
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
        removed = (MatchingRemovedPairRow.mentor_id == participant_id) | (
            MatchingRemovedPairRow.mentee_id == participant_id
        )
        entries += affected_rows(session.execute(delete(MatchingRemovedPairRow).where(removed)))
        _drop_from_mentor_loads(session, participant_id)
        entries += erase_from_plans(session, participant_id)
        answers = delete_requests_of_person(session, participant_id)
        counts = delete_participant_rows(session, participant_id)
        record_erasure(session, participant_id, key, utcnow())
    scrubbed = store.scrub(ERASED_TABLES)
    return ErasureReport(
        feedback=counts["feedback"],
        pairings=counts["pairings"],
        matching_entries=entries,
        embeddings=embeddings,
        feedback_answers=answers,
        scrubbed=scrubbed,
    )
