"""The min-cost flow behind several mentors per mentee agrees with the linear program on
rounds too large to enumerate, and hands over to it when it would take too many phases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recomentor.matching import solver
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


def test_a_flow_that_needs_more_phases_gives_way_to_the_linear_program() -> None:
    # Two mentees, two mentors: the best pairs (12 and 9, not the 10 they share) take two
    # distinct augmenting distances, so two phases.
    mentee, mentor = np.array([0, 0, 1]), np.array([0, 1, 0])
    score = np.array([10.0, 12.0, 9.0])
    ones = np.ones(2, dtype=np.int64)
    assert b_matching(mentee, mentor, score, ones, ones, max_phases=1) is None
    formed = b_matching(mentee, mentor, score, ones, ones, max_phases=8)
    assert formed is not None and formed.tolist() == [False, True, True]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solver, "_MAX_FLOW_PHASES", 1)
        chosen = assign_pairs(mentee, mentor, score, ones, ones, objective=SCORE)
    assert chosen.tolist() == [False, True, True]
