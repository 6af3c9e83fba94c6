"""Training rows from feedback: the label, the shared feature function and each refusal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from recomentor import fields as F
from recomentor.errors import TrainingRefusedError
from recomentor.ranking.features import FEATURE_NAMES, pair_features
from recomentor.ranking.roster import Roster
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.feedback import upsert_feedback
from recomentor.training.config import TrainingConfig
from recomentor.training.dataset import BINARY, SOFT, build_dataset
from recomentor.training.pipeline import fit_ranker
from tests.fakes import build_roster, person

MENTORS = [f"J{i}" for i in range(6)]
MENTEES = [f"S{i}" for i in range(6)]


@pytest.fixture
def roster(sqlite_store: Store) -> Roster:
    juniors = [person(pid, years=1, skills="TikTok, Instagram") for pid in MENTORS]
    seniors = [
        person(pid, role=F.MENTEE, years=25, skills="Négociation", goals="Comprendre TikTok")
        for pid in MENTEES
    ]
    return build_roster(sqlite_store, juniors + seniors)


def _rate(store: Store, ratings: list[tuple[str, str, int]], day: int = 1) -> None:
    stamp = datetime(2026, 1, day, tzinfo=UTC)
    records = [
        {F.MENTOR_ID: a, F.MENTEE_ID: b, F.RATING: r, F.OUTCOME: None, F.SUBMITTED_AT: stamp}
        for a, b, r in ratings
    ]
    with store.session() as session:
        upsert_feedback(session, records)


def _all_pairs(ratings: list[int]) -> list[tuple[str, str, int]]:
    pairs = [(a, b) for a in MENTORS for b in MENTEES]
    return [(a, b, r) for (a, b), r in zip(pairs, ratings, strict=False)]


def test_rows_use_the_suggestion_feature_function_and_label_rating_4_or_more(
    sqlite_store: Store, roster: Roster
) -> None:
    _rate(sqlite_store, _all_pairs([1, 2, 3, 4, 5] * 4))
    dataset = build_dataset(sqlite_store, roster, min_feedback=20)
    assert len(dataset) == 20
    assert dataset.feature_names == FEATURE_NAMES
    expected = pair_features(roster, dataset.mentor_idx, dataset.mentee_idx).matrix
    np.testing.assert_array_equal(dataset.features, expected)
    np.testing.assert_array_equal(dataset.is_good, dataset.ratings >= 4)
    np.testing.assert_allclose(dataset.relevance, (dataset.ratings - 1) / 4)
    np.testing.assert_array_equal(dataset.groups, dataset.mentee_idx)


def test_the_latest_rating_of_a_pair_wins(sqlite_store: Store, roster: Roster) -> None:
    _rate(sqlite_store, _all_pairs([2, 5] * 10), day=1)
    _rate(sqlite_store, [(MENTORS[0], MENTEES[0], 5)], day=9)  # was rated 2 mid-way
    dataset = build_dataset(sqlite_store, roster, min_feedback=20)
    assert len(dataset) == 20
    first = (dataset.mentor_idx == roster.index[MENTORS[0]]) & (
        dataset.mentee_idx == roster.index[MENTEES[0]]
    )
    assert dataset.ratings[first].tolist() == [5]


def test_refuses_too_little_feedback_with_the_counts(sqlite_store: Store, roster: Roster) -> None:
    _rate(sqlite_store, _all_pairs([1, 5] * 5))
    with pytest.raises(TrainingRefusedError, match=r"only 10 rated pairings.*at least 50"):
        build_dataset(sqlite_store, roster, min_feedback=Settings().min_feedback)


def test_the_minimum_is_configurable(sqlite_store: Store, roster: Roster) -> None:
    _rate(sqlite_store, _all_pairs([1, 5] * 5))
    lowered = replace(Settings(), min_feedback=10)
    assert len(build_dataset(sqlite_store, roster, min_feedback=lowered.min_feedback)) == 10
    assert Settings.from_env({"RECOMENTOR_MIN_FEEDBACK": "7"}).min_feedback == 7


@pytest.mark.parametrize(("rating", "which"), [(5, "all"), (4, "all"), (3, "none"), (1, "none")])
def test_binary_labels_refuse_a_single_class(
    sqlite_store: Store, roster: Roster, rating: int, which: str
) -> None:
    _rate(sqlite_store, _all_pairs([rating] * 30))
    with pytest.raises(TrainingRefusedError, match=f"{which} of the 30 rated pairings"):
        build_dataset(sqlite_store, roster, min_feedback=20, label_kind=BINARY)


@pytest.mark.parametrize("rating", [5, 3, 1])
def test_soft_labels_refuse_identical_ratings(
    sqlite_store: Store, roster: Roster, rating: int
) -> None:
    _rate(sqlite_store, _all_pairs([rating] * 30))
    with pytest.raises(TrainingRefusedError, match=f"all 30 rated pairings are rated {rating};"):
        build_dataset(sqlite_store, roster, min_feedback=20)


def test_soft_labels_learn_from_ratings_on_one_side_of_the_good_line(
    sqlite_store: Store, roster: Roster
) -> None:
    # All 4s and 5s: one binary class, but the 5s are still better pairings than the 4s.
    _rate(sqlite_store, _all_pairs([4, 5] * 15))
    dataset = build_dataset(sqlite_store, roster, min_feedback=20)
    assert dataset.label_kind == SOFT
    assert sorted(set(dataset.relevance.tolist())) == [0.75, 1.0]
    with pytest.raises(TrainingRefusedError, match="all of the 30"):
        build_dataset(sqlite_store, roster, min_feedback=20, label_kind=BINARY)


@pytest.mark.parametrize("label", [SOFT, BINARY])
def test_fitting_refuses_a_training_part_that_cannot_separate_pairings(
    sqlite_store: Store, roster: Roster, label: str
) -> None:
    _rate(sqlite_store, _all_pairs([1, 5] * 15))
    dataset = build_dataset(sqlite_store, roster, min_feedback=20, label_kind=label)
    only_fives = np.flatnonzero(dataset.ratings == 5)
    with pytest.raises(TrainingRefusedError, match=r"in the training part of the split.*seed"):
        fit_ranker(dataset, only_fives, TrainingConfig(label=label))
    learned = fit_ranker(dataset, np.arange(len(dataset)), TrainingConfig(label=label))
    assert learned.ranker.classes_.size


def test_fingerprint_changes_with_the_data(sqlite_store: Store, roster: Roster) -> None:
    _rate(sqlite_store, _all_pairs([1, 5] * 10))
    before = build_dataset(sqlite_store, roster, min_feedback=20).fingerprint()
    assert before == build_dataset(sqlite_store, roster, min_feedback=20).fingerprint()
    _rate(sqlite_store, [(MENTORS[0], MENTEES[0], 3)], day=9)
    assert build_dataset(sqlite_store, roster, min_feedback=20).fingerprint() != before
