"""Hard constraints: each one excludes the right partners and is counted under its reason."""

from __future__ import annotations

import numpy as np
import pytest

from recomentor import fields as F
from recomentor.errors import InvalidInputError, NotFoundError
from recomentor.ranking.candidates import (
    REASONS,
    eligible_pairs,
    find_candidates,
    pair_exclusion_codes,
)
from recomentor.ranking.roster import Roster
from recomentor.store import Store
from tests.fakes import build_roster, person

GAP = 5.0


def _ids(roster: Roster, positions: np.ndarray) -> set[str]:
    return {roster.ids[i] for i in positions.tolist()}


@pytest.fixture
def roster(sqlite_store: Store) -> Roster:
    return build_roster(
        sqlite_store,
        [
            person("S1", role=F.MENTEE, years=27, languages="fr;en"),
            person("J1", years=2),  # eligible mentor of S1
            person("J2", years=1, manager_id="S1"),  # reports to S1
            person("J3", years=3, languages="de"),  # no language in common with S1
            person("J4", years=24),  # gap of 3 years only
            person("J5", years=30),  # more senior than S1
            person("S2", role=F.MENTEE, years=25),  # cannot mentor
            person("J6", years=2, max_mentees=0),  # no capacity
            person("J7", years=2, languages=None),  # gave no language: fine
            person("B1", role=F.BOTH, years=3),
        ],
    )


def test_mentee_gets_only_eligible_mentors_with_reasons(roster: Roster) -> None:
    found = find_candidates(roster, "S1", F.REVERSE, min_gap=GAP)
    assert _ids(roster, found.partners) == {"J1", "J7", "B1"}
    assert not found.person_is_mentor.any()
    assert found.excluded == {
        "same_person": 1,
        "wrong_role": 1,
        "own_manager": 1,
        "no_common_language": 1,
        "wrong_direction": 2,
        "gap_too_wide": 0,
        "at_capacity": 1,
        "already_paired": 0,
        "excluded": 0,
    }
    assert sum(found.excluded.values()) + len(found) == len(roster)


def test_manager_rule_holds_in_both_directions(roster: Roster) -> None:
    found = find_candidates(roster, "J2", F.REVERSE, min_gap=GAP)
    assert "S1" not in _ids(roster, found.partners)
    assert found.excluded["own_manager"] == 1


def test_mentor_gets_mentees_senior_enough(roster: Roster) -> None:
    found = find_candidates(roster, "J1", F.REVERSE, min_gap=GAP)
    assert _ids(roster, found.partners) == {"S1", "S2"}
    # Everyone else signed up as mentor only, except B1 who is not senior enough.
    assert found.excluded["wrong_role"] == 6
    assert found.excluded["wrong_direction"] == 1
    assert found.person_is_mentor.all()


def test_both_takes_the_side_years_decide(roster: Roster) -> None:
    found = find_candidates(roster, "B1", F.REVERSE, min_gap=GAP)
    assert _ids(roster, found.partners) == {"S1", "S2"}
    assert found.person_is_mentor.all()
    as_mentee = find_candidates(roster, "B1", F.REVERSE, min_gap=GAP, role=F.MENTEE)
    assert len(as_mentee) == 0
    # Nobody mentors B1 (3 years): the seniors are mentees only, the juniors not junior enough.
    assert as_mentee.excluded["wrong_role"] == 2
    assert as_mentee.excluded["wrong_direction"] == 6
    assert as_mentee.excluded["no_common_language"] == 1


def test_classic_mode_reverses_the_direction(roster: Roster) -> None:
    found = find_candidates(roster, "S1", F.CLASSIC, min_gap=GAP)
    assert len(found) == 0
    senior = find_candidates(roster, "J5", F.CLASSIC, min_gap=GAP)
    # B1 (3 years) and S2 (25, exactly min_gap below) may be mentees; J* are mentors only.
    assert _ids(roster, senior.partners) == {"B1", "S2"}
    assert senior.person_is_mentor.all()


def test_mutual_mode_ignores_direction_but_not_roles(roster: Roster) -> None:
    found = find_candidates(roster, "S1", F.MUTUAL, min_gap=GAP)
    assert _ids(roster, found.partners) == {"J1", "J4", "J5", "J7", "B1"}
    assert found.excluded["wrong_direction"] == 0
    assert found.excluded["wrong_role"] == 1  # S2: two mentee-only people
    mentors = find_candidates(roster, "J1", F.MUTUAL, min_gap=GAP)
    assert "J4" not in _ids(roster, mentors.partners)  # two mentor-only people


