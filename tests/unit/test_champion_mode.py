"""A champion records the mode it was trained in and serves only that mode once loaded."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from mlflow import MlflowClient

from recomentor import fields as F
from recomentor.ranking.rank import rank_partners
from recomentor.ranking.roster import load_roster
from recomentor.ranking.scorers import HEURISTIC, LEARNED
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.training import pipeline
from recomentor.training.config import TrainingConfig
from recomentor.training.pipeline import TrainingReport
from recomentor.training.registry import REGISTERED_MODEL, TRAINING_MODE_KEY, load_scorer
from tests.fakes import FakeEncoder
from tests.known_answer import known_answer
from tests.training_data import (
    import_synthetic,
    small_training_settings,
    train_fake,
    use_migrated_tracking_store,
)

RECORDED = f"  {TRAINING_MODE_KEY}: {F.CLASSIC}\n"


@dataclass(frozen=True)
class ClassicRun:
    settings: Settings
    store: Store
    report: TrainingReport


@pytest.fixture(scope="module")
def classic_run(
    tmp_path_factory: pytest.TempPathFactory, migrated_tracking_store: Path
) -> Iterator[ClassicRun]:
    """One classic-mode training, forced to champion, while a reverse model was champion."""
    folder = tmp_path_factory.mktemp("champion_mode")
    settings = small_training_settings(folder / "home")
    use_migrated_tracking_store(settings, migrated_tracking_store)
    store = open_store(settings.resolved_database_url)
    import_synthetic(store, settings, folder / "synth", people=150, feedback=300)
    with known_answer(folder) as known, pytest.MonkeyPatch.context() as patch:
        reverse_champion = known.learned(F.REVERSE)
        patch.setattr(pipeline, "load_champion", lambda settings: reverse_champion)
        report = train_fake(settings, store, TrainingConfig(mode=F.CLASSIC), force=True)
    yield ClassicRun(settings, store, report)
    store.dispose()


@pytest.fixture
def saved_metadata(classic_run: ClassicRun) -> Iterator[Path]:
    """The champion's MLmodel file (its metadata), restored after the test rewrites it."""
    (path,) = (classic_run.settings.home / "mlartifacts").rglob("MLmodel")
    original = path.read_text(encoding="utf-8")
    assert RECORDED in original
    yield path
    path.write_text(original, encoding="utf-8")


def _a_senior(store: Store) -> str:
    roster = load_roster(store, FakeEncoder())
    return roster.ids[int(np.flatnonzero(roster.can_mentor & (roster.years >= 15))[0])]


def test_the_run_and_the_version_record_the_training_mode(classic_run: ClassicRun) -> None:
    uri = classic_run.settings.resolved_tracking_uri
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    version = client.get_model_version(REGISTERED_MODEL, classic_run.report.run.version)
    assert version.tags[TRAINING_MODE_KEY] == F.CLASSIC
    run = client.get_run(classic_run.report.run.run_id)
    assert run.data.tags[TRAINING_MODE_KEY] == F.CLASSIC
    assert run.data.params["mode"] == F.CLASSIC


def test_a_champion_of_another_mode_is_not_compared_and_the_report_says_so(
    classic_run: ClassicRun,
) -> None:
    report = classic_run.report
    assert "champion" not in report.evaluation.observed
    assert any("trained in reverse mode: not compared" in note for note in report.notes)


def test_the_loaded_champion_serves_its_mode_and_the_heuristic_the_others(
    classic_run: ClassicRun,
) -> None:
    settings, store = classic_run.settings, classic_run.store
    champion = load_scorer(settings)
    assert (champion.kind, champion.mode) == (LEARNED, F.CLASSIC)
    roster, senior = load_roster(store, FakeEncoder()), _a_senior(store)
    for mode, kind in ((F.CLASSIC, LEARNED), (F.REVERSE, HEURISTIC), (F.MUTUAL, HEURISTIC)):
        result = rank_partners(roster, champion, senior, mode=mode, min_gap=settings.min_gap)
        assert result.model.kind == kind, mode
        assert result.suggestions, mode


def test_a_champion_that_records_no_mode_is_taken_for_a_reverse_one(
    classic_run: ClassicRun, saved_metadata: Path
) -> None:
    saved_metadata.write_text(
        saved_metadata.read_text(encoding="utf-8").replace(RECORDED, ""), encoding="utf-8"
    )
    champion = load_scorer(classic_run.settings)
    assert (champion.kind, champion.mode) == (LEARNED, F.REVERSE)


def test_a_champion_that_records_an_unknown_mode_gives_way_to_the_heuristic(
    classic_run: ClassicRun, saved_metadata: Path, caplog: pytest.LogCaptureFixture
) -> None:
    saved_metadata.write_text(
        saved_metadata.read_text(encoding="utf-8").replace(
            RECORDED, f"  {TRAINING_MODE_KEY}: sideways\n"
        ),
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        assert load_scorer(classic_run.settings).kind == HEURISTIC
    assert any("records an unknown mode" in r.getMessage() for r in caplog.records)
