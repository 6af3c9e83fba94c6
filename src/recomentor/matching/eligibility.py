"""Who may mentor a draft's mentee now, and why not: every hard constraint, scored as the draft."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import msgspec
import numpy as np

from recomentor import fields as F
from recomentor.errors import ConflictError, InvalidInputError, NotFoundError
from recomentor.matching.cohort import (
    exclusion_words,
    oriented,
    score_and_explain_pairs,
    score_pairs,
)
from recomentor.matching.rules import RULE_PREFIX, ProgramRules, failed_requirement, has_filters
from recomentor.matching.service import require_draft
from recomentor.ranking.candidates import AT_CAPACITY, ELIGIBLE, REASONS, pair_exclusion_codes
from recomentor.ranking.capacity import MENTORS_PER_MENTEE, PairingState, room_left
from recomentor.ranking.explain import Explanation
from recomentor.ranking.labels import MatchLabel
from recomentor.ranking.rank import ModelRef, describe_scorer
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import Scorer, scorer_for
from recomentor.store import Store
from recomentor.store.matchings import StoredMatching, StoredPair, read_matching
from recomentor.store.pairings import pairing_rows

MAX_CANDIDATES: Final = 100


@dataclass(frozen=True)
class DraftTerms:
    """What a draft was matched under; every edit of it is judged and scored under the same."""

    matching_id: str
    mode: str
    min_gap: float
    rules: ProgramRules
    lang: str
    model: ModelRef
    max_gap: float | None = None
    max_mentors: int = MENTORS_PER_MENTEE

    @classmethod
    def of(cls, stored: StoredMatching) -> DraftTerms:
        params = stored.row.params or {}
        return cls(
            matching_id=stored.row.id,
            mode=stored.row.mode,
            min_gap=float(params.get("min_gap", 0.0)),
            max_gap=params.get("max_gap"),
            max_mentors=int(params.get("max_mentors", MENTORS_PER_MENTEE)),
            rules=ProgramRules.from_dict(params.get("rules", {})),
            lang=str(params.get("lang", "en")),
            model=msgspec.convert(params.get("model", {}), ModelRef),
        )

    def scorer(self, scorer: Scorer) -> Scorer:
        """The scorer of this draft's pairs. ConflictError when the scorer in use now is another
        model than the one the draft was made with: their scores would not add up to one total.
        """
        chosen = scorer_for(scorer, self.mode, weights=dict(self.rules.weights))
        now = describe_scorer(chosen)
        if now != self.model:
            raise ConflictError(
                f"matching {self.matching_id} was scored by {self.model.name} "
                f"v{self.model.version} and the scorer is now {now.name} v{now.version}; "
                "its scores would not be comparable: discard it and match again"
            )
        return chosen


@dataclass(frozen=True)
class Place:
    """Where a mentee stands in a draft: their pair (None when unpaired) and their partner."""

    pair: StoredPair | None
    partner_id: str | None  # the mentor; in mutual mode the other member of the pair


def place_of(stored: StoredMatching, mentee_id: str) -> Place:
    """The mentee's pair or unpaired entry. In mutual mode either member names a pair.

    NotFoundError when the draft has the person neither in a pair (as mentee) nor unpaired.
    """
    mutual = stored.row.mode == F.MUTUAL
    for pair in stored.pairs:
        if pair.mentee_id == mentee_id:
            return Place(pair, pair.mentor_id)
        if mutual and pair.mentor_id == mentee_id:
            return Place(pair, pair.mentee_id)
    if any(entry.mentee_id == mentee_id for entry in stored.unpaired):
        return Place(None, None)
    raise NotFoundError(
        "mentee",
        mentee_id,
        message=f"{mentee_id!r} is not a mentee of matching {stored.row.id}",
    )


class CapacityUse(msgspec.Struct, frozen=True, kw_only=True):
    """A mentor's places: declared (1 in mutual mode), taken by active pairings, taken by
    other pairs of this draft. The mentee's own pair is not counted: it is the one to change."""

    capacity: int
    active: int
    in_draft: int


class ReplacementCandidate(msgspec.Struct, frozen=True, kw_only=True):
    rank: int
    mentor_id: str  # in mutual mode the partner
    score: float
    label: MatchLabel
    explanation: Explanation
    places: CapacityUse


class ReplacementCandidates(msgspec.Struct, frozen=True, kw_only=True):
    """The mentors who could take a draft's mentee now, best first."""

    matching_id: str
    mentee_id: str
    # The mentee's mentor in the draft now (not listed among the candidates); null if unpaired.
    mentor_id: str | None
    model: ModelRef
    candidates: list[ReplacementCandidate]
    # Participants ruled out per reason: the candidates' reasons and `rule:<filter>`.
    excluded: dict[str, int]


