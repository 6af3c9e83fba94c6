"""Session plans over a small roster: hosts, direction, manager rule, limits, clear refusals."""

from __future__ import annotations

from collections import Counter

import pytest

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.matching.rules import parse_rules
from recomentor.ranking.roster import Roster
from recomentor.sessions.explain import GOAL_NOT_SHARED, NO_ELIGIBLE_HOST, SESSIONS_TAKEN
from recomentor.sessions.plan import Commitments, PlanOptions, plan_sessions
from recomentor.sessions.slots import Slot, parse_slots
from recomentor.store import Store
from tests.fakes import build_roster, person

SOCIAL = "Instagram et TikTok, vidéos courtes"
WANT_SOCIAL = "Instagram et TikTok"


@pytest.fixture
def roster(sqlite_store: Store) -> Roster:
    """Juniors J1 (social, manages nobody) and J2 (social, reports to S1); seniors S1-S5 want
    social media, S6 wants something nobody else does; J3 is too senior to host anyone."""
    return build_roster(
        sqlite_store,
        [
            person("J1", years=1, skills=SOCIAL),
            person("J2", years=2, skills=SOCIAL, manager_id="S1"),
            person("J3", years=22, skills=SOCIAL),
            *[person(f"S{i}", role=F.MENTEE, years=20 + i, goals=WANT_SOCIAL) for i in range(1, 6)],
            person("S6", role=F.MENTEE, years=25, goals="Comptabilité analytique"),
        ],
    )


def _options(**kwargs: object) -> PlanOptions:
    base: dict[str, object] = {"size_min": 2, "size_max": 3, "min_host_similarity": 0.3}
    return PlanOptions(**{**base, **kwargs})  # type: ignore[arg-type]


def test_sessions_respect_sizes_limits_direction_and_manager(roster: Roster) -> None:
    plan = plan_sessions(roster, _options(max_sessions_per_host=1))
    hosts = [s.host_id for s in plan.sessions]
    assert sorted(hosts) == ["J1", "J2"]  # J3 is as senior as the learners
    for session in plan.sessions:
        assert 2 <= len(session.attendees) <= 3
        if session.host_id == "J2":
            assert "S1" not in [a.id for a in session.attendees]  # J2's own manager
    attended = [a.id for s in plan.sessions for a in s.attendees]
    assert sorted(attended) == ["S1", "S2", "S3", "S4", "S5"]
    assert plan.objective == pytest.approx(
        sum(a.similarity for s in plan.sessions for a in s.attendees)
    )
    assert plan.baseline <= plan.objective + 1e-9
    assert {u.id: u.reason for u in plan.unassigned} == {"S6": GOAL_NOT_SHARED}


def test_the_rules_file_may_let_a_manager_attend(roster: Roster) -> None:
    """J1 is taken elsewhere: S1 can only attend J2's session, once the rules allow it."""
    rules = parse_rules("[sessions]\nallow_manager = true\n")
    busy = Commitments(hosted=Counter({"J1": 1}))
    options = _options(max_sessions_per_host=1, size_max=5)
    plan = plan_sessions(roster, options, busy)
    assert "S1" not in [a.id for s in plan.sessions for a in s.attendees]
    allowed = plan_sessions(roster, PlanOptions(**{**options.__dict__, "rules": rules}), busy)
    assert [(s.host_id, "S1" in [a.id for a in s.attendees]) for s in allowed.sessions] == [
        ("J2", True)
    ]


def test_sessions_table_of_the_rules_file_is_checked() -> None:
    with pytest.raises(InvalidInputError, match="line 3: allow_manager must be true or false"):
        parse_rules("name = 'x'\n[sessions]\nallow_manager = 'yes'\n")


