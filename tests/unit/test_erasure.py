"""Erasure removes a person everywhere: answers, feedback, pairings, matchings, cached vectors."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from recomentor.erasure import erase_participant
from recomentor.errors import NotFoundError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.tables import (
    EmbeddingRow,
    FeedbackRow,
    MatchingPairRow,
    MatchingRow,
    MatchingUnpairedRow,
    PairingRow,
    ParticipantRow,
)
from recomentor.survey import import_participants
from recomentor.text import split_items, text_hash

PEOPLE = (
    "id,department,years_experience,role,skills,goals\n"
    'J1,IT,2,mentor,"TikTok, Secret hobby of J1",\n'
    "J2,IT,1,mentor,TikTok,\n"
    "S1,Finance,25,mentee,,Comprendre TikTok\n"
)


def _cache(session, text: str) -> None:
    vector = np.ones(4, dtype="<f4").tobytes()
    session.add(EmbeddingRow(model_id="m", text_hash=text_hash(text), dim=4, vector=vector))


def _count(session, table) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_erasure_removes_the_person_everywhere(store: Store, settings: Settings) -> None:
    import_participants(store, PEOPLE.encode(), source="p.csv", settings=settings)
    with store.session() as session:
        for text in [
            "TikTok, Secret hobby of J1",
            "TikTok",
            "Secret hobby of J1",
            "Comprendre TikTok",
        ]:
            _cache(session, text)
        session.add(FeedbackRow(mentor_id="J1", mentee_id="S1", rating=5))
        session.add(FeedbackRow(mentor_id="J2", mentee_id="S1", rating=3))
        session.add(PairingRow(mentor_id="J1", mentee_id="S1", mode="reverse"))
        loads = {"mentor_load": [["J1", 1, 2], ["J2", 0, 1]]}
        session.add(MatchingRow(id="m1", mode="reverse", objective="score", params=loads))
        session.flush()
        session.add(
            MatchingPairRow(
                matching_id="m1", mentor_id="J1", mentee_id="S1", score=0.5, explanation={}
            )
        )
        session.add(MatchingUnpairedRow(matching_id="m1", mentee_id="S1", reason="x"))

    report = erase_participant(store, "J1")

    assert (report.feedback, report.pairings, report.matching_entries) == (1, 1, 1)
    # J1's whole answer and private item go; "TikTok" stays because J2 wrote it too.
    assert report.embeddings == 2
    with store.session() as session:
        assert session.get(ParticipantRow, "J1") is None
        remaining = set(session.scalars(select(EmbeddingRow.text_hash)))
        assert remaining == {text_hash("TikTok"), text_hash("Comprendre TikTok")}
        assert [(f.mentor_id, f.rating) for f in session.scalars(select(FeedbackRow))] == [
            ("J2", 3)
        ]
        assert _count(session, PairingRow) == 0
        assert _count(session, MatchingPairRow) == 0
        assert _count(session, MatchingUnpairedRow) == 1  # S1's entry is S1's, not J1's
        assert _count(session, ParticipantRow) == 2
        assert session.get(MatchingRow, "m1").params["mentor_load"] == [["J2", 0, 1]]
    assert split_items("TikTok, Secret hobby of J1") == ["TikTok", "Secret hobby of J1"]


def test_erasing_an_unknown_id_is_an_error_and_changes_nothing(
    store: Store, settings: Settings
) -> None:
    import_participants(store, PEOPLE.encode(), source="p.csv", settings=settings)
    with pytest.raises(NotFoundError, match="unknown participant id 'NOPE'"):
        erase_participant(store, "NOPE")
    with store.session() as session:
        assert _count(session, ParticipantRow) == 3