class MentorEligibility(msgspec.Struct, frozen=True, kw_only=True):
    """Whether one mentor could take a draft's mentee now, and why not."""

    matching_id: str
    mentee_id: str
    mentor_id: str
    eligible: bool
    reason: str | None  # a stable code when not eligible: own_manager, at_capacity, rule:...
    detail: str | None  # the reason in words, in the draft's language
    score: float | None  # the pair's score, label and explanation when eligible
    label: MatchLabel | None
    explanation: Explanation | None
    places: CapacityUse


@dataclass(frozen=True, eq=False)
class Check:
    """Every constraint on (mentor, the mentee) pairs of a draft, for a set of mentors."""

    mentors: np.ndarray  # roster positions asked about
    codes: np.ndarray  # per mentor: ELIGIBLE, else 1 + index in reason_names
    reason_names: tuple[str, ...]
    capacity: np.ndarray  # per roster position
    active: np.ndarray
    in_draft: np.ndarray

    def places(self, person: int) -> CapacityUse:
        return CapacityUse(
            capacity=int(self.capacity[person]),
            active=int(self.active[person]),
            in_draft=int(self.in_draft[person]),
        )

    def reason(self, row: int) -> str | None:
        code = int(self.codes[row])
        return None if code == ELIGIBLE else self.reason_names[code - 1]


def check_mentors(
    roster: Roster,
    terms: DraftTerms,
    state: PairingState,
    stored: StoredMatching,
    mentee_id: str,
    mentors: np.ndarray,
) -> Check:
    """Judge `mentors` (roster positions) as the mentee's mentor in this draft, all at once.

    The same constraints as a matching and an approval: role, manager, language, direction and
    gap of the draft's mode, pairs formed before, the draft's exclusions and must-filters, and
    capacity: a mentor's active pairings plus their other pairs in this draft. ConflictError
    when the mentee has had a mentor of their own in force since the draft was made.
    """
    place = place_of(stored, mentee_id)
    mentee = roster.position(mentee_id)
    mutual = terms.mode == F.MUTUAL
    # Mutual pairs have no direction: each person joins one pair (as in build_cohort).
    capacity = np.ones(len(roster), dtype=np.int64) if mutual else roster.max_mentees
    room = room_left(roster, state, terms.mode, capacity=capacity)
    if room.mentee_taken[mentee]:
        raise ConflictError(
            f"{mentee_id} has had a pairing in force since matching {terms.matching_id} was "
            "drafted; remove their pair from the draft or discard it"
        )
    in_draft = np.zeros(len(roster), dtype=np.int64)
    for pair in stored.pairs:
        if pair is place.pair:
            continue
        members = (pair.mentor_id, pair.mentee_id) if mutual else (pair.mentor_id,)
        for person in members:
            if person in roster.index:
                in_draft[roster.index[person]] += 1
    mentee_idx = np.full(mentors.shape, mentee, dtype=np.int64)
    codes = pair_exclusion_codes(
        roster,
        mentors,
        mentee_idx,
        terms.mode,
        min_gap=terms.min_gap,
        max_gap=terms.max_gap,
        paired_pairs=state.formed,
        exclude_pairs=terms.rules.exclude_pairs,
        capacity_left=room.mentor_slots - in_draft,
    ).astype(np.int64)
    rules = terms.rules
    if has_filters(rules):
        failed = failed_requirement(rules, roster, mentors, mentee_idx)
        ruled_out = (codes == ELIGIBLE) & (failed >= 0)
        codes[ruled_out] = len(REASONS) + 1 + failed[ruled_out]
    return Check(
        mentors=mentors,
        codes=codes,
        reason_names=(*REASONS, *(RULE_PREFIX + name for name in rules.filter_names)),
        capacity=capacity,
        active=capacity - room.mentor_slots,
        in_draft=in_draft,
    )


def pair_sides(
    roster: Roster, terms: DraftTerms, mentors: np.ndarray, mentee_id: str
) -> tuple[np.ndarray, np.ndarray]:
    """Mentor and mentee positions of the pairs as a draft stores them: mutual pairs are
    oriented like the solver's."""
    mentees = np.full(mentors.shape, roster.position(mentee_id), dtype=np.int64)
    if terms.mode == F.MUTUAL:
        return oriented(roster, mentors, mentees)
    return mentors, mentees


def _read_draft(store: Store, matching_id: str) -> tuple[StoredMatching, PairingState]:
    with store.session() as session:
        stored = read_matching(session, matching_id)
        state = PairingState.of(pairing_rows(session))
    require_editable(stored)
    return stored, state


def require_editable(stored: StoredMatching) -> None:
    """ConflictError unless the matching is a draft with one mentor per mentee: its edits
    name a mentee's pair, and a mentee with several mentors has several."""
    require_draft(stored, "edited")
    per_mentee = int((stored.row.params or {}).get("max_mentors", MENTORS_PER_MENTEE))
    if per_mentee > MENTORS_PER_MENTEE:
        raise ConflictError(
            f"matching {stored.row.id} gives a mentee up to {per_mentee} mentors; pairs are "
            "edited one mentor per mentee only: approve or discard it, or match again"
        )