def test_nobody_attends_above_their_limit_counting_approved_sessions(roster: Roster) -> None:
    done = Commitments(attended=Counter({"S1": 2, "S2": 2}))
    plan = plan_sessions(roster, _options(), done)
    attended = [a.id for s in plan.sessions for a in s.attendees]
    assert "S1" not in attended and "S2" not in attended
    assert {u.id for u in plan.unassigned if u.reason == "session_limit_reached"} == {"S1", "S2"}


def test_slots_one_session_per_person_and_slot(roster: Roster) -> None:
    slots = (Slot("am"), Slot("pm"))
    plan = plan_sessions(roster, _options(max_sessions_per_attendee=2, slots=slots))
    seen: set[tuple[str, str | None]] = set()
    for session in plan.sessions:
        for person_id in [session.host_id, *(a.id for a in session.attendees)]:
            assert (person_id, session.slot) not in seen
            seen.add((person_id, session.slot))


def test_size_minimum_above_demand_is_refused_with_the_numbers(roster: Roster) -> None:
    with pytest.raises(InvalidInputError, match=r"no topic is wanted by at least 6 learners.*by 5"):
        plan_sessions(roster, _options(size_min=6, size_max=8))


def test_no_host_who_may_host_is_refused_clearly(sqlite_store: Store) -> None:
    roster = build_roster(
        sqlite_store,
        [
            person("J1", years=18, skills=SOCIAL),
            *[person(f"S{i}", role=F.MENTEE, years=20, goals=WANT_SOCIAL) for i in range(3)],
        ],
    )
    with pytest.raises(InvalidInputError, match="no session can gather 2 attendees"):
        plan_sessions(roster, _options())


def test_unassigned_without_eligible_host_names_the_reasons(sqlite_store: Store) -> None:
    roster = build_roster(
        sqlite_store,
        [
            person("J1", years=1, skills=SOCIAL),
            *[person(f"S{i}", role=F.MENTEE, years=20, goals=WANT_SOCIAL) for i in range(3)],
            person("S9", role=F.MENTEE, years=20, goals=WANT_SOCIAL, languages="de"),
        ],
    )
    plan = plan_sessions(roster, _options(), lang="fr")
    (left,) = plan.unassigned
    assert left.id == "S9" and left.reason == NO_ELIGIBLE_HOST
    assert "aucune langue commune" in left.detail


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,start,end\nam,2026-10-05T09:00+02:00,2026-10-05T08:00+02:00\n", "line 2: end must"),
        ("id,start,end\nam,2026-10-05T09:00,2026-10-05T10:00\n", "line 2: start needs a UTC"),
        ("id,start,end\nam,,\n\nam,,\n", "line 4: slot 'am' is given twice"),
        ("slot,start\n", "line 1: the header"),
        ("id,start,end\nam,demain,2026-10-05T10:00Z\n", "line 2: start must be an ISO 8601"),
    ],
)
def test_bad_slot_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_slots(text, source="slots.csv")


def test_slots_read_with_times_or_without() -> None:
    slots = parse_slots(
        "\ufeffid;start;end\nam;2026-10-05T09:00+02:00;2026-10-05T10:30+02:00\npm;;\n"
    )
    assert [s.id for s in slots] == ["am", "pm"]
    assert slots[0].timed and not slots[1].timed


def test_learners_left_when_sessions_are_full_are_told(sqlite_store: Store) -> None:
    """One host, one session of at most 3: two of the five askers are left out, and told."""
    roster = build_roster(
        sqlite_store,
        [
            person("J1", years=1, skills=SOCIAL),
            *[person(f"S{i}", role=F.MENTEE, years=20, goals=WANT_SOCIAL) for i in range(5)],
        ],
    )
    plan = plan_sessions(roster, _options(max_sessions_per_host=1))
    assert [len(s.attendees) for s in plan.sessions] == [3]
    assert [u.reason for u in plan.unassigned] == [SESSIONS_TAKEN, SESSIONS_TAKEN]
    assert "every session they could join (1) was filled" in plan.unassigned[0].detail
