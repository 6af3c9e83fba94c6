"""Exact assignment of mentees to mentor capacity slots, and of partners within one pool."""

from __future__ import annotations

from typing import Final

import numpy as np

from recomentor.errors import InvalidInputError
from recomentor.matching.flow import b_matching

SCORE: Final = "score"
PARTICIPATION: Final = "participation"
OBJECTIVES: Final = (SCORE, PARTICIPATION)
UNPAIRED: Final = -1
# Scores of few distinct values (program rules' points, integers) are solved as a min-cost
# flow on integer costs, exact on them, in milliseconds; many distinct values (the heuristic's
# floats) go to the linear program, which takes them as they are, and so does a flow whose
# costs cannot be made integers finely enough. Both are exact.
_FEW_SCORES: Final = 64


def check_objective(objective: str) -> str:
    if objective not in OBJECTIVES:
        raise InvalidInputError(
            f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}"
        )
    return objective


def _pair_bonus(score: np.ndarray, n_pairs_max: int) -> float:
    """A per-pair constant larger than any total score difference: one more pair always wins."""
    largest = float(np.abs(score).max()) if score.size else 0.0
    return 2.0 * max(n_pairs_max, 1) * max(largest, 1.0) + 1.0


def _kept_edges(score: np.ndarray, objective: str) -> np.ndarray:
    # Under `score` a pair worth nothing (or less, after rule penalties) is not worth a slot.
    return score > 0 if objective == SCORE else np.ones(score.shape, dtype=bool)


def assign_mentees(
    n_mentees: int,
    mentee: np.ndarray,
    mentor: np.ndarray,
    score: np.ndarray,
    capacity: np.ndarray,
    *,
    objective: str = SCORE,
) -> np.ndarray:
    """The mentor of each mentee (UNPAIRED = -1) in an optimal assignment.

    `mentee[i]`, `mentor[i]`, `score[i]` list the eligible pairs (distinct); every other pair
    is forbidden. Mentor j takes at most `capacity[j]` mentees, each mentee at most one mentor.
    `score` maximises the total score of the pairs formed; `participation` maximises the number
    of pairs first, then their total score.

    Each mentor is repeated once per slot and the rectangular assignment problem is solved
    exactly (`linear_sum_assignment`). A forbidden cell costs 0, exactly like staying
    unpaired: whichever side is smaller is matched in full, and any set of eligible pairs
    extends to such a full matching with forbidden cells, so the optimum is not changed by
    them and needs no dummy columns.
    """
    check_objective(objective)
    mentee, mentor = _positions(mentee), _positions(mentor)
    score = np.asarray(score, dtype=np.float64)
    capacity = np.asarray(capacity, dtype=np.int64)
    result = np.full(n_mentees, UNPAIRED, dtype=np.int64)
    keep = _kept_edges(score, objective) & (capacity[mentor] > 0)
    if not keep.all():
        mentee, mentor, score = mentee[keep], mentor[keep], score[keep]
    del keep
    if score.size == 0:
        return result
    # Only people with an eligible pair take part, and a mentor never needs more slots than
    # it has eligible mentees (its k-th slot is used only with k mentees). Counting instead
    # of sorting keeps this linear in the number of pairs.
    rows, row_of = _present(np.bincount(mentee, minlength=n_mentees))
    edges_per_mentor = np.bincount(mentor, minlength=capacity.size)
    mentors, column_of = _present(edges_per_mentor)
    slots = np.minimum(capacity[mentors], edges_per_mentor[mentors])
    slot_owner = np.repeat(np.arange(mentors.size), slots)
    if objective == PARTICIPATION:
        cost = -(score + _pair_bonus(score, min(rows.size, slot_owner.size)))
    else:
        cost = -score
    # One cell per (mentee, mentor), then each mentor's column repeated once per slot, in the
    # orientation scipy solves without a transposed copy (no more rows than columns).
    transpose = rows.size > slot_owner.size
    if transpose:
        by_mentor = np.zeros((mentors.size, rows.size))
        by_mentor[column_of[mentor], row_of[mentee]] = cost
        slot_cost = by_mentor[slot_owner]
    else:
        by_mentor = np.zeros((rows.size, mentors.size))
        by_mentor[row_of[mentee], column_of[mentor]] = cost
        slot_cost = np.take(by_mentor, slot_owner, axis=1)
    del by_mentor, cost
    # Imported here: scipy.optimize costs more to import than a whole b-matching takes to solve.
    from scipy.optimize import linear_sum_assignment

    first, second = linear_sum_assignment(slot_cost)
    row_index, slot_index = (second, first) if transpose else (first, second)
    chosen = slot_cost[first, second] < 0
    del slot_cost
    result[rows[row_index[chosen]]] = mentors[slot_owner[slot_index[chosen]]]
    return result


