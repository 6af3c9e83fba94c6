"""Several mentors per mentee as a min-cost flow, solved exactly by OR-tools.

Source -> mentee (its capacity) -> mentor (one unit per eligible pair, cost minus the pair's
score) -> sink (the mentor's capacity), and an arc straight from the source to the sink at no
cost, so the cheapest flow forms only the pairs that raise the total: a flow of any size.
OR-tools' SimpleMinCostFlow (cost scaling, compiled) is exact on integer costs: rule points,
whole numbers, are taken as they are, other scores scaled to a billionth of the largest.
A primal-dual method on scipy's csgraph, solved before it, needed one Dijkstra and one
max-flow per distinct augmenting distance, several times slower (bench/peer_mentor_match.py).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

SOURCE: Final = 0
# Scores become integers scaled this much at most: ties between sums of scores within a
# billionth of the largest score are broken arbitrarily, as float rounding would.
_SCALE: Final = 1e9
# OR-tools' cost scaling multiplies costs by the number of nodes: keep that inside int64.
_COST_BOUND: Final = 2**62


def _integer_costs(cost: np.ndarray, nodes: int) -> np.ndarray | None:
    """`cost` scaled and rounded to int64 for OR-tools; None when no useful scale fits."""
    largest = float(np.abs(cost).max(initial=0.0))
    if largest * (nodes + 1) < _COST_BOUND and np.array_equal(cost, np.rint(cost)):
        # Whole points already: the smaller the costs, the fewer rounds cost scaling takes.
        return cost.astype(np.int64)
    scale = min(_SCALE / largest, _COST_BOUND / (nodes + 1) / largest)
    if scale * largest < 1e6:
        return None  # too coarse to tell scores apart: the caller's exact program decides
    return np.rint(cost * scale).astype(np.int64)


def b_matching(
    mentee: np.ndarray,
    mentor: np.ndarray,
    score: np.ndarray,
    mentee_capacity: np.ndarray,
    mentor_capacity: np.ndarray,
    *,
    served_bonus: float | None = None,
) -> np.ndarray | None:
    """Which pairs (bool per pair) to form for the highest total score, each mentee i taking
    at most `mentee_capacity[i]` mentors and each mentor j at most `mentor_capacity[j]`
    mentees; pairs are distinct, positions 0-based and dense. With `served_bonus`, each
    mentee's first mentor is also worth that much (larger than any score difference:
    mentees with a mentor come first). None when the costs cannot be made integers finely
    enough or the solver fails (the caller solves the linear program instead)."""
    n_mentees, n_mentors, n_pairs = mentee_capacity.size, mentor_capacity.size, score.size
    mentee_node = 1 + np.arange(n_mentees)
    mentor_node = 1 + n_mentees + np.arange(n_mentors)
    sink = 1 + n_mentees + n_mentors
    supply = int(mentee_capacity.sum())
    # The last arc runs from the source straight to the sink: flow it need not send.
    tails = [mentee_node[mentee], np.zeros(n_mentees, np.int64), mentor_node, np.array([SOURCE])]
    heads = [mentor_node[mentor], mentee_node, np.full(n_mentors, sink), np.array([sink])]
    capacities = [np.ones(n_pairs, np.int64), mentee_capacity, mentor_capacity, np.array([supply])]
    costs = [-np.asarray(score, np.float64), np.zeros(n_mentees), np.zeros(n_mentors), np.zeros(1)]
    nodes = sink + 1
    if served_bonus is not None:
        # The first mentor of each mentee flows through a node of its own, worth the bonus.
        first = np.minimum(mentee_capacity, 1)
        capacities[1] = mentee_capacity - first
        first_node = sink + 1 + np.arange(n_mentees)
        tails += [np.zeros(n_mentees, np.int64), first_node]
        heads += [first_node, mentee_node]
        capacities += [first, first]
        costs += [np.full(n_mentees, -served_bonus), np.zeros(n_mentees)]
        nodes += n_mentees
    integer_costs = _integer_costs(np.concatenate(costs), nodes)
    if integer_costs is None:
        return None
    flow = SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(capacities).astype(np.int64),
        integer_costs,
    )
    flow.set_nodes_supplies(np.array([SOURCE, sink], np.int32), np.array([supply, -supply]))
    if flow.solve() != SimpleMinCostFlow.OPTIMAL:
        return None
    formed: np.ndarray = flow.flows(arcs[:n_pairs]) > 0
    return formed
