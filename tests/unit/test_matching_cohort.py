"""Cohort matching over a roster: constraints, rules, faithful explanations, unpaired reasons."""

from __future__ import annotations

import numpy as np
import pytest

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.matching.cohort import (
    CAPACITY_EXHAUSTED,
    NO_ELIGIBLE_MENTOR,
    CohortAssignment,
    build_cohort,
    solve_cohort,
)
from recomentor.matching.rules import parse_rules
from recomentor.matching.solver import PARTICIPATION, SCORE
from recomentor.ranking.capacity import PairingState
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.store import Store
from tests.fakes import build_roster, person

SOCIAL = "Instagram, TikTok, vidéos courtes"
DATA = "Python, SQL, Power BI"


@pytest.fixture
def roster(sqlite_store: Store) -> Roster:
    """Juniors J1-J3 mentor seniors S1-S4; S1 manages J1; S4 only speaks German."""
    return build_roster(
        sqlite_store,
        [
            person("J1", years=1, skills=SOCIAL, max_mentees=2, manager_id="S1", location="Paris"),
            person("J2", years=2, skills=DATA, department="Finance", location="Lyon"),
            person("J3", years=3, skills=SOCIAL, department="DSI", max_mentees=1, location="Lyon"),
            person("S1", role=F.MENTEE, years=25, goals="Comprendre TikTok et Instagram"),
            person("S2", role=F.MENTEE, years=20, goals="Apprendre Python et Power BI",
                   department="Finance", location="Lyon"),
            person("S3", role=F.MENTEE, years=18, goals="Instagram pour la marque"),
            person("S4", role=F.MENTEE, years=30, goals="Instagram", languages="de"),
        ],
    )  # fmt: skip


def _match(
    roster: Roster,
    *,
    objective: str = PARTICIPATION,
    rules_text: str = "",
    lang: str = "en",
    **kwargs: object,
) -> CohortAssignment:
    rules = parse_rules(rules_text)
    scorer = HeuristicScorer()
    cohort = build_cohort(roster, scorer, rules=rules, **kwargs)  # type: ignore[arg-type]
    return solve_cohort(roster, scorer, cohort, objective=objective, rules=rules, lang=lang)


def _pairs(result: CohortAssignment) -> set[tuple[str, str]]:
    return {(p.mentor_id, p.mentee_id) for p in result.pairs}


def test_constraints_capacities_and_reasons(roster: Roster) -> None:
    result = _match(roster)
    pairs = _pairs(result)
    assert ("J1", "S1") not in pairs  # S1 is J1's manager
    assert all(mentee != "S4" for _, mentee in pairs)  # no common language with anyone
    loads = {m.mentor_id: (m.assigned, m.capacity) for m in result.mentor_load}
    assert loads.keys() == {"J1", "J2", "J3"}
    assert all(used <= capacity for used, capacity in loads.values())
    assert sum(used for used, _ in loads.values()) == len(pairs) == 3
    assert {mentee for _, mentee in pairs} == {"S1", "S2", "S3"}
    assert ("J2", "S2") in pairs  # the only data pair
    unpaired = {u.mentee_id: u for u in result.unpaired}
    assert unpaired.keys() == {"S4"}
    assert unpaired["S4"].reason == NO_ELIGIBLE_MENTOR
    assert "3 no common language" in unpaired["S4"].detail


def test_explanations_add_up_to_the_reported_score_rule_bonuses_included(roster: Roster) -> None:
    rules = "[[bonus]]\ncriterion = 'same_location'\nweight = 0.2\n"
    result = _match(roster, rules_text=rules)
    assert result.pairs
    for pair in result.pairs:
        factors = pair.explanation.factors
        assert sum(f.contribution for f in factors) == pytest.approx(pair.score, abs=1e-9)
        rule = next(f for f in factors if f.name == "rule:same_location")
        assert rule.value is not None
        assert rule.contribution == pytest.approx(0.2 * rule.value)
        assert pair.explanation.summary


def _same_site(roster: Roster, pairs: set[tuple[str, str]]) -> list[bool]:
    location = roster.location
    return [location[roster.index[a]] == location[roster.index[b]] for a, b in pairs]


