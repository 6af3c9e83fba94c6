"""/import: upload, preview (nothing stored), confirm, all-or-nothing, bad inputs, saved
mappings, who may, CSRF."""

from __future__ import annotations

import html
import logging
import os
import re
import stat
import time
from dataclasses import replace
from pathlib import Path

import pytest
from litestar.testing import TestClient

from recomentor.accounts.users import list_users
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.import_runs import latest_imports
from recomentor.store.participants import count_participants
from recomentor.survey.saved_mappings import list_mappings
from recomentor.web.pending_imports import UPLOADS
from tests.conftest import EXAMPLES
from tests.web_client import SignIn, csrf_token

SAMPLE = (EXAMPLES / "forms_export_fr.csv").read_bytes()
MAPPING = (EXAMPLES / "forms_fr_mapping.toml").read_bytes()
CLEAN = b"id,department,years_experience,role,skills\nA1,IT,2,mentor,Python\nA2,HR,3,mentor,SQL\n"
# Small, so that a too large upload is cheap to send.
MAX_UPLOAD = 100_000
_UPLOAD_URL = re.compile(r"^/import/([\w-]{32})$")


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return replace(settings, lang="en", max_upload_bytes=MAX_UPLOAD)


def _files(
    data: bytes = SAMPLE, mapping: bytes | None = MAPPING, name: str = "export.csv"
) -> dict[str, tuple[str, bytes, str]]:
    files = {"file": (name, data, "text/csv")}
    if mapping is not None:
        files["mapping"] = ("forms_fr_mapping.toml", mapping, "text/plain")
    return files


def _upload(browser: TestClient, files: dict, **fields: str):
    token = csrf_token(browser, "/import")
    return browser.post(
        "/import", data={"csrf_token": token, **fields}, files=files, follow_redirects=False
    )


def _preview_url(browser: TestClient, files: dict | None = None, **fields: str) -> str:
    response = _upload(browser, files or _files(), **fields)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert _UPLOAD_URL.match(location)
    return location


def _confirm(browser: TestClient, preview_url: str):
    return browser.post(f"{preview_url}/confirm", data={"csrf_token": csrf_token(browser)})


def _stored(store: Store) -> int:
    with store.session() as session:
        return count_participants(session)


def _kept_uploads(settings: Settings) -> list[Path]:
    folder = settings.home / UPLOADS
    return sorted(folder.iterdir()) if folder.exists() else []


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def _count(response, name: str) -> int:
    found = re.search(rf'data-count="{name}">(\d+)<', response.text)
    assert found, f"no {name} count on the page"
    return int(found.group(1))


def test_the_preview_shows_rows_and_problems_and_stores_nothing(
    signed_in: SignIn, sqlite_store: Store, web_settings: Settings
) -> None:
    manager = signed_in("manager")
    preview = manager.get(_preview_url(manager))
    assert preview.status_code == 200
    text = _text(preview)
    assert "Nothing has been stored yet" in text
    # The first rows as mapped: ids, names, departments, roles through the aliases.
    assert "E1001 Claire Martin Marketing mentor 2" in text
    assert "E1003 Inès Benali DSI both 3" in text
    # Each bad row with its line, id, field and reason.
    assert "33 E1055 Years of experience years_experience required field missing" in text
    assert "34 E1056 Role role not an allowed answer" in text
    assert "34 E1056 Max mentees max_mentees not a whole number" in text
    assert (_count(preview, "rows_read"), _count(preview, "inserted")) == (33, 30)
    assert _count(preview, "rejected_rows") == 2
    # All or nothing by default: the confirmation is refused, and the page says why.
    assert re.search(r'id="confirm-import" disabled', preview.text)
    assert "Nothing can be imported while 2 rows are invalid" in text
    assert _stored(sqlite_store) == 0
    assert latest_imports(sqlite_store) == []
    # The upload waits in the data home, readable by the server's user only.
    kept = _kept_uploads(web_settings)
    assert len(kept) == 2
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in kept)
    assert stat.S_IMODE(kept[0].parent.stat().st_mode) == 0o700


