"""The min-cost flow behind several mentors per mentee agrees with the linear program on
rounds too large to enumerate, and hands over to it when it would take too many phases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recomentor.matching import flow, solver
from recomentor.matching.flow import b_matching
from recomentor.matching.solver import PARTICIPATION, SCORE, assign_pairs


@st.composite
def _rounds(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n_mentees, n_mentors = draw(st.integers(1, 12)), draw(st.integers(1, 10))
    cells = [(e, m) for e in range(n_mentees) for m in range(n_mentors)]
    edges = draw(st.lists(st.sampled_from(cells), unique=True, max_size=60))
    # Rule points: few distinct values, negatives (penalties) and zeros included.
    scores = draw(st.lists(st.sampled_from([-3, 0, 6, 9, 10, 12]), min_size=len(edges)))
    return (
        np.array([e for e, _ in edges], dtype=np.int64),
        np.array([m for _, m in edges], dtype=np.int64),
        np.array(scores[: len(edges)], dtype=np.float64),
        np.array(draw(st.lists(st.integers(0, 3), min_size=n_mentors, max_size=n_mentors))),
        np.array(draw(st.lists(st.integers(0, 3), min_size=n_mentees, max_size=n_mentees))),
    )


def _outcome(chosen: np.ndarray, mentee: np.ndarray, score: np.ndarray) -> tuple[int, float]:
    return int(np.unique(mentee[chosen]).size), float(score[chosen].sum())


@settings(max_examples=80, deadline=None)
@given(_rounds(), st.sampled_from([SCORE, PARTICIPATION]))
def test_the_flow_finds_the_linear_programs_optimum(
    round_: tuple[np.ndarray, ...], objective: str
) -> None:
    mentee, mentor, score, mentor_cap, mentee_cap = round_
    by_flow = assign_pairs(mentee, mentor, score, mentor_cap, mentee_cap, objective=objective)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solver, "_FEW_SCORES", 0)  # every round to the linear program
        by_program = assign_pairs(
            mentee, mentor, score, mentor_cap, mentee_cap, objective=objective
        )
    served, total = _outcome(by_flow, mentee, score)
    expected_served, expected_total = _outcome(by_program, mentee, score)
    assert total == pytest.approx(expected_total)
    if objective == PARTICIPATION:
        assert served == expected_served
    for side, caps in ((mentee, mentee_cap), (mentor, mentor_cap)):
        assert (np.bincount(side[by_flow], minlength=caps.size) <= caps).all()


def test_costs_too_wide_for_integers_give_way_to_the_linear_program() -> None:
    # Two mentees, two mentors: the best pairs are 12 and 9, not the 10 they share.
    mentee, mentor = np.array([0, 0, 1]), np.array([0, 1, 0])
    score = np.array([10.5, 12.25, 9.125])
    ones = np.ones(2, dtype=np.int64)
    formed = b_matching(mentee, mentor, score, ones, ones)
    assert formed is not None and formed.tolist() == [False, True, True]
    with pytest.MonkeyPatch.context() as patch:
        # No scale both fine enough and inside the bound: the flow declines.
        patch.setattr(flow, "_COST_BOUND", 2**20)
        assert b_matching(mentee, mentor, score, ones, ones) is None
        chosen = assign_pairs(mentee, mentor, score, ones, ones, objective=SCORE)
    assert chosen.tolist() == [False, True, True]


def test_rule_points_stay_exact_whatever_their_size() -> None:
    # Integer points are scaled exactly: a one-point difference decides among large scores.
    mentee, mentor = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    score = np.array([1e6, 1e6 + 1, 1e6 + 1, 1e6 - 1])
    ones = np.ones(2, dtype=np.int64)
    formed = b_matching(mentee, mentor, score, ones, ones)
    assert formed is not None and formed.tolist() == [False, True, True, False]
