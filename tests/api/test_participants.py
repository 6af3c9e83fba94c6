"""Participants over HTTP: upsert, partial update, read, erase; every bad input is refused."""

from __future__ import annotations

import json

from litestar.testing import TestClient

from tests.api.conftest import COHORT, as_json, headers
from tests.conftest import REPO
from tests.fakes import person

URL = "/api/v1/participants"


def _post(client: TestClient, key: str, body: object) -> object:
    return client.post(URL, json=body, headers=headers(key))


def test_upsert_one_then_many_counts_inserts_updates_and_unchanged(
    client: TestClient, keys: dict[str, str]
) -> None:
    one = as_json(COHORT[0])
    assert _post(client, keys["write"], one).json() == {  # type: ignore[attr-defined]
        "inserted": 1, "updated": 0, "unchanged": 0, "stale": 0, "erased": 0,
    }  # fmt: skip
    changed = {**one, "skills": "TikTok, Instagram, Canva"}
    many = [changed, as_json(COHORT[1])]
    assert _post(client, keys["write"], many).json() == {  # type: ignore[attr-defined]
        "inserted": 1, "updated": 1, "unchanged": 0, "stale": 0, "erased": 0,
    }  # fmt: skip
    again = _post(client, keys["write"], many).json()  # type: ignore[attr-defined]
    assert again["unchanged"] == 2


