"""A learned model serves only the mode it was trained in; other modes get the heuristic."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.matching.service import create_matching
from recomentor.ranking.rank import ModelRef, describe_scorer, rank_partners
from recomentor.ranking.scorers import HEURISTIC, LEARNED, HeuristicScorer, scorer_for
from recomentor.ranking.scorers.learned import LearnedScorer
from tests.known_answer import MIN_GAP, KnownAnswer, known_answer

# A senior: a mentee in reverse mode, a mentor in classic mode, a partner in mutual mode.
SENIOR = "P13"


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnownAnswer]:
    with known_answer(tmp_path_factory.mktemp("modes")) as answer:
        yield answer


@pytest.fixture(scope="module")
def reverse_model(known: KnownAnswer) -> LearnedScorer:
    return known.learned(F.REVERSE)


def test_a_model_serves_its_own_mode_and_gives_way_to_the_heuristic_in_others(
    reverse_model: LearnedScorer,
) -> None:
    assert reverse_model.mode == F.REVERSE
    assert scorer_for(reverse_model, F.REVERSE) is reverse_model
    for mode in (F.CLASSIC, F.MUTUAL):
        assert isinstance(scorer_for(reverse_model, mode), HeuristicScorer)
    heuristic = HeuristicScorer({"lexical": 1.0})  # custom weights are kept in every mode
    assert all(scorer_for(heuristic, mode) is heuristic for mode in F.MODES)
    with pytest.raises(InvalidInputError, match="mode must be one of"):
        scorer_for(reverse_model, "sideways")


def test_a_model_refuses_a_mode_that_does_not_exist(reverse_model: LearnedScorer) -> None:
    with pytest.raises(InvalidInputError, match="mode must be one of"):
        LearnedScorer(
            reverse_model.ranker,
            association=reverse_model.association,
            interactions=reverse_model.interactions,
            version="1",
            embedding_model="fake",
            mode="sideways",
        )


def test_suggestions_in_another_mode_are_the_heuristic_s_and_say_so(
    known: KnownAnswer, reverse_model: LearnedScorer
) -> None:
    served = rank_partners(known.roster, reverse_model, SENIOR, mode=F.REVERSE, min_gap=MIN_GAP)
    assert served.model == describe_scorer(reverse_model)
    assert served.model.kind == LEARNED
    for mode in (F.CLASSIC, F.MUTUAL):
        result = rank_partners(known.roster, reverse_model, SENIOR, mode=mode, min_gap=MIN_GAP)
        heuristic = rank_partners(
            known.roster, HeuristicScorer(), SENIOR, mode=mode, min_gap=MIN_GAP
        )
        assert result.model == ModelRef(kind=HEURISTIC, name=HEURISTIC, version="2")
        assert result == heuristic


def test_a_cohort_matching_in_another_mode_is_scored_by_the_heuristic(
    known: KnownAnswer, reverse_model: LearnedScorer
) -> None:
    own = create_matching(known.store, known.roster, reverse_model, mode=F.REVERSE)
    assert own.model.kind == LEARNED and own.model.version == reverse_model.version
    other = create_matching(known.store, known.roster, reverse_model, mode=F.CLASSIC)
    assert other.model.kind == HEURISTIC
    factors = {f.name for f in other.pairs[0].explanation.factors}
    assert "baseline" not in factors  # the learned model's first factor: not used here
