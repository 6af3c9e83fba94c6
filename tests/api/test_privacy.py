"""Logs and errors never carry names, e-mails, survey text, keys or tracebacks."""

from __future__ import annotations

import logging

import numpy as np
import polars as pl
import pytest
from litestar.testing import TestClient

from recomentor import text as T
from recomentor.api.app import create_app
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.apikeys import create_key
from tests.api.conftest import as_json, headers
from tests.api.test_import import MAPPING, SAMPLE
from tests.fakes import FakeEncoder, person

SECRET_PHRASE = "Claire Martin aime TikTok"


def _personal_strings() -> set[str]:
    """Every name, e-mail, answer and answer item of the sample (at least 4 characters)."""
    frame = pl.read_csv(SAMPLE, infer_schema=False)
    personal_headers = [
        "Nom et prénom",
        "Adresse e-mail",
        "Ce que je peux partager (compétences)",
        "Ce que je souhaite apprendre",
    ]
    found: set[str] = set()
    for header in personal_headers:
        for value in frame[header].drop_nulls().to_list():
            found.add(value.strip())
            found.update(T.split_items(value))
    return {s for s in found if len(s) >= 4}


def test_import_and_suggestions_log_no_personal_data(
    settings: Settings, sqlite_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    personal = _personal_strings()
    assert len(personal) > 60  # names, e-mails and phrases of 33 rows
    key = create_key(sqlite_store, "hr", "read,write").key
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        with (
            caplog.at_level(logging.DEBUG),
            TestClient(create_app(settings, store=sqlite_store, encoder=FakeEncoder())) as client,
        ):
            imported = client.post(
                "/api/v1/participants/import",
                files={
                    "file": (SAMPLE.name, SAMPLE.read_bytes(), "text/csv"),
                    "mapping": (MAPPING.name, MAPPING.read_bytes(), "application/toml"),
                },
                data={"skip_invalid": "true"},
                headers=headers(key),
            )
            assert imported.status_code == 200, imported.text
            for person_id in ("E1040", "E1001", "E1003"):
                for mode in ("reverse", "mutual"):
                    response = client.get(
                        f"/api/v1/participants/{person_id}/suggestions",
                        params={"k": 5, "mode": mode, "lang": "fr"},
                        headers=headers(key),
                    )
                    assert response.status_code == 200
            assert client.get("/api/v1/participants/E1040", headers=headers(key)).status_code == 200
            # Suggestions do carry matched phrases: proof the check below could fail.
            assert any(s in response.text for s in personal)
    finally:
        root.setLevel(old_level)
    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )
    assert "/api/v1/participants/{participant_id}/suggestions 200" in logged
    leaked = sorted(s for s in personal if s in logged)
    assert leaked == []
    assert key not in logged
    # Access lines carry the route template, not the id (httpx is the test's own client).
    server_side = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert not any("E1040" in line for line in server_side)


class _FailingScorer(HeuristicScorer):
    def score(self, features: np.ndarray) -> np.ndarray:
        raise ValueError(f"boom while scoring {SECRET_PHRASE}")


def test_unexpected_errors_are_500_without_message_or_traceback(
    settings: Settings, sqlite_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    key = create_key(sqlite_store, "hr", "read,write").key
    app = create_app(settings, store=sqlite_store, encoder=FakeEncoder(), scorer=_FailingScorer())
    records = [
        as_json(person("A", department="IT", years=1, skills="Python", goals=None)),
        as_json(person("B", role="mentee", department="RH", years=20, skills=None, goals="Python")),
    ]
    with caplog.at_level(logging.DEBUG), TestClient(app, raise_server_exceptions=False) as client:
        stored = client.post("/api/v1/participants", json=records, headers=headers(key))
        assert stored.status_code == 200, stored.text
        response = client.get("/api/v1/participants/B/suggestions", headers=headers(key))
    assert response.status_code == 500
    body = response.json()
    assert body["type"] == "urn:recomentor:problem:internal"
    assert SECRET_PHRASE not in response.text
    assert "Traceback" not in response.text
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "unhandled ValueError on GET /api/v1/participants/{participant_id}/suggestions" in logged
    assert SECRET_PHRASE not in logged
    assert all(r.exc_info is None for r in caplog.records)
