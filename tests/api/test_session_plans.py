"""Session plans over HTTP: draft, list, read, approve once, discard; clear 422s; scoped keys."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.api.conftest import headers

URL = "/api/v1/session-plans"
SMALL = {"size_min": 1, "size_max": 3, "min_host_similarity": 0.2, "min_goal_coverage": 0.2}


def test_draft_list_read_approve_discard(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    slots = "id,start,end\nam,2026-10-05T09:00+02:00,2026-10-05T10:30+02:00\n"
    created = client.post(URL, json={**SMALL, "slots": slots}, headers=headers(keys["write"]))
    assert created.status_code == 201, created.text
    plan = created.json()
    assert created.headers["Location"].endswith(f"{URL}/{plan['id']}")
    assert plan["status"] == "draft" and plan["settings"]["slots"][0]["id"] == "am"
    hosted = {s["host_id"]: s["attendee_ids"] for s in plan["sessions"]}
    assert hosted.get("J2") == ["S2"] and hosted.get("J1") == ["S1"]
    for session in plan["sessions"]:
        assert set(session) == {"id", "topic", "host_id", "attendee_ids", "slot", "explanation"}
        assert session["slot"] == "am"
    assert plan["objective"] >= plan["baseline"] > 0
    assert client.get(f"{URL}/{plan['id']}", headers=headers(keys["read"])).json() == plan
    listed = client.get(URL, params={"limit": 1}, headers=headers(keys["read"])).json()
    assert [item["id"] for item in listed["items"]] == [plan["id"]]
    assert listed["items"][0]["sessions"] == len(plan["sessions"])
    second = client.post(URL, json=SMALL, headers=headers(keys["write"])).json()
    approved = client.post(f"{URL}/{plan['id']}/approve", headers=headers(keys["write"]))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    # The second draft took the same people in a plan approved since: refused whole.
    refused = client.post(f"{URL}/{second['id']}/approve", headers=headers(keys["write"]))
    assert refused.status_code == 409, refused.text
    discarded = client.post(f"{URL}/{second['id']}/discard", headers=headers(keys["write"]))
    assert discarded.json()["status"] == "discarded"
    again = client.post(f"{URL}/{second['id']}/discard", headers=headers(keys["write"]))
    assert again.status_code == 409


def test_infeasible_and_bad_requests_are_explained(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    too_big = client.post(URL, json={"size_min": 5}, headers=headers(keys["write"]))
    assert too_big.status_code == 422
    assert "no topic is wanted by at least 5 learners" in too_big.text
    bad_slots = client.post(
        URL, json={**SMALL, "slots": "id,start,end\nam,9h,10h\n"}, headers=headers(keys["write"])
    )
    assert bad_slots.status_code == 422 and "slots, line 2" in bad_slots.text
    for body in ({"size_min": 0}, {"lang": "de"}, {"min_goal_coverage": 1.5}, {"budget": 1}):
        response = client.post(URL, json=body, headers=headers(keys["write"]))
        assert response.status_code == 400, (body, response.text)
    assert client.get(f"{URL}/nope", headers=headers(keys["read"])).status_code == 404


def test_session_plan_scopes(client: TestClient, keys: dict[str, str]) -> None:
    assert client.post(URL, json={}, headers=headers(keys["read"])).status_code == 403
    assert client.get(f"{URL}/x", headers=headers(keys["write"])).status_code == 403
    assert client.get(URL).status_code == 401
