"""A real `recomentor serve` under hostile heads, and its log lines with several workers."""

from __future__ import annotations

import contextlib
import re
import socket
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from recomentor.api.http_limits import MAX_HEAD_BYTES
from recomentor.settings import Settings
from recomentor.store import open_store
from recomentor.store.apikeys import create_key
from tests.servers import serving

pytestmark = pytest.mark.integration

_TIME_LEVEL = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?:INFO|WARNING|ERROR)"


def _raw_get(port: int, extra_header: bytes, path: bytes = b"/health") -> bytes:
    """One request over a plain socket: httpx refuses to send heads this large."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        request = b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n" + extra_header + b"\r\n"
        # The server may stop reading once it has answered 431.
        with contextlib.suppress(OSError):
            connection.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65_536)
            if not chunk:
                break
            answer += chunk
        return answer


def test_request_heads_over_the_limit_get_431_quickly(tmp_path: Path) -> None:
    # A fresh data home and two workers: they used to race on creating the schema.
    with serving(tmp_path / "home", "--workers", "2") as (base, output):
        port = int(base.rsplit(":", 1)[1])
        fits = _raw_get(port, b"X-Pad: " + b"a" * (MAX_HEAD_BYTES - 200) + b"\r\n")
        assert fits.startswith(b"HTTP/1.1 200 ")
        started = time.monotonic()
        for header, path in [
            (b"X-Pad: " + b"a" * (MAX_HEAD_BYTES + 1) + b"\r\n", b"/health"),
            (b"X-Pad: " + b"a" * (32 * 1024 * 1024) + b"\r\n", b"/health"),
            (b"".join(b"X-%d: a\r\n" % n for n in range(5_000)), b"/health"),
            (b"", b"/health?" + b"q" * (MAX_HEAD_BYTES + 1)),
        ]:
            answer = _raw_get(port, header, path)
            assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer
            assert b"application/problem+json" in answer
        # Refused on arrival, not after reading and parsing 32 MiB.
        assert time.monotonic() - started < 10
        assert httpx.get(f"{base}/health").status_code == 200
    assert "Application startup failed" not in output[0]
    assert len(re.findall(r"Started server process \[\d+\]", output[0])) == 2


def test_every_worker_logs_access_lines_and_errors_with_the_request_id(tmp_path: Path) -> None:
    home = tmp_path / "home"
    database = Settings(home=home).resolved_database_url
    store = open_store(database)
    key = {"X-API-Key": create_key(store, "ops", "read").key}
    store.dispose()
    with serving(home, "--workers", "2") as (base, output):
        ids = [
            httpx.get(f"{base}/api/v1/participants/E{n}", headers=key).headers["X-Request-ID"]
            for n in range(8)
        ]
        with sqlite3.connect(database.removeprefix("sqlite:///")) as connection:
            connection.execute("DROP TABLE feedback")
            connection.execute("DROP TABLE participants")
        failed = httpx.get(f"{base}/api/v1/participants/E1", headers=key)
    log = output[0]
    assert failed.status_code == 503
    for request_id in ids:
        line = (
            rf"^{_TIME_LEVEL} recomentor.api.access request={request_id} "
            r"GET /api/v1/participants/\{participant_id\} 404 \d+\.\dms$"
        )
        assert re.search(line, log, re.MULTILINE), (request_id, log)
    # Both workers answered and logged (each names its process when it starts).
    assert len(re.findall(r"Started server process \[\d+\]", log)) == 2
    error = rf"^{_TIME_LEVEL} \S+ request={failed.headers['X-Request-ID']} .*OperationalError"
    assert re.search(error, log, re.MULTILINE), log
    assert "Traceback" not in log
    assert not re.search(r"\bE\d\b", log)
