"""/model (issue 14): champion and challengers with their metrics and data, the learned effects
as SVG plots with text alternatives, "train now" as a background job, and moving the champion
with who, when and why. Two versions are trained once for the module; the tests that only
read the registry share one copy of that data home (and one app), the others copy it."""

from __future__ import annotations

import html
import re
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from mlflow import MlflowClient
from sqlalchemy.engine import make_url

from recomentor.api.app import create_app
from recomentor.errors import TrainingRefusedError
from recomentor.ranking.features import FEATURE_NAMES, INTERACTION_FEATURES, PHRASE_ASSOCIATION
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.store.tables import utcnow
from recomentor.training import champion_history
from recomentor.training.jobs import TrainingJob, current_job, start_training_job
from recomentor.training.pipeline import STAGES
from recomentor.training.registry import CHAMPION_ALIAS, REGISTERED_MODEL
from recomentor.training.shapes import FALLS, FLAT, RISES, VARIES
from recomentor.web import model as model_page
from recomentor.web.i18n import catalogs
from tests.fakes import FakeEncoder
from tests.training_data import (
    import_synthetic,
    small_training_settings,
    train_fake,
    use_migrated_tracking_store,
)
from tests.web_client import SignIn, add_user, csrf_token, sign_in

_IMG = re.compile(r'<img src="(/model/versions/\d+/effects/[a-z_]+\.svg)\?lang=en" alt="([^"]*)"')
_JOB_WAIT_S = 120


def _database_path(settings: Settings) -> Path:
    return Path(str(make_url(settings.resolved_database_url).database))


@pytest.fixture(scope="module")
def trained_home(
    tmp_path_factory: pytest.TempPathFactory,
    migrated_sqlite_file: Path,
    migrated_tracking_store: Path,
) -> Path:
    """v1 champion (promoted by training), v2 its challenger (same data: not better)."""
    home = tmp_path_factory.mktemp("model-page") / "home"
    settings = small_training_settings(home)
    _database_path(settings).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_sqlite_file, _database_path(settings))
    use_migrated_tracking_store(settings, migrated_tracking_store)
    store = open_store(settings.resolved_database_url)
    import_synthetic(store, settings, home / "synth", people=80, feedback=120)
    train_fake(settings, store, force=True)
    train_fake(settings, store)
    store.dispose()
    return home


@pytest.fixture(scope="module")
def shared_trained_home(tmp_path_factory: pytest.TempPathFactory, trained_home: Path) -> Path:
    """A copy of the trained home that the tests which leave the registry alone share, with
    one app built on it: MLflow keeps the tracking store it opened for the life of the
    process, and the pages cache the effects they drew, both by the home's path."""
    home = tmp_path_factory.mktemp("model-page-shared") / "home"
    shutil.copytree(trained_home, home)
    return home


def _restore_database(trained: Settings, settings: Settings) -> None:
    """The database as training left it: no user, session or job of an earlier test."""
    database = _database_path(settings)
    for leftover in ("-wal", "-shm"):  # of the database before, which they would amend
        database.with_name(database.name + leftover).unlink(missing_ok=True)
    shutil.copyfile(_database_path(trained), database)


@pytest.fixture
def settings(trained_home: Path, shared_trained_home: Path) -> Settings:
    """The shared home, with the registry as training left it (tests here only read it)."""
    settings = small_training_settings(shared_trained_home)
    _restore_database(small_training_settings(trained_home), settings)
    return settings


@pytest.fixture
def sqlite_store(settings: Settings) -> Iterator[Store]:
    """The copied home's own database (conftest's would start an empty one)."""
    store = open_store(settings.resolved_database_url)
    yield store
    store.dispose()


def _champion(settings: Settings) -> str | None:
    uri = settings.resolved_tracking_uri
    aliases = (
        MlflowClient(tracking_uri=uri, registry_uri=uri)
        .get_registered_model(REGISTERED_MODEL)
        .aliases
    )
    return None if CHAMPION_ALIAS not in aliases else str(aliases[CHAMPION_ALIAS])


def _text(response: Any) -> str:
    return html.unescape(response.text)


def _wait_for_end(store: Store) -> TrainingJob:
    deadline = time.monotonic() + _JOB_WAIT_S
    while True:
        job = current_job(store)
        if job is not None and job.state != "running":
            return job
        assert time.monotonic() < deadline, f"training job still {job}"
        time.sleep(0.05)


