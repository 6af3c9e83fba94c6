"""`recomentor train`: refuses thin data, ends with the comparison table and the verdict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recomentor.cli import context
from recomentor.cli.app import app
from recomentor.cli.errors import EXIT_REJECTED, exit_code_for
from recomentor.embeddings import SentenceEncoder
from recomentor.errors import TrainingRefusedError
from recomentor.training.config import TrainingConfig
from tests.fakes import FakeEncoder
from tests.training_data import import_synthetic, use_migrated_tracking_store

CONFIG = Path(__file__).resolve().parents[2] / "training" / "configs" / "default.toml"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("RECOMENTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RECOMENTOR_EMBEDDING_MODEL", FakeEncoder().model_id)
    monkeypatch.setattr(SentenceEncoder, "from_settings", classmethod(lambda cls, s: FakeEncoder()))
    context.settings.cache_clear()
    context.store.cache_clear()
    yield CliRunner()
    context.store.cache_clear()
    context.settings.cache_clear()


def test_train_refuses_too_little_feedback(runner: CliRunner, tmp_path: Path) -> None:
    import_synthetic(
        context.store(), context.settings(), tmp_path / "synth", people=80, feedback=30
    )
    result = runner.invoke(app, ["train", "--config", str(CONFIG)])
    assert isinstance(result.exception, TrainingRefusedError)
    assert "only 30 rated pairings" in str(result.exception)
    assert exit_code_for(result.exception) == EXIT_REJECTED
    assert not (tmp_path / "home" / "mlflow.db").exists()  # nothing was logged


def test_train_prints_the_comparison_and_the_decision(
    runner: CliRunner, tmp_path: Path, migrated_tracking_store: Path
) -> None:
    use_migrated_tracking_store(context.settings(), migrated_tracking_store)
    truth = import_synthetic(
        context.store(), context.settings(), tmp_path / "synth", people=150, feedback=300
    )
    result = runner.invoke(app, ["train", "--config", str(CONFIG), "--truth", str(truth)])
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in ("held-out feedback", "ground truth", "NDCG@5", "heuristic", "random"):
        assert expected in out
    assert "recomentor-ranker v1 (challenger" in out
    assert ("promoted to champion" in out) != ("not promoted" in out)
    # The gate's evidence: the margin over the heuristic with its interval over mentees.
    assert "heuristic" in out and "95% interval over" in " ".join(out.split())


def test_train_refuses_an_unknown_config_key(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[model]\nlearning_rate = 0.1\n")
    result = runner.invoke(app, ["train", "--config", str(config)])
    assert "unknown keys learning_rate" in str(result.exception)


def test_train_refuses_an_unknown_label(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[dataset]\nlabel = "graded"\n')
    result = runner.invoke(app, ["train", "--config", str(config)])
    assert "label must be one of soft, binary, got 'graded'" in str(result.exception)


def test_the_shipped_config_file_holds_the_built_in_defaults() -> None:
    config = TrainingConfig.from_toml(CONFIG)
    assert config.label == "soft"
    assert config == TrainingConfig()  # `recomentor train` without --config uses these


def test_train_without_a_config_works_from_any_directory(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # From nothing, as on a new machine: this run also creates the tracking store.
    import_synthetic(
        context.store(), context.settings(), tmp_path / "synth", people=150, feedback=300
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["train"])
    assert result.exit_code == 0, result.output
    assert "recomentor-ranker v1 (challenger" in result.output
    assert (tmp_path / "home" / "mlflow.db").is_file()
