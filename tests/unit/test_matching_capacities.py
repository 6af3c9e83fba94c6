"""Rounds where a mentee may get several mentors: settings from the rules or the caller,
approval, pairings in force on both sides, edits, erasure."""

from __future__ import annotations

import pytest

from recomentor import fields as F
from recomentor.erasure import erase_participant
from recomentor.errors import ConflictError, InvalidInputError
from recomentor.matching.edits import remove_pair
from recomentor.matching.eligibility import replacement_candidates
from recomentor.matching.rules import parse_rules
from recomentor.matching.service import approve_matching, create_matching, get_matching
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.store import Store
from recomentor.suppression import ErasureKey
from tests.fakes import build_roster, person

SCORER = HeuristicScorer()


@pytest.fixture
def roster(store: Store) -> Roster:
    """Three juniors with room for two mentees each, two seniors, ages 1-3 against 20-30."""
    return build_roster(
        store,
        [
            person("J1", years=1, max_mentees=2),
            person("J2", years=2, max_mentees=2),
            person("J3", years=3, max_mentees=2),
            person("S1", role=F.MENTEE, years=20, goals="Instagram"),
            person("S2", role=F.MENTEE, years=30, goals="TikTok"),
        ],
    )


def _pairs(matching) -> set[tuple[str, str]]:
    return {(p.mentor_id, p.mentee_id) for p in matching.pairs}


def test_max_mentors_gives_each_mentee_several_distinct_mentors(
    store: Store, roster: Roster
) -> None:
    one = create_matching(store, roster, SCORER, min_gap=0)
    assert len(one.pairs) == 2 and one.max_mentors == 1
    several = create_matching(store, roster, SCORER, min_gap=0, max_mentors=3)
    assert several.max_mentors == 3
    # Six places on the mentors' side, three on each mentee's: every pair forms once.
    assert _pairs(several) == {(j, s) for j in ("J1", "J2", "J3") for s in ("S1", "S2")}
    assert {(m.mentee_id, m.assigned, m.capacity) for m in several.mentee_load} == {
        ("S1", 3, 3),
        ("S2", 3, 3),
    }
    assert {(m.mentor_id, m.assigned, m.capacity) for m in several.mentor_load} == {
        ("J1", 2, 2),
        ("J2", 2, 2),
        ("J3", 2, 2),
    }
    assert several.unpaired == [] and several.unpaired_mentors == []


def test_the_rules_file_sets_the_round_and_the_caller_overrides_it(
    store: Store, roster: Roster
) -> None:
    rules = parse_rules("max_mentors = 2\nmax_mentees = 1\nmin_gap = 0\nmax_gap = 25\n")
    from_rules = create_matching(store, roster, SCORER, rules=rules)
    assert (from_rules.max_mentors, from_rules.min_gap, from_rules.max_gap) == (2, 0.0, 25.0)
    # max_gap 25 rules out J1-S2 (29 years) and J2-S2, J3-S2 (28, 27); max_mentees caps at 1.
    assert {p.mentee_id for p in from_rules.pairs} == {"S1"}
    assert len(from_rules.pairs) == 2
    assert {u.mentee_id: u.reason for u in from_rules.unpaired} == {"S2": "no_eligible_mentor"}
    assert "experience gap too wide" in from_rules.unpaired[0].detail
    idle = {u.mentor_id for u in from_rules.unpaired_mentors}
    assert len(idle) == 1 and idle <= {"J1", "J2", "J3"}
    overridden = create_matching(store, roster, SCORER, rules=rules, max_gap=30, max_mentors=1)
    assert (overridden.max_mentors, overridden.max_gap) == (1, 30.0)
    assert len(overridden.pairs) == 2
    with pytest.raises(InvalidInputError, match="max_gap"):
        create_matching(store, roster, SCORER, rules=rules, min_gap=26)


def test_approved_pairings_count_against_both_sides_in_the_next_round(
    store: Store, roster: Roster
) -> None:
    first = create_matching(store, roster, SCORER, min_gap=0, max_mentors=2, max_gap=28)
    assert len(first.pairs) == 4
    approve_matching(store, roster, first.id)
    # Each mentee holds two of three places; each mentor's places are taken but J3's one.
    second = create_matching(store, roster, SCORER, min_gap=0, max_mentors=3)
    loads = {m.mentee_id: (m.assigned, m.capacity) for m in second.mentee_load}
    assert all(capacity == 1 for _, capacity in loads.values())
    assert _pairs(second).isdisjoint(_pairs(first))  # no pair twice
    assert sum(assigned for assigned, _ in loads.values()) == len(second.pairs) <= 2
    # With one mentor per mentee, mentees who have one already are left out.
    third = create_matching(store, roster, SCORER, min_gap=0)
    assert third.pairs == [] and third.mentees_already_paired == 2


def test_edits_by_mentee_are_refused_on_a_draft_with_several_mentors(
    store: Store, roster: Roster
) -> None:
    draft = create_matching(store, roster, SCORER, min_gap=0, max_mentors=2)
    with pytest.raises(ConflictError, match="up to 2 mentors"):
        remove_pair(store, draft.id, "S1")
    with pytest.raises(ConflictError, match="up to 2 mentors"):
        replacement_candidates(store, roster, SCORER, draft.id, "S1")
    approved = approve_matching(store, roster, draft.id)
    assert approved.status == "approved" and _pairs(approved) == _pairs(draft)


def test_erasure_removes_a_person_from_both_sides_loads(
    store: Store, roster: Roster, erasure_key: ErasureKey
) -> None:
    draft = create_matching(store, roster, SCORER, min_gap=0, max_mentors=3, max_gap=25)
    assert any(m.mentee_id == "S2" for m in draft.mentee_load)
    erase_participant(store, "S2", erasure_key)
    erase_participant(store, "J1", erasure_key)
    after = get_matching(store, draft.id)
    assert "S2" not in {m.mentee_id for m in after.mentee_load}
    assert "J1" not in {m.mentor_id for m in after.mentor_load}
    assert "J1" not in {u.mentor_id for u in after.unpaired_mentors}