def _positions(values: np.ndarray) -> np.ndarray:
    # Any integer dtype indexes; converting int32 pair lists to int64 would copy them.
    positions = np.asarray(values)
    return positions if positions.dtype.kind in "iu" else positions.astype(np.int64)


def _present(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions with a nonzero count, and each position's rank among them (-1 if absent)."""
    present = np.flatnonzero(counts)
    rank = np.full(counts.size, -1, dtype=np.int32 if present.size < 2**31 else np.int64)
    rank[present] = np.arange(present.size)
    return present, rank


def pair_within_pool(
    n_people: int,
    first: np.ndarray,
    second: np.ndarray,
    score: np.ndarray,
    *,
    objective: str = SCORE,
) -> np.ndarray:
    """The partner of each person (UNPAIRED = -1) in an optimal matching of one pool.

    Pairs have no direction and each person joins at most one pair. This is a matching in a
    general graph, so it is solved exactly with Edmonds' blossom algorithm (networkx), which
    handles `participation` as a maximum-cardinality matching of largest weight.
    """
    import networkx as nx

    check_objective(objective)
    first = np.asarray(first, dtype=np.int64)
    second = np.asarray(second, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    keep = _kept_edges(score, objective) & (first != second)
    graph = nx.Graph()
    edges = zip(first[keep].tolist(), second[keep].tolist(), score[keep].tolist(), strict=True)
    graph.add_weighted_edges_from(edges)
    partner = np.full(n_people, UNPAIRED, dtype=np.int64)
    if graph.number_of_edges() == 0:
        return partner
    for person, other in nx.max_weight_matching(graph, maxcardinality=objective == PARTICIPATION):
        partner[person], partner[other] = other, person
    return partner


def assign_pairs(
    mentee: np.ndarray,
    mentor: np.ndarray,
    score: np.ndarray,
    mentor_capacity: np.ndarray,
    mentee_capacity: np.ndarray,
    *,
    objective: str = SCORE,
) -> np.ndarray:
    """Which eligible pairs to form (bool per pair) when a mentee may have several mentors.

    `mentee[i]`, `mentor[i]`, `score[i]` list the eligible pairs (distinct, so each pair is
    formed at most once); mentor j takes at most `mentor_capacity[j]` mentees and mentee i
    at most `mentee_capacity[i]` mentors. `score` maximises the total score; `participation`
    maximises the number of mentees with at least one mentor first, then the total score.

    A bipartite b-matching, solved exactly. When the scores take few distinct values (a
    program scored by its rules' points), as a min-cost flow (matching.flow): a few phases of
    compiled graph searches. Otherwise (or when the flow would take too many phases) as a
    linear program over the same flow: each mentee's first place is a variable of its own
    (`served`, worth a bonus larger than any total score difference under participation),
    the pairs take the mentee's places and the mentor's. The constraint matrix is then a
    network matrix, so the linear program's vertex optimum (HiGHS simplex) is integral:
    solved exactly without branching. Should a solution come back fractional anyway, the
    integer program is solved instead.
    """
    check_objective(objective)
    mentee, mentor = _positions(mentee), _positions(mentor)
    score = np.asarray(score, dtype=np.float64)
    mentor_capacity = np.asarray(mentor_capacity, dtype=np.int64)
    mentee_capacity = np.asarray(mentee_capacity, dtype=np.int64)
    chosen = np.zeros(score.size, dtype=bool)
    keep = (
        _kept_edges(score, objective)
        & (mentor_capacity[mentor] > 0)
        & (mentee_capacity[mentee] > 0)
    )
    edges = np.flatnonzero(keep)
    if edges.size == 0:
        return chosen
    mentee, mentor, weights = mentee[edges], mentor[edges], score[edges]
    # Counting, not sorting: only people with an eligible pair take part, as dense rows.
    mentees, mentee_rank = _present(np.bincount(mentee, minlength=mentee_capacity.size))
    mentors, mentor_rank = _present(np.bincount(mentor, minlength=mentor_capacity.size))
    mentee_row, mentor_row = mentee_rank[mentee], mentor_rank[mentor]
    if np.unique(weights).size <= _FEW_SCORES:
        # A bonus larger than any difference of total scores: one more mentee served wins.
        bonus = None if objective == SCORE else float(np.abs(weights).sum()) + 1.0
        formed = b_matching(
            mentee_row,
            mentor_row,
            weights,
            mentee_capacity[mentees],
            mentor_capacity[mentors],
            served_bonus=bonus,
        )
        if formed is not None:
            chosen[edges[formed]] = True
            return chosen
    formed = _linear_program(
        mentee_row,
        mentor_row,
        weights,
        mentee_capacity[mentees],
        mentor_capacity[mentors],
        objective=objective,
    )
    chosen[edges[formed]] = True
    return chosen


def _linear_program(
    mentee_row: np.ndarray,
    mentor_row: np.ndarray,
    weights: np.ndarray,
    mentee_capacity: np.ndarray,
    mentor_capacity: np.ndarray,
    *,
    objective: str,
) -> np.ndarray:
    """assign_pairs' b-matching as HiGHS's linear program over dense positions: which pairs
    (bool per pair) to form."""
    # Imported here: scipy.optimize takes longer to import than most flows take to solve.
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix, hstack, identity

    n_edges, n_mentees, columns = weights.size, mentee_capacity.size, np.arange(weights.size)
    ones = np.ones(n_edges)
    by_mentee = csr_matrix((ones, (mentee_row, columns)), shape=(n_mentees, n_edges))
    by_mentor = csr_matrix((ones, (mentor_row, columns)), shape=(mentor_capacity.size, n_edges))
    if objective == PARTICIPATION:
        places = int(min(mentee_capacity.sum(), mentor_capacity.sum()))
        served_bonus = _pair_bonus(weights, min(places, n_edges))
    else:
        served_bonus = 0.0
    # Variables: the pairs, then one `served` per mentee (at most 1, at most its pairs).
    cost = -np.concatenate([weights, np.full(n_mentees, served_bonus)])
    constraints = [
        LinearConstraint(
            hstack([by_mentee, csr_matrix((n_mentees, n_mentees))]),
            -np.inf,
            mentee_capacity.astype(np.float64),
        ),
        LinearConstraint(
            hstack([by_mentor, csr_matrix((mentor_capacity.size, n_mentees))]),
            -np.inf,
            mentor_capacity.astype(np.float64),
        ),
        LinearConstraint(hstack([-by_mentee, identity(n_mentees)]), -np.inf, 0.0),
    ]
    upper = np.ones(n_edges + n_mentees)
    if objective == SCORE:
        upper[n_edges:] = 0.0  # no bonus to earn: leave the served variables out
    bounds = Bounds(0.0, upper)
    relaxed = milp(cost, constraints=constraints, bounds=bounds, options={"presolve": True})
    x = getattr(relaxed, "x", None)
    if x is None or np.abs(x - np.round(x)).max() > 1e-6:
        exact = milp(
            cost,
            constraints=constraints,
            bounds=bounds,
            integrality=np.ones(cost.size),
            options={"mip_rel_gap": 0.0},
        )
        x = getattr(exact, "x", None)
    if x is None:
        # All zeros is always feasible and the program is bounded: no solution would be a
        # solver failure, not an empty matching.
        raise RuntimeError("the assignment solver found no solution")
    return np.asarray(x[:n_edges]) > 0.5
