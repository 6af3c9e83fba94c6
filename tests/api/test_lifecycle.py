"""A program over time through HTTP (issue 11), on every database: matchings listed,
approved under re-checks or discarded; pairings listed, made by hand, ended; pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from recomentor.api.app import create_app
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.apikeys import create_key
from tests.api.conftest import COHORT, as_json
from tests.fakes import FakeEncoder

MATCHINGS = "/api/v1/matchings"
PAIRINGS = "/api/v1/pairings"


@pytest.fixture
def api(api_settings: Settings, store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The app on `store` with the small cohort, and a read and a write key."""
    app = create_app(api_settings, store=store, encoder=FakeEncoder())
    keys = {scope: create_key(store, scope, scope).key for scope in ("read", "write")}
    with TestClient(app) as client:
        seeded = client.post(
            "/api/v1/participants",
            json=[as_json(p) for p in COHORT],
            headers={"X-API-Key": keys["write"]},
        )
        assert seeded.status_code == 200, seeded.text
        yield client, keys


class Caller:
    def __init__(self, client: TestClient, keys: dict[str, str]) -> None:
        self.client, self.keys = client, keys

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params=params, headers={"X-API-Key": self.keys["read"]})

    def post(self, url: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(url, json=body or {}, headers={"X-API-Key": self.keys["write"]})


@pytest.fixture
def call(api: tuple[TestClient, dict[str, str]]) -> Caller:
    return Caller(*api)


def _pairs(matching: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["mentor_id"], p["mentee_id"]) for p in matching["pairs"]}


def test_approval_conflicts_discard_and_a_new_round(call: Caller) -> None:
    # The roster is cached by the first suggestion; pairings must still be seen at once.
    assert call.get("/api/v1/participants/S1/suggestions").json()["suggestions"]
    created = call.post(MATCHINGS, {"objective": "score"})
    assert created.status_code == 201, created.text
    first = created.json()
    assert created.headers["location"] == f"{MATCHINGS}/{first['id']}"
    assert call.get(created.headers["location"]).json() == first
    second = call.post(MATCHINGS, {"objective": "score"}).json()
    assert _pairs(first) == _pairs(second) and len(first["pairs"]) >= 2

    assert call.post(f"{MATCHINGS}/{first['id']}/approve").status_code == 200
    after = call.get("/api/v1/participants/S1/suggestions").json()
    assert after["suggestions"] == [] and after["excluded"]["already_paired"] == 1

    refused = call.post(f"{MATCHINGS}/{second['id']}/approve")
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "urn:recomentor:problem:conflict"
    assert {(e["mentor_id"], e["mentee_id"]) for e in problem["errors"]} == _pairs(second)
    assert {e["reason"] for e in problem["errors"]} == {"already_paired"}
    assert call.get(f"{MATCHINGS}/{second['id']}").json()["status"] == "draft"

    discarded = call.post(f"{MATCHINGS}/{second['id']}/discard")
    assert (discarded.status_code, discarded.json()["status"]) == (200, "discarded")
    assert call.post(f"{MATCHINGS}/{second['id']}/discard").status_code == 409
    third = call.post(MATCHINGS, {"objective": "score"}).json()
    assert not _pairs(third) & _pairs(first)
    assert third["mentees_already_paired"] == len(first["pairs"])
    assert call.post(f"{MATCHINGS}/{third['id']}/approve").status_code == 200

    pairings = call.get(PAIRINGS, status="active").json()["items"]
    mentees = [p["mentee_id"] for p in pairings]
    mentors = [p["mentor_id"] for p in pairings]
    assert len(mentees) == len(set(mentees))  # one mentor per mentee
    capacity = {p["id"]: p.get("max_mentees", 1) for p in COHORT}
    assert all(mentors.count(m) <= capacity[m] for m in mentors)
    listed = call.get(MATCHINGS).json()
    assert [m["status"] for m in listed["items"]] == ["approved", "discarded", "approved"]
    assert listed["next_cursor"] is None


