"""MLflow registry round trip: challenger and champion aliases, the champion in use, fallbacks."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from mlflow import MlflowClient

from recomentor.ranking.features import FEATURE_NAMES, INTERACTION_FEATURES
from recomentor.ranking.rank import ModelRef, rank_partners
from recomentor.ranking.roster import load_roster
from recomentor.ranking.scorers import HEURISTIC, LEARNED, scorer_features
from recomentor.ranking.scorers.learned import LearnedScorer
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.training.config import TrainingConfig
from recomentor.training.pipeline import TrainingReport
from recomentor.training.registry import CHAMPION_ALIAS, REGISTERED_MODEL, load_scorer
from recomentor.training.tracking import ARTIFACTS_DIR, PROMOTION_TAG
from tests.fakes import FakeEncoder
from tests.training_data import (
    import_synthetic,
    small_training_settings,
    train_fake,
    use_migrated_tracking_store,
)

# Never promotable: the learned model cannot beat the heuristic by a whole NDCG point.
UNBEATABLE = TrainingConfig(min_improvement=1.0)


Trained = tuple[Settings, Store, TrainingReport]


def _train_into(root: Path, migrated_tracking_store: Path) -> Iterator[Trained]:
    settings = small_training_settings(root / "home")
    use_migrated_tracking_store(settings, migrated_tracking_store)
    store = open_store(settings.resolved_database_url)
    import_synthetic(store, settings, root / "synth", people=150, feedback=300)
    report = train_fake(settings, store, force=True)
    yield settings, store, report
    store.dispose()


@pytest.fixture(scope="module")
def trained(
    tmp_path_factory: pytest.TempPathFactory, migrated_tracking_store: Path
) -> Iterator[Trained]:
    """One training for the module: its tests read the registry and leave it as they found it
    (those that damage the artifacts take `damageable` instead, which puts them back)."""
    yield from _train_into(tmp_path_factory.mktemp("registry"), migrated_tracking_store)


@pytest.fixture
def fresh_training(tmp_path: Path, migrated_tracking_store: Path) -> Iterator[Trained]:
    """A training of the test's own, for a test that registers more versions and moves aliases."""
    yield from _train_into(tmp_path, migrated_tracking_store)


@pytest.fixture
def damageable(trained: Trained, tmp_path: Path) -> Iterator[Trained]:
    """The module's training for a test that breaks its artifacts: put back afterwards."""
    artifacts = trained[0].home / ARTIFACTS_DIR
    kept = tmp_path / "kept-artifacts"
    shutil.copytree(artifacts, kept)
    yield trained
    shutil.rmtree(artifacts, ignore_errors=True)
    shutil.copytree(kept, artifacts)


def _client(settings: Settings) -> MlflowClient:
    uri = settings.resolved_tracking_uri
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def _a_mentee(store: Store) -> str:
    roster = load_roster(store, FakeEncoder())
    return roster.ids[int(np.flatnonzero(roster.can_be_mentee & (roster.years >= 15))[0])]


def test_a_run_logs_its_record_and_registers_a_challenger(
    trained: Trained,
) -> None:
    settings, _, report = trained
    client = _client(settings)
    run = client.get_run(report.run.run_id)
    assert run.data.tags["embedding_model"] == FakeEncoder().model_id
    assert len(run.data.tags["data_sha256"]) == 64
    assert run.data.params["features"].split(",")[0] == "skills_to_goals"
    assert run.data.params["good_rating"] == "4"
    assert run.data.params["label"] == "soft"
    assert run.data.tags["label"] == "soft: relevance (rating - 1) / 4"
    assert "observed.learned.ndcg_at_5" in run.data.metrics
    assert "observed.heuristic.ndcg_at_5" in run.data.metrics
    assert "observed.random.ndcg_at_5" in run.data.metrics
    version = client.get_model_version(REGISTERED_MODEL, report.run.version)
    assert {"challenger", "champion"} <= set(version.aliases)
    assert version.tags[PROMOTION_TAG] == ("forced" if report.promotion.forced else "promoted")
    assert (settings.home / ARTIFACTS_DIR).is_dir()  # artifacts live under the data home


