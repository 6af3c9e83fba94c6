"""Suggestions for one person: ranking, roles per mode, empty answers with reasons, JSON shape."""

from __future__ import annotations

import json

import msgspec
import numpy as np
import pytest

from recomentor import fields as F
from recomentor.errors import NotFoundError
from recomentor.ranking.capacity import PairingState
from recomentor.ranking.explain import label_words
from recomentor.ranking.features import FEATURE_NAMES
from recomentor.ranking.labels import match_label
from recomentor.ranking.rank import rank_partners
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import HEURISTIC, HeuristicScorer
from recomentor.store import Store
from tests.fakes import build_roster, person


@pytest.fixture
def roster(sqlite_store: Store) -> Roster:
    return build_roster(
        sqlite_store,
        [
            person("J1", skills="TikTok et Instagram, vidéos courtes", goals="Prise de parole"),
            person("J2", skills="Python, Power BI, SQL", goals="Négociation"),
            person("J3", skills="Instagram", goals="Stratégie", manager_id="S1"),
            person("J4", role=F.BOTH, years=3, skills="Cybersécurité", goals="Leadership"),
            person(
                "S1",
                role=F.MENTEE,
                years=27,
                skills="Stratégie de marque, négociation",
                goals="Comprendre TikTok et Instagram",
            ),
            person(
                "S2",
                role=F.BOTH,
                years=30,
                skills="Leadership, négociation",
                goals="Python et Power BI",
            ),
        ],
    )


def test_best_topical_mentor_ranks_first_and_own_report_never_appears(roster: Roster) -> None:
    result = rank_partners(roster, HeuristicScorer(), "S1", k=5)
    partners = [s.partner_id for s in result.suggestions]
    assert partners[0] == "J1"
    assert "J3" not in partners  # reports to S1
    assert result.excluded["own_manager"] == 1
    assert [s.rank for s in result.suggestions] == list(range(1, len(partners) + 1))
    scores = [s.score for s in result.suggestions]
    assert scores == sorted(scores, reverse=True)
    assert all(s.role == F.MENTOR for s in result.suggestions)


def test_k_limits_the_list(roster: Roster) -> None:
    assert len(rank_partners(roster, HeuristicScorer(), "S1", k=1).suggestions) == 1


def test_mentor_gets_mentees(roster: Roster) -> None:
    result = rank_partners(roster, HeuristicScorer(), "J2", k=5)
    assert result.suggestions[0].partner_id == "S2"
    assert {s.role for s in result.suggestions} == {F.MENTEE}


def test_both_person_as_mentee_in_reverse_mode_gets_nobody_with_reasons(roster: Roster) -> None:
    result = rank_partners(roster, HeuristicScorer(), "J4", role=F.MENTEE)
    assert result.suggestions == []
    # J1-J3 are not junior enough; S2 could mentor but is more senior.
    assert result.excluded["wrong_direction"] == 4
    assert result.excluded["wrong_role"] == 1  # S1 is a mentee only
    data = msgspec.to_builtins(result)
    assert data["suggestions"] == []
    assert data["excluded"]["wrong_direction"] == 4


def test_classic_and_mutual_modes(roster: Roster) -> None:
    classic = rank_partners(roster, HeuristicScorer(), "S2", mode=F.CLASSIC)
    assert [s.partner_id for s in classic.suggestions] == ["J4"]
    assert classic.suggestions[0].role == F.MENTEE
    mutual = rank_partners(roster, HeuristicScorer(), "S2", mode=F.MUTUAL, k=10)
    assert {s.role for s in mutual.suggestions} == {"partner"}
    assert "S1" in {s.partner_id for s in mutual.suggestions}  # mentee-only S1 with `both` S2


def test_contributions_sum_to_each_score(roster: Roster) -> None:
    for mode in F.MODES:
        for person_id in roster.ids:
            for suggestion in rank_partners(
                roster, HeuristicScorer(), person_id, mode=mode
            ).suggestions:
                factors = suggestion.explanation.factors
                assert sum(f.contribution for f in factors) == pytest.approx(
                    suggestion.score, abs=1e-6
                )


def test_scores_equal_scoring_every_pair_directly(roster: Roster) -> None:
    from recomentor.ranking.features import pair_features

    scorer = HeuristicScorer()
    result = rank_partners(roster, scorer, "S1", k=10)
    mentors = np.array([roster.index[s.partner_id] for s in result.suggestions])
    features = pair_features(roster, mentors, np.full(mentors.size, roster.index["S1"]))
    expected = scorer.score(features.select(scorer.feature_names))
    assert [s.score for s in result.suggestions] == pytest.approx(expected.tolist(), abs=1e-12)


