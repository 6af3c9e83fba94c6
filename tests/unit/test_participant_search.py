"""The participants page's query on both databases: folded search, filters, name order, pages."""

from __future__ import annotations

from typing import Any

from recomentor import fields as F
from recomentor.store import Store
from recomentor.store.participants import (
    ParticipantFilters,
    participant_facets,
    search_participants,
    upsert_participants,
)
from recomentor.store.tables import PairingRow
from tests.fakes import person

NAMES = {"A": "Émile Zola", "B": "zoé Durand", "C": "Ángel Núñez", "D": None, "E": "Agnès Ébène"}


def _store(store: Store) -> Store:
    records = []
    for person_id, name in NAMES.items():
        record = person(person_id, department="Ressources humaines" if person_id == "E" else "IT")
        record[F.NAME] = name
        records.append(record)
    records[2][F.ROLE] = F.MENTEE
    records[2][F.YEARS_EXPERIENCE] = 25.0
    records[2][F.LOCATION] = "Lyon"
    with store.session() as session:
        upsert_participants(session, records)
        session.add(PairingRow(mentor_id="A", mentee_id="C", mode=F.REVERSE, status="active"))
    return store


def _ids(store: Store, offset: int = 0, limit: int = 50, **filters: Any) -> list[str]:
    with store.session() as session:
        found = search_participants(
            session, ParticipantFilters(**filters), offset=offset, limit=limit
        )
        return [row.id for row in found.rows]


def test_search_folds_case_and_accents_and_sorts_by_folded_name(store: Store) -> None:
    _store(store)
    # Agnès, Ángel, Émile, zoé; the nameless last.
    assert _ids(store) == ["E", "C", "A", "B", "D"]
    assert _ids(store, text="EMILE") == ["A"]
    assert _ids(store, text="nunez") == ["C"]
    assert _ids(store, text="ZOÉ") == ["B"]
    assert _ids(store, text="ressources hum") == ["E"]
    assert _ids(store, text="%") == [] and _ids(store, text="_") == []
    assert _ids(store, offset=1, limit=2) == ["C", "A"]
    with store.session() as session:
        listing = search_participants(session, ParticipantFilters(text="e"), offset=0, limit=2)
        assert listing.total == 4 and [r.id for r in listing.rows] == ["E", "C"]
        assert listing.paired == {"C"}
        assert participant_facets(session) == (["IT", "Ressources humaines"], ["Lyon", "Paris"])


def test_filters_combine(store: Store) -> None:
    _store(store)
    assert _ids(store, role=F.MENTEE) == ["C"]
    assert _ids(store, location="Lyon") == ["C"]
    assert _ids(store, department="IT", paired=True) == ["C", "A"]
    assert _ids(store, paired=False) == ["E", "B", "D"]