def _post(client: TestClient, path: str, **fields: str) -> Any:
    token = csrf_token(client, "/model")
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def test_champion_and_challenger_with_metrics_beside_the_baselines_and_their_data(
    signed_in: SignIn,
) -> None:
    page = _text(signed_in("viewer").get("/model"))
    assert "Champion · v1" in page and "Latest challenger · v2" in page
    for label in ("NDCG@5", "precision@5", "ROC AUC", "log loss"):
        assert label in page
    for scorer in ("This version", "Champion then", "Heuristic", "Random"):
        assert scorer in page
    # Logged at training time and read back from the run: rows, split, dates, hash, mode.
    assert "120 rated pairings: " in page and "held out (" in page
    assert re.search(r"rated from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d", page)
    assert re.search(r'<code title="[0-9a-f]{64}">[0-9a-f]{12}…</code>', page)
    assert "fake/trigram-64" in page and "reverse" in page
    assert "Suggestions and matchings are scored by the learned model v1" in page
    # A viewer sees, changes nothing: no training button, no promote or rollback link.
    assert 'action="/model/train"' not in page
    assert "/model/promote/" not in page and 'href="/model/rollback"' not in page


def test_a_scientist_gets_the_actions(signed_in: SignIn) -> None:
    page = _text(signed_in("scientist").get("/model"))
    assert 'action="/model/train"' in page and 'href="/model/promote/2"' in page
    assert 'href="/model/promote/1"' not in page  # v1 is the champion already
    # v1 was promoted by training first: there is no champion before it to roll back to.
    assert 'href="/model/rollback"' not in page


def test_effects_are_svg_plots_each_with_a_text_alternative(signed_in: SignIn) -> None:
    client = signed_in("viewer")
    page = client.get("/model").text
    plots = _IMG.findall(page)
    # Every feature of the model, both phrase interactions included, has a figure; one that
    # took a single value in training (a common language, here) gets its sentence instead.
    features = len(FEATURE_NAMES) + len(INTERACTION_FEATURES)
    assert page.count('<figure class="effect">') == features
    constant = page.count("every training pair had the same value")
    assert len(plots) + constant == features and len(plots) >= 8
    english = catalogs()["en"]
    for source, alternative in plots:
        feature = source.rsplit("/", 1)[1].removesuffix(".svg")
        assert html.unescape(alternative).startswith(english[f"model.feature_{feature}"] + ":")
        picture = client.get(source)
        assert picture.status_code == 200
        assert picture.headers["content-type"].startswith("image/svg+xml")
        assert "<svg" in picture.text and "<script" not in picture.text
    assert "/versions/1/effects/" in plots[0][0]  # the champion's, by default
    other = client.get("/model?version=2")
    assert "/model/versions/2/effects/" in other.text and "What v2 learned" in other.text
    assert client.get("/model/versions/1/effects/no_such_feature.svg").status_code == 404
    assert client.get("/model/versions/99/effects/lexical.svg").status_code == 404
    assert client.get("/model?version=99").status_code == 404


def test_an_alternative_states_the_plotted_numbers(signed_in: SignIn) -> None:
    """The text says what the picture shows: a yes/no feature's two effects in log-odds."""
    page = html.unescape(signed_in("viewer").get("/model").text)
    binary = re.search(
        r'alt="Same site: no ([+-]\d\.\d\d), yes ([+-]\d\.\d\d) on the log-odds', page
    )
    assert binary, "same_location is a yes/no feature"
    curve = re.search(
        r'alt="Skills cover goals: the effect (rises|falls|goes up and down|stays flat)', page
    )
    assert curve


def test_numbers_of_the_effects_in_the_page_language(signed_in: SignIn) -> None:
    """A French page writes its effects with a decimal comma, in the text alternatives and in
    the pictures, which it asks for in French (both languages cached apart)."""
    client = signed_in("viewer")
    client.cookies.set("lang", "fr")
    page = html.unescape(client.get("/model").text)
    assert re.search(r'alt="Même site\u00a0: non [+-]\d,\d\d, oui [+-]\d,\d\d en log-odds', page)
    sources = re.findall(
        r'<img src="(/model/versions/1/effects/seniority_gap\.svg\?lang=fr)"', page
    )
    assert sources
    french = client.get(sources[0]).text
    english = client.get(sources[0].replace("lang=fr", "lang=en")).text
    # Tick labels: 0,5 in French, 0.5 in English; never the other's mark.
    french_ticks = re.findall(r">(-?\d+[.,]\d+)</text>", french)
    english_ticks = re.findall(r">(-?\d+[.,]\d+)</text>", english)
    assert french_ticks and all("," in tick for tick in french_ticks)
    assert english_ticks and all("." in tick for tick in english_ticks)
    # The picture is checked like the outcomes charts: drawing only, no inline style.
    assert french.startswith("<svg") and "style=" not in french


