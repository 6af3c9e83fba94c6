"""Schemathesis against our own OpenAPI document: no 5xx, every response as documented."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from recomentor.api.app import create_app
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.apikeys import create_key
from tests.api.conftest import COHORT, as_json
from tests.fakes import FakeEncoder

pytestmark = pytest.mark.integration

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Litestar, str]]:
    """One app for the whole run, with a small cohort and an admin key."""
    from recomentor.store import open_store

    base = Settings(home=tmp_path_factory.mktemp("schemathesis"))
    store: Store = open_store(base.resolved_database_url)
    app = create_app(
        replace(base, rate_limit_per_minute=0, max_upload_bytes=64 * 1024),
        store=store,
        encoder=FakeEncoder(),
    )
    key = create_key(store, "schemathesis", "admin").key
    with TestClient(app) as client:
        seeded = client.post(
            "/api/v1/participants",
            json=[as_json(p) for p in COHORT],
            headers={"X-API-Key": key},
        )
        assert seeded.status_code == 200
        yield app, key
    store.dispose()


@pytest.fixture(scope="module")
def api_schema(served: tuple[Litestar, str]) -> Any:
    app, _ = served
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app)


def test_every_operation_conforms_to_the_schema(
    served: tuple[Litestar, str], api_schema: Any
) -> None:
    _, key = served
    operations = [result.ok() for result in api_schema.get_all_operations()]
    # Health, ready and every /api/v1 route, PATCH participants, GET /pairings/{id} (the
    # Location of a new pairing), the seven routes that edit a draft matching and the five of
    # session plans among them.
    assert len(operations) == 31
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: Any) -> None:
            case.call_and_validate(headers={"X-API-Key": key}, checks=CHECKS)

        conforms()
