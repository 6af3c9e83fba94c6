"""Training on synthetic feedback with the real embedding model, judged against ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

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
from tests.training_data import import_synthetic, use_migrated_tracking_store

pytestmark = pytest.mark.integration

# The default config's split seed first, then four more splits of the same mentees.
SPLIT_SEEDS = (TrainingConfig().seed, 1, 2, 3, 4)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Store, Path]]:
    """1,000 participants and 2,000 ratings imported, and the folder of their ground truth."""
    root = tmp_path_factory.mktemp("training")
    settings = replace(Settings(home=root / "home"), min_feedback=50)
    store = open_store(settings.resolved_database_url)
    truth = import_synthetic(store, settings, root / "synth", people=1_000, feedback=2_000, seed=3)
    yield settings, store, truth
    store.dispose()


@pytest.fixture(scope="module")
def trained(company: tuple[Settings, Store, Path]) -> tuple[Settings, Store, TrainingReport]:
    settings, store, truth = company
    report = train_and_register(
        settings,
        store,
        SentenceEncoder.from_settings(settings),
        TrainingConfig(ground_truth=truth),
        force=True,  # promoted whatever the outcome, so serving can be checked below
    )
    return settings, store, report


@pytest.fixture(scope="module")
def truth_by_split(
    company: tuple[Settings, Store, Path],
    trained: tuple[Settings, Store, TrainingReport],
    tmp_path_factory: pytest.TempPathFactory,
    migrated_tracking_store: Path,
) -> list[dict[str, dict[str, float]]]:
    """Ground-truth metrics of every scorer on each split: the data, embeddings and code are
    the same, only which mentees are held out changes. Logged to a tracking store of their own,
    so the module's champion stays the forced one."""
    settings, store, truth = company
    splits_settings = replace(settings, home=tmp_path_factory.mktemp("splits"))
    use_migrated_tracking_store(splits_settings, migrated_tracking_store)
    encoder = SentenceEncoder.from_settings(settings)
    reports = [trained[2]] + [
        train_and_register(
            splits_settings, store, encoder, TrainingConfig(ground_truth=truth, seed=seed)
        )
        for seed in SPLIT_SEEDS[1:]
    ]
    metrics = [report.evaluation.truth for report in reports]
    assert all(m is not None for m in metrics)
    return [m for m in metrics if m is not None]


def test_on_every_split_the_learned_model_ranks_far_better_than_random(
    trained: tuple[Settings, Store, TrainingReport],
    truth_by_split: list[dict[str, dict[str, float]]],
) -> None:
    # Measured over 24 splits (below): learned - random NDCG@5 at least +0.36, learned ROC AUC
    # at least 0.77.
    assert trained[2].evaluation.truth_pairs > 10_000
    for truth in truth_by_split:
        assert truth["learned"][NDCG] > truth["random"][NDCG] + 0.2
        assert truth["learned"]["roc_auc"] > 0.65


def test_averaged_over_five_splits_the_learned_model_beats_the_heuristic(
    truth_by_split: list[dict[str, dict[str, float]]],
) -> None:
    """Learned against heuristic is a claim about the mean over splits, not about one split.

    Measured on 1,000 participants and 2,000 ratings, data seeds 3, 5 and 11, split seeds 1-8
    (24 splits, one machine): learned - heuristic ground-truth NDCG@5 per split from +0.009 to
    +0.060 (mean +0.035, sd 0.013), and ROC AUC from +0.03 to +0.15 (mean +0.11, sd 0.03).
    The mean over these five splits of seed 3 was +0.028 (NDCG@5) and +0.117 (ROC AUC). The
    learned figure of one split also moves between machines: seed 3, split 7 gave 0.763, 0.745
    and 0.7395 on three of them (heuristic 0.713 on all). So one split asserted +0.045 inside
    its noise; the +0.05 margin with 50,000 ratings is a target bench/train.py reports.
    """

    def mean(scorer: str, metric: str) -> float:
        return float(np.mean([truth[scorer][metric] for truth in truth_by_split]))

    assert mean("learned", NDCG) > mean("heuristic", NDCG)
    assert mean("learned", "roc_auc") > mean("heuristic", "roc_auc") + 0.03


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