def replacement_candidates(
    store: Store,
    roster: Roster,
    scorer: Scorer,
    matching_id: str,
    mentee_id: str,
    *,
    k: int = 10,
) -> ReplacementCandidates:
    """The k mentors who could take this mentee in the draft now, best first, each scored and
    explained by the draft's own scorer and rules (ties go to the smaller id).

    The mentee's current mentor is not a candidate; everyone else ruled out is counted per
    reason in `excluded`. NotFoundError for an unknown matching or a person who is not one of
    its mentees; ConflictError when it is no draft or the scorer changed since.
    """
    if not 1 <= k <= MAX_CANDIDATES:
        raise InvalidInputError(f"k must lie between 1 and {MAX_CANDIDATES}, got {k}")
    stored, state = _read_draft(store, matching_id)
    terms = DraftTerms.of(stored)
    scorer = terms.scorer(scorer)
    current = place_of(stored, mentee_id).partner_id
    everyone = np.arange(len(roster), dtype=np.int64)
    check = check_mentors(roster, terms, state, stored, mentee_id, everyone)
    eligible = check.codes == ELIGIBLE
    if current is not None and current in roster.index:
        eligible[roster.index[current]] = False
    counts = np.bincount(check.codes, minlength=len(check.reason_names) + 1)
    excluded = {name: int(counts[code]) for code, name in enumerate(check.reason_names, 1)}
    partners = everyone[eligible]
    mentor_idx, mentee_idx = pair_sides(roster, terms, partners, mentee_id)
    scores = score_pairs(roster, scorer, terms.rules, mentor_idx, mentee_idx, terms.mode)
    # The roster is in id order: sorting positions breaks ties by id.
    best = np.lexsort((partners, -scores))[:k]
    explained = score_and_explain_pairs(
        roster,
        scorer,
        mentor_idx[best],
        mentee_idx[best],
        mode=terms.mode,
        rules=terms.rules,
        lang=terms.lang,
    )
    candidates = [
        ReplacementCandidate(
            rank=rank,
            mentor_id=roster.ids[partner],
            score=pair.score,
            label=pair.label,
            explanation=pair.explanation,
            places=check.places(partner),
        )
        for rank, (partner, pair) in enumerate(
            zip(partners[best].tolist(), explained, strict=True), start=1
        )
    ]
    return ReplacementCandidates(
        matching_id=matching_id,
        mentee_id=mentee_id,
        mentor_id=current,
        model=terms.model,
        candidates=candidates,
        excluded=excluded,
    )


def judge_mentor(
    roster: Roster,
    scorer: Scorer,
    terms: DraftTerms,
    state: PairingState,
    stored: StoredMatching,
    mentee_id: str,
    mentor_id: str,
) -> MentorEligibility:
    """One mentor for the mentee under check_mentors, scored when eligible. `scorer` is the
    draft's (DraftTerms.scorer). NotFoundError for a mentor who is no participant."""
    mentor = np.array([roster.position(mentor_id)], dtype=np.int64)
    check = check_mentors(roster, terms, state, stored, mentee_id, mentor)
    places = check.places(int(mentor[0]))
    reason = check.reason(0)
    if reason is not None:
        detail = exclusion_words(reason, terms.lang, terms.rules)
        if reason == AT_CAPACITY:
            taken = places.active + places.in_draft
            detail += f" ({taken}/{places.capacity})"
        return MentorEligibility(
            matching_id=terms.matching_id,
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            eligible=False,
            reason=reason,
            detail=detail,
            score=None,
            label=None,
            explanation=None,
            places=places,
        )
    mentor_idx, mentee_idx = pair_sides(roster, terms, mentor, mentee_id)
    (pair,) = score_and_explain_pairs(
        roster, scorer, mentor_idx, mentee_idx, mode=terms.mode, rules=terms.rules, lang=terms.lang
    )
    return MentorEligibility(
        matching_id=terms.matching_id,
        mentee_id=mentee_id,
        mentor_id=mentor_id,
        eligible=True,
        reason=None,
        detail=None,
        score=pair.score,
        label=pair.label,
        explanation=pair.explanation,
        places=places,
    )


def mentor_eligibility(
    store: Store,
    roster: Roster,
    scorer: Scorer,
    matching_id: str,
    mentee_id: str,
    mentor_id: str,
) -> MentorEligibility:
    """Whether `mentor_id` could take this mentee in the draft now: the reason code and its
    words when not, the pair's score and explanation when so. Errors as replacement_candidates,
    and NotFoundError for a mentor who is no participant."""
    stored, state = _read_draft(store, matching_id)
    terms = DraftTerms.of(stored)
    return judge_mentor(roster, terms.scorer(scorer), terms, state, stored, mentee_id, mentor_id)