def test_a_strict_confirmation_with_bad_rows_stores_nothing(
    signed_in: SignIn, sqlite_store: Store, web_settings: Settings
) -> None:
    manager = signed_in("manager")
    refused = _confirm(manager, _preview_url(manager))
    assert refused.status_code == 400
    assert "2 invalid rows (lines 33, 34); nothing was imported" in _text(refused)
    assert _stored(sqlite_store) == 0 and latest_imports(sqlite_store) == []
    assert _kept_uploads(web_settings) == []


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(
    signed_in: SignIn, sqlite_store: Store, web_settings: Settings
) -> None:
    manager = signed_in("manager")
    url = _preview_url(manager, skip_invalid="on")
    preview = manager.get(url)
    assert "The 2 rejected rows will be left out." in _text(preview)
    assert not re.search(r'id="confirm-import" disabled', preview.text)
    report = _confirm(manager, url)
    assert report.status_code == 200
    text = _text(report)
    assert "Import done: export.csv" in text
    counts = {name: _count(report, name) for name in ("inserted", "updated", "unchanged")}
    assert counts == {"inserted": 30, "updated": 0, "unchanged": 0}
    assert _count(report, "rejected_rows") == 2
    assert "33 E1055 Years of experience" in text and "34 E1056 Role" in text
    assert _stored(sqlite_store) == 30
    assert _kept_uploads(web_settings) == []
    (run,) = latest_imports(sqlite_store)
    (user,) = list_users(sqlite_store)
    assert (run.inserted, run.rejected_rows, run.user_id) == (30, 2, user.id)
    # The same confirmation sent again (a double click, a reload) imports nothing twice.
    again = _confirm(manager, url)
    assert again.status_code == 409 and "no longer available" in _text(again)
    assert len(latest_imports(sqlite_store)) == 1
    # Sent again: nothing changes, and the preview says so before.
    second = manager.get(_preview_url(manager, skip_invalid="on"))
    assert (_count(second, "inserted"), _count(second, "unchanged")) == (0, 30)


def test_a_clean_file_imports_without_a_mapping(signed_in: SignIn, sqlite_store: Store) -> None:
    manager = signed_in("manager")
    url = _preview_url(manager, _files(CLEAN, mapping=None))
    assert "Mapping: none, the headers are the field names" in _text(manager.get(url))
    report = _confirm(manager, url)
    assert report.status_code == 200 and _count(report, "inserted") == 2
    assert _stored(sqlite_store) == 2
    overview = manager.get("/")
    assert "Last import" in _text(overview) and "2 new, 0 updated, 0 rejected rows" in _text(
        overview
    )


def test_cancel_deletes_the_upload(
    signed_in: SignIn, sqlite_store: Store, web_settings: Settings
) -> None:
    manager = signed_in("manager")
    url = _preview_url(manager)
    cancelled = manager.post(f"{url}/cancel", data={"csrf_token": csrf_token(manager)})
    assert "The upload was deleted; nothing was imported." in _text(cancelled)
    assert _kept_uploads(web_settings) == []
    assert _confirm(manager, url).status_code == 409


