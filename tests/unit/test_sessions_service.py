"""Session plans stored as drafts: read back, approved or discarded, counted later, erased."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from recomentor import fields as F
from recomentor.erasure import erase_participant
from recomentor.errors import ConflictError, InvalidInputError, NotFoundError
from recomentor.ranking.roster import Roster
from recomentor.sessions.export import plan_csv, session_ics
from recomentor.sessions.plan import PlanOptions
from recomentor.sessions.service import (
    APPROVED,
    DISCARDED,
    SessionPlan,
    approve_plan,
    create_plan,
    discard_plan,
    get_plan,
    list_plans,
)
from recomentor.sessions.slots import parse_slots
from recomentor.store import Store
from recomentor.store.participants import Contact
from recomentor.store.tables import PlanSessionRow
from recomentor.suppression import ErasureKey
from tests.fakes import build_roster, person

SOCIAL = "Instagram et TikTok, vidéos courtes"
WANT = "Instagram et TikTok"
SLOTS = parse_slots(
    "id,start,end\n"
    "am,2026-10-05T09:00+02:00,2026-10-05T10:30+02:00\n"
    "pm,2026-10-05T14:00+02:00,2026-10-05T15:30+02:00\n"
)


@pytest.fixture
def roster(sqlite_store: Store) -> Roster:
    return build_roster(
        sqlite_store,
        [
            person("J1", years=1, skills=SOCIAL),
            person("J2", years=2, skills=SOCIAL),
            *[person(f"S{i}", role=F.MENTEE, years=20 + i, goals=WANT) for i in range(1, 6)],
        ],
    )


def _options(**kwargs: object) -> PlanOptions:
    base: dict[str, object] = {
        "size_min": 2,
        "size_max": 3,
        "min_host_similarity": 0.3,
        "max_sessions_per_host": 1,
        "max_sessions_per_attendee": 1,
        "slots": SLOTS,
    }
    return PlanOptions(**{**base, **kwargs})  # type: ignore[arg-type]


def _attendees(plan: SessionPlan) -> list[str]:
    return sorted(a for s in plan.sessions for a in s.attendee_ids)


def test_a_draft_reads_back_as_planned(sqlite_store: Store, roster: Roster) -> None:
    plan = create_plan(sqlite_store, roster, _options(), lang="fr")
    assert plan.status == "draft" and get_plan(sqlite_store, plan.id) == plan
    assert _attendees(plan) == ["S1", "S2", "S3", "S4", "S5"]
    session = plan.sessions[0]
    assert session.topic == WANT and session.slot in ("am", "pm")
    assert session.explanation.topic.asked == 5
    assert session.explanation.summary.startswith(
        "5 apprenants ont demandé « Instagram et TikTok »"
    )
    assert plan.objective == pytest.approx(sum(s.explanation.coverage for s in plan.sessions))
    assert [entry.id for entry in list_plans(sqlite_store)] == [plan.id]


def test_approved_sessions_count_against_later_plans(sqlite_store: Store, roster: Roster) -> None:
    first = approve_plan(sqlite_store, create_plan(sqlite_store, roster, _options()).id)
    assert first.status == APPROVED and first.approved_at is not None
    # Every learner and host used their one session: nothing is left to plan.
    with pytest.raises(InvalidInputError, match="no session can gather 2 attendees"):
        create_plan(sqlite_store, roster, _options())
    later = create_plan(
        sqlite_store, roster, _options(max_sessions_per_attendee=2, max_sessions_per_host=2)
    )
    for session in later.sessions:
        for earlier in first.sessions:
            if session.slot == earlier.slot:
                busy = {earlier.host_id, *earlier.attendee_ids}
                assert busy.isdisjoint({session.host_id, *session.attendee_ids})


def test_approval_rechecks_plans_approved_since(sqlite_store: Store, roster: Roster) -> None:
    first = create_plan(sqlite_store, roster, _options())
    second = create_plan(sqlite_store, roster, _options())
    approve_plan(sqlite_store, first.id)
    with pytest.raises(ConflictError, match="conflicts with the plans approved since"):
        approve_plan(sqlite_store, second.id)
    assert get_plan(sqlite_store, second.id).status == "draft"
    assert discard_plan(sqlite_store, second.id).status == DISCARDED
    with pytest.raises(ConflictError, match="only a draft can be approved"):
        approve_plan(sqlite_store, second.id)
    with pytest.raises(NotFoundError):
        get_plan(sqlite_store, "nope")


def test_erasure_removes_the_person_from_stored_plans(
    sqlite_store: Store, roster: Roster, erasure_key: ErasureKey
) -> None:
    plan = create_plan(sqlite_store, roster, _options())
    erase_participant(sqlite_store, "S1", erasure_key)
    host = plan.sessions[0].host_id
    erase_participant(sqlite_store, host, erasure_key)
    after = get_plan(sqlite_store, plan.id)
    assert "S1" not in _attendees(after)
    assert host not in [s.host_id for s in after.sessions]
    with sqlite_store.session() as session:
        for row in session.scalars(select(PlanSessionRow)):
            assert all("S1" not in phrase["askers"] for phrase in row.topic)
            assert row.host_id != host


def test_csv_has_names_and_ics_follows_rfc_5545(sqlite_store: Store, roster: Roster) -> None:
    plan = create_plan(sqlite_store, roster, _options())
    people = {"J1": Contact("Jeanne, la; \\ Junior", None, "M"), "S1": Contact("=Serge", None, "M")}
    table = plan_csv(plan, people)
    assert table.splitlines()[0].startswith("session;topic;slot;start;end;host_id;host_name")
    assert "'=Serge" in table  # a formula-like name is quoted as text
    session = next(s for s in plan.sessions if s.host_id == "J1")
    calendar = session_ics(plan, session, people, now=datetime(2026, 9, 1, tzinfo=UTC))
    assert calendar is not None and calendar.endswith("END:VCALENDAR\r\n")
    assert "\n" not in calendar.replace("\r\n", "")
    lines = calendar.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = calendar.replace("\r\n ", "")
    assert f"UID:{plan.id}-{session.id}@recomentor" in unfolded
    assert "DTSTAMP:20260901T000000Z" in unfolded
    start = "DTSTART:20261005T070000Z" if session.slot == "am" else "DTSTART:20261005T120000Z"
    assert start in unfolded
    assert 'ORGANIZER;CN="Jeanne, la; \\ Junior"' in unfolded
    description = re.search(r"DESCRIPTION:(.*)", unfolded)
    # The summary's "; " and "," are escaped, its line breaks written as \n.
    assert description is not None and "\\n" in description.group(1)
    assert "\\;" in description.group(1) and "; " not in description.group(1).replace("\\;", "")
