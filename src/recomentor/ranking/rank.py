"""One person's partners, ranked and explained: candidates -> features -> scorer -> top k."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
import numpy as np

from recomentor import fields as F
from recomentor.ranking.candidates import find_candidates
from recomentor.ranking.capacity import NO_PAIRINGS, PairingState, room_left
from recomentor.ranking.explain import Explanation, check_lang, explain_pair
from recomentor.ranking.labels import MatchLabel, label_thresholds, match_label
from recomentor.ranking.phrases import top_item_matches
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import Scorer, phrase_links, scorer_features, scorer_for

PARTNER = "partner"


class ModelRef(msgspec.Struct, frozen=True):
    """Which scorer produced a result: heuristic or learned, and its registry name and version."""

    kind: str
    name: str
    version: str


class Suggestion(msgspec.Struct, frozen=True):
    rank: int
    partner_id: str
    role: str  # the partner's side of the pair: mentor, mentee, or partner in mutual mode
    score: float
    label: MatchLabel
    explanation: Explanation


class SuggestionResult(msgspec.Struct, frozen=True):
    """The documented `suggest --json` shape, which the API returns as is."""

    person_id: str
    mode: str
    model: ModelRef
    suggestions: list[Suggestion]
    # Why the other participants are not candidates, per reason: explains an empty list.
    excluded: dict[str, int]


def describe_scorer(scorer: Scorer) -> ModelRef:
    return ModelRef(kind=scorer.kind, name=scorer.name, version=scorer.version)


def _top_k(scores: np.ndarray, partners: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, best first; ties go to the smaller id for stable output.

    The roster is in id order, so comparing partner positions compares ids.
    """
    if scores.size > k:
        # Keep every score tied with the k-th so the id tie-break below sees all of them.
        kth = np.partition(scores, scores.size - k)[scores.size - k]
        shortlist = np.flatnonzero(scores >= kth)
    else:
        shortlist = np.arange(scores.size)
    ordered = shortlist[np.lexsort((partners[shortlist], -scores[shortlist]))]
    return np.asarray(ordered[:k], dtype=np.int64)


def rank_partners(
    roster: Roster,
    scorer: Scorer,
    person_id: str,
    *,
    k: int = 5,
    mode: str = F.REVERSE,
    min_gap: float = 5.0,
    lang: str = "en",
    role: str | None = None,
    exclude_pairs: Iterable[tuple[str, str]] = frozenset(),
    pairings: PairingState = NO_PAIRINGS,
) -> SuggestionResult:
    """The k best partners of `person_id` with their explanations.

    `role` (mentor or mentee) limits the side the person takes; raises NotFoundError for an
    unknown id. Pairs formed before are left out, and so are partners that active `pairings`
    leave without room. Only the k shown pairs are explained. A learned `scorer` of another
    mode than `mode` gives way to the heuristic (scorer_for), and the result's `model` says so.
    """
    check_lang(lang)
    room = room_left(roster, pairings, mode)
    candidates = find_candidates(
        roster,
        person_id,
        mode,
        min_gap=min_gap,
        role=role,
        exclude_pairs=exclude_pairs,
        paired_pairs=pairings.formed,
        capacity_left=room.mentor_slots,
        mentee_taken=room.mentee_taken,
    )
    scorer = scorer_for(scorer, mode)
    result = SuggestionResult(
        person_id=person_id,
        mode=mode,
        model=describe_scorer(scorer),
        suggestions=[],
        excluded=candidates.excluded,
    )
    if len(candidates) == 0 or k <= 0:
        return result
    features = scorer_features(
        scorer, roster, candidates.mentor_idx, candidates.mentee_idx, mode=mode
    )
    scored = features.select(scorer.feature_names)
    scores = scorer.score(scored)
    top = _top_k(scores, candidates.partners, k)
    contributions = scorer.contributions(scored[top])
    for rank, (row, position) in enumerate(zip(contributions, top.tolist(), strict=True), 1):
        mentor, mentee = int(features.mentor_idx[position]), int(features.mentee_idx[position])
        is_mentor = bool(candidates.person_is_mentor[position])
        matches = top_item_matches(roster, mentor, mentee, mode=mode)
        score = float(scores[position])
        label = match_label(score, scorer.kind, label_thresholds(scorer))
        links = phrase_links(scorer, roster, features, position, mode=mode)
        explanation = explain_pair(
            scorer.factor_names,
            row,
            features.names,
            features.matrix[position],
            matches,
            label=label,
            mentor_id=roster.ids[mentor],
            mentee_id=roster.ids[mentee],
            mode=mode,
            lang=lang,
            links=links,
        )
        partner_role = PARTNER if mode == F.MUTUAL else (F.MENTEE if is_mentor else F.MENTOR)
        result.suggestions.append(
            Suggestion(
                rank=rank,
                partner_id=roster.ids[int(candidates.partners[position])],
                role=partner_role,
                score=score,
                label=label,
                explanation=explanation,
            )
        )
    return result
