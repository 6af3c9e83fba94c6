"""Several mentors per mentee as a min-cost flow, solved exactly by the primal-dual method.

Source -> mentee (its capacity) -> mentor (one unit per eligible pair, cost minus the pair's
score) -> sink (the mentor's capacity). Each phase finds the shortest augmenting distance
(Dijkstra on reduced costs) and sends a maximum flow along every arc of zero reduced cost at
once (a max-flow), so the phases number the distinct distances, not the pairs: a program
scored by a few rule bonuses (integer points) takes a few dozen phases of milliseconds each.
Both graph searches are scipy's compiled csgraph routines: Dijkstra on one CSR structure
built once (its lengths rewritten each phase), the max-flow on the admissible arcs alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra, maximum_flow

SOURCE = 0


@dataclass(frozen=True)
class _Network:
    """Arcs (tail -> head, capacity, cost) and the residual CSR: arc a forward at slot[a],
    backward (head -> tail) at slot[arcs + a]."""

    tail: np.ndarray
    head: np.ndarray
    capacity: np.ndarray
    cost: np.ndarray
    nodes: int
    sink: int
    indptr: np.ndarray
    indices: np.ndarray
    slot: np.ndarray

    @classmethod
    def build(
        cls,
        tail: np.ndarray,
        head: np.ndarray,
        capacity: np.ndarray,
        cost: np.ndarray,
        *,
        nodes: int,
        sink: int,
    ) -> _Network:
        starts = np.concatenate([tail, head])
        ends = np.concatenate([head, tail])
        # By start, then end (one key: no arc is parallel to another); a stable sort is quick
        # on the sorted runs the arcs come in.
        order = np.argsort(starts * nodes + ends, kind="stable")
        slot = np.empty(order.size, dtype=np.int64)
        slot[order] = np.arange(order.size)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(starts, minlength=nodes))])
        return cls(
            tail, head, capacity, cost, nodes, sink, indptr, ends[order].astype(np.int32), slot
        )

    def csr(self, by_arc: np.ndarray) -> sp.csr_matrix:
        """The residual graph with `by_arc` (forward arcs, then backward) as its entries."""
        data = np.empty(by_arc.size, dtype=by_arc.dtype)
        data[self.slot] = by_arc
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(self.nodes, self.nodes))


def _initial_potentials(network: _Network, layers: int) -> np.ndarray:
    """Potentials that make every arc's reduced cost non-negative: shortest distances from
    the source in the acyclic network, relaxed layer by layer (at most 0: staying put)."""
    potential = np.zeros(network.nodes)
    for _ in range(layers):
        reached = potential[network.tail] + network.cost
        np.minimum.at(potential, network.head, reached)
    return potential


def min_cost_flow(
    network: _Network, *, layers: int, max_phases: int, tolerance: float
) -> np.ndarray | None:
    """The flow on each arc of a cheapest flow of any size (augmented while it lowers the
    cost by more than `tolerance`); None when it would take more than `max_phases` phases."""
    tail, head, capacity, cost = network.tail, network.head, network.capacity, network.cost
    potential = _initial_potentials(network, layers)
    flow = np.zeros(tail.size, dtype=np.int64)
    # One residual graph for every Dijkstra: only its lengths change from phase to phase.
    lengths = network.csr(np.zeros(2 * tail.size))
    forward_slot, backward_slot = network.slot[: tail.size], network.slot[tail.size :]
    for phase in range(max_phases):
        if phase > 0:
            # The initial potentials are the shortest distances already: the first phase
            # needs no search.
            reduced = cost + potential[tail] - potential[head]
            ahead = np.maximum(reduced, 0.0)
            lengths.data[forward_slot] = ahead
            lengths.data[backward_slot] = ahead - reduced  # the reverse arcs, at -reduced
            lengths.data[forward_slot[flow >= capacity]] = np.inf  # no room left
            lengths.data[backward_slot[flow <= 0]] = np.inf  # nothing to send back
            distance = dijkstra(lengths, indices=SOURCE)
            to_sink = distance[network.sink]
            if not np.isfinite(to_sink):
                return flow
            potential += np.minimum(distance, to_sink)
        if potential[network.sink] - potential[SOURCE] >= -tolerance:
            return flow  # no augmenting path lowers the cost any more
        sent = _admissible_max_flow(
            network, flow, cost + potential[tail] - potential[head], tolerance
        )
        if sent is None:
            return flow
        touched, more = sent
        flow[touched] += more
    return None


def _admissible_max_flow(
    network: _Network, flow: np.ndarray, reduced: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """A maximum flow over the residual arcs of zero reduced cost: the arcs it changes and
    by how much (negative: sent back); None when nothing can be sent.

    The max-flow runs on those arcs alone, a small graph built afresh: a phase admits few
    of the pairs, and a max-flow over every arc of the network costs most of a phase."""
    tail, head = network.tail, network.head
    admits_forward = (flow < network.capacity) & (reduced <= tolerance)
    admits_backward = (flow > 0) & (reduced >= -tolerance)
    forward, backward = np.flatnonzero(admits_forward), np.flatnonzero(admits_backward)
    room = np.concatenate([network.capacity[forward] - flow[forward], flow[backward]])
    graph = sp.csr_matrix(
        (
            room.astype(np.int32),
            (np.concatenate([tail[forward], head[backward]]),
             np.concatenate([head[forward], tail[backward]])),
        ),
        shape=(network.nodes, network.nodes),
    )  # fmt: skip
    sent = maximum_flow(graph, SOURCE, network.sink)
    if sent.flow_value == 0:
        return None
    # The flow matrix holds the net flow tail -> head of each arc, whichever way it went.
    touched = np.flatnonzero(admits_forward | admits_backward)
    more = np.asarray(sent.flow[tail[touched], head[touched]]).ravel().astype(np.int64)
    return touched, more


def b_matching(
    mentee: np.ndarray,
    mentor: np.ndarray,
    score: np.ndarray,
    mentee_capacity: np.ndarray,
    mentor_capacity: np.ndarray,
    *,
    served_bonus: float | None = None,
    max_phases: int,
) -> np.ndarray | None:
    """Which pairs (bool per pair) to form for the highest total score, each mentee i taking
    at most `mentee_capacity[i]` mentors and each mentor j at most `mentor_capacity[j]`
    mentees; pairs are distinct, positions 0-based and dense. With `served_bonus`, each
    mentee's first mentor is also worth that much (larger than any score difference:
    mentees with a mentor come first). None when it needs more than `max_phases` phases."""
    n_mentees, n_mentors, n_pairs = mentee_capacity.size, mentor_capacity.size, score.size
    mentee_node = 1 + np.arange(n_mentees)
    mentor_node = 1 + n_mentees + np.arange(n_mentors)
    sink = 1 + n_mentees + n_mentors
    tails = [mentee_node[mentee], np.zeros(n_mentees, np.int64), mentor_node]
    heads = [mentor_node[mentor], mentee_node, np.full(n_mentors, sink)]
    capacities = [np.ones(n_pairs, np.int64), mentee_capacity, mentor_capacity]
    costs = [-np.asarray(score, dtype=np.float64), np.zeros(n_mentees), np.zeros(n_mentors)]
    nodes, layers = sink + 1, 3
    if served_bonus is not None:
        # The first mentor of each mentee flows through a node of its own, worth the bonus.
        first = np.minimum(mentee_capacity, 1)
        capacities[1] = mentee_capacity - first
        first_node = sink + 1 + np.arange(n_mentees)
        tails += [np.zeros(n_mentees, np.int64), first_node]
        heads += [first_node, mentee_node]
        capacities += [first, first]
        costs += [np.full(n_mentees, -served_bonus), np.zeros(n_mentees)]
        nodes, layers = nodes + n_mentees, 4
    network = _Network.build(
        np.concatenate(tails).astype(np.int64),
        np.concatenate(heads).astype(np.int64),
        np.concatenate(capacities).astype(np.int64),
        np.concatenate(costs),
        nodes=nodes,
        sink=sink,
    )
    # Scores are compared to a billionth of the largest: below float rounding of their sums.
    tolerance = 1e-9 * max(1.0, float(np.abs(score).max(initial=0.0)))
    flow = min_cost_flow(network, layers=layers, max_phases=max_phases, tolerance=tolerance)
    return None if flow is None else flow[:n_pairs] > 0
