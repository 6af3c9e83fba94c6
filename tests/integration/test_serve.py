"""`recomentor serve` on a loopback port: real uvicorn, keys from the store, privacy of logs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from recomentor.settings import Settings
from recomentor.store import open_store
from recomentor.store.apikeys import create_key

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_with_keys_and_logs_templates_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = open_store(Settings(home=home).resolved_database_url)
    key = create_key(store, "it", "read").key
    store.dispose()
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from recomentor.cli import main; main()",
            "serve",
            "--port",
            str(port),
        ],
        env={**os.environ, "RECOMENTOR_HOME": str(home), "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
            time.sleep(0.2)
        assert httpx.get(f"{base}/api/v1/model").status_code == 401
        model = httpx.get(f"{base}/api/v1/model", headers={"X-API-Key": key})
        assert model.json()["kind"] in ("heuristic", "learned")
        missing = httpx.get(f"{base}/api/v1/participants/E999", headers={"X-API-Key": key})
        assert missing.status_code == 404
        assert "server" not in missing.headers
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    log = output.decode()
    assert "GET /api/v1/participants/{participant_id} 404" in log
    assert "E999" not in log
    assert key not in log
