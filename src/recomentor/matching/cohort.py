"""A cohort's eligible pairs scored by the scorer plus rule bonuses, solved and explained."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final

import msgspec
import numpy as np

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.matching.rules import (
    NO_RULES,
    RULE_PREFIX,
    ProgramRules,
    bonus_values,
    check_rules_fields,
    criterion_words,
    declared_capacity,
    failed_requirement,
    features_weighed,
    has_filters,
    rule_contributions,
)
from recomentor.matching.solver import (
    UNPAIRED,
    assign_mentees,
    assign_pairs,
    check_objective,
    pair_within_pool,
)
from recomentor.ranking.candidates import ELIGIBLE, REASONS, check_mode, pair_exclusion_codes
from recomentor.ranking.capacity import NO_PAIRINGS, PairingState, room_left
from recomentor.ranking.explain import (
    Explanation,
    RuleAnswer,
    check_lang,
    describe_exclusions,
    explain_pair,
    reason_words,
)
from recomentor.ranking.features import TEXT_FEATURES
from recomentor.ranking.labels import MatchLabel, match_label, program_thresholds
from recomentor.ranking.phrases import top_item_matches
from recomentor.ranking.rank import PARTNER
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import Scorer, phrase_links, scorer_features
from recomentor.stopwatch import SCORING, SOLVE, Stopwatch

NO_ELIGIBLE_MENTOR: Final = "no_eligible_mentor"
NO_ELIGIBLE_MENTEE: Final = "no_eligible_mentee"
# A mentor whose places are all taken by active pairings (or who offered none).
NO_PLACE_LEFT: Final = "no_place_left"
CAPACITY_EXHAUSTED: Final = "capacity_exhausted"
NOT_WORTH_PAIRING: Final = "score_not_positive"
# HR took the mentee's pair out of a draft (matching.edits).
REMOVED_BY_HR: Final = "removed_by_hr"
# Pairs checked and scored per block: bounds memory whatever the cohort size.
_BLOCK_PAIRS: Final = 1_000_000
# Why a mentee stays unpaired, in the matching's language: sentences by reason code, and a
# program rule's must-filter as counted among the exclusions.
_UNPAIRED_WORDS: Final = {
    "en": {
        NO_ELIGIBLE_MENTOR: "no eligible {partner}",
        CAPACITY_EXHAUSTED: (
            "all {count} eligible {partners} are taken by pairs that serve the objective better"
        ),
        NOT_WORTH_PAIRING: (
            "{count} eligible {partners} still have room, but no pair scores above 0"
        ),
        RULE_PREFIX: "rule {criterion}",
        REMOVED_BY_HR: "pair removed from the draft by HR",
        NO_PLACE_LEFT: "no place left: capacity 0 or taken by pairings in force",
    },
    "fr": {
        NO_ELIGIBLE_MENTOR: "aucun {partner} éligible",
        CAPACITY_EXHAUSTED: (
            "les {count} {partners} éligibles sont pris par des binômes qui servent mieux "
            "l'objectif"
        ),
        NOT_WORTH_PAIRING: (
            "{count} {partners} éligibles ont encore de la place, mais aucun binôme n'a un "
            "score supérieur à 0"
        ),
        RULE_PREFIX: "règle {criterion}",
        REMOVED_BY_HR: "binôme retiré du brouillon par les RH",
        NO_PLACE_LEFT: "plus de place : capacité nulle ou prise par les binômes en cours",
    },
}
# The other side of an unpaired person, singular and plural: a mentor, or a partner (mutual).
_PARTNER_WORDS: Final = {
    "en": {
        F.MENTOR: ("mentor", "mentors"),
        F.MENTEE: ("mentee", "mentees"),
        PARTNER: ("partner", "partners"),
    },
    "fr": {
        F.MENTOR: ("mentor", "mentors"),
        F.MENTEE: ("mentoré", "mentorés"),
        PARTNER: ("partenaire", "partenaires"),
    },
}


@dataclass(frozen=True, eq=False)
class ScoredPairs:
    """Every eligible pair of a cohort (roster positions) with its score under the rules."""

    mentor_idx: np.ndarray
    mentee_idx: np.ndarray
    score: np.ndarray  # scorer score + rule bonuses, float64


@dataclass(frozen=True, eq=False)
class Cohort:
    """Who may mentor whom in one matching round, and why the other pairs may not."""

    mode: str
    mentors: np.ndarray  # roster positions; in mutual mode everyone in the pool
    mentees: np.ndarray  # roster positions; in mutual mode the same pool
    capacity: np.ndarray  # slots left per entry of `mentors`, active pairings deducted
    pairs: ScoredPairs
    reason_names: tuple[str, ...]  # candidates' reasons, then one per must-filter
    excluded: np.ndarray  # (mentees, reasons) counts of pairs ruled out per reason
    # Mentees left out of the round because active pairings already give them every mentor
    # they may have.
    mentees_already_paired: int = 0
    # Mentors each entry of `mentees` may still get; None: one each.
    mentee_capacity: np.ndarray | None = None

    @property
    def several_mentors(self) -> bool:
        return self.mentee_capacity is not None and bool((self.mentee_capacity > 1).any())


class MatchedPair(msgspec.Struct, frozen=True):
    mentor_id: str
    mentee_id: str
    score: float
    label: MatchLabel  # labels.match_label of `score`, for the scorer that scored the matching
    explanation: Explanation
    # In a draft: HR locked or chose the pair, and matching the rest again keeps it.
    locked: bool = False


class UnpairedMentee(msgspec.Struct, frozen=True):
    mentee_id: str
    # A stable code: NO_ELIGIBLE_MENTOR, CAPACITY_EXHAUSTED, NOT_WORTH_PAIRING, REMOVED_BY_HR
    reason: str
    detail: str  # one sentence with the counts behind the reason, in the matching's language


class MentorLoad(msgspec.Struct, frozen=True):
    mentor_id: str
    assigned: int
    capacity: int


class MenteeLoad(msgspec.Struct, frozen=True):
    """Mentors a mentee got in the round, of the `capacity` the round left them."""

    mentee_id: str
    assigned: int
    capacity: int


class UnpairedMentor(msgspec.Struct, frozen=True):
    mentor_id: str
    # A stable code: NO_PLACE_LEFT, NO_ELIGIBLE_MENTEE, CAPACITY_EXHAUSTED, NOT_WORTH_PAIRING
    reason: str
    detail: str  # one sentence with the counts behind the reason, in the matching's language


@dataclass(frozen=True)
class CohortAssignment:
    """The solved round before it is stored: pairs, unpaired mentees and mentor loads."""

    mode: str
    objective: str
    pairs: list[MatchedPair] = field(default_factory=list)
    unpaired: list[UnpairedMentee] = field(default_factory=list)
    mentor_load: list[MentorLoad] = field(default_factory=list)
    mentees_already_paired: int = 0
    # Both sides of reverse and classic rounds (mutual rounds list people once, above).
    mentee_load: list[MenteeLoad] = field(default_factory=list)
    unpaired_mentors: list[UnpairedMentor] = field(default_factory=list)

    @property
    def total_score(self) -> float:
        return float(sum(pair.score for pair in self.pairs))


def _blocks(
    mentors: np.ndarray, mentees: np.ndarray, *, pool: bool
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(mentor_idx, mentee_idx, row in `mentees`) for all pairs, a block of mentors at a time.

    Pairs come grouped by mentor, so each mentor's eligible mentees are scored in one call
    without sorting. In a pool (mutual mode) each unordered pair is listed once, from its
    larger position.
    """
    per_block = max(1, _BLOCK_PAIRS // max(mentees.size, 1))
    rows = np.arange(mentees.size)
    for start in range(0, mentors.size, per_block):
        block = mentors[start : start + per_block]
        mentor = np.repeat(block, mentees.size)
        row = np.tile(rows, block.size)
        mentee = mentees[row]
        if pool:
            keep = mentor > mentee
            row, mentor, mentee = row[keep], mentor[keep], mentee[keep]
        yield mentor, mentee, row


def score_pairs(
    roster: Roster,
    scorer: Scorer,
    rules: ProgramRules,
    mentor: np.ndarray,
    mentee: np.ndarray,
    mode: str,
) -> np.ndarray:
    """Scores of (mentor, mentee) pairs under the rules: the values score_and_explain_pairs
    reports, without the cost of explaining every pair, nor of the text features when no
    weight reads them (a program scored by its rules alone)."""
    weighed = {*scorer.features_weighed, *features_weighed(rules)}
    text = not weighed.isdisjoint(TEXT_FEATURES)
    features = scorer_features(scorer, roster, mentor, mentee, mode=mode, text=text)
    score = scorer.score(features.select(scorer.feature_names))
    if rules.bonuses:
        score = score + rule_contributions(rules, roster, features).sum(axis=1)
    return np.asarray(score, dtype=np.float64)


def _score_by_mentor(
    roster: Roster,
    scorer: Scorer,
    rules: ProgramRules,
    mentor: np.ndarray,
    mentee: np.ndarray,
    mode: str,
) -> np.ndarray:
    """Scores of pairs grouped by mentor, one pair_features call per mentor.

    pair_features is fastest for one person against many (one product against everyone,
    no gathering of candidate rows).
    """
    score = np.empty(mentor.size)
    bounds = [*np.flatnonzero(np.diff(mentor, prepend=-1)).tolist(), mentor.size]
    for begin, end in pairwise(bounds):
        part = slice(begin, end)
        score[part] = score_pairs(roster, scorer, rules, mentor[part], mentee[part], mode)
    return score


def _check_exclusions(roster: Roster, rules: ProgramRules) -> None:
    # A typo in an exclusion would silently allow the very pair the program forbids.
    for exclusion in rules.exclusions:
        for person in (exclusion.mentor_id, exclusion.mentee_id):
            if person not in roster.index:
                where = f"line {exclusion.line}: " if exclusion.line else ""
                raise InvalidInputError(
                    f"rules {where}unknown participant id {person!r} in [[exclude]]"
                )


def build_cohort(
    roster: Roster,
    scorer: Scorer,
    *,
    mode: str = F.REVERSE,
    rules: ProgramRules = NO_RULES,
    min_gap: float = 5.0,
    max_gap: float | None = None,
    max_mentors: int = 1,
    pairings: PairingState = NO_PAIRINGS,
    kept: Sequence[tuple[str, str]] = (),
) -> Cohort:
    """Check every (mentor, mentee) pair of the roster and score the eligible ones.

    The round starts from what active `pairings` leave: mentors keep only their free slots,
    mentees keep `max_mentors` less their active mentors (none left: out of the round), and
    no pair is formed a second time. `kept` (mentor_id, mentee_id) pairs of a draft stay as
    they are: they use slots on both sides like active pairings, but do not count as mentees
    already paired.
    """
    check_mode(mode)
    _check_exclusions(roster, rules)
    check_rules_fields(rules, roster)
    pool = mode == F.MUTUAL
    everyone = np.arange(len(roster), dtype=np.int64)
    # Mutual pairs have no direction: each person joins at most one pair.
    declared = np.ones(len(roster), dtype=np.int64) if pool else declared_capacity(roster, rules)
    per_mentee = 1 if pool else max_mentors
    room = room_left(roster, pairings, mode, capacity=declared, mentors_per_mentee=per_mentee)
    already_paired = room.mentee_taken
    if kept:
        with_kept = PairingState(
            formed=pairings.formed | frozenset(kept), active=(*pairings.active, *kept)
        )
        room = room_left(roster, with_kept, mode, capacity=declared, mentors_per_mentee=per_mentee)
    free = ~room.mentee_taken
    if pool:
        mentors = mentees = everyone[free]
        mentees_already_paired = int(np.count_nonzero(already_paired))
    else:
        mentors = everyone[roster.can_mentor]
        mentees = everyone[roster.can_be_mentee & free]
        mentees_already_paired = int(np.count_nonzero(roster.can_be_mentee & already_paired))
    capacity = np.maximum(room.mentor_slots[mentors], 0)
    mentee_capacity = np.maximum(room.mentee_slots[mentees], 0)
    paired = list(pairings.formed)
    reason_names = (*REASONS, *(RULE_PREFIX + name for name in rules.filter_names))
    excluded = np.zeros((mentees.size, len(reason_names)), dtype=np.int64)
    # Positions fit int32 for any real roster; the pair lists are the largest arrays here.
    index_dtype = np.int32 if len(roster) < 2**31 else np.int64
    capacity_left = room.mentor_slots
    width = len(reason_names) + 1
    cells = mentees.size * width
    mentor_parts: list[np.ndarray] = []
    mentee_parts: list[np.ndarray] = []
    score_parts: list[np.ndarray] = []
    for mentor, mentee, row in _blocks(mentors, mentees, pool=pool):
        codes = pair_exclusion_codes(
            roster,
            mentor,
            mentee,
            mode,
            min_gap=min_gap,
            max_gap=max_gap,
            paired_pairs=paired,
            exclude_pairs=rules.exclude_pairs,
            capacity_left=capacity_left,
        ).astype(np.int64)
        if has_filters(rules):
            failed = failed_requirement(rules, roster, mentor, mentee)
            ruled_out = (codes == ELIGIBLE) & (failed >= 0)
            codes[ruled_out] = len(REASONS) + 1 + failed[ruled_out]
        # An explicit width: with no mentee left (all paired already), -1 cannot be inferred.
        counts = np.bincount(row * width + codes, minlength=cells)
        excluded += counts.reshape(mentees.size, width)[:, 1:]
        if pool:
            # Each pool pair was listed once; count its exclusion for the other person too.
            other = np.searchsorted(mentees, mentor)
            back = np.bincount(other * width + codes, minlength=cells)
            excluded += back.reshape(mentees.size, width)[:, 1:]
        eligible = codes == ELIGIBLE
        mentor, mentee = mentor[eligible], mentee[eligible]
        score = _score_by_mentor(roster, scorer, rules, mentor, mentee, mode)
        mentor_parts.append(mentor.astype(index_dtype))
        mentee_parts.append(mentee.astype(index_dtype))
        score_parts.append(score)
    # Joined one list at a time, each freed as it goes, so the pairs are never held twice.
    mentor_idx = _joined(mentor_parts, index_dtype)
    mentee_idx = _joined(mentee_parts, index_dtype)
    score = _joined(score_parts, np.float64)
    pairs = ScoredPairs(mentor_idx=mentor_idx, mentee_idx=mentee_idx, score=score)
    return Cohort(
        mode,
        mentors,
        mentees,
        capacity,
        pairs,
        reason_names,
        excluded,
        mentees_already_paired,
        mentee_capacity=mentee_capacity,
    )


def _joined(parts: list[np.ndarray], dtype: type[np.generic]) -> np.ndarray:
    joined = np.concatenate(parts) if parts else np.zeros(0, dtype)
    parts.clear()
    return joined


def removed_by_hr(mentee_id: str, lang: str) -> UnpairedMentee:
    """Why a mentee whose pair HR removed from a draft has none, in the draft's language."""
    return UnpairedMentee(mentee_id, REMOVED_BY_HR, _UNPAIRED_WORDS[lang][REMOVED_BY_HR])


def exclusion_words(name: str, lang: str, rules: ProgramRules = NO_RULES) -> str:
    """One exclusion reason of a cohort (a candidates' reason or a must-filter) in words;
    `rules` words its [[must]] and [[never]] conditions in `lang`."""
    return reason_words(_reason_key(name, lang, rules.filter_words(lang)), lang)


def _reason_key(name: str, lang: str, filter_words: Mapping[str, str]) -> str:
    """A must-filter's reason in words (a condition's from `filter_words`, its English name ->
    its words in `lang`); the candidates' own reasons stay codes for explain.py."""
    if not name.startswith(RULE_PREFIX):
        return name
    filter_name = name.removeprefix(RULE_PREFIX)
    criterion = filter_words.get(filter_name) or criterion_words(filter_name, lang)
    return _UNPAIRED_WORDS[lang][RULE_PREFIX].format(criterion=criterion)


def _no_eligible_detail(
    cohort: Cohort, row: int, partner: str, lang: str, filter_words: Mapping[str, str]
) -> str:
    counts = dict(zip(cohort.reason_names, cohort.excluded[row].tolist(), strict=True))
    reasons = describe_exclusions(
        {_reason_key(name, lang, filter_words): count for name, count in counts.items()}, lang
    )
    detail = _UNPAIRED_WORDS[lang][NO_ELIGIBLE_MENTOR].format(partner=partner)
    return f"{detail} ({reasons})" if reasons else detail


def _unpaired(
    cohort: Cohort,
    row: int,
    eligible: int,
    with_room: int,
    person_id: str,
    *,
    partner: str,
    lang: str,
    filter_words: Mapping[str, str],
) -> UnpairedMentee:
    """Why one mentee (or pool member) has no pair: a stable code and a sentence in `lang`
    (`filter_words`: the rules' conditions in `lang`, by their English names)."""
    singular, plural = _PARTNER_WORDS[lang][partner]
    if eligible == 0:
        detail = _no_eligible_detail(cohort, row, singular, lang, filter_words)
        return UnpairedMentee(person_id, NO_ELIGIBLE_MENTOR, detail)
    words = _UNPAIRED_WORDS[lang]
    if with_room == 0:
        detail = words[CAPACITY_EXHAUSTED].format(count=eligible, partners=plural)
        return UnpairedMentee(person_id, CAPACITY_EXHAUSTED, detail)
    detail = words[NOT_WORTH_PAIRING].format(count=with_room, partners=plural)
    return UnpairedMentee(person_id, NOT_WORTH_PAIRING, detail)


def oriented(
    roster: Roster, first: np.ndarray, second: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mentor and mentee sides of mutual pairs: as roles allow, else the less senior mentors."""
    forward = roster.can_mentor[first] & roster.can_be_mentee[second]
    backward = roster.can_mentor[second] & roster.can_be_mentee[first]
    junior_first = (roster.years[first] < roster.years[second]) | (
        (roster.years[first] == roster.years[second]) & (first < second)
    )
    first_mentors = forward & (~backward | junior_first)
    return np.where(first_mentors, first, second), np.where(first_mentors, second, first)


def score_and_explain_pairs(
    roster: Roster,
    scorer: Scorer,
    mentor_idx: np.ndarray,
    mentee_idx: np.ndarray,
    *,
    mode: str,
    rules: ProgramRules = NO_RULES,
    lang: str = "en",
) -> list[MatchedPair]:
    """Score and explain chosen pairs; rule bonuses are extra factors, so the factors' contributions
    still add up to the reported score."""
    if mentor_idx.size == 0:
        return []
    features = scorer_features(scorer, roster, mentor_idx, mentee_idx, mode=mode)
    scored = features.select(scorer.feature_names)
    rule_values = bonus_values(rules, roster, features)
    bonus = rule_values * np.array([b.weight for b in rules.bonuses], dtype=np.float64)
    scores = scorer.score(scored) + bonus.sum(axis=1)
    lines = program_thresholds(scorer, [b.weight for b in rules.bonuses])
    rule_words = rules.rule_words(lang)
    contributions = np.hstack([scorer.contributions(scored), bonus])
    factor_names = (*scorer.factor_names, *rules.factor_names)
    value_names = (*features.names, *rules.factor_names)
    values = np.hstack([features.matrix, rule_values])
    tested = [
        (name, column)
        for name in rules.tested_fields
        if (column := roster.column(name)) is not None
    ]
    out = []
    for row, (mentor, mentee) in enumerate(
        zip(mentor_idx.tolist(), mentee_idx.tolist(), strict=True)
    ):
        score = float(scores[row])
        # Labelled on the score with the rule bonuses: the score the pair is shown with.
        label = match_label(score, scorer.kind, lines)
        explanation = explain_pair(
            factor_names,
            contributions[row],
            value_names,
            values[row],
            top_item_matches(roster, mentor, mentee, mode=mode),
            label=label,
            mentor_id=roster.ids[mentor],
            mentee_id=roster.ids[mentee],
            mode=mode,
            lang=lang,
            answers=[
                RuleAnswer(name, column.shown(mentor), column.shown(mentee))
                for name, column in tested
            ],
            links=phrase_links(scorer, roster, features, row, mode=mode),
            rule_words=rule_words,
        )
        out.append(MatchedPair(roster.ids[mentor], roster.ids[mentee], score, label, explanation))
    return out


def _rank_of(positions: np.ndarray, n_people: int) -> np.ndarray:
    """A table from roster position to its index in `positions` (sorted, distinct)."""
    rank = np.full(n_people, -1, dtype=np.int32 if n_people < 2**31 else np.int64)
    rank[positions] = np.arange(positions.size)
    return rank


def solve_cohort(
    roster: Roster,
    scorer: Scorer,
    cohort: Cohort,
    *,
    objective: str,
    rules: ProgramRules = NO_RULES,
    lang: str = "en",
    stopwatch: Stopwatch | None = None,
) -> CohortAssignment:
    """The optimal assignment of a cohort, every pair explained, everyone unpaired told why.

    One mentor per mentee is an assignment problem (assign_mentees); several are a
    b-matching (assign_pairs). Both are exact. `stopwatch` gets the seconds of the assignment
    itself (`solve`) apart from those of the explanations (`scoring`).
    """
    check_objective(objective)
    check_lang(lang)
    watch = stopwatch or Stopwatch()
    pairs = cohort.pairs
    if cohort.mode == F.MUTUAL:
        return _solve_pool(
            roster, scorer, cohort, objective=objective, rules=rules, lang=lang, watch=watch
        )
    row = _rank_of(cohort.mentees, len(roster))[pairs.mentee_idx]
    column = _rank_of(cohort.mentors, len(roster))[pairs.mentor_idx]
    mentee_capacity = (
        cohort.mentee_capacity
        if cohort.mentee_capacity is not None
        else np.ones(cohort.mentees.size, dtype=np.int64)
    )
    with watch.phase(SOLVE):
        if cohort.several_mentors:
            chosen = assign_pairs(
                row, column, pairs.score, cohort.capacity, mentee_capacity, objective=objective
            )
            order = np.lexsort((column[chosen], row[chosen]))
            chosen_rows, chosen_columns = row[chosen][order], column[chosen][order]
        else:
            assigned = assign_mentees(
                cohort.mentees.size, row, column, pairs.score, cohort.capacity, objective=objective
            )
            chosen_rows = np.flatnonzero(assigned != UNPAIRED)
            chosen_columns = assigned[chosen_rows]
    load = np.bincount(chosen_columns, minlength=cohort.mentors.size)
    mentee_load = np.bincount(chosen_rows, minlength=cohort.mentees.size)
    with watch.phase(SCORING):
        matched = score_and_explain_pairs(
            roster,
            scorer,
            cohort.mentors[chosen_columns],
            cohort.mentees[chosen_rows],
            mode=cohort.mode,
            rules=rules,
            lang=lang,
        )
    eligible = np.bincount(row, minlength=cohort.mentees.size)
    has_room = (load < cohort.capacity)[column]
    with_room = np.bincount(row[has_room], minlength=cohort.mentees.size)
    filter_words = rules.filter_words(lang)
    unpaired = [
        _unpaired(
            cohort,
            r,
            int(eligible[r]),
            int(with_room[r]),
            roster.ids[cohort.mentees[r]],
            partner=F.MENTOR,
            lang=lang,
            filter_words=filter_words,
        )
        for r in np.flatnonzero(mentee_load == 0).tolist()
    ]
    loads = [
        MentorLoad(roster.ids[mentor], int(used), int(capacity))
        for mentor, used, capacity in zip(
            cohort.mentors.tolist(), load.tolist(), cohort.capacity.tolist(), strict=True
        )
    ]
    mentee_loads = [
        MenteeLoad(roster.ids[mentee], int(used), int(capacity))
        for mentee, used, capacity in zip(
            cohort.mentees.tolist(), mentee_load.tolist(), mentee_capacity.tolist(), strict=True
        )
    ]
    mentee_has_room = (mentee_load < mentee_capacity)[row]
    mentors_eligible = np.bincount(column, minlength=cohort.mentors.size)
    mentors_with_room = np.bincount(column[mentee_has_room], minlength=cohort.mentors.size)
    unpaired_mentors = [
        _unpaired_mentor(
            roster.ids[cohort.mentors[c]],
            int(cohort.capacity[c]),
            int(mentors_eligible[c]),
            int(mentors_with_room[c]),
            lang,
        )
        for c in np.flatnonzero(load == 0).tolist()
    ]
    return CohortAssignment(
        cohort.mode,
        objective,
        matched,
        unpaired,
        loads,
        mentees_already_paired=cohort.mentees_already_paired,
        mentee_load=mentee_loads,
        unpaired_mentors=unpaired_mentors,
    )


def _unpaired_mentor(
    mentor_id: str, capacity: int, eligible: int, with_room: int, lang: str
) -> UnpairedMentor:
    """Why a mentor has no mentee in the round: a stable code and a sentence in `lang`."""
    words = _UNPAIRED_WORDS[lang]
    singular, plural = _PARTNER_WORDS[lang][F.MENTEE]
    if capacity <= 0:
        return UnpairedMentor(mentor_id, NO_PLACE_LEFT, words[NO_PLACE_LEFT])
    if eligible == 0:
        detail = words[NO_ELIGIBLE_MENTOR].format(partner=singular)
        return UnpairedMentor(mentor_id, NO_ELIGIBLE_MENTEE, detail)
    if with_room == 0:
        detail = words[CAPACITY_EXHAUSTED].format(count=eligible, partners=plural)
        return UnpairedMentor(mentor_id, CAPACITY_EXHAUSTED, detail)
    detail = words[NOT_WORTH_PAIRING].format(count=with_room, partners=plural)
    return UnpairedMentor(mentor_id, NOT_WORTH_PAIRING, detail)


def _solve_pool(
    roster: Roster,
    scorer: Scorer,
    cohort: Cohort,
    *,
    objective: str,
    rules: ProgramRules,
    lang: str,
    watch: Stopwatch,
) -> CohortAssignment:
    pairs = cohort.pairs
    with watch.phase(SOLVE):
        partner = pair_within_pool(
            len(roster), pairs.mentor_idx, pairs.mentee_idx, pairs.score, objective=objective
        )
    everyone = np.arange(len(roster))
    first = np.flatnonzero((partner != UNPAIRED) & (partner > everyone))
    mentors, mentees = oriented(roster, first, partner[first])
    with watch.phase(SCORING):
        matched = score_and_explain_pairs(
            roster, scorer, mentors, mentees, mode=F.MUTUAL, rules=rules, lang=lang
        )
    ends = np.concatenate([pairs.mentor_idx, pairs.mentee_idx])
    others = np.concatenate([pairs.mentee_idx, pairs.mentor_idx])
    eligible = np.bincount(ends, minlength=len(roster))
    free = partner[others] == UNPAIRED
    with_room = np.bincount(ends, weights=free, minlength=len(roster)).astype(np.int64)
    # The pool leaves out people an active pairing already holds; rows follow the pool.
    pool = cohort.mentees
    filter_words = rules.filter_words(lang)
    unpaired = [
        _unpaired(
            cohort,
            row,
            int(eligible[p]),
            int(with_room[p]),
            roster.ids[p],
            partner=PARTNER,
            lang=lang,
            filter_words=filter_words,
        )
        for row, p in enumerate(pool.tolist())
        if partner[p] == UNPAIRED
    ]
    loads = [MentorLoad(roster.ids[p], int(partner[p] != UNPAIRED), 1) for p in pool.tolist()]
    return CohortAssignment(
        F.MUTUAL,
        objective,
        matched,
        unpaired,
        loads,
        mentees_already_paired=cohort.mentees_already_paired,
    )
