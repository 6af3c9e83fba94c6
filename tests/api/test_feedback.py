"""Feedback over HTTP: stored once acknowledged; unknown ids and bad ratings are refused."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from recomentor.store import Store
from recomentor.store.feedback import all_feedback
from tests.api.conftest import headers

URL = "/api/v1/feedback"


@pytest.fixture
def paired(client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]) -> None:
    """J1 mentors S1."""
    pair = {"mentor_id": "J1", "mentee_id": "S1"}
    made = client.post("/api/v1/pairings", json=pair, headers=headers(keys["write"]))
    assert made.status_code == 201, made.text


def test_feedback_is_stored_and_echoed(
    client: TestClient, keys: dict[str, str], paired: None, sqlite_store: Store
) -> None:
    body = {"mentor_id": "J1", "mentee_id": "S1", "rating": 5, "outcome": "completed"}
    response = client.post(URL, json=body, headers=headers(keys["write"]))
    assert response.status_code == 201, response.text
    echoed = response.json()
    assert echoed["id"] >= 1 and echoed["status"] == "inserted"
    assert {k: echoed[k] for k in body} == body
    with sqlite_store.session() as session:
        rows = all_feedback(session)
    assert [(r.id, r.mentor_id, r.mentee_id, r.rating, r.outcome) for r in rows] == [
        (echoed["id"], "J1", "S1", 5, "completed")
    ]


def test_the_same_submission_twice_is_one_row(
    client: TestClient, keys: dict[str, str], paired: None, sqlite_store: Store
) -> None:
    body = {
        "mentor_id": "J1",
        "mentee_id": "S1",
        "rating": 4,
        "submitted_at": "2026-10-01T10:00:00Z",
    }
    first = client.post(URL, json=body, headers=headers(keys["write"]))
    # The same instant with an offset, sent again: the same submission.
    same = {**body, "submitted_at": "2026-10-01T12:00:00+02:00"}
    again = client.post(URL, json=same, headers=headers(keys["write"]))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["status"] == "unchanged" and again.json()["id"] == first.json()["id"]
    changed = client.post(URL, json={**body, "rating": 2}, headers=headers(keys["write"]))
    assert (changed.status_code, changed.json()["status"]) == (200, "updated")
    undated = {"mentor_id": "J1", "mentee_id": "S1", "rating": 3}
    statuses = [
        client.post(URL, json=undated, headers=headers(keys["write"])).json()["status"]
        for _ in range(2)
    ]
    assert statuses == ["inserted", "unchanged"]
    with sqlite_store.session() as session:
        assert sorted(r.rating for r in all_feedback(session)) == [2, 3]


def test_feedback_on_a_pair_never_paired_needs_unpaired_true(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]], sqlite_store: Store
) -> None:
    body = {"mentor_id": "J2", "mentee_id": "S2", "rating": 4}
    refused = client.post(URL, json=body, headers=headers(keys["write"]))
    assert refused.status_code == 422
    assert "never paired" in refused.json()["detail"]
    with sqlite_store.session() as session:
        assert all_feedback(session) == []
    history = client.post(URL, json={**body, "unpaired": True}, headers=headers(keys["write"]))
    assert history.status_code == 201, history.text


def test_unknown_or_same_participants_are_422(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]], sqlite_store: Store
) -> None:
    for body in (
        {"mentor_id": "NOPE", "mentee_id": "S1", "rating": 4},
        {"mentor_id": "J1", "mentee_id": "NOPE", "rating": 4},
        {"mentor_id": "J1", "mentee_id": "J1", "rating": 4},
    ):
        response = client.post(URL, json=body, headers=headers(keys["write"]))
        assert response.status_code == 422, response.text
        assert response.json()["type"] == "urn:recomentor:problem:invalid-input"
    with sqlite_store.session() as session:
        assert all_feedback(session) == []


def test_bad_bodies_are_400(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    good = {"mentor_id": "J1", "mentee_id": "S1", "rating": 3}
    for bad in (
        {**good, "rating": 6},
        {**good, "rating": 0},
        {**good, "rating": "great"},
        {**good, "rating": 4.5},
        {**good, "outcome": "divorced"},
        {**good, "note": "unknown field"},
        {"mentor_id": "J1", "rating": 3},
    ):
        response = client.post(URL, json=bad, headers=headers(keys["write"]))
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["status"] == 400
