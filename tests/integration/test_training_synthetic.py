"""Training on synthetic feedback with the real embedding model, judged against ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

from recomentor.embeddings import SentenceEncoder
from recomentor.ranking.rank import rank_partners
from recomentor.ranking.roster import load_roster
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.training.config import TrainingConfig
from recomentor.training.evaluation import NDCG
from recomentor.training.pipeline import TrainingReport, train_and_register
from recomentor.training.registry import load_scorer
from tests.training_data import import_synthetic

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def trained(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Settings, Store, TrainingReport]]:
    root = tmp_path_factory.mktemp("training")
    settings = replace(Settings(home=root / "home"), min_feedback=50)
    store = open_store(settings.resolved_database_url)
    truth = import_synthetic(store, settings, root / "synth", people=1_000, feedback=2_000, seed=3)
    report = train_and_register(
        settings,
        store,
        SentenceEncoder.from_settings(settings),
        TrainingConfig(ground_truth=truth),
        force=True,  # promoted whatever the outcome, so serving can be checked below
    )
    yield settings, store, report
    store.dispose()


def test_learned_model_ranks_far_better_than_random_against_truth(
    trained: tuple[Settings, Store, TrainingReport],
) -> None:
    _, _, report = trained
    truth = report.evaluation.truth
    assert truth is not None and report.evaluation.truth_pairs > 10_000
    assert truth["learned"][NDCG] > truth["random"][NDCG] + 0.2
    assert truth["learned"]["roc_auc"] > 0.65


def test_phrase_association_lifts_the_learned_model_well_above_the_heuristic(
    trained: tuple[Settings, Store, TrainingReport],
) -> None:
    truth = trained[2].evaluation.truth
    assert truth is not None
    # Without the association the margin was +0.034 on these data; with it +0.0498.
    assert truth["learned"][NDCG] >= truth["heuristic"][NDCG] + 0.045
    assert truth["learned"]["roc_auc"] >= truth["heuristic"]["roc_auc"] + 0.05


@pytest.fixture(scope="module")
def trained_on_many_ratings(tmp_path_factory: pytest.TempPathFactory) -> TrainingReport:
    """The benchmark's data (bench/train.py): 2,000 participants, 50,000 ratings."""
    root = tmp_path_factory.mktemp("training-many")
    settings = replace(Settings(home=root / "home"), min_feedback=50)
    store = open_store(settings.resolved_database_url)
    truth = import_synthetic(store, settings, root / "synth", people=2_000, feedback=50_000, seed=3)
    report = train_and_register(
        settings, store, SentenceEncoder.from_settings(settings), TrainingConfig(ground_truth=truth)
    )
    store.dispose()
    return report


def test_with_many_ratings_the_learned_model_beats_the_heuristic_by_five_points(
    trained_on_many_ratings: TrainingReport,
) -> None:
    report = trained_on_many_ratings
    truth = report.evaluation.truth
    assert truth is not None and report.evaluation.truth_pairs > 200_000
    # Measured: 0.780 against 0.704 (+0.076).
    assert truth["learned"][NDCG] >= truth["heuristic"][NDCG] + 0.05
    assert report.promotion.promote and not report.promotion.forced


def test_the_promoted_model_serves_with_explanations_that_add_up(
    trained: tuple[Settings, Store, TrainingReport],
) -> None:
    settings, store, _ = trained
    scorer = load_scorer(settings)
    assert scorer.kind == "learned"
    roster = load_roster(store, SentenceEncoder.from_settings(settings))
    mentees = np.flatnonzero(roster.can_be_mentee & (roster.years >= 15))[:5]
    for mentee in mentees.tolist():
        result = rank_partners(roster, scorer, roster.ids[mentee], k=5, min_gap=settings.min_gap)
        assert result.model.kind == "learned"
        for suggestion in result.suggestions:
            total = sum(f.contribution for f in suggestion.explanation.factors)
            assert total == pytest.approx(suggestion.score, abs=1e-6)
