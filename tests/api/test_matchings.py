"""Cohort matchings over HTTP: draft, read, approve once; bad rules and ids are refused."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.api.conftest import headers

URL = "/api/v1/matchings"


def test_draft_read_approve(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    created = client.post(URL, json={"objective": "score"}, headers=headers(keys["write"]))
    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["status"] == "draft"
    assert draft["model"]["kind"] == "heuristic"
    pairs = {(p["mentor_id"], p["mentee_id"]) for p in draft["pairs"]}
    assert ("J1", "S1") in pairs  # TikTok/Instagram for the TikTok goal
    assert draft["total_score"] == sum(p["score"] for p in draft["pairs"])
    read = client.get(f"{URL}/{draft['id']}", headers=headers(keys["read"]))
    assert read.json() == draft
    assert draft["created_at"].endswith("+00:00") or draft["created_at"].endswith("Z")
    approved = client.post(f"{URL}/{draft['id']}/approve", headers=headers(keys["write"]))
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    again = client.post(f"{URL}/{draft['id']}/approve", headers=headers(keys["write"]))
    assert again.status_code == 409
    assert again.json()["type"] == "urn:recomentor:problem:conflict"


def test_unknown_matching_is_404(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get(f"{URL}/nope", headers=headers(keys["read"])).status_code == 404
    assert client.post(f"{URL}/nope/approve", headers=headers(keys["write"])).status_code == 404


def test_bad_requests_are_400_or_422(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    for body in ({"objective": "fastest"}, {"mode": "x"}, {"min_gap": -1}, {"budget": 3}):
        response = client.post(URL, json=body, headers=headers(keys["write"]))
        assert response.status_code == 400, (body, response.text)
    bad_rules = client.post(URL, json={"rules": "[[nope"}, headers=headers(keys["write"]))
    assert bad_rules.status_code == 422, bad_rules.text


def test_matching_scopes(client: TestClient, keys: dict[str, str]) -> None:
    assert client.post(URL, json={}, headers=headers(keys["read"])).status_code == 403
    assert client.get(f"{URL}/x", headers=headers(keys["write"])).status_code == 403
    assert client.post(URL, json={}).status_code == 401