def test_the_champion_serves_suggestions_and_its_explanations_add_up(
    trained: Trained,
) -> None:
    settings, store, report = trained
    scorer = load_scorer(settings)
    assert scorer.kind == LEARNED
    assert scorer.version == report.run.version
    roster = load_roster(store, FakeEncoder())
    result = rank_partners(roster, scorer, _a_mentee(store), k=5, min_gap=settings.min_gap)
    assert result.model == ModelRef(kind=LEARNED, name=REGISTERED_MODEL, version="1")
    assert result.suggestions
    for suggestion in result.suggestions:
        factors = suggestion.explanation.factors
        assert factors[0].name == "baseline" or "baseline" in {f.name for f in factors}
        total = sum(f.contribution for f in factors)
        assert total == pytest.approx(suggestion.score, abs=1e-6)
    scores = [s.score for s in result.suggestions]
    assert scores == sorted(scores, reverse=True)


def test_the_champion_names_the_phrases_its_interactions_link_and_they_add_up(
    trained: Trained,
) -> None:
    settings, store, _ = trained
    scorer = load_scorer(settings)
    assert isinstance(scorer, LearnedScorer) and scorer.interactions is not None
    roster = load_roster(store, FakeEncoder())
    person = _a_mentee(store)
    result = rank_partners(roster, scorer, person, k=3, min_gap=settings.min_gap)
    assert result.suggestions
    linked = 0
    for suggestion in result.suggestions:
        factors = {f.name: f for f in suggestion.explanation.factors}
        interaction = sum(factors[name].contribution for name in INTERACTION_FEATURES)
        mentor, mentee = roster.position(suggestion.partner_id), roster.position(person)
        features = scorer_features(
            scorer, roster, np.array([mentor]), np.array([mentee]), mode="reverse"
        )
        links = suggestion.explanation.links
        again = scorer.links(roster, features, 0, mode="reverse")
        assert [(x.direction, x.skill, x.goal) for x in links] == [
            (x.direction, x.skill, x.goal) for x in again
        ]
        parts = sum(link.contribution for link in links) + scorer.average_pair_part(features, 0)
        assert parts == pytest.approx(interaction, abs=1e-9)
        mentor_skills = set(roster.skill_items.texts[r] for r in roster.skill_items.of(mentor))
        mentee_goals = set(roster.goal_items.texts[r] for r in roster.goal_items.of(mentee))
        for link in links:
            if link.direction == INTERACTION_FEATURES[0]:
                assert link.skill in mentor_skills and link.goal in mentee_goals
        linked += len(links)
    assert linked  # the champion learned weights for some of these people's phrases


def test_a_model_without_learned_phrase_features_reads_pair_features_only(
    tmp_path: Path, migrated_tracking_store: Path
) -> None:
    settings = small_training_settings(tmp_path / "home")
    use_migrated_tracking_store(settings, migrated_tracking_store)
    store = open_store(settings.resolved_database_url)
    import_synthetic(store, settings, tmp_path / "synth", people=150, feedback=300)
    plain = TrainingConfig(phrase_association=False, interactions=False)
    train_fake(settings, store, plain, force=True)
    scorer = load_scorer(settings)
    assert scorer.kind == LEARNED and scorer.feature_names == FEATURE_NAMES
    result = rank_partners(load_roster(store, FakeEncoder()), scorer, _a_mentee(store), k=3)
    for suggestion in result.suggestions:
        total = sum(f.contribution for f in suggestion.explanation.factors)
        assert total == pytest.approx(suggestion.score, abs=1e-6)
    store.dispose()


def test_pyfunc_model_scores_like_the_served_scorer(
    trained: Trained,
) -> None:
    import mlflow.pyfunc
    import pandas as pd

    settings, store, _ = trained
    scorer = load_scorer(settings)
    roster = load_roster(store, FakeEncoder())
    features = scorer_features(scorer, roster, np.arange(5), np.arange(5, 10), mode="reverse")
    assert features.names == (*FEATURE_NAMES, *INTERACTION_FEATURES)
    model = mlflow.pyfunc.load_model(f"models:/{REGISTERED_MODEL}@{CHAMPION_ALIAS}")
    frame = pd.DataFrame(features.matrix, columns=list(features.names))
    np.testing.assert_allclose(model.predict(frame), scorer.score(features.matrix))
    assert [spec.name for spec in model.metadata.get_input_schema().inputs] == list(features.names)


