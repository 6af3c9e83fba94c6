"""Editing a draft over HTTP: lock, remove, candidates, assign, re-match; scopes and errors."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api.conftest import headers

URL = "/api/v1/matchings"
PROBLEM = "urn:recomentor:problem:"


@pytest.fixture
def draft(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> dict[str, Any]:
    """J1-S1 and J2-S2, every mentor at capacity; J3 (both) has no mentor more senior."""
    created = client.post(URL, json={"objective": "score"}, headers=headers(keys["write"]))
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    assert {(p["mentor_id"], p["mentee_id"]) for p in body["pairs"]} == {("J1", "S1"), ("J2", "S2")}
    return body


def _pairs(matching: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {p["mentee_id"]: (p["mentor_id"], p["locked"]) for p in matching["pairs"]}


def test_lock_unlock_and_remove_a_pair(
    client: TestClient, keys: dict[str, str], draft: dict[str, Any]
) -> None:
    write = headers(keys["write"])
    pair = f"{URL}/{draft['id']}/pairs/S1"
    locked = client.post(f"{pair}/lock", headers=write)
    assert locked.status_code == 200, locked.text
    assert _pairs(locked.json())["S1"] == ("J1", True)
    assert locked.json()["version"] == draft["version"] + 1
    unlocked = client.delete(f"{pair}/lock", params={"mentor_id": "J1"}, headers=write)
    assert unlocked.status_code == 200 and _pairs(unlocked.json())["S1"] == ("J1", False)
    stale = client.delete(pair, params={"mentor_id": "J2"}, headers=write)
    assert stale.status_code == 409 and "reload" in stale.json()["detail"]
    removed = client.delete(pair, headers=write)
    assert removed.status_code == 200, removed.text
    body = removed.json()
    assert "S1" not in _pairs(body)
    assert {"mentee_id": "S1", "reason": "removed_by_hr"}.items() <= body["unpaired"][-1].items()
    assert body["total_score"] == pytest.approx(sum(p["score"] for p in body["pairs"]))
    loads = {load["mentor_id"]: load["assigned"] for load in body["mentor_load"]}
    assert loads["J1"] == 0
    again = client.delete(pair, headers=write)
    assert again.status_code == 404
    assert again.json()["type"] == PROBLEM + "not-found"
    assert client.get(f"{URL}/{draft['id']}", headers=headers(keys["read"])).json() == body


def test_candidates_and_one_mentors_eligibility(
    client: TestClient, keys: dict[str, str], draft: dict[str, Any]
) -> None:
    read = headers(keys["read"])
    listed = client.get(f"{URL}/{draft['id']}/pairs/S1/candidates", headers=read)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert (body["mentee_id"], body["mentor_id"]) == ("S1", "J1")
    assert [c["mentor_id"] for c in body["candidates"]] == ["J3"]
    candidate = body["candidates"][0]
    assert set(candidate) == {"rank", "mentor_id", "score", "label", "explanation", "places"}
    assert candidate["places"] == {"capacity": 1, "active": 0, "in_draft": 0}
    assert body["excluded"]["at_capacity"] == 1  # J2 has S2
    full = client.get(f"{URL}/{draft['id']}/pairs/S1/candidates/J2", headers=read)
    assert full.status_code == 200
    assert {k: full.json()[k] for k in ("eligible", "reason", "detail", "score")} == {
        "eligible": False,
        "reason": "at_capacity",
        "detail": "at capacity (1/1)",
        "score": None,
    }
    fine = client.get(f"{URL}/{draft['id']}/pairs/S1/candidates/J3", headers=read).json()
    assert fine["eligible"] and fine["score"] == pytest.approx(candidate["score"])
    unknown = client.get(f"{URL}/{draft['id']}/pairs/S1/candidates/J9", headers=read)
    assert unknown.status_code == 404
    too_many = client.get(f"{URL}/{draft['id']}/pairs/S1/candidates?k=101", headers=read)
    assert too_many.status_code == 400


def test_assign_a_mentor_then_approve_forms_the_edited_pairs(
    client: TestClient, keys: dict[str, str], draft: dict[str, Any]
) -> None:
    write = headers(keys["write"])
    assigned = client.put(f"{URL}/{draft['id']}/pairs/S1", json={"mentor_id": "J3"}, headers=write)
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert _pairs(body) == {"S1": ("J3", True), "S2": ("J2", False)}
    assert body["total_score"] == pytest.approx(sum(p["score"] for p in body["pairs"]))
    approved = client.post(f"{URL}/{draft['id']}/approve", headers=write)
    assert approved.status_code == 200, approved.text
    formed = client.get("/api/v1/pairings", headers=headers(keys["read"])).json()["items"]
    assert {(p["mentor_id"], p["mentee_id"]) for p in formed} == {("J3", "S1"), ("J2", "S2")}
    late = client.put(f"{URL}/{draft['id']}/pairs/S1", json={"mentor_id": "J1"}, headers=write)
    assert late.status_code == 409
    assert "only a draft can be edited" in late.json()["detail"]


def test_an_ineligible_mentor_is_a_conflict_naming_the_reason(
    client: TestClient, keys: dict[str, str], draft: dict[str, Any]
) -> None:
    refused = client.put(
        f"{URL}/{draft['id']}/pairs/S1", json={"mentor_id": "J2"}, headers=headers(keys["write"])
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == PROBLEM + "conflict"
    assert problem["errors"] == [{"mentor_id": "J2", "mentee_id": "S1", "reason": "at_capacity"}]
    assert client.get(f"{URL}/{draft['id']}", headers=headers(keys["read"])).json() == draft


def test_rematch_keeps_the_locked_pair(
    client: TestClient, keys: dict[str, str], draft: dict[str, Any]
) -> None:
    write = headers(keys["write"])
    client.put(f"{URL}/{draft['id']}/pairs/S1", json={"mentor_id": "J3"}, headers=write)
    client.delete(f"{URL}/{draft['id']}/pairs/S2", headers=write)
    rematched = client.post(f"{URL}/{draft['id']}/rematch", headers=write)
    assert rematched.status_code == 200, rematched.text
    # S1 keeps J3; J2-S2 was removed by HR and does not come back, J1 takes S2.
    assert _pairs(rematched.json()) == {"S1": ("J3", True), "S2": ("J1", False)}


def test_bad_requests_ids_and_scopes(
    client: TestClient, keys: dict[str, str], draft: dict[str, Any]
) -> None:
    pair = f"{URL}/{draft['id']}/pairs/S1"
    for body in ({"mentor": "J3"}, {"mentor_id": ""}, {"mentor_id": 3}, {}):
        response = client.put(pair, json=body, headers=headers(keys["write"]))
        assert response.status_code == 400, (body, response.text)
    assert (
        client.post(f"{URL}/nope/pairs/S1/lock", headers=headers(keys["write"])).status_code == 404
    )
    not_a_mentee = client.delete(f"{URL}/{draft['id']}/pairs/J1", headers=headers(keys["write"]))
    assert not_a_mentee.status_code == 404
    assert "is not a mentee of matching" in not_a_mentee.json()["detail"]
    for method, path in (
        ("POST", f"{pair}/lock"),
        ("DELETE", f"{pair}/lock"),
        ("DELETE", pair),
        ("POST", f"{URL}/{draft['id']}/rematch"),
    ):
        assert client.request(method, path, headers=headers(keys["read"])).status_code == 403
    assert (
        client.put(pair, json={"mentor_id": "J3"}, headers=headers(keys["read"])).status_code == 403
    )
    assert client.get(f"{pair}/candidates", headers=headers(keys["write"])).status_code == 403
    assert client.get(f"{pair}/candidates").status_code == 401