def test_a_bonus_changes_the_assignment(roster: Roster) -> None:
    before = _pairs(_match(roster))
    rules = "[[bonus]]\ncriterion = 'different_location'\nweight = 1\n"
    after = _pairs(_match(roster, rules_text=rules))
    assert any(_same_site(roster, before))  # J2 and S2 are both in Lyon and both in data
    assert len(after) == 3 and not any(_same_site(roster, after))


def test_must_filters_and_exclusions_rule_pairs_out(roster: Roster) -> None:
    result = _match(roster, rules_text="[require]\nsame_location = true\n")
    assert result.pairs and all(_same_site(roster, _pairs(result)))
    # S1 (Paris) manages the only Paris mentor: the rule rules out the Lyon mentors.
    s1 = next(u for u in result.unpaired if u.mentee_id == "S1")
    assert s1.reason == NO_ELIGIBLE_MENTOR
    assert "1 own manager" in s1.detail and "2 rule same location" in s1.detail
    excluded = _match(roster, rules_text="[[exclude]]\nmentor_id='J2'\nmentee_id='S2'\n")
    assert ("J2", "S2") in _unruled_pairs(roster) and ("J2", "S2") not in _pairs(excluded)


def test_unpaired_reasons_are_in_the_matching_language(roster: Roster) -> None:
    result = _match(roster, rules_text="[require]\nsame_location = true\n", lang="fr")
    details = {u.mentee_id: u.detail for u in result.unpaired}
    assert details["S1"] == "aucun mentor éligible (1 lien hiérarchique direct, 2 règle même site)"
    assert (
        details["S4"].startswith("aucun mentor éligible (")
        and "aucune langue commune" in details["S4"]
    )


def _unruled_pairs(roster: Roster) -> set[tuple[str, str]]:
    return _pairs(_match(roster))


def test_an_exclusion_naming_an_unknown_person_is_rejected(roster: Roster) -> None:
    with pytest.raises(InvalidInputError, match=r"line 1: unknown participant id 'E404'"):
        _match(roster, rules_text="[[exclude]]\nmentor_id='E404'\nmentee_id='S2'\n")


def test_capacity_exhausted_when_every_eligible_mentor_is_full(sqlite_store: Store) -> None:
    roster = build_roster(
        sqlite_store,
        [
            person("J1", years=1, skills=SOCIAL, max_mentees=1),
            person("S1", role=F.MENTEE, years=20, goals="Instagram"),
            person("S2", role=F.MENTEE, years=22, goals="TikTok"),
        ],
    )
    for objective in (SCORE, PARTICIPATION):
        result = _match(roster, objective=objective)
        assert len(result.pairs) == 1
        (unpaired,) = result.unpaired
        assert unpaired.reason == CAPACITY_EXHAUSTED
        assert result.mentor_load[0].assigned == 1


def test_already_formed_pairs_are_not_proposed_again(roster: Roster) -> None:
    # An ended pairing: nobody is busy, but the pair is not formed a second time.
    ended = PairingState.of([("J2", "S2", "ended")])
    result = _match(roster, pairings=ended)
    assert ("J2", "S2") in _unruled_pairs(roster) and ("J2", "S2") not in _pairs(result)
    assert result.mentees_already_paired == 0


def test_active_pairings_leave_only_free_slots_and_free_mentees(roster: Roster) -> None:
    # J1 (2 slots) keeps one; J2 (1 slot) has none left; S2 and S3 already have a mentor.
    state = PairingState.of([("J1", "S3", "active"), ("J2", "S2", "active")])
    result = _match(roster, pairings=state)
    assert result.mentees_already_paired == 2
    # S1 manages J1, so J3 is S1's only eligible mentor; S4 shares no language with anyone.
    assert _pairs(result) == {("J3", "S1")}
    assert [u.mentee_id for u in result.unpaired] == ["S4"]
    loads = {m.mentor_id: (m.assigned, m.capacity) for m in result.mentor_load}
    assert loads == {"J1": (0, 1), "J2": (0, 0), "J3": (1, 1)}