def test_a_worse_model_is_not_promoted_and_the_refusal_is_recorded(
    fresh_training: Trained,
) -> None:
    settings, store, first = fresh_training
    second = train_fake(settings, store, UNBEATABLE)
    assert not second.promotion.promote
    assert "does not beat" in second.promotion.reason
    assert second.previous_champion == first.run.version
    assert "champion" in second.evaluation.observed  # compared on the same split
    client = _client(settings)
    refused = client.get_model_version(REGISTERED_MODEL, second.run.version)
    assert refused.aliases == ["challenger"]
    assert refused.tags[PROMOTION_TAG] == "refused"
    assert client.get_run(second.run.run_id).data.tags[PROMOTION_TAG] == "refused"
    champion = client.get_model_version_by_alias(REGISTERED_MODEL, CHAMPION_ALIAS)
    assert str(champion.version) == first.run.version
    forced = train_fake(settings, store, UNBEATABLE, force=True)
    assert forced.promotion.forced
    assert load_scorer(settings).version == forced.run.version


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_a_corrupt_champion_falls_back_to_the_heuristic_with_a_warning(
    damageable: Trained, caplog: pytest.LogCaptureFixture
) -> None:
    settings, store, _ = damageable
    pickles = list((settings.home / ARTIFACTS_DIR).rglob("python_model.pkl"))
    assert pickles
    for path in pickles:
        path.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING):
        scorer = load_scorer(settings)
    assert scorer.kind == HEURISTIC
    messages = _warnings(caplog)
    assert len(messages) == 1 and "could not be loaded" in messages[0]
    # Suggestions keep working on the heuristic.
    roster = load_roster(store, FakeEncoder())
    result = rank_partners(roster, scorer, _a_mentee(store), k=3, min_gap=settings.min_gap)
    assert result.model.kind == HEURISTIC and result.suggestions
    # The warning never carries personal data: no id, skill or goal of anyone.
    texts = {*roster.ids, *roster.skill_items.texts, *roster.goal_items.texts}
    assert not any(text in messages[0] for text in texts if len(text) > 3)


def test_missing_artifacts_fall_back_to_the_heuristic_with_a_warning(
    damageable: Trained, caplog: pytest.LogCaptureFixture
) -> None:
    settings, _, _ = damageable
    shutil.rmtree(settings.home / ARTIFACTS_DIR)
    with caplog.at_level(logging.WARNING):
        assert load_scorer(settings).kind == HEURISTIC
    assert any("could not be loaded" in m for m in _warnings(caplog))


def test_a_champion_of_another_embedding_model_is_not_used(
    trained: Trained, caplog: pytest.LogCaptureFixture
) -> None:
    settings, _, _ = trained
    other = replace(settings, embedding_model="sentence-transformers/some-other-model")
    with caplog.at_level(logging.WARNING):
        assert load_scorer(other).kind == HEURISTIC
    assert any("trained on embeddings of fake/trigram-64" in m for m in _warnings(caplog))


def test_without_any_training_the_heuristic_serves_silently(
    settings: Settings, sqlite_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        scorer = load_scorer(settings)
    assert scorer.kind == HEURISTIC
    assert not _warnings(caplog)
    assert not (settings.home / "mlflow.db").exists()  # looking did not create a store


def test_the_champion_keeps_the_label_lines_calibrated_on_held_out_feedback(
    trained: Trained,
) -> None:
    settings, _, report = trained
    scorer = load_scorer(settings)
    assert isinstance(scorer, LearnedScorer)
    params = _client(settings).get_run(report.run.run_id).data.params
    stored = {
        label: float(params[f"label_thresholds.{label}"]) for label in ("strong", "good", "fair")
    }
    assert scorer.thresholds.as_dict() == pytest.approx(stored, abs=1e-6)
    assert scorer.thresholds.strong >= scorer.thresholds.good >= scorer.thresholds.fair
    assert float(params["fit.interaction_alpha"]) > 0  # the penalty grouped cross-validation chose
