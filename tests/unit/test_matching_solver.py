"""The assignment solvers against exhaustive optima on small random instances."""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recomentor.errors import InvalidInputError
from recomentor.matching.solver import (
    PARTICIPATION,
    SCORE,
    UNPAIRED,
    assign_mentees,
    check_objective,
    pair_within_pool,
)


@st.composite
def bipartite_instances(draw: st.DrawFn) -> tuple[int, int, np.ndarray, np.ndarray]:
    """(mentees, mentors, capacity, score matrix with NaN for forbidden pairs)."""
    n_mentees = draw(st.integers(0, 7))
    n_mentors = draw(st.integers(0, 5))
    capacity = np.array(draw(st.lists(st.integers(1, 2), min_size=n_mentors, max_size=n_mentors)))
    # Scores on a 0.05 grid, some negative (rule penalties), so ties happen often.
    cells = st.one_of(st.none(), st.integers(-4, 20).map(lambda v: v / 20))
    values = draw(st.lists(cells, min_size=n_mentees * n_mentors, max_size=n_mentees * n_mentors))
    matrix = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return n_mentees, n_mentors, capacity, matrix.reshape(n_mentees, n_mentors)


def _edges(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mentee, mentor = np.nonzero(~np.isnan(matrix))
    return mentee, mentor, matrix[mentee, mentor]


def _value(objective: str, pairs: int, total: float) -> tuple[float, ...]:
    return (pairs, round(total, 9)) if objective == PARTICIPATION else (round(total, 9),)


def _exhaustive_optimum(matrix: np.ndarray, capacity: np.ndarray, objective: str) -> tuple:
    """Best value over every capacity-feasible choice (mentor or none) for every mentee.

    Enumerated depth first, so a choice that breaks a rule is dropped with all its extensions
    instead of being generated and then thrown away; every feasible assignment is still valued.
    """
    n_mentees, n_mentors = matrix.shape
    allowed = [
        [
            c
            for c in range(n_mentors)
            if not np.isnan(matrix[i, c]) and (objective != SCORE or matrix[i, c] > 0)
        ]
        for i in range(n_mentees)
    ]
    room = [int(c) for c in capacity]
    chosen: list[tuple[int, int]] = []
    best: tuple | None = None

    def choose_from(mentee: int) -> None:
        nonlocal best
        if mentee == n_mentees:
            value = _value(objective, len(chosen), sum(matrix[i, c] for i, c in chosen))
            best = value if best is None or value > best else best
            return
        choose_from(mentee + 1)  # this mentee stays unpaired
        for mentor in allowed[mentee]:
            if room[mentor]:
                room[mentor] -= 1
                chosen.append((mentee, mentor))
                choose_from(mentee + 1)
                chosen.pop()
                room[mentor] += 1

    choose_from(0)
    assert best is not None
    return best


def _check_solution(matrix: np.ndarray, capacity: np.ndarray, assigned: np.ndarray) -> tuple:
    n_mentees, n_mentors = matrix.shape
    assert assigned.shape == (n_mentees,)
    chosen = [(i, int(c)) for i, c in enumerate(assigned) if c != UNPAIRED]
    # Constraints: only eligible pairs, no mentor above capacity.
    assert all(0 <= c < n_mentors and not np.isnan(matrix[i, c]) for i, c in chosen)
    load = np.bincount([c for _, c in chosen], minlength=n_mentors)
    assert (load <= capacity).all()
    return len(chosen), sum(matrix[i, c] for i, c in chosen)


@settings(max_examples=150, deadline=None)
@given(instance=bipartite_instances(), objective=st.sampled_from([SCORE, PARTICIPATION]))
def test_assignment_total_equals_the_exhaustive_optimum(
    instance: tuple[int, int, np.ndarray, np.ndarray], objective: str
) -> None:
    n_mentees, _, capacity, matrix = instance
    mentee, mentor, score = _edges(matrix)
    assigned = assign_mentees(n_mentees, mentee, mentor, score, capacity, objective=objective)
    pairs, total = _check_solution(matrix, capacity, assigned)
    if objective == SCORE:
        assert all(matrix[i, c] > 0 for i, c in enumerate(assigned) if c != UNPAIRED)
    assert _value(objective, pairs, total) == _exhaustive_optimum(matrix, capacity, objective)


def test_participation_pairs_more_people_than_score_when_they_conflict() -> None:
    # Mentee 0 loves mentor 0 (0.9) but could take mentor 1 (0.1); mentee 1 only fits mentor 0.
    mentee, mentor, score = np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([0.9, 0.1, 0.5])
    capacity = np.array([1, 1])
    by_score = assign_mentees(2, mentee, mentor, score, capacity, objective=SCORE)
    by_participation = assign_mentees(2, mentee, mentor, score, capacity, objective=PARTICIPATION)
    assert by_score.tolist() == [0, UNPAIRED]
    assert by_participation.tolist() == [1, 0]


def test_a_mentor_takes_several_mentees_up_to_capacity() -> None:
    mentee, mentor = np.array([0, 1, 2]), np.array([0, 0, 0])
    assigned = assign_mentees(3, mentee, mentor, np.array([0.5, 0.7, 0.6]), np.array([2]))
    assert sorted(assigned.tolist()) == [UNPAIRED, 0, 0]
    assert assigned[0] == UNPAIRED  # the weakest pair loses the last slot


def test_more_mentees_than_slots_and_zero_capacity() -> None:
    mentee, mentor = np.array([0, 1, 2, 3]), np.array([0, 0, 1, 1])
    score = np.array([0.2, 0.4, 0.9, 0.9])
    assigned = assign_mentees(4, mentee, mentor, score, np.array([1, 0]), objective=PARTICIPATION)
    assert assigned.tolist() == [UNPAIRED, 0, UNPAIRED, UNPAIRED]


def test_no_pairs_leaves_everyone_unpaired() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assigned = assign_mentees(3, empty, empty, np.zeros(0), np.array([1]))
    assert assigned.tolist() == [UNPAIRED] * 3


def test_unknown_objective_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="objective"):
        check_objective("fairness")
    with pytest.raises(InvalidInputError):
        assign_mentees(
            1, np.array([0]), np.array([0]), np.array([1.0]), np.array([1]), objective="x"
        )