@pytest.mark.parametrize(
    ("files", "fields", "message"),
    [
        (_files(b"", None), {}, "export.csv: the file has no rows (it is empty)"),
        (
            _files(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, None),
            {},
            "export.csv: not UTF-8 nor Windows-1252 text",
        ),
        (
            _files("id,department\n".encode("utf-16"), None),
            {},
            'the file is UTF-16 text; save it as "CSV UTF-8"',
        ),
        (_files(b"PK\x03\x04 not a workbook", None), {}, "cannot read the workbook"),
        (
            _files(SAMPLE, b"[columns]\nid = \n"),
            {},
            "forms_fr_mapping.toml: not valid TOML: Invalid value (at line 2, column 6)",
        ),
        (_files(SAMPLE, None), {"saved_mapping": "wave 2"}, "no mapping is saved as 'wave 2'"),
        (_files(SAMPLE, None), {}, "no column for required field(s) id, department"),
        (
            _files(SAMPLE),
            {"saved_mapping": "wave 2"},
            "Choose a saved mapping or a mapping file, not both.",
        ),
        (
            {"file": ("", b"", "application/octet-stream")},
            {},
            "Choose the survey export to import (CSV or XLSX).",
        ),
        (
            _files(b"x" * (MAX_UPLOAD + 1), None),
            {},
            "the file is 100,001 bytes; the limit is 100,000",
        ),
    ],
    ids=[
        "empty",
        "not-csv-nor-xlsx",
        "utf-16",
        "broken-xlsx",
        "toml-syntax",
        "unknown-saved-mapping",
        "missing-required-columns",
        "two-mappings",
        "no-file",
        "over-the-limit",
    ],
)
def test_bad_input_is_said_on_the_form_and_nothing_is_kept(
    signed_in: SignIn,
    sqlite_store: Store,
    web_settings: Settings,
    caplog: pytest.LogCaptureFixture,
    files: dict,
    fields: dict[str, str],
    message: str,
) -> None:
    manager = signed_in("manager")
    with caplog.at_level(logging.DEBUG):
        response = _upload(manager, files, **fields)
    assert response.status_code == 400
    text = _text(response)
    assert message in text
    assert "Traceback" not in response.text
    # The form keeps the choices made.
    if "saved_mapping" in fields:
        assert 'name="skip_invalid"' in response.text
    assert _stored(sqlite_store) == 0 and _kept_uploads(web_settings) == []
    logged = caplog.text
    assert "Claire" not in logged and "E1001" not in logged and "Matricule" not in logged


def test_a_much_larger_upload_gets_the_too_large_page(
    signed_in: SignIn, sqlite_store: Store, web_settings: Settings
) -> None:
    manager = signed_in("manager")
    response = _upload(manager, _files(b"x" * (MAX_UPLOAD + 400 * 1024), None))
    assert response.status_code == 413
    assert "Too large" in _text(response)
    assert _stored(sqlite_store) == 0 and _kept_uploads(web_settings) == []


def test_saved_mappings_are_saved_used_by_name_and_deleted(
    signed_in: SignIn, sqlite_store: Store
) -> None:
    manager = signed_in("manager")
    token = csrf_token(manager, "/import")
    saved = manager.post(
        "/import/mappings",
        data={"csrf_token": token, "name": "Forms FR"},
        files={"mapping": ("m.toml", MAPPING, "text/plain")},
    )
    assert saved.status_code == 200
    assert "Mapping “Forms FR” saved" in _text(saved)
    assert '<option value="Forms FR">Forms FR</option>' in saved.text
    refused = manager.post(
        "/import/mappings",
        data={"csrf_token": token, "name": "other"},
        files={"mapping": ("m.toml", b'[columns]\nmatricule = "Matricule"\n', "text/plain")},
    )
    assert refused.status_code == 400
    assert "unknown field 'matricule'" in _text(refused)
    twice = manager.post(
        "/import/mappings",
        data={"csrf_token": token, "name": "Forms FR"},
        files={"mapping": ("m.toml", MAPPING, "text/plain")},
    )
    assert twice.status_code == 400 and "already saved" in _text(twice)
    url = _preview_url(manager, _files(mapping=None), saved_mapping="Forms FR", skip_invalid="on")
    preview = manager.get(url)
    assert "Mapping: saved as “Forms FR”" in _text(preview) and _count(preview, "inserted") == 30
    # Only an uploaded mapping file is offered to be saved again.
    assert "save-this-mapping" not in preview.text
    (mapping,) = list_mappings(sqlite_store)
    deleted = manager.post(f"/import/mappings/{mapping.id}/delete", data={"csrf_token": token})
    assert "Mapping deleted." in _text(deleted) and list_mappings(sqlite_store) == []
    gone = manager.post(f"/import/mappings/{mapping.id}/delete", data={"csrf_token": token})
    assert "already been deleted" in _text(gone)


