"""/admin/users, /admin/keys and the overview, driven through their forms."""

from __future__ import annotations

import html

from litestar.testing import TestClient

from recomentor.accounts.users import list_users
from recomentor.store import Store
from recomentor.store.participants import upsert_participants
from recomentor.store.tables import MatchingRow, PairingRow
from tests.fakes import person
from tests.web_client import PASSWORD, SignIn, csrf_token, sign_in


def test_admin_creates_and_disables_users(
    signed_in: SignIn, sqlite_store: Store, client: TestClient
) -> None:
    admin = signed_in("admin")
    token = csrf_token(admin, "/admin/users")
    form = {
        "csrf_token": token,
        "email": "Nina@Example.org",
        "role": "manager",
        "password": PASSWORD,
    }
    created = admin.post("/admin/users", data=form, follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"] == "/admin/users"
    listing = admin.get("/admin/users").text
    assert "nina@example.org" in listing and "created." in listing
    again = admin.post("/admin/users", data={**form, "role": "viewer"})
    assert again.status_code == 400 and "already exists" in again.text
    short = admin.post("/admin/users", data={**form, "email": "x@example.org", "password": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    nina = next(u for u in list_users(sqlite_store) if u.email == "nina@example.org")
    sign_in(client, "nina@example.org")
    assert (
        admin.post(f"/admin/users/{nina.id}/disable", data={"csrf_token": token}).status_code == 200
    )
    assert next(u for u in list_users(sqlite_store) if u.id == nina.id).disabled
    assert client.get("/", follow_redirects=False).status_code == 303


def test_api_key_shown_once_then_revoked(signed_in: SignIn, client: TestClient) -> None:
    admin = signed_in("admin")
    token = csrf_token(admin, "/admin/keys")
    created = admin.post(
        "/admin/keys", data={"csrf_token": token, "name": "intranet", "scopes": ["read", "write"]}
    )
    assert created.status_code == 200
    key = created.text.split('<code id="created-key">')[1].split("<")[0]
    assert key.startswith("rmk_")
    listing = admin.get("/admin/keys").text
    assert "intranet" in listing and "read, write" in listing and key not in listing
    assert client.get("/api/v1/model", headers={"X-API-Key": key}).status_code == 200
    refused = admin.post("/admin/keys", data={"csrf_token": token, "name": "x", "scopes": ["root"]})
    assert refused.status_code == 400 and "unknown scope" in refused.text
    revoked = admin.post("/admin/keys/1/revoke", data={"csrf_token": token})
    assert revoked.status_code == 200 and "Key 1 revoked." in revoked.text
    assert client.get("/api/v1/model", headers={"X-API-Key": key}).status_code == 401


def test_only_admins_reach_admin_pages(signed_in: SignIn) -> None:
    for role in ("viewer", "manager", "scientist"):
        browser = signed_in(role)
        assert browser.get("/admin/keys").status_code == 403, role
        assert 'href="/admin/users"' not in browser.get("/").text, role
    assert 'href="/admin/users"' in signed_in("admin").get("/").text


def test_overview_counts(signed_in: SignIn, sqlite_store: Store) -> None:
    people = [
        person("J1", role="mentor"),
        person("J2", role="mentor", department="Finance"),
        person("S1", role="mentee", years=25, department="Finance"),
        person("S2", role="mentee", years=28, department="Finance"),
        person("B1", role="both", department="IT"),
    ]
    with sqlite_store.session() as session:
        upsert_participants(session, people)
        session.add(
            MatchingRow(
                id="d7f0c9aa-0000-4000-8000-000000000001",
                status="draft",
                mode="reverse",
                objective="score",
                params={},
            )
        )
        session.add(PairingRow(mentor_id="J1", mentee_id="S1", mode="reverse"))
    page = html.unescape(signed_in("viewer").get("/").text)
    assert "Mentors: <strong>2</strong>" in page and "Mentees: <strong>2</strong>" in page
    assert "Both: <strong>1</strong>" in page
    assert '<p class="figure">5</p>' in page and '<p class="figure">1</p>' in page
    departments = page.split("Participants by department")[1]
    # Largest first, ties by name.
    assert departments.index("Finance") < departments.index("IT") < departments.index("Marketing")
    assert 'href="/matchings/d7f0c9aa-0000-4000-8000-000000000001"' in page
    assert "Heuristic" in page and "never" not in page


def test_empty_pages_say_what_to_do_next(signed_in: SignIn) -> None:
    # Regression: a new program's overview said "no participant" and offered nothing to click.
    manager = signed_in("manager")
    overview = html.unescape(manager.get("/").text)
    assert "No participant yet" in overview
    assert '<a class="button secondary" href="/import">Import a survey export</a>' in overview
    people = html.unescape(manager.get("/participants").text)
    assert '<a class="button secondary" href="/import">' in people
    # A filter that finds nobody is not an empty roster: no import offered there.
    filtered = html.unescape(manager.get("/participants?q=nobody").text)
    assert "No participant matches these filters." in filtered and "Import a survey" not in filtered
    matchings = html.unescape(manager.get("/matchings").text)
    assert '<a class="button secondary" href="/matchings/new">Draft a matching</a>' in matchings
    pairings = html.unescape(manager.get("/pairings").text)
    assert "No pairing in force" in pairings and 'href="/participants">Find someone' in pairings
    # A viewer is told what is missing, never offered what they cannot do.
    viewer_overview = html.unescape(signed_in("viewer").get("/").text)
    assert (
        "No participant yet" in viewer_overview
        and 'class="button secondary" href="/import"' not in viewer_overview
    )
