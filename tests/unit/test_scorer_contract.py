"""One contract every scorer meets, in every mode, on a roster whose best pairs are known
(tests/known_answer.py).

Each scorer's test class says only how to build its scorer for a mode (`_get_scorer`); the
contract itself lives in `ScorerContract`, so a new scorer is tested by one short class.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from recomentor import fields as F
from recomentor.ranking.candidates import find_candidates
from recomentor.ranking.features import pair_features
from recomentor.ranking.rank import rank_partners
from recomentor.ranking.scorers import HeuristicScorer, Scorer, scorer_features, scorer_for
from tests.known_answer import (
    BAD,
    GOOD,
    MIN_GAP,
    PEOPLE,
    KnownAnswer,
    known_answer,
    known_ratings,
)


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnownAnswer]:
    with known_answer(tmp_path_factory.mktemp("contract")) as answer:
        yield answer


@pytest.fixture(params=F.MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class ScorerContract:
    """What every scorer promises, checked in every mode."""

    def _get_scorer(self, known: KnownAnswer, mode: str) -> Scorer:
        raise NotImplementedError

    @pytest.fixture
    def scorer(self, known: KnownAnswer, mode: str) -> Scorer:
        return self._get_scorer(known, mode)

    def test_it_serves_the_mode_it_was_built_for(self, scorer: Scorer, mode: str) -> None:
        assert isinstance(scorer, Scorer)
        assert scorer_for(scorer, mode) is scorer

    def test_contributions_add_up_to_the_score(
        self, scorer: Scorer, known: KnownAnswer, mode: str
    ) -> None:
        mentor, mentee, _ = known.pairs(mode)
        features = scorer_features(scorer, known.roster, mentor, mentee, mode=mode)
        scored = features.select(scorer.feature_names)
        scores = scorer.score(scored)
        contributions = scorer.contributions(scored)
        assert contributions.shape == (mentor.size, len(scorer.factor_names))
        assert np.ptp(scores) > 0.1  # the pairs differ, so a constant would not pass
        np.testing.assert_allclose(contributions.sum(axis=1), scores, rtol=0, atol=1e-9)

    def test_no_pairs_score_to_nothing(self, scorer: Scorer, known: KnownAnswer, mode: str) -> None:
        # Regression: a mentee of a draft nobody else may mentor asks the learned ranker to
        # score no pair, and scikit-learn refuses an empty matrix (the candidates page: 500).
        nobody = np.zeros(0, dtype=np.int64)
        features = scorer_features(scorer, known.roster, nobody, nobody, mode=mode)
        scored = features.select(scorer.feature_names)
        assert scorer.score(scored).shape == (0,)
        assert scorer.contributions(scored).shape == (0, len(scorer.factor_names))

    def test_completed_features_keep_the_pairs_and_the_base_columns(
        self, scorer: Scorer, known: KnownAnswer, mode: str
    ) -> None:
        mentor, mentee, _ = known.pairs(mode)
        # Shuffled, so that a scorer that sorted or regrouped the pairs would be caught.
        order = np.random.default_rng(3).permutation(mentor.size)
        base = pair_features(known.roster, mentor[order], mentee[order], mode=mode)
        completed = scorer.complete(known.roster, base, mode=mode)
        np.testing.assert_array_equal(completed.mentor_idx, base.mentor_idx)
        np.testing.assert_array_equal(completed.mentee_idx, base.mentee_idx)
        assert completed.names[: len(base.names)] == base.names
        np.testing.assert_array_equal(completed.matrix[:, : len(base.names)], base.matrix)
        assert set(scorer.feature_names) <= set(completed.names)

    def test_every_known_good_pair_outranks_every_known_bad_one(
        self, scorer: Scorer, known: KnownAnswer, mode: str
    ) -> None:
        mentor, mentee, ratings = known.pairs(mode)
        features = scorer_features(scorer, known.roster, mentor, mentee, mode=mode)
        scores = scorer.score(features.select(scorer.feature_names))
        good, bad = scores[ratings == GOOD], scores[ratings == BAD]
        assert good.size and bad.size
        assert good.min() > bad.max()

    def test_the_top_suggestion_is_a_known_good_partner(
        self, scorer: Scorer, known: KnownAnswer, mode: str
    ) -> None:
        roster = known.roster
        for person_id in roster.ids:
            result = rank_partners(roster, scorer, person_id, k=1, mode=mode, min_gap=MIN_GAP)
            assert result.model.kind == scorer.kind
            best = roster.position(result.suggestions[0].partner_id)
            me = roster.position(person_id)
            # Every person here has a partner fitting every way in every mode.
            pair = (me, best) if result.suggestions[0].role == F.MENTEE else (best, me)
            assert known_ratings(np.array([pair[0]]), np.array([pair[1]]), mode)[0] == GOOD

    def test_one_person_against_many_scores_like_the_general_path(
        self, scorer: Scorer, known: KnownAnswer, mode: str
    ) -> None:
        """rank_partners takes the one-vs-many (star) path; the same pairs among others must
        get the same features and scores through the general one."""
        roster = known.roster
        # A pair that involves nobody of the star below sends every other pair the general way.
        other_mentor, other_mentee = np.array([PEOPLE // 2 - 1]), np.array([PEOPLE - 1])
        # Juniors and seniors, never one of the other pair (or the star path would not apply).
        for me in range(0, PEOPLE - 2, 3):
            candidates = find_candidates(roster, me, mode, min_gap=MIN_GAP)
            star = scorer_features(
                scorer, roster, candidates.mentor_idx, candidates.mentee_idx, mode=mode
            )
            general = scorer_features(
                scorer,
                roster,
                np.concatenate([other_mentor, candidates.mentor_idx]),
                np.concatenate([other_mentee, candidates.mentee_idx]),
                mode=mode,
            ).rows(np.arange(1, len(candidates) + 1))
            assert star.names == general.names
            np.testing.assert_allclose(star.matrix, general.matrix, rtol=0, atol=1e-6)
            served = rank_partners(
                roster, scorer, roster.ids[me], k=PEOPLE, mode=mode, min_gap=MIN_GAP
            )
            expected = scorer.score(general.select(scorer.feature_names))
            by_partner = dict(zip(candidates.partners.tolist(), expected.tolist(), strict=True))
            assert len(served.suggestions) == len(candidates)
            for suggestion in served.suggestions:
                partner = roster.position(suggestion.partner_id)
                assert suggestion.score == pytest.approx(by_partner[partner], abs=1e-6)


class TestHeuristicScorer(ScorerContract):
    def _get_scorer(self, known: KnownAnswer, mode: str) -> Scorer:
        return HeuristicScorer()


class TestLearnedScorer(ScorerContract):
    def _get_scorer(self, known: KnownAnswer, mode: str) -> Scorer:
        return known.learned(mode)
