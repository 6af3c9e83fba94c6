"""Attendees to sessions: a mixed-integer program (HiGHS) for the most goal coverage, and a
greedy baseline on the same constraints."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

NO_SLOT: Final = -1
OPTIMAL: Final = "optimal"
TIME_LIMIT: Final = "time_limit"
GREEDY: Final = "greedy"
# HiGHS found no plan in its time limit: the plan is the greedy baseline's, gap unknown (1).
NO_SOLUTION: Final = "time_limit_greedy"
# Solved exactly over the pairs the linear relaxation uses; gap to the relaxation's bound.
RESTRICTED: Final = "restricted"
# Past this many candidate pairs, the relaxation chooses which ones the exact program sees.
DIRECT_PAIRS: Final = 20_000
# A pair the relaxation uses at all (HiGHS's values are exact to about 1e-9).
_USED: Final = 1e-6
# A chosen binary variable comes back as 1 within HiGHS's integrality tolerance.
_CHOSEN: Final = 0.5


@dataclass(frozen=True, eq=False)
class SessionProblem:
    """Candidate sessions and who may attend which, as flat arrays.

    People are numbered 0..people-1 (the caller's numbering). A session is one topic, one host
    and one slot (NO_SLOT without slots). Pair e lets `pair_person[e]` attend `pair_session[e]`
    for `pair_value[e]` of goal coverage.
    """

    session_topic: np.ndarray  # (sessions,) int64
    session_host: np.ndarray  # (sessions,) int64 person
    session_slot: np.ndarray  # (sessions,) int64 slot, NO_SLOT when none
    pair_session: np.ndarray  # (pairs,) int64
    pair_person: np.ndarray  # (pairs,) int64
    pair_value: np.ndarray  # (pairs,) float64 > 0
    attend_limit: np.ndarray  # (people,) sessions each may still attend
    host_limit: np.ndarray  # (people,) sessions each may still host
    busy: np.ndarray  # (people, slots) bool: taken in that slot already (approved sessions)
    size_min: int
    size_max: int

    @property
    def sessions(self) -> int:
        return int(self.session_topic.size)

    @property
    def pairs(self) -> int:
        return int(self.pair_session.size)

    @property
    def people(self) -> int:
        return int(self.attend_limit.size)

    @property
    def slots(self) -> int:
        return int(self.busy.shape[1])


@dataclass(frozen=True, eq=False)
class Solution:
    attend: np.ndarray  # (pairs,) bool
    held: np.ndarray  # (sessions,) bool
    objective: float  # total coverage of the pairs chosen
    status: str  # OPTIMAL, TIME_LIMIT or GREEDY
    # Relative gap between the solution and the best bound HiGHS proved (0 when optimal).
    gap: float
    seconds: float


def _rows_of(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Constraint row of each entry: one row per distinct key."""
    distinct, rows = np.unique(keys, return_inverse=True)
    return rows.astype(np.int64), int(distinct.size)


class _Constraints:
    """Sparse rows lo <= A v <= hi, appended block by block."""

    def __init__(self, variables: int) -> None:
        self.variables = variables
        self.rows: list[np.ndarray] = []
        self.columns: list[np.ndarray] = []
        self.values: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.count = 0

    def add(
        self,
        rows: np.ndarray,
        columns: np.ndarray,
        values: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
    ) -> None:
        self.rows.append(rows + self.count)
        self.columns.append(columns)
        self.values.append(np.asarray(values, dtype=np.float64))
        self.lower.append(np.asarray(lower, dtype=np.float64))
        self.upper.append(np.asarray(upper, dtype=np.float64))
        self.count += int(np.asarray(lower).size)

    def build(self) -> LinearConstraint:
        matrix = sp.csr_matrix(
            (
                np.concatenate(self.values),
                (np.concatenate(self.rows), np.concatenate(self.columns)),
            ),
            shape=(self.count, self.variables),
        )
        return LinearConstraint(matrix, np.concatenate(self.lower), np.concatenate(self.upper))


def _person_slot_keys(problem: SessionProblem, person: np.ndarray, slot: np.ndarray) -> np.ndarray:
    return person * max(problem.slots, 1) + slot


def _constraints(problem: SessionProblem, *, link: bool = True) -> LinearConstraint:
    pairs, sessions = problem.pairs, problem.sessions
    held = pairs + np.arange(sessions)  # column of each session's "held" variable
    attend = np.arange(pairs)
    block = _Constraints(pairs + sessions)
    ones_pairs, ones_sessions = np.ones(pairs), np.ones(sessions)
    # Size: size_min * held <= attendees <= size_max * held.
    size_rows = np.concatenate([problem.pair_session, np.arange(sessions)])
    size_columns = np.concatenate([attend, held])
    for bound, lower, upper in (
        (problem.size_max, -np.inf, 0.0),
        (problem.size_min, 0.0, np.inf),
    ):
        block.add(
            size_rows,
            size_columns,
            np.concatenate([ones_pairs, -bound * ones_sessions]),
            np.full(sessions, lower),
            np.full(sessions, upper),
        )
    if link:
        # Only a held session has attendees: tightens the relaxation of the size rows, at one
        # row per pair.
        block.add(
            np.concatenate([np.arange(pairs), np.arange(pairs)]),
            np.concatenate([attend, held[problem.pair_session]]),
            np.concatenate([ones_pairs, -ones_pairs]),
            np.full(pairs, -np.inf),
            np.zeros(pairs),
        )
    # Each person attends at most attend_limit sessions, and one session per topic.
    rows, count = _rows_of(problem.pair_person)
    limits = np.zeros(count)
    limits[rows] = problem.attend_limit[problem.pair_person]
    block.add(rows, attend, ones_pairs, np.full(count, -np.inf), limits)
    topics = int(problem.session_topic.max()) + 1 if sessions else 1
    rows, count = _rows_of(
        problem.pair_person * topics + problem.session_topic[problem.pair_session]
    )
    block.add(rows, attend, ones_pairs, np.full(count, -np.inf), np.ones(count))
    # Each host holds at most host_limit sessions.
    rows, count = _rows_of(problem.session_host)
    limits = np.zeros(count)
    limits[rows] = problem.host_limit[problem.session_host]
    block.add(rows, held, ones_sessions, np.full(count, -np.inf), limits)
    if problem.slots:
        # One session per person and slot, hosting included, minus slots taken already.
        pair_slot = problem.session_slot[problem.pair_session]
        keys = np.concatenate(
            [
                _person_slot_keys(problem, problem.pair_person, pair_slot),
                _person_slot_keys(problem, problem.session_host, problem.session_slot),
            ]
        )
        rows, count = _rows_of(keys)
        free = np.zeros(count)
        people = np.concatenate([problem.pair_person, problem.session_host])
        slots = np.concatenate([pair_slot, problem.session_slot])
        free[rows] = 1.0 - problem.busy[people, slots]
        block.add(
            rows,
            np.concatenate([attend, held]),
            np.ones(pairs + sessions),
            np.full(count, -np.inf),
            free,
        )
    return block.build()


def _milp(problem: SessionProblem, time_limit: float) -> Any:
    variables = problem.pairs + problem.sessions
    return milp(
        np.concatenate([-problem.pair_value, np.zeros(problem.sessions)]),
        constraints=_constraints(problem),
        integrality=np.ones(variables),
        bounds=Bounds(0, 1),
        options={"time_limit": max(float(time_limit), 1.0), "disp": False},
    )


def _relaxation(problem: SessionProblem, time_limit: float) -> Any:
    """The linear relaxation, without presolve: on a large program HiGHS's presolve alone can
    outlast the time limit, which it does not interrupt."""
    return milp(
        np.concatenate([-problem.pair_value, np.zeros(problem.sessions)]),
        # Without the per-pair link rows: with them the relaxation of a large program takes
        # several times longer, and the restricted program below enforces them anyway.
        constraints=_constraints(problem, link=False),
        integrality=np.zeros(problem.pairs + problem.sessions),
        bounds=Bounds(0, 1),
        options={"time_limit": float(time_limit), "presolve": False, "disp": False},
    )


def restricted(problem: SessionProblem, pairs: np.ndarray) -> tuple[SessionProblem, np.ndarray]:
    """The problem with only `pairs` (bool) and their sessions, and the kept sessions' indices."""
    sessions = np.unique(problem.pair_session[pairs])
    renumber = np.full(problem.sessions, -1, dtype=np.int64)
    renumber[sessions] = np.arange(sessions.size)
    return (
        SessionProblem(
            session_topic=problem.session_topic[sessions],
            session_host=problem.session_host[sessions],
            session_slot=problem.session_slot[sessions],
            pair_session=renumber[problem.pair_session[pairs]],
            pair_person=problem.pair_person[pairs],
            pair_value=problem.pair_value[pairs],
            attend_limit=problem.attend_limit,
            host_limit=problem.host_limit,
            busy=problem.busy,
            size_min=problem.size_min,
            size_max=problem.size_max,
        ),
        sessions,
    )


def _solution(problem: SessionProblem, result: Any) -> tuple[np.ndarray, np.ndarray]:
    chosen = result.x > _CHOSEN
    return chosen[: problem.pairs], chosen[problem.pairs :]


def solve_exact(problem: SessionProblem, *, time_limit: float) -> Solution:
    """The assignment of most total coverage, solved by HiGHS within `time_limit` seconds.

    Up to DIRECT_PAIRS candidate pairs, the whole mixed-integer program: when the limit stops
    it first, the best solution found comes with its gap to the best bound. Beyond, the
    linear relaxation first (its optimum bounds every plan), then the mixed-integer program
    over the pairs it uses and those of the greedy plan (status RESTRICTED; `gap` to the
    relaxation's bound, so an honest upper limit of what was left on the table). When HiGHS
    finds nothing in time, the greedy plan is returned (status NO_SOLUTION).
    """
    started = time.perf_counter()
    if problem.sessions == 0 or problem.pairs == 0:
        return _empty(problem, OPTIMAL, time.perf_counter() - started)
    if problem.pairs <= DIRECT_PAIRS:
        result = _milp(problem, time_limit)
        if result.x is None:
            return _fallback(problem, started)
        attend, held = _solution(problem, result)
        objective = float(problem.pair_value[attend].sum())
        gap = max(float(getattr(result, "mip_gap", 0.0) or 0.0), 0.0)
        status = OPTIMAL if result.status == 0 else TIME_LIMIT
        return Solution(attend, held, objective, status, gap, time.perf_counter() - started)
    relaxed = _relaxation(problem, time_limit)
    if relaxed.x is None:
        return _fallback(problem, started)
    bound = -float(relaxed.fun)
    used = (relaxed.x[: problem.pairs] > _USED) | solve_greedy(problem).attend
    if not used.any():
        # Neither the relaxation nor the greedy plan seats anyone: nor can any plan.
        return _empty(problem, OPTIMAL, time.perf_counter() - started)
    smaller, sessions = restricted(problem, used)
    result = _milp(smaller, time_limit - (time.perf_counter() - started))
    if result.x is None:
        return _fallback(problem, started)
    small_attend, small_held = _solution(smaller, result)
    attend = np.zeros(problem.pairs, dtype=bool)
    attend[np.flatnonzero(used)[small_attend]] = True
    held = np.zeros(problem.sessions, dtype=bool)
    held[sessions[small_held]] = True
    objective = float(problem.pair_value[attend].sum())
    gap = max(bound - objective, 0.0) / max(bound, 1e-12)
    return Solution(attend, held, objective, RESTRICTED, gap, time.perf_counter() - started)


def _fallback(problem: SessionProblem, started: float) -> Solution:
    """No incumbent within the limit: the greedy plan is feasible, and said to be that."""
    greedy = solve_greedy(problem)
    seconds = time.perf_counter() - started
    return Solution(greedy.attend, greedy.held, greedy.objective, NO_SOLUTION, 1.0, seconds)


def _empty(problem: SessionProblem, status: str, seconds: float) -> Solution:
    return Solution(
        np.zeros(problem.pairs, dtype=bool),
        np.zeros(problem.sessions, dtype=bool),
        0.0,
        status,
        0.0,
        seconds,
    )


def solve_greedy(problem: SessionProblem) -> Solution:
    """Baseline: sessions by what their best possible attendees are worth, each filled with the
    best attendees still free, held when it reaches the minimum size."""
    started = time.perf_counter()
    attend = np.zeros(problem.pairs, dtype=bool)
    held = np.zeros(problem.sessions, dtype=bool)
    by_session = np.argsort(problem.pair_session, kind="stable")
    bounds = np.searchsorted(problem.pair_session[by_session], np.arange(problem.sessions + 1))
    potential = np.zeros(problem.sessions)
    for s in range(problem.sessions):
        values = np.sort(problem.pair_value[by_session[bounds[s] : bounds[s + 1]]])[::-1]
        potential[s] = values[: problem.size_max].sum()
    attended = np.zeros(problem.people, dtype=np.int64)
    hosted = np.zeros(problem.people, dtype=np.int64)
    busy = problem.busy.copy()
    topics_of: dict[int, set[int]] = {}
    for s in np.argsort(-potential, kind="stable").tolist():
        host, slot, topic = (
            int(problem.session_host[s]),
            int(problem.session_slot[s]),
            int(problem.session_topic[s]),
        )
        if hosted[host] >= problem.host_limit[host] or (slot != NO_SLOT and busy[host, slot]):
            continue
        members = by_session[bounds[s] : bounds[s + 1]]
        members = members[np.argsort(-problem.pair_value[members], kind="stable")]
        chosen = []
        for e in members.tolist():
            person = int(problem.pair_person[e])
            if (
                attended[person] < problem.attend_limit[person]
                and (slot == NO_SLOT or not busy[person, slot])
                and topic not in topics_of.get(person, set())
            ):
                chosen.append(e)
                if len(chosen) == problem.size_max:
                    break
        if len(chosen) < problem.size_min:
            continue
        held[s] = True
        hosted[host] += 1
        if slot != NO_SLOT:
            busy[host, slot] = True
        for e in chosen:
            person = int(problem.pair_person[e])
            attend[e] = True
            attended[person] += 1
            topics_of.setdefault(person, set()).add(topic)
            if slot != NO_SLOT:
                busy[person, slot] = True
    seconds = time.perf_counter() - started
    return Solution(attend, held, float(problem.pair_value[attend].sum()), GREEDY, 0.0, seconds)
