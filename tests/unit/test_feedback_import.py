"""Feedback import: known ids only, ratings 1-5, outcomes, dates, idempotence."""

from __future__ import annotations

import pytest

from recomentor import fields as F
from recomentor.errors import InvalidInputError, RowsRejectedError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.feedback import all_feedback
from recomentor.store.pairings import end_pairing_row, find_pairing, insert_pairings
from recomentor.store.tables import utcnow
from recomentor.survey import import_feedback, import_participants

PEOPLE = (
    "id,department,years_experience,role,skills,goals\n"
    "J1,IT,2,mentor,SQL,\nS1,Finance,25,mentee,,SQL\n"
)
HEADER = "mentor_id,mentee_id,rating,outcome,submitted_at"


@pytest.fixture
def people(store: Store, settings: Settings) -> Store:
    """J1 and S1, paired (J1 mentors S1)."""
    import_participants(store, PEOPLE.encode(), source="people.csv", settings=settings)
    with store.session() as session:
        insert_pairings(session, [("J1", "S1")], mode=F.REVERSE, matching_id=None)
    return store


def _feedback(store: Store, settings: Settings, text: str, **options):
    return import_feedback(
        store, text.encode(), source="feedback.csv", settings=settings, **options
    )


def test_valid_feedback_is_stored_and_reimport_changes_nothing(
    people: Store, settings: Settings
) -> None:
    text = HEADER + "\nJ1,S1,5,Completed,2026-10-01 10:00\nJ1,S1,3,ongoing,2026-09-01 10:00\n"
    first = _feedback(people, settings, text)
    second = _feedback(people, settings, text)
    assert (first.inserted, second.inserted, second.unchanged) == (2, 0, 2)
    with people.session() as session:
        rows = all_feedback(session)
    assert sorted((r.rating, r.outcome) for r in rows) == [(3, "ongoing"), (5, "completed")]


def test_undated_feedback_for_a_pair_is_replaced_not_duplicated(
    people: Store, settings: Settings
) -> None:
    _feedback(people, settings, HEADER + "\nJ1,S1,2,,\n")
    report = _feedback(people, settings, HEADER + "\nJ1,S1,4,,\n")
    assert (report.inserted, report.updated) == (0, 1)
    with people.session() as session:
        assert [r.rating for r in all_feedback(session)] == [4]


def test_each_bad_feedback_row_is_reported(people: Store, settings: Settings) -> None:
    rows = [
        HEADER,
        "J1,NOBODY,4,,",  # unknown mentee
        "GHOST,S1,4,,",  # unknown mentor
        "J1,S1,6,,",  # rating out of range
        "J1,S1,great,,",  # rating not a number
        "J1,S1,4,finished,",  # unknown outcome
        "J1,S1,4,,31/02/2026",  # impossible date
        "J1,J1,4,,",  # same person
        "J1,S1,,,",  # no rating
        "J1,S1,4,completed,2026-10-01",  # valid
    ]
    with pytest.raises(RowsRejectedError) as error:
        _feedback(people, settings, "\n".join(rows) + "\n")
    assert {(p.line, p.field) for p in error.value.problems} == {
        (2, F.MENTEE_ID),
        (3, F.MENTOR_ID),
        (4, F.RATING),
        (5, F.RATING),
        (6, F.OUTCOME),
        (7, F.SUBMITTED_AT),
        (8, F.MENTEE_ID),
        (9, F.RATING),
    }
    reasons = {p.line: p.reason for p in error.value.problems}
    assert reasons[2] == "not a known participant id"
    assert reasons[4] == "not a whole rating from 1 to 5"
    with people.session() as session:
        assert all_feedback(session) == []
    report = _feedback(people, settings, "\n".join(rows) + "\n", skip_invalid=True)
    assert report.inserted == 1


def test_feedback_file_without_rating_column(people: Store, settings: Settings) -> None:
    with pytest.raises(InvalidInputError, match="rating"):
        _feedback(people, settings, "mentor_id,mentee_id\nJ1,S1\n")


def test_feedback_on_a_pair_never_paired_needs_allow_unpaired(
    store: Store, settings: Settings
) -> None:
    import_participants(store, PEOPLE.encode(), source="people.csv", settings=settings)
    text = HEADER + "\nJ1,S1,4,,2026-10-01\nS1,J1,2,,2026-10-01\n"
    with pytest.raises(RowsRejectedError) as error:
        _feedback(store, settings, text)
    assert [(p.line, p.field, p.row_id) for p in error.value.problems] == [
        (2, "pair", "J1->S1"),
        (3, "pair", "S1->J1"),
    ]
    assert "never paired" in error.value.problems[0].reason
    with store.session() as session:
        assert all_feedback(session) == []
    # History from before the tool: accepted when said so.
    assert _feedback(store, settings, text, allow_unpaired=True).inserted == 2


def test_paired_means_ever_paired_in_that_direction(people: Store, settings: Settings) -> None:
    with people.session() as session:
        end_pairing_row(session, find_pairing(session, "J1", "S1").id, "completed", utcnow())
    # An ended pairing still takes feedback; the reversed pair was never formed (reverse mode).
    report = _feedback(
        people, settings, HEADER + "\nJ1,S1,5,completed,\nS1,J1,3,,\n", skip_invalid=True
    )
    assert report.inserted == 1
    assert [(p.line, p.field) for p in report.rejected] == [(3, "pair")]


def test_a_mutual_pairing_takes_feedback_in_either_order(store: Store, settings: Settings) -> None:
    import_participants(store, PEOPLE.encode(), source="people.csv", settings=settings)
    with store.session() as session:
        insert_pairings(session, [("J1", "S1")], mode=F.MUTUAL, matching_id=None)
    report = _feedback(store, settings, HEADER + "\nJ1,S1,5,,\nS1,J1,4,,\n")
    assert (report.inserted, report.rejected) == (2, [])


@pytest.mark.parametrize("header", ["__line__", "__rating", "__submitted", "__row_id__"])
def test_a_header_named_like_an_internal_column_is_an_ordinary_column(
    people: Store, settings: Settings, header: str
) -> None:
    # Once a raw polars error: the reader's line column shared the headers' names.
    text = f"{header},{HEADER}\n1,J1,S1,5,completed,\nx,J1,S1,9,,\n"
    report = _feedback(people, settings, text, skip_invalid=True)
    assert (report.inserted, report.ignored_columns) == (1, [header])
    assert [(p.line, p.field) for p in report.rejected] == [(3, F.RATING)]