def test_the_mapping_of_a_previewed_upload_is_saved_from_its_preview(
    signed_in: SignIn, sqlite_store: Store
) -> None:
    manager = signed_in("manager")
    url = _preview_url(manager)
    token = csrf_token(manager, url)
    saved = manager.post(f"{url}/save-mapping", data={"csrf_token": token, "name": "wave 1"})
    assert saved.status_code == 200 and "Mapping “wave 1” saved" in _text(saved)
    assert "Preview: export.csv" in _text(saved)
    again = manager.post(f"{url}/save-mapping", data={"csrf_token": token, "name": "wave 1"})
    assert again.status_code == 400 and "already saved" in _text(again)
    assert [m.name for m in list_mappings(sqlite_store)] == ["wave 1"]


def test_a_viewer_sees_the_page_but_cannot_upload_or_confirm(
    signed_in: SignIn, sqlite_store: Store, web_settings: Settings
) -> None:
    manager, viewer = signed_in("manager"), signed_in("viewer")
    url = _preview_url(manager)
    page = viewer.get("/import")
    assert page.status_code == 200
    assert "Your role lets you see the imports, not make them." in _text(page)
    assert 'action="/import"' not in page.text
    token = csrf_token(viewer, "/import")
    assert viewer.post("/import", data={"csrf_token": token}, files=_files()).status_code == 403
    assert viewer.get(url).status_code == 403
    assert viewer.post(f"{url}/confirm", data={"csrf_token": token}).status_code == 403
    save = viewer.post(
        "/import/mappings", data={"csrf_token": token, "name": "x"}, files=_files(CLEAN, MAPPING)
    )
    assert save.status_code == 403
    assert _stored(sqlite_store) == 0 and list_mappings(sqlite_store) == []


def test_another_manager_cannot_confirm_or_see_my_upload(
    signed_in: SignIn, sqlite_store: Store, web_settings: Settings
) -> None:
    mine, theirs = signed_in("manager"), signed_in("manager")
    url = _preview_url(mine, skip_invalid="on")
    assert "no longer available" in _text(theirs.get(url))
    assert _confirm(theirs, url).status_code == 409
    assert _stored(sqlite_store) == 0
    # Still mine to confirm.
    assert _confirm(mine, url).status_code == 200 and _stored(sqlite_store) == 30


def test_an_upload_older_than_an_hour_is_refused(
    signed_in: SignIn, sqlite_store: Store, web_settings: Settings
) -> None:
    manager = signed_in("manager")
    url = _preview_url(manager, skip_invalid="on")
    hour_ago = time.time() - 3601
    for path in _kept_uploads(web_settings):
        os.utime(path, (hour_ago, hour_ago))
    assert _confirm(manager, url).status_code == 409
    assert _stored(sqlite_store) == 0
    manager.get("/import")  # the page sweeps what has expired
    assert _kept_uploads(web_settings) == []


def test_posts_without_the_csrf_token_are_refused_and_keep_nothing(
    signed_in: SignIn, sqlite_store: Store, web_settings: Settings
) -> None:
    manager = signed_in("manager")
    refused = manager.post("/import", data={"skip_invalid": "on"}, files=_files())
    assert refused.status_code == 403 and "Form refused" in _text(refused)
    assert _kept_uploads(web_settings) == []
    url = _preview_url(manager, skip_invalid="on")
    assert manager.post(f"{url}/confirm").status_code == 403
    assert manager.post(f"{url}/confirm", data={"csrf_token": "forged"}).status_code == 403
    save = manager.post("/import/mappings", data={"name": "x"}, files=_files(CLEAN, MAPPING))
    assert save.status_code == 403
    assert _stored(sqlite_store) == 0 and list_mappings(sqlite_store) == []


def test_the_page_speaks_french(signed_in: SignIn) -> None:
    manager = signed_in("manager")
    manager.cookies.set("lang", "fr")
    preview = manager.get(_preview_url(manager))
    text = _text(preview)
    assert "Aperçu : export.csv" in text and "Rien n'est encore enregistré" in text
    assert "Rien ne peut être importé tant que 2 lignes ne sont pas valides" in text
    assert "33 E1055 Années d'expérience years_experience" in text