@cache
def _matchings(people: tuple[int, ...]) -> list[list[tuple[int, int]]]:
    """Every matching (set of disjoint pairs) of a small pool."""
    if len(people) < 2:
        return [[]]
    head, rest = people[0], people[1:]
    out = [list(m) for m in _matchings(rest)]  # head stays unpaired
    for position, partner in enumerate(rest):
        others = rest[:position] + rest[position + 1 :]
        out += [[(head, partner), *m] for m in _matchings(others)]
    return out


@st.composite
def pool_instances(draw: st.DrawFn) -> tuple[int, np.ndarray]:
    n = draw(st.integers(0, 8))
    cells = st.one_of(st.none(), st.integers(-4, 20).map(lambda v: v / 20))
    matrix = np.full((n, n), np.nan)
    for a, b in itertools.combinations(range(n), 2):
        value = draw(cells)
        matrix[a, b] = matrix[b, a] = np.nan if value is None else value
    return n, matrix


@settings(max_examples=100, deadline=None)
@given(instance=pool_instances(), objective=st.sampled_from([SCORE, PARTICIPATION]))
def test_pool_matching_equals_the_exhaustive_optimum(
    instance: tuple[int, np.ndarray], objective: str
) -> None:
    n, matrix = instance
    first, second = np.nonzero(np.triu(~np.isnan(matrix), 1))
    partner = pair_within_pool(n, first, second, matrix[first, second], objective=objective)
    pairs = [(a, int(b)) for a, b in enumerate(partner) if b != UNPAIRED and a < b]
    # Symmetric, nobody twice, only eligible pairs.
    assert all(partner[b] == a for a, b in pairs)
    assert all(a != b and not np.isnan(matrix[a, b]) for a, b in pairs)
    assert 2 * len(pairs) == int((partner != UNPAIRED).sum())
    feasible = [
        m
        for m in _matchings(tuple(range(n)))
        if all(
            not np.isnan(matrix[a, b]) and (objective != SCORE or matrix[a, b] > 0) for a, b in m
        )
    ]
    best = max(_value(objective, len(m), sum(matrix[a, b] for a, b in m)) for m in feasible)
    got = _value(objective, len(pairs), sum(matrix[a, b] for a, b in pairs))
    assert got == pytest.approx(best)
