"""Matching drafts in the store: create, read back, approve once, erasure, export."""

from __future__ import annotations

import msgspec
import pytest
from sqlalchemy import select

from recomentor import fields as F
from recomentor.erasure import erase_participant
from recomentor.errors import ConflictError, NotFoundError, PairsConflictError
from recomentor.matching.rules import parse_rules
from recomentor.matching.service import (
    Matching,
    MatchingHead,
    Window,
    approve_matching,
    create_matching,
    discard_matching,
    get_matching,
    get_matching_excerpt,
)
from recomentor.ranking.labels import FAIR, LabelThresholds, match_label
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.store import Store
from recomentor.store.tables import PairingRow
from recomentor.suppression import ErasureKey
from tests.fakes import build_roster, person

SOCIAL = "Instagram, TikTok"


@pytest.fixture
def roster(store: Store) -> Roster:
    return build_roster(
        store,
        [
            person("J1", years=1, skills=SOCIAL, max_mentees=2),
            person("J2", years=2, skills="Python, SQL", department="Finance"),
            person("S1", role=F.MENTEE, years=25, goals="Comprendre TikTok"),
            person("S2", role=F.MENTEE, years=20, goals="Apprendre Python"),
            person("S3", role=F.MENTEE, years=18, goals="Instagram", languages="de"),
        ],
    )


def _create(store: Store, roster: Roster, **kwargs: object) -> Matching:
    return create_matching(store, roster, HeuristicScorer(), **kwargs)  # type: ignore[arg-type]


def _pairings(store: Store) -> set[tuple[str, str, str | None]]:
    with store.session() as session:
        rows = session.execute(
            select(PairingRow.mentor_id, PairingRow.mentee_id, PairingRow.matching_id)
        )
        return {(a, b, m) for a, b, m in rows}


def test_create_stores_a_draft_that_reads_back_identically(store: Store, roster: Roster) -> None:
    created = _create(
        store, roster, rules=parse_rules("[[bonus]]\ncriterion='same_location'\nweight=0.1\n")
    )
    assert created.status == "draft"
    assert {(p.mentor_id, p.mentee_id) for p in created.pairs} == {("J1", "S1"), ("J2", "S2")}
    assert [(u.mentee_id, u.reason) for u in created.unpaired] == [("S3", "no_eligible_mentor")]
    assert "no common language" in created.unpaired[0].detail
    loaded = msgspec.to_builtins(get_matching(store, created.id))
    assert loaded == msgspec.to_builtins(created)
    assert set(loaded) >= {
        "id",
        "status",
        "mode",
        "objective",
        "pairs",
        "unpaired",
        "mentor_load",
        "model",
    }
    assert loaded["model"] == {"kind": "heuristic", "name": "heuristic", "version": "2"}
    assert loaded["mentor_load"] == [
        {"mentor_id": "J1", "assigned": 1, "capacity": 2},
        {"mentor_id": "J2", "assigned": 1, "capacity": 1},
    ]
    pair = loaded["pairs"][0]
    # Not stored: read back from the score, the same label the draft was made with.
    assert pair["label"] == match_label(pair["score"], "heuristic")
    assert set(pair["explanation"]) == {"summary", "factors", "matches"}
    assert sum(f["contribution"] for f in pair["explanation"]["factors"]) == pytest.approx(
        pair["score"]
    )
    assert _pairings(store) == set()  # a draft forms no pairing


def test_a_draft_reads_back_with_the_lines_its_model_labelled_it_with(
    store: Store, roster: Roster
) -> None:
    calibrated = HeuristicScorer()
    # A trained model carries its own calibrated lines; these put every pair at fair.
    calibrated.thresholds = LabelThresholds(strong=5.0, good=4.0, fair=-1.0)  # type: ignore[attr-defined]
    created = create_matching(store, roster, calibrated)
    assert {pair.label for pair in created.pairs} == {FAIR}
    # The kind's fixed lines would have labelled them otherwise: the read-back must not use them.
    assert {match_label(pair.score, "heuristic") for pair in created.pairs} != {FAIR}
    loaded = get_matching(store, created.id)
    assert [pair.label for pair in loaded.pairs] == [pair.label for pair in created.pairs]
    excerpt = get_matching_excerpt(store, created.id, pairs=Window(1, 10))
    assert [pair.label for pair in excerpt.pairs] == [FAIR] * len(created.pairs)