def test_ending_a_pairing_gives_its_slot_back(roster: Roster) -> None:
    active = _match(roster, pairings=PairingState.of([("J2", "S2", "active")]))
    ended = _match(roster, pairings=PairingState.of([("J2", "S2", "ended")]))
    assert {m.mentor_id: m.capacity for m in active.mentor_load}["J2"] == 0
    assert {m.mentor_id: m.capacity for m in ended.mentor_load}["J2"] == 1

    def round_of(result: CohortAssignment) -> set[str]:
        return {p.mentee_id for p in result.pairs} | {u.mentee_id for u in result.unpaired}

    assert "S2" not in round_of(active) and "S2" in round_of(ended)
    assert ("J2", "S2") not in _pairs(ended)  # ended, yet formed once: not again


def test_classic_mode_reverses_the_direction(roster: Roster) -> None:
    assert _match(roster, mode=F.CLASSIC).pairs == []


def test_mutual_mode_pairs_each_person_once(sqlite_store: Store) -> None:
    roster = build_roster(
        sqlite_store,
        [
            person(f"P{i}", role=F.BOTH, years=2 + i, skills=SOCIAL if i % 2 else DATA,
                   goals=DATA if i % 2 else "Instagram et TikTok")
            for i in range(5)
        ],
    )  # fmt: skip
    result = _match(roster, mode=F.MUTUAL)
    people = [p for pair in result.pairs for p in (pair.mentor_id, pair.mentee_id)]
    assert len(people) == len(set(people)) == 4
    assert len(result.unpaired) == 1
    assert all(load.assigned <= 1 for load in result.mentor_load)
    for pair in result.pairs:
        # The less experienced side is reported as mentor when both could be.
        years = {pid: roster.years[roster.index[pid]] for pid in (pair.mentor_id, pair.mentee_id)}
        assert years[pair.mentor_id] < years[pair.mentee_id]


def test_a_mutual_round_leaves_out_people_in_active_pairings(sqlite_store: Store) -> None:
    roster = build_roster(
        sqlite_store,
        [
            person(f"P{i}", role=F.BOTH, years=2 + i, skills=SOCIAL if i % 2 else DATA,
                   goals=DATA if i % 2 else "Instagram et TikTok")
            for i in range(5)
        ],
    )  # fmt: skip
    result = _match(roster, mode=F.MUTUAL, pairings=PairingState.of([("P0", "P1", "active")]))
    people = {p for pair in result.pairs for p in (pair.mentor_id, pair.mentee_id)}
    unpaired = {u.mentee_id for u in result.unpaired}
    assert people | unpaired == {"P2", "P3", "P4"} and len(people) == 2
    assert result.mentees_already_paired == 2
    assert {m.mentor_id for m in result.mentor_load} == {"P2", "P3", "P4"}
    # The unpaired person's reason counts their own pairs, not another row's.
    (entry,) = result.unpaired
    assert entry.reason != NO_ELIGIBLE_MENTOR


def test_every_mentee_is_either_paired_or_unpaired_with_a_reason(roster: Roster) -> None:
    result = _match(roster, objective=SCORE)
    paired = {p.mentee_id for p in result.pairs}
    unpaired = {u.mentee_id for u in result.unpaired}
    mentees = {roster.ids[i] for i in np.flatnonzero(roster.can_be_mentee)}
    assert paired | unpaired == mentees and not paired & unpaired


def test_cohort_scores_equal_pair_features_on_all_pairs_at_once(roster: Roster) -> None:
    from recomentor.ranking.features import pair_features

    rules = parse_rules("[[bonus]]\ncriterion = 'seniority_gap'\nweight = -0.5\n")
    scorer = HeuristicScorer()
    cohort = build_cohort(roster, scorer, rules=rules)
    pairs = cohort.pairs
    features = pair_features(roster, pairs.mentor_idx, pairs.mentee_idx)
    expected = scorer.score(features.select(scorer.feature_names)) - 0.5 * features.column(
        "seniority_gap"
    )
    # float32 embeddings: one-to-many and gathered products differ in the last bits only.
    np.testing.assert_allclose(pairs.score, expected, rtol=0, atol=1e-6)
    assert pairs.score.size == 8  # 3 mentors x 4 mentees, minus S4 (x3) and J1 -> S1
