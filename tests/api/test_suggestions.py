"""Suggestions over HTTP: the CLI's JSON, bounded k, fresh after every write or erasure."""

from __future__ import annotations

import msgspec
import pytest
from litestar.testing import TestClient

from recomentor.ranking.rank import rank_partners
from recomentor.ranking.roster import load_roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store
from tests.api.conftest import as_json, headers
from tests.fakes import FakeEncoder, person


def _url(person_id: str) -> str:
    return f"/api/v1/participants/{person_id}/suggestions"


def test_same_json_as_the_core(
    client: TestClient,
    keys: dict[str, str],
    cohort: list[dict[str, object]],
    sqlite_store: Store,
    api_settings: Settings,
) -> None:
    response = client.get(_url("S1"), params={"k": 3}, headers=headers(keys["read"]))
    assert response.status_code == 200, response.text
    expected = rank_partners(
        load_roster(sqlite_store, FakeEncoder()),
        HeuristicScorer(),
        "S1",
        k=3,
        min_gap=api_settings.min_gap,
        lang=api_settings.lang,
    )
    assert response.json() == msgspec.to_builtins(expected)
    body = response.json()
    assert body["model"]["kind"] == "heuristic"
    assert [s["rank"] for s in body["suggestions"]] == list(range(1, len(body["suggestions"]) + 1))
    assert body["suggestions"][0]["partner_id"] == "J1"  # TikTok/Instagram for the TikTok goal
    factors = body["suggestions"][0]["explanation"]["factors"]
    assert sum(f["contribution"] for f in factors) == pytest.approx(body["suggestions"][0]["score"])


def test_mode_lang_and_side_are_passed_through(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    mutual = client.get(_url("J3"), params={"mode": "mutual"}, headers=headers(keys["read"]))
    assert mutual.json()["mode"] == "mutual"
    assert {s["role"] for s in mutual.json()["suggestions"]} <= {"partner"}
    as_mentee = client.get(_url("J3"), params={"as": "mentee"}, headers=headers(keys["read"]))
    assert all(s["role"] == "mentor" for s in as_mentee.json()["suggestions"])
    french = client.get(_url("S1"), params={"lang": "fr"}, headers=headers(keys["read"])).json()
    english = client.get(_url("S1"), params={"lang": "en"}, headers=headers(keys["read"])).json()
    assert (
        french["suggestions"][0]["explanation"]["summary"]
        != (english["suggestions"][0]["explanation"]["summary"])
    )


@pytest.mark.parametrize(
    "params",
    [
        {"k": 101},
        {"k": 0},
        {"k": -1},
        {"k": "ten"},
        {"mode": "sideways"},
        {"lang": "de"},
        {"as": "boss"},
    ],
)
def test_bad_query_is_400(
    client: TestClient,
    keys: dict[str, str],
    cohort: list[dict[str, object]],
    params: dict[str, object],
) -> None:
    response = client.get(_url("S1"), params=params, headers=headers(keys["read"]))
    assert response.status_code == 400
    body = response.json()
    assert body["errors"], body
    assert body["errors"][0]["source"] == "query"


def test_k_of_100_is_accepted(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    response = client.get(_url("S1"), params={"k": 100}, headers=headers(keys["read"]))
    assert response.status_code == 200


def test_unknown_person_is_404(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    response = client.get(_url("NOPE"), headers=headers(keys["read"]))
    assert response.status_code == 404
    assert "NOPE" in response.json()["detail"]


def test_erased_person_vanishes_from_later_suggestions(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    before = client.get(_url("S1"), params={"k": 10}, headers=headers(keys["read"])).json()
    assert "J1" in [s["partner_id"] for s in before["suggestions"]]
    assert (
        client.delete("/api/v1/participants/J1", headers=headers(keys["admin"])).status_code == 204
    )
    after = client.get(_url("S1"), params={"k": 10}, headers=headers(keys["read"])).json()
    assert "J1" not in [s["partner_id"] for s in after["suggestions"]]
    assert after["suggestions"], "the others are still suggested"
    gone = client.get(_url("J1"), headers=headers(keys["read"]))
    assert gone.status_code == 404


def test_new_and_updated_participants_are_reflected(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    newcomer = as_json(person("J9", role="mentor", years=1, skills="TikTok, Instagram, Reels"))
    client.post("/api/v1/participants", json=newcomer, headers=headers(keys["write"]))
    ids = [
        s["partner_id"]
        for s in client.get(_url("S1"), headers=headers(keys["read"])).json()["suggestions"]
    ]
    assert "J9" in ids
    # J9 becomes a mentee: no longer a mentor candidate for S1.
    changed = {**newcomer, "role": "mentee", "goals": "Excel", "years_experience": 1}
    client.post("/api/v1/participants", json=changed, headers=headers(keys["write"]))
    ids = [
        s["partner_id"]
        for s in client.get(_url("S1"), headers=headers(keys["read"])).json()["suggestions"]
    ]
    assert "J9" not in ids


def test_the_label_is_documented_in_the_openapi_schema(client: TestClient) -> None:
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    for shape in ("Suggestion", "MatchedPair"):
        label = schemas[shape]["properties"]["label"]
        assert label["enum"] == ["strong", "good", "fair", "weak"], shape
        assert "score alone" in label["description"], shape
        assert "label" in schemas[shape]["required"], shape
