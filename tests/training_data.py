"""Small synthetic stores for training tests: a synth organisation imported the canonical way."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import make_url

from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.survey import import_participants
from recomentor.survey.importer import import_feedback
from recomentor.synth import write_synthetic
from recomentor.training.config import TrainingConfig
from recomentor.training.pipeline import TrainingReport, train_and_register
from tests.fakes import FakeEncoder


def import_synthetic(
    store: Store, settings: Settings, folder: Path, *, people: int, feedback: int, seed: int = 5
) -> Path:
    """Write a synthetic organisation to `folder` and import it; returns the folder (truth)."""
    written = write_synthetic(folder, people, feedback, seed)
    import_participants(
        store, written["participants"].read_bytes(), source="participants.csv", settings=settings
    )
    import_feedback(
        store,
        written["feedback"].read_bytes(),
        source="feedback.csv",
        settings=settings,
        allow_unpaired=True,
    )
    return folder


def small_training_settings(home: Path) -> Settings:
    """Few rows suffice for plumbing tests; the minimum is checked in its own tests."""
    return replace(Settings(home=home), min_feedback=20, embedding_model=FakeEncoder().model_id)


def use_migrated_tracking_store(settings: Settings, migrated: Path) -> None:
    """Start `settings`' tracking store as a copy of the `migrated_tracking_store` fixture."""
    target = Path(str(make_url(settings.resolved_tracking_uri).database))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated, target)


def train_fake(
    settings: Settings,
    store: Store,
    config: TrainingConfig | None = None,
    *,
    force: bool = False,
) -> TrainingReport:
    return train_and_register(
        settings, store, FakeEncoder(), config or TrainingConfig(), force=force
    )
