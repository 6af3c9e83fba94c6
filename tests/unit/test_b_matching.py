"""Several mentors per mentee: the b-matching is exactly optimal, for both objectives."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recomentor.matching.solver import PARTICIPATION, SCORE, assign_mentees, assign_pairs


@st.composite
def _rounds(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n_mentees = draw(st.integers(1, 4))
    n_mentors = draw(st.integers(1, 3))
    cells = [(e, m) for e in range(n_mentees) for m in range(n_mentors)]
    edges = draw(st.lists(st.sampled_from(cells), unique=True, max_size=9))
    # Scores on a grid of quarters: sums compare exactly, negatives and zeros included.
    scores = [draw(st.integers(-4, 12)) / 4 for _ in edges]
    mentee_capacity = draw(st.lists(st.integers(0, 3), min_size=n_mentees, max_size=n_mentees))
    mentor_capacity = draw(st.lists(st.integers(0, 3), min_size=n_mentors, max_size=n_mentors))
    return (
        np.array([e for e, _ in edges], dtype=np.int64),
        np.array([m for _, m in edges], dtype=np.int64),
        np.array(scores, dtype=np.float64),
        np.array(mentor_capacity, dtype=np.int64),
        np.array(mentee_capacity, dtype=np.int64),
    )


def _feasible(chosen: tuple[int, ...], mentee, mentor, mentor_cap, mentee_cap) -> bool:
    picked = np.array(chosen, dtype=np.int64)
    mentee_use = np.bincount(mentee[picked], minlength=mentee_cap.size)
    mentor_use = np.bincount(mentor[picked], minlength=mentor_cap.size)
    return bool((mentee_use <= mentee_cap).all() and (mentor_use <= mentor_cap).all())


def _value(chosen, mentee, score, objective: str) -> tuple[float, ...]:
    picked = np.asarray(chosen, dtype=np.int64)
    total = float(score[picked].sum()) if picked.size else 0.0
    if objective == SCORE:
        return (total,)
    return (float(np.unique(mentee[picked]).size), total)


def _best(mentee, mentor, score, mentor_cap, mentee_cap, objective: str) -> tuple[float, ...]:
    best: tuple[float, ...] | None = None
    for size in range(score.size + 1):
        for chosen in combinations(range(score.size), size):
            if _feasible(chosen, mentee, mentor, mentor_cap, mentee_cap):
                value = _value(chosen, mentee, score, objective)
                best = value if best is None or value > best else best
    assert best is not None  # forming nothing is always feasible
    return best


@settings(max_examples=150, deadline=None)
@given(_rounds())
def test_b_matching_equals_the_exhaustive_optimum(round_: tuple[np.ndarray, ...]) -> None:
    mentee, mentor, score, mentor_cap, mentee_cap = round_
    for objective in (SCORE, PARTICIPATION):
        chosen = assign_pairs(mentee, mentor, score, mentor_cap, mentee_cap, objective=objective)
        picked = tuple(np.flatnonzero(chosen).tolist())
        assert _feasible(picked, mentee, mentor, mentor_cap, mentee_cap)
        found = _value(picked, mentee, score, objective)
        assert found == _best(mentee, mentor, score, mentor_cap, mentee_cap, objective), objective


@settings(max_examples=60, deadline=None)
@given(_rounds())
def test_with_one_mentor_each_it_agrees_with_the_assignment_path(
    round_: tuple[np.ndarray, ...],
) -> None:
    mentee, mentor, score, mentor_cap, _ = round_
    one_each = np.ones(int(mentee.max(initial=0)) + 1, dtype=np.int64)
    for objective in (SCORE, PARTICIPATION):
        chosen = assign_pairs(mentee, mentor, score, mentor_cap, one_each, objective=objective)
        assigned = assign_mentees(
            one_each.size, mentee, mentor, score, mentor_cap, objective=objective
        )
        rows = np.flatnonzero(assigned >= 0)
        by_assignment = sum(
            float(score[(mentee == r) & (mentor == assigned[r])][0]) for r in rows.tolist()
        )
        picked = np.flatnonzero(chosen)
        assert np.unique(mentee[picked]).size == picked.size  # one mentor each
        if objective == PARTICIPATION:
            assert picked.size == rows.size
        assert float(score[picked].sum()) == by_assignment