def test_json_shape_is_the_documented_one(roster: Roster) -> None:
    data = msgspec.to_builtins(rank_partners(roster, HeuristicScorer(), "S1", k=2, lang="fr"))
    json.dumps(data)  # plain JSON types only
    assert set(data) == {"person_id", "mode", "model", "suggestions", "excluded"}
    assert data["person_id"] == "S1"
    assert data["mode"] == "reverse"
    assert data["model"] == {"kind": "heuristic", "name": "heuristic", "version": "2"}
    first = data["suggestions"][0]
    assert set(first) == {"rank", "partner_id", "role", "score", "label", "explanation"}
    assert first["label"] == match_label(first["score"], HEURISTIC)
    assert set(first["explanation"]) == {"summary", "factors", "matches"}
    assert {f["name"] for f in first["explanation"]["factors"]} == set(FEATURE_NAMES)
    assert first["explanation"]["summary"].startswith(label_words(first["label"], "fr") + "\u00a0:")


def test_explanations_hold_ids_and_phrases_never_names(sqlite_store: Store) -> None:
    record = person("J1", skills="Instagram", goals="Négociation")
    record[F.NAME], record[F.EMAIL] = "Claire Martin", "claire@example.org"
    senior = person("S1", role=F.MENTEE, years=30, goals="Instagram")
    senior[F.NAME] = "Jean-Pierre Durand"
    roster = build_roster(sqlite_store, [record, senior])
    text = msgspec.json.encode(rank_partners(roster, HeuristicScorer(), "S1")).decode()
    for personal in ("Claire", "Martin", "claire@", "Jean-Pierre", "Durand"):
        assert personal not in text


def test_unknown_person_is_not_found(roster: Roster) -> None:
    with pytest.raises(NotFoundError) as error:
        rank_partners(roster, HeuristicScorer(), "E9999")
    assert error.value.key == "E9999"


def test_ties_are_broken_by_id_for_stable_output(sqlite_store: Store) -> None:
    twins = [person(f"J{i}", skills="Canva", goals="") for i in (3, 1, 2)]
    roster = build_roster(sqlite_store, [*twins, person("S1", role=F.MENTEE, years=30)])
    partners = [
        s.partner_id for s in rank_partners(roster, HeuristicScorer(), "S1", k=2).suggestions
    ]
    assert partners == ["J1", "J2"]


def test_active_pairings_leave_out_the_pair_and_full_mentors(roster: Roster) -> None:
    # Regression (issue 11): after approval, S1's own mentor still came first and `excluded`
    # reported 0 already_paired and 0 at_capacity.
    scorer = HeuristicScorer()
    paired = PairingState.of([("J1", "S1", "active")])
    before = rank_partners(roster, scorer, "S2", k=10)
    assert "J1" in [s.partner_id for s in before.suggestions]
    s1 = rank_partners(roster, scorer, "S1", k=10, pairings=paired)
    # S1 has a mentor: no second one; J1 is the pair already formed.
    assert s1.suggestions == []
    assert s1.excluded["already_paired"] == 1
    others = rank_partners(roster, scorer, "S1", k=10)
    assert (
        s1.excluded["at_capacity"] == len(others.suggestions) - 1 + others.excluded["at_capacity"]
    )
    s2 = rank_partners(roster, scorer, "S2", k=10, pairings=paired)
    assert "J1" not in [s.partner_id for s in s2.suggestions]  # J1's one slot is taken
    assert s2.excluded["at_capacity"] == before.excluded["at_capacity"] + 1
    j1 = rank_partners(roster, scorer, "J1", k=10, pairings=paired)
    assert j1.suggestions == [] and j1.excluded["already_paired"] == 1


def test_an_ended_pairing_frees_both_people_but_is_not_proposed_again(roster: Roster) -> None:
    scorer = HeuristicScorer()
    ended = PairingState.of([("J1", "S1", "ended")])
    s1 = rank_partners(roster, scorer, "S1", k=10, pairings=ended)
    partners = [s.partner_id for s in s1.suggestions]
    assert partners and "J1" not in partners
    assert (s1.excluded["already_paired"], s1.excluded["at_capacity"]) == (1, 0)
    assert "J1" in [
        s.partner_id for s in rank_partners(roster, scorer, "S2", pairings=ended).suggestions
    ]


def test_mutual_mode_holds_anyone_in_an_active_pairing(roster: Roster) -> None:
    scorer = HeuristicScorer()
    paired = PairingState.of([("J2", "S2", "active")])
    free = [
        s.partner_id for s in rank_partners(roster, scorer, "J1", mode=F.MUTUAL, k=10).suggestions
    ]
    held = rank_partners(roster, scorer, "J1", mode=F.MUTUAL, k=10, pairings=paired)
    assert {"J2", "S2"} & set(free)
    assert not {"J2", "S2"} & {s.partner_id for s in held.suggestions}
    assert held.excluded["at_capacity"] >= 1
