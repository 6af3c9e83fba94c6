"""A session plan over the roster: topics, candidate hosts and attendees, solved and explained."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np

from recomentor.errors import InvalidInputError
from recomentor.matching.rules import NO_RULES, ProgramRules
from recomentor.ranking.explain import check_lang
from recomentor.ranking.roster import Roster
from recomentor.sessions import explain as why
from recomentor.sessions.hosts import (
    ELIGIBLE,
    TopicHosts,
    attendee_coverage,
    covered_goal,
    host_exclusions,
    host_positions,
    reason_names,
    score_hosts,
)
from recomentor.sessions.slots import Slot
from recomentor.sessions.solver import (
    NO_SLOT,
    SessionProblem,
    Solution,
    solve_exact,
    solve_greedy,
)
from recomentor.sessions.topics import Topic, TopicPhrase, find_topics, learner_positions

# Sizes a session can take at all: a session needs a host and one attendee; past this a
# "session" is a lecture the program does not need to plan.
MAX_SESSION_SIZE: Final = 200
MAX_SESSIONS_PER_PERSON: Final = 20
# Each learner is offered the sessions of their best few candidate hosts per topic: the other
# hosts cover them less well, and leaving them out keeps the program small at any head count.
_HOSTS_PER_LEARNER: Final = 2
# Candidate hosts per topic beyond the fewest that could seat every asker.
_SPARE_HOSTS: Final = 2
_CHECKED_HOSTS: Final = 4


@dataclass(frozen=True)
class PlanOptions:
    """What HR sets for one plan; `min_demand` defaults to the minimum session size."""

    size_min: int = 3
    size_max: int = 12
    max_sessions_per_host: int = 2
    max_sessions_per_attendee: int = 2
    # Goal phrases closer than this cosine distance (1 - cosine) fall in the same topic.
    topic_threshold: float = 0.6
    # A host's skills must cover the topic's phrases at least this well (mean cosine).
    min_host_similarity: float = 0.4
    # A session covers an attendee's goal when the host's best skill phrase reaches this cosine
    # with one of the attendee's phrases of the topic: below it the session is not "on it".
    min_goal_coverage: float = 0.4
    min_demand: int | None = None
    min_gap: float = 5.0
    time_limit: float = 30.0
    slots: tuple[Slot, ...] = ()
    # Must-filters and exclusions hold between host and attendee; the rules' [sessions] table
    # may let a manager and their direct report meet in a session.
    rules: ProgramRules = NO_RULES

    def tuned(self, **tunings: float | None) -> PlanOptions:
        """These options with the tunings that are set (not None): the CLI and the API leave
        the rest to the defaults above, defined here only."""
        chosen: dict[str, Any] = {name: v for name, v in tunings.items() if v is not None}
        return replace(self, **chosen)

    @property
    def demand_needed(self) -> int:
        return self.size_min if self.min_demand is None else self.min_demand

    def check(self) -> PlanOptions:
        """InvalidInputError naming the setting when it can never give a plan."""
        if not 1 <= self.size_min <= self.size_max <= MAX_SESSION_SIZE:
            raise InvalidInputError(
                f"session size must be MIN..MAX with 1 <= MIN <= MAX <= {MAX_SESSION_SIZE}, "
                f"got {self.size_min}..{self.size_max}"
            )
        for name, value in (
            ("max sessions per host", self.max_sessions_per_host),
            ("max sessions per attendee", self.max_sessions_per_attendee),
        ):
            if not 1 <= value <= MAX_SESSIONS_PER_PERSON:
                raise InvalidInputError(
                    f"{name} must lie between 1 and {MAX_SESSIONS_PER_PERSON}, got {value}"
                )
        if self.min_demand is not None and self.min_demand < 1:
            raise InvalidInputError(f"minimum demand must be at least 1, got {self.min_demand}")
        for label, cosine in (
            ("minimum host similarity", self.min_host_similarity),
            ("minimum goal coverage", self.min_goal_coverage),
        ):
            if not 0.0 <= cosine < 1.0:
                raise InvalidInputError(f"{label} must lie in [0, 1), got {cosine}")
        if not (math.isfinite(self.min_gap) and self.min_gap >= 0):
            raise InvalidInputError(f"min_gap must be a number >= 0, got {self.min_gap}")
        if not 0 < self.time_limit <= 3600:
            raise InvalidInputError(
                f"time limit must lie between 0 and 3600 seconds, got {self.time_limit}"
            )
        return self


@dataclass(frozen=True)
class Commitments:
    """What approved plans already ask of people: sessions hosted and attended, and the slots
    (by id) they are taken in."""

    hosted: Counter[str] = field(default_factory=Counter)
    attended: Counter[str] = field(default_factory=Counter)
    busy: frozenset[tuple[str, str]] = frozenset()


NO_COMMITMENTS: Final = Commitments()


@dataclass(frozen=True)
class DraftSession:
    """One planned session before it is stored: everything its explanation is built from."""

    phrases: list[TopicPhrase]
    host_id: str
    host_similarity: float
    host_matches: list[why.SkillMatch]
    attendees: list[why.AttendeeWhy]
    slot: str | None


@dataclass(frozen=True)
class DraftPlan:
    sessions: list[DraftSession]
    unassigned: list[why.UnassignedLearner]
    objective: float
    baseline: float
    status: str
    gap: float
    seconds: float
    baseline_sessions: int
    # The size of what was solved: topics kept, candidate sessions and attendee pairs.
    topics: int = 0
    candidate_sessions: int = 0
    candidate_pairs: int = 0


@dataclass
class _Candidates:
    """Candidate sessions and pairs gathered topic by topic."""

    topic: list[int] = field(default_factory=list)
    host: list[int] = field(default_factory=list)
    slot: list[int] = field(default_factory=list)
    pair_session: list[np.ndarray] = field(default_factory=list)
    pair_person: list[np.ndarray] = field(default_factory=list)
    pair_value: list[np.ndarray] = field(default_factory=list)
    # Per learner: candidate sessions offered, and why candidate hosts were ruled out.
    offered: Counter[int] = field(default_factory=Counter)
    # Learners some host whose skills cover the topic may host, offered a session or not.
    reachable: set[int] = field(default_factory=set)
    excluded: dict[int, Counter[str]] = field(default_factory=dict)


def _slot_ids(options: PlanOptions) -> list[str | None]:
    return [slot.id for slot in options.slots] or [None]


def _topic_candidates(
    roster: Roster,
    t: int,
    topic: Topic,
    hosts: np.ndarray,
    options: PlanOptions,
    attend_limit: np.ndarray,
    host_limit: np.ndarray,
    share: np.ndarray,
    found: _Candidates,
) -> TopicHosts:
    """The topic's candidate hosts and, per host and slot, a session open to the askers that
    host may host and covers among their best few."""
    scored = score_hosts(roster, topic, hosts)
    matching = np.flatnonzero(
        (scored.similarity >= options.min_host_similarity) & (host_limit[hosts] > 0)
    )
    matching = matching[np.argsort(-scored.similarity[matching], kind="stable")]
    learners = topic.learners
    open_learners = attend_limit[learners] > 0
    # Sessions the topic may need: each asker spreads their sessions over the topics they want.
    needed = math.ceil(float(share[learners].sum()) / options.size_max) + _SPARE_HOSTS
    # The best-covering hosts are checked first; far more than needed would only cost time.
    matching = matching[: _CHECKED_HOSTS * needed]
    names = reason_names(options.rules)
    codes = host_exclusions(
        roster,
        np.repeat(hosts[matching], learners.size),
        np.tile(learners, matching.size),
        min_gap=options.min_gap,
        rules=options.rules,
        allow_manager=options.rules.sessions_allow_manager,
    ).reshape(matching.size, learners.size)
    coverage = attendee_coverage(roster, topic, scored)[matching]
    covered = coverage >= max(options.min_goal_coverage, 1e-9)
    eligible = (codes == ELIGIBLE) & covered & open_learners[None, :]
    for column in np.flatnonzero(open_learners & ~eligible.any(axis=0)).tolist():
        counts = found.excluded.setdefault(int(learners[column]), Counter())
        for code in codes[:, column][codes[:, column] != ELIGIBLE].tolist():
            counts[names[code - 1]] += 1
        counts[why.GOAL_NOT_COVERED] += int(
            ((codes[:, column] == ELIGIBLE) & ~covered[:, column]).sum()
        )
    found.reachable.update(learners[eligible.any(axis=0)].tolist())
    # A host who can never gather the minimum is no candidate.
    viable = eligible.sum(axis=1) >= options.size_min
    chosen = np.flatnonzero(viable)[:needed]
    if chosen.size == 0:
        return scored
    # Each learner keeps their best few of the chosen hosts.
    value = np.where(eligible[chosen], coverage[chosen], -1.0)
    rank = np.argsort(np.argsort(-value, axis=0, kind="stable"), axis=0, kind="stable")
    offered = (value > 0) & (rank < _HOSTS_PER_LEARNER)
    for row, host_row in enumerate(chosen.tolist()):
        columns = np.flatnonzero(offered[row])
        if columns.size < options.size_min:
            continue
        host = int(hosts[matching[host_row]])
        for slot in range(len(options.slots) or 1):
            session = len(found.topic)
            found.topic.append(t)
            found.host.append(host)
            found.slot.append(slot if options.slots else NO_SLOT)
            found.pair_session.append(np.full(columns.size, session, dtype=np.int64))
            found.pair_person.append(learners[columns])
            found.pair_value.append(value[row, columns])
        for learner in learners[columns].tolist():
            found.offered[learner] += len(options.slots) or 1
    return scored


def _limits(
    roster: Roster, options: PlanOptions, commitments: Commitments
) -> tuple[np.ndarray, ...]:
    attend_limit = np.full(len(roster), options.max_sessions_per_attendee, dtype=np.int64)
    host_limit = np.full(len(roster), options.max_sessions_per_host, dtype=np.int64)
    for person, count in commitments.attended.items():
        if person in roster.index:
            attend_limit[roster.index[person]] -= count
    for person, count in commitments.hosted.items():
        if person in roster.index:
            host_limit[roster.index[person]] -= count
    slot_of = {slot.id: k for k, slot in enumerate(options.slots)}
    busy = np.zeros((len(roster), len(options.slots)), dtype=bool)
    for person, slot_id in commitments.busy:
        if person in roster.index and slot_id in slot_of:
            busy[roster.index[person], slot_of[slot_id]] = True
    return np.maximum(attend_limit, 0), np.maximum(host_limit, 0), busy


def _no_topic_error(roster: Roster, options: PlanOptions, best_demand: int, best: str) -> Exception:
    if best_demand == 0:
        return InvalidInputError("nobody who may attend a session wrote a learning goal")
    return InvalidInputError(
        f"no topic is wanted by at least {options.demand_needed} learners (the most wanted, "
        f"“{best}”, by {best_demand}): lower the minimum session size or the minimum demand, "
        "or raise the topic threshold so that close goals are grouped"
    )


def _no_session_error(options: PlanOptions, topics: int) -> Exception:
    return InvalidInputError(
        f"no session can gather {options.size_min} attendees: none of the {topics} topics has "
        f"a host whose skills cover it (similarity >= {options.min_host_similarity:g}) and who "
        f"may host that many of its learners (at least {options.min_gap:g} years more "
        "experience, a common language, no manager or direct report, the program's rules); "
        "lower the minimum session size or the minimum host similarity"
    )


def build_problem(
    roster: Roster, options: PlanOptions, commitments: Commitments = NO_COMMITMENTS
) -> tuple[SessionProblem, list[Topic], list[TopicHosts], _Candidates, np.ndarray]:
    """Topics, candidate sessions and pairs; InvalidInputError when no session is possible."""
    options.check()
    attend_limit, host_limit, busy = _limits(roster, options, commitments)
    learners = learner_positions(roster)
    topic_set = find_topics(
        roster,
        learners,
        threshold=options.topic_threshold,
        min_demand=options.demand_needed,
        # A learner attends so many sessions: twice as many topics leaves the plan a choice.
        per_learner=2 * options.max_sessions_per_attendee,
    )
    if not topic_set.topics:
        raise _no_topic_error(roster, options, topic_set.best_demand, topic_set.best_name)
    hosts = host_positions(roster)
    wanted = np.zeros(len(roster))
    for topic in topic_set.topics:
        wanted[topic.learners] += 1
    share = np.minimum(attend_limit, wanted) / np.maximum(wanted, 1)
    found = _Candidates()
    scored = [
        _topic_candidates(roster, t, topic, hosts, options, attend_limit, host_limit, share, found)
        for t, topic in enumerate(topic_set.topics)
    ]
    if not found.topic:
        raise _no_session_error(options, len(topic_set.topics))
    problem = SessionProblem(
        session_topic=np.asarray(found.topic, dtype=np.int64),
        session_host=np.asarray(found.host, dtype=np.int64),
        session_slot=np.asarray(found.slot, dtype=np.int64),
        pair_session=np.concatenate(found.pair_session),
        pair_person=np.concatenate(found.pair_person).astype(np.int64),
        pair_value=np.concatenate(found.pair_value).astype(np.float64),
        attend_limit=attend_limit,
        host_limit=host_limit,
        busy=busy,
        size_min=options.size_min,
        size_max=options.size_max,
    )
    return problem, topic_set.topics, scored, found, learners


def _sessions(
    roster: Roster,
    problem: SessionProblem,
    solution: Solution,
    topics: list[Topic],
    scored: list[TopicHosts],
    slot_ids: list[str | None],
) -> list[DraftSession]:
    out = []
    for s in np.flatnonzero(solution.held).tolist():
        t, host = int(problem.session_topic[s]), int(problem.session_host[s])
        topic, hosts = topics[t], scored[t]
        host_row = int(np.searchsorted(hosts.hosts, host))
        members = np.flatnonzero(solution.attend & (problem.pair_session == s))
        attendees = []
        for e in members[np.argsort(-problem.pair_value[members], kind="stable")].tolist():
            person = int(problem.pair_person[e])
            goal = covered_goal(roster, topic, hosts, host_row, person)
            attendees.append(
                why.AttendeeWhy(roster.ids[person], goal.goal, goal.skill, goal.similarity)
            )
        slot = int(problem.session_slot[s])
        out.append(
            DraftSession(
                phrases=topic.phrases,
                host_id=roster.ids[host],
                host_similarity=round(float(hosts.similarity[host_row]), 4),
                host_matches=hosts.matches(roster, topic, host_row),
                attendees=attendees,
                slot=slot_ids[slot] if slot != NO_SLOT else None,
            )
        )
    # Sessions read by slot, then most attended first.
    slot_order = {slot_id: k for k, slot_id in enumerate(slot_ids)}
    out.sort(key=lambda d: (slot_order[d.slot], -len(d.attendees), d.host_id))
    return out


def _unassigned(
    roster: Roster,
    options: PlanOptions,
    learners: np.ndarray,
    topics: list[Topic],
    found: _Candidates,
    problem: SessionProblem,
    solution: Solution,
    lang: str,
) -> list[why.UnassignedLearner]:
    assigned = set(problem.pair_person[solution.attend].tolist())
    wanted: dict[int, list[str]] = {}
    for topic in topics:
        for person in topic.learners.tolist():
            wanted.setdefault(person, []).append(topic.name)
    out = []
    for person in learners.tolist():
        if person in assigned:
            continue
        person_id = roster.ids[person]
        if problem.attend_limit[person] == 0:
            out.append(why.at_limit(person_id, options.max_sessions_per_attendee, lang))
        elif person not in wanted:
            out.append(why.goal_not_shared(person_id, options.demand_needed, lang))
        elif found.offered[person] == 0 and person not in found.reachable:
            excluded = found.excluded.get(person, Counter())
            out.append(why.no_eligible_host(person_id, wanted[person], excluded, lang))
        else:
            out.append(why.sessions_taken(person_id, found.offered[person], lang))
    return out


def plan_sessions(
    roster: Roster,
    options: PlanOptions,
    commitments: Commitments = NO_COMMITMENTS,
    *,
    lang: str = "en",
) -> DraftPlan:
    """The plan of most goal coverage under the options, the greedy baseline's coverage beside
    it, every session explained and every learner without one told why."""
    check_lang(lang)
    problem, topics, scored, found, learners = build_problem(roster, options, commitments)
    solution = solve_exact(problem, time_limit=options.time_limit)
    if not solution.held.any():
        raise _no_session_error(options, len(topics))
    baseline = solve_greedy(problem)
    sessions = _sessions(roster, problem, solution, topics, scored, _slot_ids(options))
    return DraftPlan(
        sessions=sessions,
        unassigned=_unassigned(roster, options, learners, topics, found, problem, solution, lang),
        objective=round(solution.objective, 4),
        baseline=round(baseline.objective, 4),
        status=solution.status,
        gap=solution.gap,
        seconds=solution.seconds,
        baseline_sessions=int(baseline.held.sum()),
        topics=len(topics),
        candidate_sessions=problem.sessions,
        candidate_pairs=problem.pairs,
    )
