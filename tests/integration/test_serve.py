"""`recomentor serve` on a loopback port: real uvicorn, keys, privacy of logs, erasure."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from recomentor.settings import Settings
from recomentor.store import open_store
from recomentor.store.apikeys import create_key
from tests.api.test_import import MAPPING, SAMPLE
from tests.servers import serving

pytestmark = pytest.mark.integration


def test_serve_answers_with_keys_and_logs_templates_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = open_store(Settings(home=home).resolved_database_url)
    key = create_key(store, "it", "read").key
    store.dispose()
    with serving(home) as (base, output):
        assert httpx.get(f"{base}/api/v1/model").status_code == 401
        model = httpx.get(f"{base}/api/v1/model", headers={"X-API-Key": key})
        assert model.json()["kind"] in ("heuristic", "learned")
        missing = httpx.get(f"{base}/api/v1/participants/E999", headers={"X-API-Key": key})
        assert missing.status_code == 404
        assert "server" not in missing.headers
    log = output[0]
    assert "GET /api/v1/participants/{participant_id} 404" in log
    assert "E999" not in log
    assert key not in log


def test_an_erasure_on_the_running_server_leaves_no_byte_and_sticks(tmp_path: Path) -> None:
    home = tmp_path / "home"
    database = Path(Settings(home=home).resolved_database_url.removeprefix("sqlite:///"))
    store = open_store(f"sqlite:///{database}")
    key = {"X-API-Key": create_key(store, "hr", "admin").key}
    store.dispose()
    traces = [b"chloe.girard@exemple.fr", "Chloé Girard".encode(), "Podcasts et vidéo".encode()]

    def files() -> bytes:
        wal = database.with_name(database.name + "-wal")
        return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    def import_sample(base: str) -> dict[str, int]:
        response = httpx.post(
            f"{base}/api/v1/participants/import",
            files={"file": SAMPLE.read_bytes(), "mapping": MAPPING.read_bytes()},
            data={"skip_invalid": "true"},
            headers=key,
        )
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    with serving(home) as (base, _):
        assert import_sample(base)["inserted"] == 30
        assert all(trace in files() for trace in traces)
        erased = httpx.delete(f"{base}/api/v1/participants/E1011", headers=key)
        assert erased.status_code == 204
        assert [trace for trace in traces if trace in files()] == []
        again = import_sample(base)
        assert (again["erased"], again["inserted"]) == (1, 0)