def test_already_paired_and_explicit_exclusions(roster: Roster) -> None:
    found = find_candidates(
        roster,
        "S1",
        F.REVERSE,
        min_gap=GAP,
        paired_pairs={("J1", "S1")},
        exclude_pairs={("S1", "B1")},  # either order
    )
    assert _ids(roster, found.partners) == {"J7"}
    assert found.excluded["already_paired"] == 1
    assert found.excluded["excluded"] == 1


def test_capacity_left_overrides_declared_capacity(roster: Roster) -> None:
    capacity = roster.max_mentees.copy()
    capacity[roster.index["J1"]] = 0
    capacity[roster.index["J6"]] = 1
    found = find_candidates(roster, "S1", F.REVERSE, min_gap=GAP, capacity_left=capacity)
    assert _ids(roster, found.partners) == {"J6", "J7", "B1"}
    assert found.excluded["at_capacity"] == 1  # J1


def test_pair_level_check_matches_candidate_search(roster: Roster) -> None:
    n = len(roster)
    mentors, mentees = (grid.ravel() for grid in np.meshgrid(np.arange(n), np.arange(n)))
    ok = eligible_pairs(roster, mentors, mentees, F.REVERSE, min_gap=GAP)
    for mentee in range(n):
        found = find_candidates(roster, mentee, F.REVERSE, min_gap=GAP, role=F.MENTEE)
        expected = set(mentors[ok & (mentees == mentee)].tolist())
        assert set(found.partners.tolist()) == expected


def test_codes_name_the_first_failing_reason(roster: Roster) -> None:
    s1, j2 = roster.index["S1"], roster.index["J2"]
    codes = pair_exclusion_codes(
        roster, np.array([s1, j2, j2]), np.array([s1, s1, j2]), F.REVERSE, min_gap=GAP
    )
    assert [REASONS[c - 1] for c in codes] == ["same_person", "own_manager", "same_person"]


def test_unknown_person_mode_or_role_are_errors(roster: Roster) -> None:
    with pytest.raises(NotFoundError):
        find_candidates(roster, "NOPE", F.REVERSE, min_gap=GAP)
    with pytest.raises(InvalidInputError):
        find_candidates(roster, "S1", "sideways", min_gap=GAP)
    with pytest.raises(InvalidInputError):
        find_candidates(roster, "S1", F.REVERSE, min_gap=GAP, role="boss")


def test_roster_arrays(roster: Roster) -> None:
    assert roster.ids == sorted(roster.ids)
    assert roster.manager[roster.index["J2"]] == roster.index["S1"]
    assert roster.manager[roster.index["J1"]] == -1
    assert roster.languages[roster.index["J7"]] == 0
    french = roster.languages[roster.index["J1"]]
    assert roster.languages[roster.index["S1"]] & french == french
    assert roster.location[roster.index["J1"]] == roster.location[roster.index["S1"]]


@pytest.mark.parametrize(
    ("mode", "max_gap", "too_wide"),
    [
        (F.REVERSE, 25.0, set()),  # S1 has 27 years, J1 and J7 2, B1 3: gaps 25, 25, 24
        (F.REVERSE, 24.5, {"J1", "J7"}),
        (F.REVERSE, 24.0, {"J1", "J7"}),  # a gap of exactly max_gap passes
        (F.REVERSE, 23.0, {"J1", "J7", "B1"}),
        (F.MUTUAL, 24.0, {"J1", "J7"}),  # either direction
    ],
)
def test_max_gap_bounds_the_seniority_gap_as_min_gap_floors_it(
    roster: Roster, mode: str, max_gap: float, too_wide: set[str]
) -> None:
    mentors = ("J1", "J7", "B1")
    codes = pair_exclusion_codes(
        roster,
        np.array([roster.index[m] for m in mentors]),
        np.full(len(mentors), roster.index["S1"]),
        mode,
        min_gap=GAP,
        max_gap=max_gap,
    )
    reasons = {m: REASONS[c - 1] for m, c in zip(mentors, codes.tolist(), strict=True) if c}
    assert reasons == dict.fromkeys(too_wide, "gap_too_wide")
