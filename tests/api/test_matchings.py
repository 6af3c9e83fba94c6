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


def test_the_request_sets_max_gap_and_max_mentors_over_the_rules(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    # J3 is both: a mentor of the seniors here. Three mentors may take each senior.
    rules = "max_mentors = 1\nmin_gap = 0\n"
    body = {"objective": "score", "rules": rules, "max_mentors": 3, "max_gap": 27}
    created = client.post(URL, json=body, headers=headers(keys["write"]))
    assert created.status_code == 201, created.text
    draft = created.json()
    assert (draft["max_mentors"], draft["max_gap"], draft["min_gap"]) == (3, 27.0, 0.0)
    # S2 (30 years) is beyond 27 years of J1 (2) and J3 (1): only J2 (3) may take S2.
    assert {p["mentor_id"] for p in draft["pairs"] if p["mentee_id"] == "S2"} <= {"J2"}
    mentors_of_s1 = [p["mentor_id"] for p in draft["pairs"] if p["mentee_id"] == "S1"]
    assert len(mentors_of_s1) == len(set(mentors_of_s1)) >= 2
    loads = {m["mentee_id"]: m for m in draft["mentee_load"]}
    assert loads["S1"]["assigned"] == len(mentors_of_s1) and loads["S1"]["capacity"] == 3
    assert isinstance(draft["unpaired_mentors"], list)
    for bad in ({"max_mentors": 0}, {"max_gap": -2}, {"max_mentors": 1.5}):
        refused = client.post(URL, json=bad, headers=headers(keys["write"]))
        assert refused.status_code == 400, (bad, refused.text)
