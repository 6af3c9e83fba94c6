"""`recomentor serve --workers 2`: a champion promoted from the command line after the start is
served by both workers without a restart."""

from __future__ import annotations

import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from recomentor.store import open_store
from recomentor.store.apikeys import create_key
from tests.fakes import FakeEncoder
from tests.servers import run_recomentor, serving
from tests.training_data import (
    import_synthetic,
    small_training_settings,
    train_fake,
    use_migrated_tracking_store,
)

pytestmark = pytest.mark.integration

# The server scores with the embeddings the versions were trained on, and checks often.
_ENV = {
    "RECOMENTOR_EMBEDDING_MODEL": FakeEncoder().model_id,
    "RECOMENTOR_CHAMPION_CHECK_SECONDS": "0.5",
}
_WAIT_S = 90
# Answers in a row, each on a new connection, spread over both workers by the kernel.
_IN_A_ROW = 16
_NOW_SERVES = re.compile(r"worker (\d+) now serves recomentor-ranker v(\d+)")


def _two_versions(home: Path, migrated_sqlite: Path, migrated_tracking: Path) -> str:
    """v1 champion (promoted by training), v2 its challenger; returns a read key."""
    settings = small_training_settings(home)
    database = Path(str(make_url(settings.resolved_database_url).database))
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_sqlite, database)
    use_migrated_tracking_store(settings, migrated_tracking)
    store = open_store(settings.resolved_database_url)
    try:
        import_synthetic(store, settings, home / "synth", people=80, feedback=120)
        train_fake(settings, store, force=True)
        train_fake(settings, store)  # the same data: not better, stays a challenger
        return create_key(store, "it", "read").key
    finally:
        store.dispose()


def _served_versions(base: str, key: str) -> list[str | None]:
    def ask(_: int) -> str | None:
        # A new connection each time: a kept-alive one would stay with one worker.
        answer = httpx.get(f"{base}/api/v1/model", headers={"X-API-Key": key}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["version"]  # type: ignore[no-any-return]

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(ask, range(_IN_A_ROW)))


def test_both_workers_serve_a_champion_promoted_from_the_command_line(
    tmp_path: Path, migrated_sqlite_file: Path, migrated_tracking_store: Path
) -> None:
    home = tmp_path / "home"
    key = _two_versions(home, migrated_sqlite_file, migrated_tracking_store)
    with serving(home, "--workers", "2", env=_ENV) as (base, output):
        assert set(_served_versions(base, key)) == {"1"}
        promoted = run_recomentor(
            home, "model", "promote", "2", "--reason", "reviewed by hand", env=_ENV
        )
        assert "v2 is the champion (was v1)" in promoted
        deadline = time.monotonic() + _WAIT_S
        while (seen := set(_served_versions(base, key))) != {"2"}:
            assert time.monotonic() < deadline, f"still serving {seen}"
            time.sleep(0.2)
        assert httpx.get(f"{base}/ready").json()["scorer"]["version"] == "2"
    log = output[0]
    # Each worker process swapped its own scorer: not one worker answering for both.
    swapped = {pid for pid, version in _NOW_SERVES.findall(log) if version == "2"}
    assert len(swapped) == 2, log
    assert "could not be loaded" not in log