def test_without_any_model_the_heuristic_is_in_use(
    tmp_path: Path, migrated_sqlite_file: Path
) -> None:
    settings = small_training_settings(tmp_path / "empty")
    _database_path(settings).parent.mkdir(parents=True)
    shutil.copyfile(migrated_sqlite_file, _database_path(settings))
    store = open_store(settings.resolved_database_url)
    try:
        app = create_app(settings, store=store, encoder=FakeEncoder())
        with TestClient(app) as client:
            sign_in(client, add_user(store, "scientist"))
            page = _text(client.get("/model"))
    finally:
        store.dispose()
    assert "scored by the documented heuristic" in page
    assert "No version is champion yet" in page and "No version trained yet." in page
    assert "No trained model yet" in page and "The champion has never moved." in page


def test_a_crashed_job_shows_a_generic_message_and_the_next_can_start(
    signed_in: SignIn, sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Ana Martin's goals: learn TikTok")

    monkeypatch.setattr(model_page, "train_and_register", crash)
    scientist = signed_in("scientist")
    assert _post(scientist, "/model/train").status_code == 303
    crashed = _wait_for_end(sqlite_store)
    assert (crashed.state, crashed.failure, crashed.detail) == ("failed", "crashed", None)
    page = _text(scientist.get("/model"))
    assert "failed unexpectedly. Nothing was registered" in page
    assert "Ana Martin" not in page and "RuntimeError" not in page

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise TrainingRefusedError("only 3 rated pairings to learn from; training needs 20")

    monkeypatch.setattr(model_page, "train_and_register", refuse)
    assert _post(scientist, "/model/train").status_code == 303
    refused = _wait_for_end(sqlite_store)
    assert refused.id > crashed.id and refused.failure == "refused"
    assert "could not train: only 3 rated pairings" in _text(scientist.get("/model"))


def test_a_job_whose_worker_died_is_abandoned_and_frees_the_slot(
    signed_in: SignIn, sqlite_store: Store
) -> None:
    long_ago = utcnow() - timedelta(hours=1)
    dead = start_training_job(sqlite_store, started_by="gone@example.org", now=long_ago)
    page = _text(signed_in("viewer").get("/model"))
    assert f"Job {dead.id} (started by gone@example.org" in page
    assert "stopped without finishing" in page
    assert start_training_job(sqlite_store, started_by="next@example.org").id > dead.id


class TestWhatMovesTheRegistry:
    """Tests that register a version or move the champion, each on a home of its own."""

    @pytest.fixture
    def settings(self, tmp_path: Path, trained_home: Path) -> Settings:
        home = tmp_path / "home"
        shutil.copytree(trained_home, home)
        return small_training_settings(home)

    def test_train_now_runs_in_the_background_one_at_a_time_and_lists_the_new_version(
        self,
        signed_in: SignIn,
        sqlite_store: Store,
        settings: Settings,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        gate = threading.Event()
        real = model_page.train_and_register

        def held(*args: Any, **kwargs: Any) -> Any:
            kwargs["on_stage"]("loading")
            assert gate.wait(_JOB_WAIT_S)
            return real(*args, **kwargs)

        monkeypatch.setattr(model_page, "train_and_register", held)
        scientist = signed_in("scientist")
        started = _post(scientist, "/model/train")
        assert started.status_code == 303 and started.headers["location"] == "/model#training"
        try:
            running = current_job(sqlite_store)
            assert running is not None and running.state == "running"
            assert running.started_by == "scientist-1@example.org"
            # A reload (or another worker) sees the job and its stage: it lives in the database.
            page = _text(scientist.get("/model"))
            assert f"Job {running.id}, started by scientist-1@example.org" in page
            assert '<li data-stage="loading" class="now" aria-current="step">' in page
            assert "/static/model.js" in page
            polled = scientist.get("/model/job").json()
            assert polled == {"id": running.id, "state": "running", "stage": "loading"}
            again = _post(scientist, "/model/train")
            assert again.status_code == 409
            assert "A training job is running already" in _text(again)
            assert _post(signed_in("admin"), "/model/train").status_code == 409
        finally:
            gate.set()
        ended = _wait_for_end(sqlite_store)
        assert (ended.state, ended.version, ended.failure) == ("finished", "3", None)
        page = _text(scientist.get("/model"))
        assert f"Job {ended.id} (started by scientist-1@example.org" in page
        assert "registered v3." in page
        assert '<td data-label="Version"><strong>v3</strong>' in page
        assert scientist.get("/model/job").json()["state"] == "finished"

    def test_promote_and_roll_back_with_a_reason_recorded_with_who_and_when(
        self, signed_in: SignIn, sqlite_store: Store, settings: Settings
    ) -> None:
        scientist = signed_in("scientist")
        confirm = scientist.get("/model/promote/2")
        assert confirm.status_code == 200
        text = _text(confirm)
        assert "v2 replaces v1 as the champion" in text and 'name="reason"' in text
        assert "NDCG@5" in text  # what is being promoted, with its metrics
        token = csrf_token(scientist, "/model/promote/2")
        no_reason = scientist.post("/model/promote/2", data={"csrf_token": token, "reason": " "})
        assert no_reason.status_code == 400 and "reason is required" in no_reason.text
        assert _champion(settings) == "1"

        promoted = scientist.post(
            "/model/promote/2",
            data={"csrf_token": token, "reason": "better on the week-4 answers"},
            follow_redirects=False,
        )
        assert promoted.status_code == 303 and promoted.headers["location"] == "/model"
        assert _champion(settings) == "2"
        page = _text(scientist.get("/model"))
        assert "v2 is the champion now." in page
        assert "better on the week-4 answers" in page and "scientist-1@example.org" in page
        # This worker serves the new champion at once.
        assert "scored by the learned model v2" in page
        assert "Roll back to v1…" in page

        assert "v2 is set aside and v1 is the champion again" in _text(
            scientist.get("/model/rollback")
        )
        rolled = _post(scientist, "/model/rollback", reason="v2 ranks juniors from sales badly")
        assert rolled.status_code == 303
        assert _champion(settings) == "1"
        latest, before = champion_history(sqlite_store)[:2]
        assert (latest.action, latest.from_version, latest.to_version) == ("rollback", "2", "1")
        assert (latest.actor, latest.reason) == (
            "scientist-1@example.org",
            "v2 ranks juniors from sales badly",
        )
        assert (before.action, before.actor, before.to_version) == (
            "promote",
            "scientist-1@example.org",
            "2",
        )
        assert abs(latest.changed_at - utcnow()) < timedelta(minutes=5)
        assert "Rolled back: v1 is the champion again." in _text(scientist.get("/model"))


def test_promoting_an_unknown_version_or_the_champion_is_refused_clearly(
    signed_in: SignIn, settings: Settings
) -> None:
    scientist = signed_in("scientist")
    assert "There is no version 9 in the registry." in _text(scientist.get("/model/promote/9"))
    token = csrf_token(scientist, "/model")
    unknown = scientist.post("/model/promote/9", data={"csrf_token": token, "reason": "why not"})
    assert unknown.status_code == 404
    itself = scientist.post("/model/promote/1", data={"csrf_token": token, "reason": "again"})
    assert itself.status_code == 409 and "v1 is the champion already" in itself.text
    assert _champion(settings) == "1"
    none_back = scientist.post("/model/rollback", data={"csrf_token": token, "reason": "undo"})
    assert none_back.status_code == 409
    assert "There is no earlier champion to restore." in _text(none_back)


@pytest.mark.parametrize("role", ["viewer", "manager"])
def test_viewers_and_managers_see_the_page_but_cannot_act(
    role: str, signed_in: SignIn, sqlite_store: Store, settings: Settings
) -> None:
    client = signed_in(role)
    assert client.get("/model").status_code == 200
    token = csrf_token(client, "/model")
    attempts: list[tuple[str, dict[str, str]]] = [
        ("/model/train", {}),
        ("/model/promote/2", {"reason": "mine"}),
        ("/model/rollback", {"reason": "mine"}),
    ]
    for path, fields in attempts:
        assert client.post(path, data={"csrf_token": token, **fields}).status_code == 403
    assert client.get("/model/promote/2").status_code == 403
    assert client.get("/model/rollback").status_code == 403
    assert current_job(sqlite_store) is None
    assert _champion(settings) == "1" and len(champion_history(sqlite_store)) == 1


def test_actions_without_the_csrf_token_are_refused_and_change_nothing(
    signed_in: SignIn, sqlite_store: Store, settings: Settings
) -> None:
    scientist = signed_in("scientist")
    refused = [
        scientist.post("/model/train", data={}),
        scientist.post("/model/promote/2", data={"reason": "forged"}),
        scientist.post("/model/promote/2", data={"reason": "forged", "csrf_token": "guess"}),
        scientist.post("/model/rollback", data={"reason": "forged"}),
    ]
    assert [response.status_code for response in refused] == [403] * 4
    assert current_job(sqlite_store) is None
    assert _champion(settings) == "1" and len(champion_history(sqlite_store)) == 1


def test_keys_built_from_values_exist() -> None:
    english = catalogs()["en"]
    built = [f"model.stage_{stage}" for stage in STAGES]
    built += [f"model.trend_{trend}" for trend in (RISES, FALLS, VARIES, FLAT)]
    built += [f"model.action_{action}" for action in ("train", "promote", "rollback")]
    built += [f"model.decision_{d}" for d in ("promoted", "refused", "forced")]
    built += [f"model.mode_{mode}" for mode in ("reverse", "classic", "mutual")]
    built += [f"model.scorer_{scorer}" for scorer in model_page._SCORERS]
    learned = (PHRASE_ASSOCIATION, *INTERACTION_FEATURES)
    built += [f"model.feature_{name}" for name in (*FEATURE_NAMES, *learned)]
    assert [key for key in built if key not in english] == []
