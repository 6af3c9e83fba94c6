"""Shared fixtures: stores on SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ProgrammingError

from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.suppression import ErasureKey, load_erasure_key

REPO = Path(__file__).resolve().parents[1]
# The French sample export and its mapping; examples/README.md states the expected outcome.
EXAMPLES = REPO / "examples"
PG_URL = os.environ.get("RECOMENTOR_TEST_DATABASE_URL", "")
_DUPLICATE_DATABASE = "42P04"  # PostgreSQL's SQLSTATE


def pytest_configure(config: pytest.Config) -> None:
    # The youngest generation is collected after 50,000 new objects instead of 700. At the
    # default, what a test keeps alive while it runs (an app's runtime, stores, clients)
    # outlived enough young collections to be promoted to the oldest generation, whose full
    # collections walk every object of every imported library (MLflow, scikit-learn, Litestar):
    # a large part of the suite's time went there. Now most of it dies young.
    gc.set_threshold(50_000, 20, 10)


def pytest_collection_finish(session: pytest.Session) -> None:
    # What importing the tests loaded (every library, most of the objects there will be) lives
    # as long as the run: the oldest generation's collections need not walk it each time.
    gc.collect()
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # The interpreter's collections at exit walked every object the tests left behind, for
    # seconds, and under pytest-xdist the controller stopped waiting for the worker and
    # interrupted it. Nothing of the tests' is needed any more; what is still referenced at
    # exit is freed as before, only cycles are left to the end of the process.
    gc.freeze()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


@pytest.fixture(scope="session")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shared") / "home"


@pytest.fixture
def shared_settings(shared_home: Path) -> Settings:
    """Settings on the one data home the shared apps (`tests/apps.py`) serve, emptied for each
    test: a module whose tests start a shared app overrides `settings` with this, so that a
    test's settings, its store and the app's store are one database, and nothing a test before
    it wrote is left.

    Not for tests that write an MLflow tracking store: MLflow keeps every store it opened, by
    address, for the life of the process, and would go on using the emptied home's old file.
    """
    shutil.rmtree(shared_home, ignore_errors=True)
    return Settings(home=shared_home)


@pytest.fixture
def erasure_key(settings: Settings) -> ErasureKey:
    """The key erasures are recorded with: a file in the test's data home."""
    return load_erasure_key(settings)


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store opened from nothing, so every migration ran, once for the session."""
    path = tmp_path_factory.mktemp("store") / "recomentor.db"
    open_store(f"sqlite:///{path}").dispose()
    assert not path.with_name(f"{path.name}-wal").exists()  # all of it is in the one file
    return path


@pytest.fixture
def migrated_home(settings: Settings, migrated_sqlite_file: Path) -> Path:
    """The test's data home holding a copy of the migrated database: the store, the CLI or an
    app opened on it migrates nothing (test_cli_survey runs a command in an empty home)."""
    target = Path(str(make_url(settings.resolved_database_url).database))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_sqlite_file, target)
    return settings.home


@pytest.fixture
def sqlite_store(settings: Settings, migrated_home: Path) -> Iterator[Store]:
    """A test's own SQLite store in its data home, a copy of the migrated one."""
    store = open_store(settings.resolved_database_url)
    yield store
    store.dispose()


def _psycopg_url(url: str) -> URL:
    parsed = make_url(url)
    return (
        parsed.set(drivername="postgresql+psycopg") if parsed.drivername == "postgresql" else parsed
    )


def _create_database(connection: Connection, name: str) -> None:
    try:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    except ProgrammingError as error:
        # A database another run made meanwhile is as good as ours.
        if getattr(error.orig, "sqlstate", None) != _DUPLICATE_DATABASE:
            raise


@pytest.fixture(scope="session")
def pg_url() -> str:
    """This test process's PostgreSQL database, as RECOMENTOR_TEST_DATABASE_URL spells it.

    Under pytest-xdist each worker gets a database of its own, made on first use next to the
    configured one (`test` -> `test_gw0`): most tests work in a schema of their own
    (`pg_store`), but the CLI's are given the database itself and migrate its public schema,
    and a test that waits for a lock counts the waits in its database.
    """
    if not PG_URL:
        pytest.skip("RECOMENTOR_TEST_DATABASE_URL is not set")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return PG_URL
    configured = make_url(PG_URL)
    own = configured.set(database=f"{configured.database}_{worker}")
    admin = create_engine(_psycopg_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            named = {"name": own.database}
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), named
            )
            if found.first() is None:
                _create_database(connection, str(own.database))
    finally:
        admin.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    """A fresh PostgreSQL schema per test, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = _psycopg_url(pg_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    store = open_store(scoped.render_as_string(hide_password=False))
    yield store
    store.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Store:
    """The store on every database we support; store tests use this one."""
    name = "sqlite_store" if request.param == "sqlite" else "pg_store"
    return request.getfixturevalue(name)


# Settings.resolved_tracking_uri: the MLflow tracking store's file in a data home.
TRACKING_STORE_FILE = "mlflow.db"


def _tracking_store_skips_fsync(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    files = [row[2] for row in dbapi_connection.execute("PRAGMA database_list")]
    if files and Path(files[0]).name == TRACKING_STORE_FILE:
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="session", autouse=True)
def tracking_stores_skip_fsync() -> Iterator[None]:
    """MLflow's SQLite tracking stores in tests commit without waiting for the disk.

    MLflow commits each migration of a new store and each logged parameter, metric, tag and
    alias of a training run, and every commit syncs three files (journal, database, folder):
    on a disk other processes keep busy, the tests waited longer than they worked. A test's
    tracking store is thrown away, so a crash meanwhile loses nothing; recomentor's own
    database keeps the pragmas it sets (`store.db`), which its tests check.
    """
    event.listen(Engine, "connect", _tracking_store_skips_fsync)
    yield
    event.remove(Engine, "connect", _tracking_store_skips_fsync)


@pytest.fixture(scope="session")
def migrated_tracking_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty MLflow tracking store, schema built once for the session.

    MLflow builds its schema through dozens of migrations on a store's first use. Tests that
    are not about that first use start from a copy of this file
    (`training_data.use_migrated_tracking_store`); it holds no path of a data home, so a copy
    works in any.
    """
    from mlflow import MlflowClient

    path = tmp_path_factory.mktemp("tracking-store") / "mlflow.db"
    uri = f"sqlite:///{path}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.search_experiments()  # builds the tracking tables
    client.search_registered_models()  # and the registry's
    return path
