"""The session MILP against an exhaustive search on small problems, and the greedy baseline."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recomentor.sessions import solver
from recomentor.sessions.solver import (
    NO_SLOT,
    OPTIMAL,
    RESTRICTED,
    SessionProblem,
    solve_exact,
    solve_greedy,
)


def _feasible(problem: SessionProblem, attend: np.ndarray) -> bool:
    held = np.zeros(problem.sessions, dtype=bool)
    held[problem.pair_session[attend]] = True
    sizes = np.bincount(problem.pair_session[attend], minlength=problem.sessions)
    if ((sizes > 0) & ((sizes < problem.size_min) | (sizes > problem.size_max))).any():
        return False
    attended = np.bincount(problem.pair_person[attend], minlength=problem.people)
    if (attended > problem.attend_limit).any():
        return False
    hosted = np.bincount(problem.session_host[held], minlength=problem.people)
    if (hosted > problem.host_limit).any():
        return False
    topics = list(
        zip(
            problem.pair_person[attend].tolist(),
            problem.session_topic[problem.pair_session[attend]].tolist(),
            strict=True,
        )
    )
    if len(topics) != len(set(topics)):
        return False
    taken: list[tuple[int, int]] = [
        (int(p), int(problem.session_slot[s]))
        for p, s in zip(problem.pair_person[attend], problem.pair_session[attend], strict=True)
    ]
    taken += [
        (int(problem.session_host[s]), int(problem.session_slot[s])) for s in np.flatnonzero(held)
    ]
    taken = [key for key in taken if key[1] != NO_SLOT]
    if len(taken) != len(set(taken)):
        return False
    return not any(problem.busy[p, k] for p, k in taken)


def _exhaustive(problem: SessionProblem) -> float:
    best = 0.0
    for choice in itertools.product((False, True), repeat=problem.pairs):
        attend = np.array(choice, dtype=bool)
        if _feasible(problem, attend):
            best = max(best, float(problem.pair_value[attend].sum()))
    return best


@st.composite
def problems(draw: st.DrawFn) -> SessionProblem:
    people = draw(st.integers(3, 5))
    slots = draw(st.integers(0, 2))
    sessions = draw(st.integers(1, 3))
    hosts = [draw(st.integers(0, people - 1)) for _ in range(sessions)]
    pairs = [
        (s, p)
        for s in range(sessions)
        for p in range(people)
        if p != hosts[s] and draw(st.booleans())
    ][:11]
    values = [draw(st.floats(0.05, 1.0)) for _ in pairs]
    size_min = draw(st.integers(1, 2))
    return SessionProblem(
        session_topic=np.array([draw(st.integers(0, 1)) for _ in range(sessions)], dtype=np.int64),
        session_host=np.array(hosts, dtype=np.int64),
        session_slot=np.array(
            [draw(st.integers(0, slots - 1)) if slots else NO_SLOT for _ in range(sessions)],
            dtype=np.int64,
        ),
        pair_session=np.array([s for s, _ in pairs], dtype=np.int64),
        pair_person=np.array([p for _, p in pairs], dtype=np.int64),
        pair_value=np.array(values, dtype=np.float64),
        attend_limit=np.array([draw(st.integers(0, 2)) for _ in range(people)], dtype=np.int64),
        host_limit=np.array([draw(st.integers(0, 2)) for _ in range(people)], dtype=np.int64),
        busy=np.array(
            [
                [draw(st.booleans()) and draw(st.booleans()) for _ in range(slots)]
                for _ in range(people)
            ],
            dtype=bool,
        ).reshape(people, slots),
        size_min=size_min,
        size_max=draw(st.integers(size_min, 3)),
    )


@settings(max_examples=60, deadline=None)
@given(problems())
def test_milp_equals_exhaustive_optimum(problem: SessionProblem) -> None:
    solution = solve_exact(problem, time_limit=30)
    assert solution.status == OPTIMAL
    assert _feasible(problem, solution.attend)
    assert solution.objective == np.float64(problem.pair_value[solution.attend].sum())
    assert abs(solution.objective - _exhaustive(problem)) < 1e-6
    # Only sessions with attendees are held.
    assert set(np.flatnonzero(solution.held)) == set(problem.pair_session[solution.attend].tolist())


@settings(max_examples=60, deadline=None)
@given(problems())
def test_greedy_is_feasible_and_never_beats_the_milp(problem: SessionProblem) -> None:
    greedy = solve_greedy(problem)
    assert _feasible(problem, greedy.attend)
    assert greedy.objective <= solve_exact(problem, time_limit=30).objective + 1e-9


def test_greedy_falls_short_where_the_best_session_blocks_two_others() -> None:
    """The greedy takes the richest session first, which holds persons 1 and 2 in the only slot;
    the MILP sends them to the two sessions that cover them better."""
    problem = SessionProblem(
        session_topic=np.array([0, 1, 1], dtype=np.int64),
        session_host=np.array([0, 3, 4], dtype=np.int64),
        session_slot=np.array([0, 0, 0], dtype=np.int64),
        pair_session=np.array([0, 0, 1, 2], dtype=np.int64),
        pair_person=np.array([1, 2, 1, 2], dtype=np.int64),
        pair_value=np.array([0.6, 0.6, 0.9, 0.9]),
        attend_limit=np.full(5, 2),
        host_limit=np.full(5, 1),
        busy=np.zeros((5, 1), dtype=bool),
        size_min=1,
        size_max=2,
    )
    assert solve_exact(problem, time_limit=10).objective == np.float64(1.8)
    assert solve_greedy(problem).objective == np.float64(1.2)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_large_programs_solve_exactly_over_the_relaxations_pairs(problem: SessionProblem) -> None:
    """Past DIRECT_PAIRS (made 0 here) the plan is feasible, never below the greedy one, and
    its gap is measured against a bound no plan exceeds."""
    direct = solver.DIRECT_PAIRS
    solver.DIRECT_PAIRS = 0
    try:
        solution = solve_exact(problem, time_limit=30)
    finally:
        solver.DIRECT_PAIRS = direct
    assert solution.status in (RESTRICTED, OPTIMAL)
    assert _feasible(problem, solution.attend)
    best = _exhaustive(problem)
    assert solve_greedy(problem).objective - 1e-9 <= solution.objective <= best + 1e-9
    if solution.status == RESTRICTED and solution.objective > 0:
        bound = solution.objective / (1 - solution.gap) if solution.gap < 1 else np.inf
        assert bound >= best - 1e-6
