"""A program over time (issue 11): approvals re-checked, drafts discarded, pairings ended or
made by hand, on every database."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest

from recomentor import fields as F
from recomentor.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PairConflict,
    PairsConflictError,
)
from recomentor.matching.pairings import (
    end_pairing,
    end_pairing_of,
    get_pairing_by_id,
    list_pairings,
    pair_by_hand,
)
from recomentor.matching.rules import parse_rules
from recomentor.matching.service import (
    Matching,
    approve_matching,
    create_matching,
    discard_matching,
    get_matching,
    list_matchings,
)
from recomentor.ranking.capacity import read_pairing_state
from recomentor.ranking.rank import rank_partners
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.store import Store
from recomentor.store.matchings import insert_matching
from recomentor.store.participants import upsert_participants
from tests.fakes import build_roster, person

SOCIAL = "Instagram, TikTok"
GAP = 5.0


@pytest.fixture
def roster(store: Store) -> Roster:
    """Two juniors with two slots each, four seniors who want what they teach."""
    return build_roster(store, _people())


def _people(**changes: dict[str, object]) -> list[dict[str, object]]:
    people = [
        person("J1", years=1, skills=SOCIAL, max_mentees=2),
        person("J2", years=2, skills="Python, SQL", max_mentees=2),
        person("S1", role=F.MENTEE, years=25, goals="Comprendre TikTok"),
        person("S2", role=F.MENTEE, years=20, goals="Apprendre Python"),
        person("S3", role=F.MENTEE, years=22, goals="Instagram"),
        person("S4", role=F.MENTEE, years=28, goals="SQL"),
    ]
    for record in people:
        record.update(changes.get(str(record[F.ID]), {}))
    return people


def _draft(store: Store, roster: Roster) -> Matching:
    return create_matching(store, roster, HeuristicScorer(), min_gap=GAP)


def _pairs(matching: Matching) -> set[tuple[str, str]]:
    return {(p.mentor_id, p.mentee_id) for p in matching.pairs}


def _in_force(store: Store) -> set[tuple[str, str]]:
    return {(p.mentor_id, p.mentee_id) for p in list_pairings(store, status="active")}


def _assert_capacities_hold(store: Store, roster: Roster) -> None:
    active = _in_force(store)
    per_mentor = Counter(mentor for mentor, _ in active)
    per_mentee = Counter(mentee for _, mentee in active)
    for mentor, count in per_mentor.items():
        assert count <= roster.max_mentees[roster.index[mentor]], mentor
    assert set(per_mentee.values()) <= {1}


def test_a_second_round_respects_the_approved_one(store: Store, roster: Roster) -> None:
    first = _draft(store, roster)
    assert len(first.pairs) == 4
    approve_matching(store, roster, first.id)
    # Every mentee has a mentor now: the next round has nobody to pair.
    second = _draft(store, roster)
    assert (second.pairs, second.unpaired, second.mentees_already_paired) == ([], [], 4)
    assert {m.mentor_id: m.capacity for m in second.mentor_load} == {"J1": 0, "J2": 0}
    # Suggestions see the same pairings, straight from the store.
    state = read_pairing_state(store)
    s1 = rank_partners(roster, HeuristicScorer(), "S1", min_gap=GAP, pairings=state)
    assert s1.suggestions == [] and s1.excluded["already_paired"] == 1


def test_approval_rechecks_drafts_against_what_was_approved_since(
    store: Store, roster: Roster
) -> None:
    first, second = _draft(store, roster), _draft(store, roster)
    approve_matching(store, roster, first.id)
    with pytest.raises(PairsConflictError) as caught:
        approve_matching(store, roster, second.id)
    assert caught.value.conflicts == [
        PairConflict(mentor, mentee, "already_paired") for mentor, mentee in sorted(_pairs(second))
    ]
    assert get_matching(store, second.id).status == "draft"
    assert _in_force(store) == _pairs(first)  # nothing of the second one was applied
    # Discard, re-run, approve: the new draft has nothing left to conflict with.
    assert discard_matching(store, second.id).status == "discarded"
    with pytest.raises(ConflictError, match="is discarded; only a draft can be approved"):
        approve_matching(store, roster, second.id)
    end_pairing_of(store, "J1", "S1", "dropped")
    third = _draft(store, roster)
    assert third.mentees_already_paired == 3
    assert approve_matching(store, roster, third.id).status == "approved"
    _assert_capacities_hold(store, roster)


def test_capacity_conflicts_name_every_pair_of_the_full_mentor(
    store: Store, roster: Roster
) -> None:
    draft = _draft(store, roster)
    j1_mentees = sorted(mentee for mentor, mentee in _pairs(draft) if mentor == "J1")
    assert len(j1_mentees) == 2
    # Meanwhile J1 took a newcomer by hand: one slot left for the draft's two mentees.
    roster = build_roster(store, [person("S5", role=F.MENTEE, years=30, goals="TikTok")])
    pair_by_hand(store, roster, "J1", "S5", min_gap=GAP)
    with pytest.raises(PairsConflictError) as caught:
        approve_matching(store, roster, draft.id)
    assert {(c.mentor_id, c.mentee_id, c.reason) for c in caught.value.conflicts} == {
        ("J1", mentee, "mentor_at_capacity") for mentee in j1_mentees
    }
    assert _in_force(store) == {("J1", "S5")}


def test_approval_rechecks_the_hard_rules_on_current_answers(store: Store, roster: Roster) -> None:
    draft = _draft(store, roster)
    mentee_of_j2 = next(mentee for mentor, mentee in _pairs(draft) if mentor == "J2")
    # Since the draft, J2's manager turned out to be their mentee.
    changed = build_roster(store, _people(J2={F.MANAGER_ID: mentee_of_j2}))
    with pytest.raises(PairsConflictError) as caught:
        approve_matching(store, changed, draft.id)
    assert [(c.mentor_id, c.mentee_id, c.reason) for c in caught.value.conflicts] == [
        ("J2", mentee_of_j2, "own_manager")
    ]


def test_approval_rechecks_the_program_rules_stored_with_the_draft(
    store: Store, roster: Roster
) -> None:
    rules = parse_rules("[require]\nsame_location = true\n")
    draft = create_matching(store, roster, HeuristicScorer(), min_gap=GAP, rules=rules)
    assert len(draft.pairs) == 4  # everyone is in Paris
    moved = build_roster(store, _people(S3={F.LOCATION: "Lyon"}))
    with pytest.raises(PairsConflictError) as caught:
        approve_matching(store, moved, draft.id)
    assert [(c.mentee_id, c.reason) for c in caught.value.conflicts] == [
        ("S3", "rule:same_location")
    ]


def test_pairing_by_hand_is_checked_like_an_approval(store: Store, roster: Roster) -> None:
    made = pair_by_hand(store, roster, "J1", "S1", min_gap=GAP)
    assert (made.status, made.matching_id, made.mode) == ("active", None, F.REVERSE)
    assert get_pairing_by_id(store, made.id) == made
    refused = {
        ("J1", "S1"): "already_paired",
        ("J2", "S1"): "mentee_has_mentor",
        ("S1", "J2"): "wrong_role",
    }
    for (mentor, mentee), reason in refused.items():
        with pytest.raises(PairsConflictError) as caught:
            pair_by_hand(store, roster, mentor, mentee, min_gap=GAP)
        assert [c.reason for c in caught.value.conflicts] == [reason]
    pair_by_hand(store, roster, "J1", "S3", min_gap=GAP)
    with pytest.raises(PairsConflictError, match="mentor_at_capacity"):
        pair_by_hand(store, roster, "J1", "S4", min_gap=GAP)
    with pytest.raises(NotFoundError):
        pair_by_hand(store, roster, "J1", "NOBODY", min_gap=GAP)
    with pytest.raises(InvalidInputError, match="mode must be one of"):
        pair_by_hand(store, roster, "J1", "S4", mode="sideways", min_gap=GAP)
    _assert_capacities_hold(store, roster)


def test_a_program_of_several_mentors_pairs_a_second_one_by_hand(
    store: Store, roster: Roster
) -> None:
    pair_by_hand(store, roster, "J1", "S1", min_gap=GAP)
    with pytest.raises(PairsConflictError, match="mentee_has_mentor"):
        pair_by_hand(store, roster, "J2", "S1", min_gap=GAP)
    second = pair_by_hand(store, roster, "J2", "S1", min_gap=GAP, max_mentors=2)
    assert {(p.mentor_id, p.mentee_id) for p in list_pairings(store, status="active")} == {
        ("J1", "S1"),
        ("J2", "S1"),
    }
    assert second.status == "active"
    for bad in (0, 51):
        with pytest.raises(InvalidInputError, match="max_mentors must be from 1 to 50"):
            pair_by_hand(store, roster, "J2", "S2", min_gap=GAP, max_mentors=bad)
    with pytest.raises(InvalidInputError, match="max_mentors must be 1"):
        pair_by_hand(store, roster, "J2", "S2", mode=F.MUTUAL, min_gap=GAP, max_mentors=2)


def test_ending_frees_the_slot_and_supersedes_a_finished_matching(
    store: Store, roster: Roster
) -> None:
    draft = _draft(store, roster)
    approve_matching(store, roster, draft.id)
    mentee_of_j2 = next(mentee for mentor, mentee in _pairs(draft) if mentor == "J2")
    with pytest.raises(PairsConflictError, match="mentor_at_capacity"):
        pair_by_hand(store, roster, "J1", mentee_of_j2, min_gap=GAP)  # the mentor is named first
    pairings = list_pairings(store, status="active")
    for pairing in pairings[:-1]:
        ended = end_pairing(store, pairing.id, "completed")
        assert (ended.status, ended.end_reason) == ("ended", "completed")
        assert ended.ended_at is not None and ended.ended_at >= ended.created_at
        assert get_matching(store, draft.id).status == "approved"  # one still runs
    end_pairing(store, pairings[-1].id, "rematched")
    assert get_matching(store, draft.id).status == "superseded"
    assert list_pairings(store, status="active") == []
    assert len(list_pairings(store, status="ended")) == 4
    with pytest.raises(ConflictError, match="already ended"):
        end_pairing(store, pairings[0].id, "completed")
    with pytest.raises(InvalidInputError, match="reason must be one of"):
        end_pairing(store, pairings[0].id, "because")
    with pytest.raises(NotFoundError):
        end_pairing(store, 10_000, "completed")
    # Free again, but a pair is formed once: the next round pairs the others differently.
    mentor_of = {(p.mentor_id, p.mentee_id) for p in pairings}
    again = _draft(store, roster)
    assert not _pairs(again) & mentor_of


def test_lists_filter_and_page(store: Store, roster: Roster) -> None:
    drafts = [_draft(store, roster) for _ in range(3)]
    approve_matching(store, roster, drafts[0].id)
    discard_matching(store, drafts[1].id)
    listed = list_matchings(store)
    assert [m.id for m in listed] == [d.id for d in reversed(drafts)]
    assert [m.status for m in listed] == ["draft", "discarded", "approved"]
    assert all(m.pair_count == 4 and m.unpaired_count == 0 for m in listed)
    assert listed[0].total_score == pytest.approx(drafts[2].total_score)
    page = list_matchings(store, limit=2)
    rest = list_matchings(store, after=(page[-1].created_at, page[-1].id))
    assert [m.id for m in page + rest] == [m.id for m in listed]
    assert [m.id for m in list_matchings(store, status="discarded")] == [drafts[1].id]
    with pytest.raises(InvalidInputError, match="status must be one of"):
        list_matchings(store, status="pending")
    pairings = list_pairings(store)
    first_two = list_pairings(store, limit=2)
    assert first_two + list_pairings(store, after_id=first_two[-1].id) == pairings
    assert {p.mentee_id for p in list_pairings(store, participant_id="J1")} == {
        mentee for mentor, mentee in _pairs(drafts[0]) if mentor == "J1"
    }
    with pytest.raises(InvalidInputError, match="status must be one of"):
        list_pairings(store, status="paused")


def test_only_drafts_can_be_discarded(store: Store, roster: Roster) -> None:
    draft = _draft(store, roster)
    approve_matching(store, roster, draft.id)
    with pytest.raises(ConflictError, match="is approved; only a draft can be discarded"):
        discard_matching(store, draft.id)


_NO_EXPLANATION = {"summary": "", "factors": [], "matches": []}
_HEURISTIC = {"kind": "heuristic", "name": "heuristic", "version": "2"}


def _stored_draft(store: Store, pairs: list[tuple[str, str]]) -> str:
    matching_id = str(uuid.uuid4())
    with store.session() as session:
        insert_matching(
            session,
            matching_id=matching_id,
            mode=F.REVERSE,
            objective="score",
            params={"min_gap": GAP, "rules": {}, "model": _HEURISTIC},
            pairs=[
                {"mentor_id": m, "mentee_id": e, "score": 0.5, "explanation": _NO_EXPLANATION}
                for m, e in pairs
            ],
            unpaired=[],
        )
    return matching_id


def test_two_approvals_at_once_never_overfill_a_mentor(store: Store, roster: Roster) -> None:
    # Different pairs, so only the capacity check can tell; checks and inserts must not
    # interleave between the two.
    drafts = [
        _stored_draft(store, [("J1", "S1"), ("J1", "S3")]),
        _stored_draft(store, [("J1", "S2"), ("J1", "S4")]),
    ]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(matching_id: str) -> None:
        start.wait()
        try:
            outcomes.append(approve_matching(store, roster, matching_id).status)
        except Exception as error:  # anything but the one expected conflict fails below
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=approve, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["PairsConflictError", "approved"]
    assert len(_in_force(store)) == 2
    _assert_capacities_hold(store, roster)


def test_participants_upserted_later_keep_their_pairings(store: Store, roster: Roster) -> None:
    pair_by_hand(store, roster, "J1", "S1", min_gap=GAP)
    with store.session() as session:
        upsert_participants(session, _people(J1={F.MAX_MENTEES: 3}))
    assert _in_force(store) == {("J1", "S1")}