def test_pairing_by_hand_and_ending_it(call: Caller) -> None:
    made = call.post(PAIRINGS, {"mentor_id": "J1", "mentee_id": "S1"})
    assert made.status_code == 201, made.text
    pairing = made.json()
    assert made.headers["location"] == f"{PAIRINGS}/{pairing['id']}"
    assert call.get(made.headers["location"]).json() == pairing
    assert (pairing["status"], pairing["matching_id"], pairing["ended_at"]) == (
        "active",
        None,
        None,
    )

    taken = call.post(PAIRINGS, {"mentor_id": "J2", "mentee_id": "S1"})
    assert taken.status_code == 409
    assert taken.json()["errors"] == [
        {"mentor_id": "J2", "mentee_id": "S1", "reason": "mentee_has_mentor"}
    ]
    # A program that gives a mentee two mentors says so: J2 becomes S1's second.
    second = call.post(PAIRINGS, {"mentor_id": "J2", "mentee_id": "S1", "max_mentors": 2})
    assert second.status_code == 201, second.text
    for bad in (0, 51, "two"):
        refused = call.post(PAIRINGS, {"mentor_id": "J2", "mentee_id": "S2", "max_mentors": bad})
        assert refused.status_code == 400, refused.text
    mutual = {"mentor_id": "J2", "mentee_id": "S2", "mode": "mutual", "max_mentors": 2}
    assert call.post(PAIRINGS, mutual).status_code == 422
    assert (
        call.post(f"{PAIRINGS}/{second.json()['id']}/end", {"reason": "other"}).status_code == 200
    )
    assert call.post(PAIRINGS, {"mentor_id": "J1", "mentee_id": "NOPE"}).status_code == 404
    assert call.post(PAIRINGS, {"mentor_id": "J1", "mentee_id": "J1"}).status_code == 422
    assert call.post(PAIRINGS, {"mentor_id": "J1", "mentee_id": "S2", "x": 1}).status_code == 400

    ended = call.post(f"{PAIRINGS}/{pairing['id']}/end", {"reason": "completed"})
    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["end_reason"]) == ("ended", "completed")
    assert call.post(f"{PAIRINGS}/{pairing['id']}/end", {"reason": "completed"}).status_code == 409
    assert call.post(f"{PAIRINGS}/{pairing['id']}/end", {"reason": "bored"}).status_code == 400
    assert call.post(f"{PAIRINGS}/99999/end", {"reason": "other"}).status_code == 404
    assert call.get(PAIRINGS, status="active").json()["items"] == []
    ended_ids = [p["id"] for p in call.get(PAIRINGS, status="ended").json()["items"]]
    assert ended_ids == [pairing["id"], second.json()["id"]]
    # S1 is free again; the ended pairs (J1, J2) are not suggested a second time.
    s1 = call.get("/api/v1/participants/S1/suggestions").json()
    assert s1["suggestions"] and not {"J1", "J2"} & {s["partner_id"] for s in s1["suggestions"]}
    assert s1["excluded"]["already_paired"] == 2


def test_lists_page_with_an_opaque_cursor(call: Caller) -> None:
    # The third is refused (S2 has a mentor by then): two pairings.
    for mentor, mentee in (("J1", "S1"), ("J2", "S2"), ("J3", "S2")):
        call.post(PAIRINGS, {"mentor_id": mentor, "mentee_id": mentee})
    everything = call.get(PAIRINGS).json()["items"]
    assert [(p["mentor_id"], p["mentee_id"]) for p in everything] == [("J1", "S1"), ("J2", "S2")]
    seen, cursor = [], None
    while True:
        page = call.get(PAIRINGS, limit=1, **({"cursor": cursor} if cursor else {})).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert call.get(PAIRINGS, participant_id="S2").json()["items"] == everything[1:]

    drafts = [call.post(MATCHINGS, {}).json()["id"] for _ in range(3)]
    first = call.get(MATCHINGS, limit=2).json()
    rest = call.get(MATCHINGS, limit=2, cursor=first["next_cursor"]).json()
    assert [m["id"] for m in first["items"] + rest["items"]] == drafts[::-1]
    assert rest["next_cursor"] is None
    assert call.get(MATCHINGS, status="discarded").json()["items"] == []

    for url in (PAIRINGS, MATCHINGS):
        for params, field in (
            ({"cursor": "not-a-cursor"}, "cursor"),
            ({"cursor": "WyJ4Il0"}, "cursor"),  # a valid encoding of the wrong key
            ({"limit": 0}, "limit"),
            ({"limit": 501}, "limit"),
            ({"status": "paused"}, "status"),
        ):
            response = call.get(url, **params)
            assert response.status_code == 400, (url, params, response.text)
            assert [e["field"] for e in response.json()["errors"]] == [field]


def test_lifecycle_scopes(call: Caller) -> None:
    read, write = ({"X-API-Key": call.keys[k]} for k in ("read", "write"))
    pair = {"mentor_id": "J1", "mentee_id": "S1"}
    assert call.client.post(PAIRINGS, json=pair, headers=read).status_code == 403
    assert call.client.get(PAIRINGS, headers=write).status_code == 403
    assert call.client.get(MATCHINGS, headers=write).status_code == 403
    assert call.client.post(f"{MATCHINGS}/x/discard", headers=read).status_code == 403
    assert (
        call.client.post(f"{PAIRINGS}/1/end", json={"reason": "other"}, headers=read).status_code
        == 403
    )
    assert call.client.get(PAIRINGS).status_code == 401