def test_an_excerpt_is_a_window_of_the_whole_matching(store: Store, roster: Roster) -> None:
    whole = _create(store, roster)  # pairs J1-S1 and J2-S2, S3 unpaired, loads of J1 and J2
    excerpt = get_matching_excerpt(store, whole.id, pairs=Window(2, 1), loads=Window(9, 1))
    head = [name for name in MatchingHead.__struct_fields__ if name != "total_score"]
    assert [getattr(excerpt, name) for name in head] == [getattr(whole, name) for name in head]
    assert excerpt.total_score == pytest.approx(whole.total_score)
    # The sizes of the whole matching, and only the windows asked for.
    assert (excerpt.pair_count, excerpt.unpaired_count, excerpt.load_count) == (2, 1, 2)
    assert (excerpt.pairs_start, excerpt.pairs) == (1, whole.pairs[1:])
    # Past the end: the last window.
    assert (excerpt.loads_start, excerpt.mentor_load) == (1, whole.mentor_load[1:])
    # Not asked: none of them.
    assert (excerpt.unpaired_start, excerpt.unpaired) == (0, [])
    unpaired = get_matching_excerpt(store, whole.id, unpaired=Window(1, 10))
    assert (unpaired.unpaired, unpaired.pairs, unpaired.mentor_load) == (whole.unpaired, [], [])
    assert (unpaired.pair_count, unpaired.load_count) == (2, None)  # loads not counted


def test_approve_forms_pairings_once(store: Store, roster: Roster) -> None:
    created = _create(store, roster)
    approved = approve_matching(store, roster, created.id)
    assert approved.status == "approved" and approved.approved_at is not None
    assert _pairings(store) == {("J1", "S1", created.id), ("J2", "S2", created.id)}
    with pytest.raises(ConflictError, match="is approved; only a draft can be approved"):
        approve_matching(store, roster, created.id)
    assert len(_pairings(store)) == 2
    # The next round never proposes a formed pair again.
    later = _create(store, roster)
    assert not {(p.mentor_id, p.mentee_id) for p in later.pairs} & {("J1", "S1"), ("J2", "S2")}


def test_a_draft_that_repeats_pairs_approved_since_is_refused(store: Store, roster: Roster) -> None:
    first, second = _create(store, roster), _create(store, roster)
    approve_matching(store, roster, first.id)
    with pytest.raises(PairsConflictError, match="discard it and match again") as caught:
        approve_matching(store, roster, second.id)
    assert {(c.mentor_id, c.mentee_id, c.reason) for c in caught.value.conflicts} == {
        ("J1", "S1", "already_paired"),
        ("J2", "S2", "already_paired"),
    }
    assert get_matching(store, second.id).status == "draft"


def test_unknown_ids_are_not_found(store: Store, roster: Roster) -> None:
    for action in (
        lambda matching_id: get_matching(store, matching_id),
        lambda matching_id: approve_matching(store, roster, matching_id),
        lambda matching_id: discard_matching(store, matching_id),
        lambda matching_id: get_matching_excerpt(store, matching_id),
    ):
        with pytest.raises(NotFoundError) as caught:
            action("no-such-id")
        assert (caught.value.kind, caught.value.key) == ("matching", "no-such-id")


def test_erasing_a_participant_removes_them_from_stored_matchings(
    store: Store, roster: Roster, erasure_key: ErasureKey
) -> None:
    created = _create(store, roster)
    erase_participant(store, "J1", erasure_key)
    after = get_matching(store, created.id)
    assert "J1" not in msgspec.json.encode(after).decode()
    assert [p.mentee_id for p in after.pairs] == ["S2"]


def test_a_draft_of_several_mentors_each_reads_back_in_the_order_it_was_returned(
    store: Store,
) -> None:
    # Ids out of their sorted order, several mentors per mentee, mentees and mentors unpaired.
    people = build_roster(
        store,
        [
            person("Z9", years=30, skills=SOCIAL, max_mentees=3),
            person("B2", years=28, skills="Python, SQL", max_mentees=2),
            person("a1", years=26, skills="Excel", languages="de"),
            person("Y8", role=F.MENTEE, years=5, goals="Comprendre TikTok", max_mentees=2),
            person("C3", role=F.MENTEE, years=3, goals="Apprendre Python", max_mentees=2),
            person("b4", role=F.MENTEE, years=25, goals="Instagram"),
            person("A5", role=F.MENTEE, years=1, goals="SQL", languages="es"),
        ],
    )
    created = create_matching(
        store, people, HeuristicScorer(), mode=F.CLASSIC, min_gap=10, max_mentors=2
    )
    assert len(created.pairs) >= 3 and len(created.unpaired) >= 2
    assert msgspec.to_builtins(get_matching(store, created.id)) == msgspec.to_builtins(created)
