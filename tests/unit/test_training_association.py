"""Phrase association: kinds of skills that served kinds of goals, learned from ratings."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp

from recomentor import fields as F
from recomentor.ranking.features import PHRASE_ASSOCIATION, pair_features
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers.association import PhraseAssociation
from recomentor.ranking.similarity import row_kron
from recomentor.store import Store
from recomentor.training.association import fit_phrase_association
from tests.fakes import build_roster, person

# Mentors teach one of two made-up subjects, mentees want one of two others: text similarity
# cannot tell which goes with which, only the ratings can.
SKILLS = {"alpha": "ozalpha quintessa", "bravo": "brumavo lexitrel"}
GOALS = {"alpha": "zyndrak upholm", "bravo": "yarrowix peldane"}


@pytest.fixture
def roster(sqlite_store: Store) -> Roster:
    people = []
    for subject in ("alpha", "bravo"):
        for n in range(6):
            people.append(person(f"M{subject}{n}", skills=SKILLS[subject], goals="", years=2))
            people.append(
                person(f"E{subject}{n}", role=F.MENTEE, skills="", goals=GOALS[subject], years=25)
            )
    return build_roster(sqlite_store, people)


def _pairs(roster: Roster) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every mentor with every mentee, and whether their subjects match."""
    mentors = [i for i, pid in enumerate(roster.ids) if pid.startswith("M")]
    mentees = [i for i, pid in enumerate(roster.ids) if pid.startswith("E")]
    a = np.repeat(mentors, len(mentees))
    b = np.tile(mentees, len(mentors))
    ids = np.asarray(roster.ids)
    match = np.array([x[1:6] == y[1:6] for x, y in zip(ids[a], ids[b], strict=True)])
    return a, b, match


def _fit(roster: Roster, a: np.ndarray, b: np.ndarray, target: np.ndarray, mode: str = F.REVERSE):
    return fit_phrase_association(roster, a, b, target, b, mode=mode, clusters=4, alpha=0.1, seed=0)


def test_learns_which_kinds_of_skills_serve_which_goals_on_unseen_pairs(roster: Roster) -> None:
    a, b, match = _pairs(roster)
    seen = (a % 3 != 0) & (b % 2 == 0)  # fitted on part of the pairs only
    association, out_of_fold = _fit(roster, a[seen], b[seen], match[seen].astype(float))
    values = association.values(roster, a, b, F.REVERSE)
    unseen = ~seen
    assert values[unseen & match].min() > values[unseen & ~match].max() + 0.5
    # Out-of-fold values never score a mentee's rows with that mentee's own ratings, yet the
    # kinds are shared across mentees, so they rank as well.
    assert out_of_fold[match[seen]].min() > out_of_fold[~match[seen]].max()
    # The whole-text similarity cannot tell the subjects apart: the association adds information.
    similarity = pair_features(roster, a, b).column("skills_to_goals")
    assert abs(similarity[match].mean() - similarity[~match].mean()) < 0.1


def test_one_person_against_many_equals_the_pairwise_path(roster: Roster) -> None:
    a, b, match = _pairs(roster)
    association, _ = _fit(roster, a, b, match.astype(float))
    pairwise = association.values(roster, a, b, F.REVERSE)
    for mentee in np.unique(b).tolist():
        rows = np.flatnonzero(b == mentee)
        star = association.values(roster, a[rows], np.full(rows.size, mentee), F.REVERSE)
        np.testing.assert_allclose(star, pairwise[rows], atol=1e-12)
    cells = association.cells(roster, a, b, F.REVERSE)
    np.testing.assert_allclose(cells @ association.weights.ravel(), pairwise, atol=1e-12)


def test_a_person_on_both_sides_of_their_pairs_equals_the_pairwise_path(roster: Roster) -> None:
    a, b, match = _pairs(roster)
    association, _ = _fit(roster, a, b, match.astype(float))
    center = int(a[0])  # mentors some partners, is mentored by the others
    partners = np.unique(np.concatenate([a, b]))
    partners = partners[partners != center]
    teaches = np.arange(partners.size) % 2 == 0
    mentors = np.where(teaches, center, partners)
    mentees = np.where(teaches, partners, center)
    star = association.values(roster, mentors, mentees, F.REVERSE)
    cells = association.cells(roster, mentors, mentees, F.REVERSE)
    np.testing.assert_allclose(star, cells @ association.weights.ravel(), atol=1e-12)


def test_mutual_values_do_not_depend_on_orientation(roster: Roster) -> None:
    a, b, match = _pairs(roster)
    association, _ = _fit(roster, a, b, match.astype(float), mode=F.MUTUAL)
    np.testing.assert_allclose(
        association.values(roster, a, b, F.MUTUAL), association.values(roster, b, a, F.MUTUAL)
    )


def test_complete_appends_the_column_and_pickling_keeps_the_values(roster: Roster) -> None:
    a, b, match = _pairs(roster)
    association, _ = _fit(roster, a, b, match.astype(float))
    completed = association.complete(roster, pair_features(roster, a, b), F.REVERSE)
    assert completed.names[-1] == PHRASE_ASSOCIATION
    again = pickle.loads(pickle.dumps(association))
    np.testing.assert_array_equal(
        again.values(roster, a, b, F.REVERSE), completed.column(PHRASE_ASSOCIATION)
    )


def test_people_without_phrases_get_zero(sqlite_store: Store) -> None:
    roster = build_roster(
        sqlite_store,
        [
            person("M1", skills="", goals=""),
            person("E1", role=F.MENTEE, years=30, skills="", goals="Lean"),
        ],
    )
    association = PhraseAssociation(np.eye(2, roster.goal_items.vectors.shape[1]), np.ones((2, 2)))
    assert association.values(roster, np.array([0]), np.array([1]), F.REVERSE).tolist() == [0.0]


def test_row_kron_is_the_kronecker_product_of_each_row() -> None:
    rng = np.random.default_rng(0)
    left = sp.csr_matrix(rng.random((7, 3)) * (rng.random((7, 3)) < 0.5))
    right = sp.csr_matrix(rng.random((7, 3)) * (rng.random((7, 3)) < 0.5))
    expected = np.vstack([np.kron(left[i].toarray(), right[i].toarray()) for i in range(7)])
    np.testing.assert_allclose(row_kron(left, right, 3).toarray(), expected)


def test_an_empty_roster_fits_without_kinds(sqlite_store: Store) -> None:
    roster = build_roster(
        sqlite_store,
        [person("M1", skills="", goals=""), person("E1", role=F.MENTEE, skills="", goals="")],
    )
    association, out_of_fold = fit_phrase_association(
        roster, np.array([0]), np.array([1]), np.array([1.0]), np.array([1]),
        mode=F.REVERSE, clusters=60, alpha=1.0, seed=0,
    )  # fmt: skip
    assert association.n_kinds == 1 and out_of_fold.tolist() == [0.0]