def test_get_returns_the_stored_participant(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    body = {
        **as_json(person("N1", role="mentor", years=4, languages="Français;English")),
        "name": "Zoé Exemple",
        "email": "zoe@example.org",
        "submitted_at": "2026-09-01T09:02:11+02:00",
    }
    assert _post(client, keys["write"], body).status_code == 200  # type: ignore[attr-defined]
    got = client.get(f"{URL}/N1", headers=headers(keys["read"])).json()
    assert got["id"] == "N1"
    assert got["name"] == "Zoé Exemple"
    assert got["email"] == "zoe@example.org"
    assert got["languages"] == ["en", "fr"]
    assert got["years_experience"] == 4.0
    assert got["max_mentees"] == 1
    assert got["submitted_at"].startswith("2026-09-01T07:02:11")


def test_unknown_id_is_404(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get(f"{URL}/NOPE", headers=headers(keys["read"]))
    assert response.status_code == 404
    assert response.json()["type"] == "urn:recomentor:problem:not-found"
    assert client.delete(f"{URL}/NOPE", headers=headers(keys["admin"])).status_code == 404


def test_too_long_path_id_is_400(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get(f"{URL}/{'x' * 65}", headers=headers(keys["read"])).status_code == 400


def test_bad_json_is_400(client: TestClient, keys: dict[str, str]) -> None:
    response = client.post(
        URL,
        content=b'{"id": "A1", "department": ',
        headers={**headers(keys["write"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:recomentor:problem:bad-request"


def test_unknown_field_is_400_and_named(client: TestClient, keys: dict[str, str]) -> None:
    body = {**as_json(COHORT[0]), "favourite_colour": "blue"}
    response = _post(client, keys["write"], body)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "favourite_colour" in response.text  # type: ignore[attr-defined]


def test_wrong_types_and_values_are_400(client: TestClient, keys: dict[str, str]) -> None:
    base = as_json(COHORT[0])
    for bad in (
        {"years_experience": "many"},
        {"years_experience": -1},
        {"role": "boss"},
        {"max_mentees": 1.5},
        {"languages": "fr"},
        {"id": ""},
        {"submitted_at": "yesterday"},
    ):
        response = _post(client, keys["write"], {**base, **bad})
        assert response.status_code == 400, (bad, response.text)  # type: ignore[attr-defined]
    assert _post(client, keys["write"], []).status_code == 400  # type: ignore[attr-defined]
    assert _post(client, keys["write"], "J1").status_code == 400  # type: ignore[attr-defined]


def test_row_rules_are_422_with_every_problem_and_nothing_stored(
    client: TestClient, keys: dict[str, str]
) -> None:
    good = as_json(person("G1"))
    no_skills = {**as_json(person("M1", role="mentor")), "skills": "  "}
    own_manager = {**as_json(person("M2")), "manager_id": "M2"}
    response = _post(client, keys["write"], [good, no_skills, own_manager])
    assert response.status_code == 422  # type: ignore[attr-defined]
    problems = response.json()["errors"]  # type: ignore[attr-defined]
    assert {(p["line"], p["field"]) for p in problems} == {(2, "skills"), (3, "manager_id")}
    # All or nothing: the good participant was not stored either.
    assert client.get(f"{URL}/G1", headers=headers(keys["read"])).status_code == 404


def test_text_longer_than_the_setting_is_422_and_beyond_the_ceiling_400(
    client: TestClient, keys: dict[str, str]
) -> None:
    # api_settings sets max_text_chars=500; the schema's hard ceiling is 10,000.
    long_answer = {**as_json(COHORT[0]), "skills": "x" * 501}
    response = _post(client, keys["write"], long_answer)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["errors"][0]["field"] == "skills"  # type: ignore[attr-defined]
    huge = {**as_json(COHORT[0]), "skills": "x" * 10_001}
    assert _post(client, keys["write"], huge).status_code == 400  # type: ignore[attr-defined]


def test_body_over_one_mebibyte_is_413(client: TestClient, keys: dict[str, str]) -> None:
    body = b'{"id": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = client.post(
        URL, content=body, headers={**headers(keys["write"]), "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["type"] == "urn:recomentor:problem:too-large"


def test_erasure_is_204_then_gone(
    client: TestClient, keys: dict[str, str], cohort: list[dict[str, object]]
) -> None:
    response = client.delete(f"{URL}/J1", headers=headers(keys["admin"]))
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"{URL}/J1", headers=headers(keys["read"])).status_code == 404
    assert client.delete(f"{URL}/J1", headers=headers(keys["admin"])).status_code == 404


def _get(client: TestClient, keys: dict[str, str], pid: str) -> dict[str, object]:
    response = client.get(f"{URL}/{pid}", headers=headers(keys["read"]))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _patch(client: TestClient, key: str, pid: str, body: object) -> object:
    return client.patch(f"{URL}/{pid}", json=body, headers=headers(key))


MANAGED = {
    **as_json(person("M1", role="both", manager_id="BOSS")),
    "name": "Zoé Exemple",
    "email": "zoe@example.org",
    "submitted_at": "2026-09-01T09:00:00+00:00",
}


def test_post_with_a_partial_record_is_422_naming_every_missing_field(
    client: TestClient, keys: dict[str, str]
) -> None:
    # Regression: a partial POST replaced the whole record, wiping name, e-mail, goals,
    # location and manager_id (which switched off the "never with their own manager" rule).
    assert _post(client, keys["write"], MANAGED).status_code == 200  # type: ignore[attr-defined]
    partial = {"id": "M1", "department": "Marketing", "years_experience": 2, "role": "both"}
    response = _post(client, keys["write"], [as_json(person("OK1")), partial])
    assert response.status_code == 422  # type: ignore[attr-defined]
    problems = response.json()["errors"]  # type: ignore[attr-defined]
    assert {p["field"] for p in problems} == {
        "name", "email", "job_title", "skills", "goals", "languages", "location",
        "max_mentees", "manager_id", "submitted_at",
    }  # fmt: skip
    assert {(p["line"], p["row_id"]) for p in problems} == {(2, "M1")}
    stored = _get(client, keys, "M1")
    assert (stored["manager_id"], stored["email"], stored["location"]) == (
        "BOSS", "zoe@example.org", "Paris",
    )  # fmt: skip
    assert client.get(f"{URL}/OK1", headers=headers(keys["read"])).status_code == 404


def test_patch_changes_only_the_fields_sent_and_null_clears_one(
    client: TestClient, keys: dict[str, str]
) -> None:
    _post(client, keys["write"], MANAGED)
    response = _patch(client, keys["write"], "M1", {"skills": "Canva", "years_experience": 3})
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    changed = response.json()  # type: ignore[attr-defined]
    assert (changed["skills"], changed["years_experience"]) == ("Canva", 3.0)
    kept = {k: changed[k] for k in ("manager_id", "name", "email", "goals", "location")}
    assert kept == {
        "manager_id": "BOSS", "name": "Zoé Exemple", "email": "zoe@example.org",
        "goals": "Négociation", "location": "Paris",
    }  # fmt: skip
    assert changed["languages"] == ["fr"]
    assert changed["submitted_at"].startswith("2026-09-01T09:00:00")
    cleared = _patch(client, keys["write"], "M1", {"manager_id": None, "location": None})
    assert cleared.status_code == 200  # type: ignore[attr-defined]
    assert (_get(client, keys, "M1")["manager_id"], _get(client, keys, "M1")["location"]) == (
        None, None,
    )  # fmt: skip


def test_patch_refuses_what_post_refuses_and_changes_nothing(
    client: TestClient, keys: dict[str, str]
) -> None:
    _post(client, keys["write"], MANAGED)
    before = _get(client, keys, "M1")
    for body, status in (
        ({"department": None}, 400),  # a required field cannot be cleared
        ({"id": "M2"}, 400),  # the id is the path's
        ({"favourite_colour": "blue"}, 400),
        ({"manager_id": "M1"}, 422),  # the merged record goes through the import's checks
        ({"goals": None}, 422),  # role "both" needs goals
        ({"email": "not-an-address"}, 422),
    ):
        response = _patch(client, keys["write"], "M1", body)
        assert response.status_code == status, (body, response.text)  # type: ignore[attr-defined]
    assert _get(client, keys, "M1") == before
    missing = _patch(client, keys["write"], "NOPE", {"skills": "x"})
    assert missing.status_code == 404  # type: ignore[attr-defined]
    assert _patch(client, keys["read"], "M1", {"skills": "x"}).status_code == 403  # type: ignore[attr-defined]


def test_a_stale_write_is_refused_like_an_import_refuses_it(
    client: TestClient, keys: dict[str, str]
) -> None:
    _post(client, keys["write"], MANAGED)
    older = {**MANAGED, "skills": "Old answer", "submitted_at": "2026-08-01T09:00:00+00:00"}
    counts = _post(client, keys["write"], older).json()  # type: ignore[attr-defined]
    assert (counts["stale"], counts["updated"]) == (1, 0)
    response = _patch(
        client, keys["write"], "M1", {"skills": "Old", "submitted_at": "2026-08-01T09:00:00Z"}
    )
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert response.json()["type"] == "urn:recomentor:problem:conflict"  # type: ignore[attr-defined]
    assert _get(client, keys, "M1")["skills"] == MANAGED["skills"]
    newer = _patch(
        client, keys["write"], "M1", {"skills": "New", "submitted_at": "2026-10-01T09:00:00Z"}
    )
    assert newer.status_code == 200  # type: ignore[attr-defined]
    assert _get(client, keys, "M1")["skills"] == "New"


def _readme_upsert_body() -> object:
    text = (REPO / "api" / "README.md").read_text(encoding="utf-8")
    command = text[text.index("curl -s -X POST localhost:8000/api/v1/participants ") :]
    return json.loads(command[command.index("-d '") + 4 : command.index("'\n")])


def test_the_readme_upsert_example_is_a_valid_request(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = _readme_upsert_body()
    response = _post(client, keys["write"], body)
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert response.json()["inserted"] == 1  # type: ignore[attr-defined]
