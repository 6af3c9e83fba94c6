"""Moving the champion by hand (issue 14): promote and roll back through the MLflow registry,
each move recorded with who, when, why, from and to; refusals change nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from mlflow import MlflowClient
from sqlalchemy.engine import make_url

from recomentor.cli import context
from recomentor.embeddings import model_id_for
from recomentor.errors import ConflictError, InvalidInputError, NotFoundError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.champion_changes import latest_champion_change
from recomentor.training import (
    champion_history,
    promote_version,
    roll_back_champion,
    rollback_target,
)
from recomentor.training.champion import TRAINING_ACTOR, record_training_promotion
from recomentor.training.registry import CHAMPION_ALIAS, EMBEDDING_MODEL_KEY, REGISTERED_MODEL
from tests.cli_runner import cli_home, run_main
from tests.training_data import (
    import_synthetic,
    small_training_settings,
    train_fake,
    use_migrated_tracking_store,
)

WHEN = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
# Versions 1-4 fit the configured embedding model; 5 was trained on another one.
FOREIGN = "5"


def _register_versions(settings: Settings, migrated: Path) -> MlflowClient:
    """A registry holding five versions, as training would leave it (without the models:
    promoting reads tags, it loads nothing)."""
    use_migrated_tracking_store(settings, migrated)
    uri = settings.resolved_tracking_uri
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.create_registered_model(REGISTERED_MODEL)
    for embedding in [model_id_for(settings.embedding_model)] * 4 + ["other/model"]:
        client.create_model_version(
            REGISTERED_MODEL, source=str(settings.home), tags={EMBEDDING_MODEL_KEY: embedding}
        )
    return client


@pytest.fixture
def registry(settings: Settings, migrated_tracking_store: Path) -> MlflowClient:
    return _register_versions(settings, migrated_tracking_store)


def _champion(client: MlflowClient) -> str | None:
    aliases = client.get_registered_model(REGISTERED_MODEL).aliases
    return None if CHAMPION_ALIAS not in aliases else str(aliases[CHAMPION_ALIAS])


def _trained_champion(store: Store, client: MlflowClient) -> None:
    """Version 1 promoted by training, as `recomentor train` leaves it."""
    client.set_registered_model_alias(REGISTERED_MODEL, CHAMPION_ALIAS, "1")
    record_training_promotion(
        store, from_version=None, to_version="1", reason="beats the heuristic"
    )


def test_promotions_and_rollbacks_are_recorded_and_undone_in_turn(
    store: Store, settings: Settings, registry: MlflowClient
) -> None:
    _trained_champion(store, registry)
    who = "ds@example.com"
    promoted = promote_version(settings, store, "2", reason="better on week-4", actor=who, now=WHEN)
    assert (promoted.from_version, promoted.to_version, promoted.actor) == ("1", "2", who)
    assert (promoted.action, promoted.changed_at, promoted.reason) == (
        "promote",
        WHEN,
        "better on week-4",
    )
    promote_version(settings, store, "v3", reason="try 3", actor=who)
    assert _champion(registry) == "3"
    assert rollback_target(settings, store) == "2"

    back = roll_back_champion(settings, store, reason="3 ranks juniors badly", actor="hr")
    assert (back.action, back.from_version, back.to_version) == ("rollback", "3", "2")
    assert _champion(registry) == "2"
    # A second rollback goes one further back, not forward to what was just undone.
    roll_back_champion(settings, store, reason="and 2 too", actor="hr")
    assert _champion(registry) == "1"
    assert rollback_target(settings, store) is None
    with pytest.raises(ConflictError, match="v1 is the first champion"):
        roll_back_champion(settings, store, reason="again", actor="hr")

    history = champion_history(store)
    assert [(c.action, c.from_version, c.to_version) for c in history] == [
        ("rollback", "2", "1"),
        ("rollback", "3", "2"),
        ("promote", "2", "3"),
        ("promote", "1", "2"),
        ("train", None, "1"),
    ]
    assert history[-1].actor == TRAINING_ACTOR


def test_every_move_and_only_a_move_advances_the_change_marker_workers_watch(
    store: Store, settings: Settings, registry: MlflowClient
) -> None:
    def marker() -> int | None:
        with store.session() as session:
            return latest_champion_change(session)

    assert marker() is None
    _trained_champion(store, registry)  # training's own promotion counts too
    seen = [marker()]
    promote_version(settings, store, "2", reason="better", actor="ds")
    seen.append(marker())
    with pytest.raises(ConflictError):
        promote_version(settings, store, "2", reason="again", actor="ds")
    assert marker() == seen[-1]
    roll_back_champion(settings, store, reason="worse", actor="ds")
    seen.append(marker())
    first, promoted, rolled_back = (int(change or 0) for change in seen)
    assert 0 < first < promoted < rolled_back


def test_refused_moves_change_nothing(
    store: Store, settings: Settings, registry: MlflowClient
) -> None:
    _trained_champion(store, registry)
    refusals = [
        ("9", "reason", NotFoundError, "unknown model version id '9'"),
        ("two", "reason", InvalidInputError, "version must be a registry version number"),
        ("1", "reason", ConflictError, "v1 is the champion already"),
        (FOREIGN, "reason", ConflictError, "trained on embeddings of other/model"),
        ("2", "  ", InvalidInputError, "reason is required"),
        ("2", "one\nline", InvalidInputError, "reason must be one line"),
        ("2", "x" * 501, InvalidInputError, "reason must be at most 500 characters"),
    ]
    for version, reason, error, message in refusals:
        with pytest.raises(error, match=message):
            promote_version(settings, store, version, reason=reason, actor="hr")
    with pytest.raises(InvalidInputError, match="actor is required"):
        promote_version(settings, store, "2", reason="ok", actor="")
    assert _champion(registry) == "1"
    assert len(champion_history(store)) == 1


def test_a_champion_moved_outside_recomentor_is_not_rolled_back_blindly(
    store: Store, settings: Settings, registry: MlflowClient
) -> None:
    _trained_champion(store, registry)
    registry.set_registered_model_alias(REGISTERED_MODEL, CHAMPION_ALIAS, "4")
    with pytest.raises(ConflictError, match="set outside recomentor"):
        roll_back_champion(settings, store, reason="undo", actor="hr")
    assert rollback_target(settings, store) is None
    # Naming the version works, and is recorded from the real champion.
    change = promote_version(settings, store, "1", reason="restore", actor="hr")
    assert (change.from_version, change.to_version) == ("4", "1")


def test_without_any_trained_model(store: Store, settings: Settings) -> None:
    with pytest.raises(NotFoundError, match="unknown model version id '1'"):
        promote_version(settings, store, "1", reason="r", actor="hr")
    with pytest.raises(ConflictError, match="no champion to roll back"):
        roll_back_champion(settings, store, reason="r", actor="hr")
    assert rollback_target(settings, store) is None
    # Asking created no tracking store.
    assert not Path(str(make_url(settings.resolved_tracking_uri).database)).exists()


def test_the_cli_promotes_rolls_back_and_shows_the_history(
    tmp_path: Path,
    migrated_tracking_store: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with cli_home(tmp_path / "home", monkeypatch):
        registry = _register_versions(context.settings(), migrated_tracking_store)
        code, out, _ = run_main(
            ["model", "promote", "2", "--reason", "week-4 data", "--by", "ana@example.com"],
            capsys,
            monkeypatch,
        )
        assert code == 0 and "v2 is the champion (was no champion)" in out
        code, out, _ = run_main(["model", "promote", "3", "--reason", "newer"], capsys, monkeypatch)
        assert code == 0 and _champion(registry) == "3"
        code, _, err = run_main(["model", "promote", "3", "--reason", "x"], capsys, monkeypatch)
        assert code == 4 and "v3 is the champion already" in err
        code, out, _ = run_main(["model", "rollback", "--reason", "worse"], capsys, monkeypatch)
        assert code == 0 and "v2 is the champion (was v3)" in out
        code, out, _ = run_main(["model", "history", "--json"], capsys, monkeypatch)
        history = json.loads(out)
        assert [(c["action"], c["to_version"], c["reason"]) for c in history] == [
            ("rollback", "2", "worse"),
            ("promote", "3", "newer"),
            ("promote", "2", "week-4 data"),
        ]
        # Without --by, the login name running the command.
        assert history[0]["actor"] == context.os_user() != ""
        assert history[2]["actor"] == "ana@example.com"
        code, out, _ = run_main(["model", "history"], capsys, monkeypatch)
        assert "3 champion changes" in out and "week-4 data" in out


def test_a_promotion_by_training_enters_the_history(
    tmp_path: Path, migrated_tracking_store: Path
) -> None:
    from recomentor.store import open_store

    settings = small_training_settings(tmp_path / "home")
    use_migrated_tracking_store(settings, migrated_tracking_store)
    store = open_store(settings.resolved_database_url)
    import_synthetic(store, settings, tmp_path / "synth", people=150, feedback=300)
    report = train_fake(settings, store, force=True)
    (change,) = champion_history(store)
    assert (change.action, change.from_version, change.to_version) == (
        "train",
        None,
        report.run.version,
    )
    assert change.actor == TRAINING_ACTOR and change.reason == report.promotion.reason
    store.dispose()
