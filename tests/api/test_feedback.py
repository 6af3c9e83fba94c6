"""Feedback over HTTP: stored once acknowledged; unknown ids and bad ratings are refused."""

from __future__ import annotations

from litestar.testing import TestClient

from recomentor.store import Store
from recomentor.store.feedback import all_feedback
from tests.api.conftest import headers

URL = "/api/v1/feedback"


def test_feedback_is_stored_and_echoed(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]], sqlite_store: Store
) -> None:
    body = {"mentor_id": "J1", "mentee_id": "S1", "rating": 5, "outcome": "completed"}
    response = client.post(URL, json=body, headers=headers(keys["write"]))
    assert response.status_code == 201, response.text
    echoed = response.json()
    assert echoed["id"] >= 1
    assert {k: echoed[k] for k in body} == body
    with sqlite_store.session() as session:
        rows = all_feedback(session)
    assert [(r.id, r.mentor_id, r.mentee_id, r.rating, r.outcome) for r in rows] == [
        (echoed["id"], "J1", "S1", 5, "completed")
    ]


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
