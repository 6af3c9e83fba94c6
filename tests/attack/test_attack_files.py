"""Hostile and unlucky files (and JSON cells) replayed through the CLI and the API: each gets
its exact refusal or import, no traceback, no 500, no personal value in any message, and
nothing stored when refused."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from litestar.testing import TestClient

from recomentor.cli import context, imports
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.apikeys import create_key
from recomentor.store.participants import count_participants, get_participant
from tests.api.conftest import as_json, headers
from tests.apps import shared_app
from tests.cli_runner import cli_home as in_home
from tests.cli_runner import run_main
from tests.fakes import person

HEADER = "id,name,email,department,years_experience,role,skills,goals"
NAME, EMAIL, FREE_TEXT = (
    "Jeanne Secret",
    "jeanne.secret@corp.example",
    "my private free-text answer",
)
SECRETS = (NAME, EMAIL, FREE_TEXT)


def row(pid: str = "E1", *, name: str = NAME, skills: str = "python", years: str = "3") -> str:
    return f"{pid},{name},{EMAIL},IT,{years},mentor,{skills},"


def csv(*rows: str, end: str = "\n") -> bytes:
    return end.join([HEADER, *rows, ""]).encode("utf-8")


UNTERMINATED = csv(row("E2"), f'E1,{NAME},{EMAIL},IT,3,mentor,"{FREE_TEXT}')
NO_HEADER = (row("E1") + "\n" + row("E2") + "\n").encode("utf-8")
# Each file the importer must refuse as a whole: the words of its answer.
REFUSED_FILES = {
    "unterminated quote": (
        UNTERMINATED,
        "malformed CSV: the quoted cell that starts on line 3 is never closed",
    ),
    "no header row": (
        NO_HEADER,
        "no column for required field(s) id, department, years_experience, role; the header "
        "line has 7 columns, none of them is a field name or a mapped header: is the header "
        "line missing, or is a mapping needed?",
    ),
    "utf-16 with BOM": (
        csv(row()).decode().encode("utf-16"),
        'UTF-16 text; save it as "CSV UTF-8"',
    ),
    "utf-16 without BOM": (
        csv(row()).decode().encode("utf-16-be"),
        'UTF-16 text; save it as "CSV UTF-8"',
    ),
    "utf-32": (csv(row()).decode().encode("utf-32"), 'UTF-32 text; save it as "CSV UTF-8"'),
    "unterminated quote, huge cell": (
        csv(row("E2"), f'E1,{NAME},{EMAIL},IT,3,mentor,"{FREE_TEXT} ' + "x" * 200_000),
        "a cell of the record that starts on line 3 runs on for over 131,072 characters",
    ),
    "BOM only": (b"\xef\xbb\xbf", "the file has no rows"),
    "header only": (csv(), "the file has no rows, only a header line"),
    "header only, BOM and CRLF": (b"\xef\xbb\xbf" + csv(end="\r\n"), "the file has no rows"),
}


def _xlsx(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    pl.DataFrame(rows[1:] or None, schema=rows[0], orient="row").write_excel(out)
    return out.getvalue()


REFUSED_FILES["xlsx, header only"] = (
    _xlsx([HEADER.split(",")]),
    "the file has no rows, only a header line",
)


def _clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    assert "Traceback" not in text


# --- CLI -----------------------------------------------------------------------------------


@pytest.fixture
def settings(shared_settings: Settings) -> Settings:
    return shared_settings


@pytest.fixture
def cli_home(
    tmp_path: Path, migrated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    with in_home(migrated_home, monkeypatch):
        yield tmp_path


def run_cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    code, out, err = run_main(args, capsys, monkeypatch)
    _clean(out + err)
    return code, out, err


def _stored(store: Store) -> int:
    with store.session() as session:
        return count_participants(session)


def _write(folder: Path, data: bytes, name: str = "export.csv") -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("case", REFUSED_FILES)
def test_cli_refuses_each_file_in_one_line_naming_the_problem_not_the_values(
    case: str, cli_home: Path, capsys, monkeypatch
) -> None:
    data, message = REFUSED_FILES[case]
    for extra in ([], ["--skip-invalid"]):
        code, out, err = run_cli(
            ["import", "participants", _write(cli_home, data), *extra], capsys, monkeypatch
        )
        assert (code, out) == (1, "")
        assert err.startswith("error: export.csv: ") and message in err, err
        assert len(err.strip().splitlines()) == 1
    assert _stored(context.store()) == 0


@pytest.fixture
def cli_store(store: Store, cli_home: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The CLI's import commands on the parametrised store (SQLite, then PostgreSQL)."""
    monkeypatch.setattr(imports, "store", lambda: store)
    return store


def test_cli_nul_byte_is_a_row_error_on_every_database(
    cli_store: Store, cli_home: Path, capsys, monkeypatch
) -> None:
    path = _write(cli_home, csv(row("E1", skills="py\x00thon"), row("E2")))
    code, out, err = run_cli(["import", "participants", path], capsys, monkeypatch)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "error: 1 invalid rows (lines 2); nothing was imported",
        "  line 2 (E1): skills: holds a control character (such as NUL); only free text may "
        "hold tabs and line breaks",
    ]
    assert _stored(cli_store) == 0
    code, out, _ = run_cli(
        ["import", "participants", path, "--skip-invalid", "--json"], capsys, monkeypatch
    )
    report = json.loads(out)
    assert (code, report["inserted"], report["rejected_rows"]) == (0, 1, 1)
    with cli_store.session() as session:
        assert get_participant(session, "E2").skills == "python"


@pytest.mark.parametrize(
    ("cell_name", "skills", "rejected"),
    [
        (NAME, "python\tSQL", False),  # a tab in free text is fine
        (NAME, '"python\nSQL"', False),  # so is a quoted line break
        (NAME, "py\x1b[31mthon", True),  # a terminal escape is not
        ("Jeanne\tSecret", "python", True),  # a tab in a one-line field is not
        ("Jeanne\x7fSecret", "python", True),  # nor DEL
    ],
)
def test_control_characters_other_than_tabs_and_breaks_in_free_text_are_row_errors(
    cell_name: str, skills: str, rejected: bool, cli_home: Path, capsys, monkeypatch
) -> None:
    path = _write(cli_home, csv(row("E1", name=cell_name, skills=skills)))
    code, _, err = run_cli(["import", "participants", path], capsys, monkeypatch)
    assert code == (1 if rejected else 0), err
    assert ("holds a control character" in err) is rejected
    assert _stored(context.store()) == (0 if rejected else 1)


def test_cli_cuts_a_long_id_to_64_characters_in_every_report(
    cli_home: Path, capsys, monkeypatch
) -> None:
    long_id = "E" * 10_000
    path = _write(cli_home, csv(row(long_id, years="abc")))
    code, _, err = run_cli(["import", "participants", path], capsys, monkeypatch)
    assert code == 1
    assert f"line 2 ({'E' * 63}…): years_experience: not a number of years" in err
    assert "E" * 64 not in err
    code, out, _ = run_cli(
        ["import", "participants", path, "--skip-invalid", "--json"], capsys, monkeypatch
    )
    assert [(p["field"], p["row_id"]) for p in json.loads(out)["rejected"]] == [
        ("id", "E" * 63 + "…"),
        ("years_experience", "E" * 63 + "…"),
    ]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RECOMENTOR_MAX_UPLOAD_BYTES", "100", "the limit is 100 (RECOMENTOR_MAX_UPLOAD_BYTES)"),
        ("RECOMENTOR_MAX_ROWS", "2", "3 rows; the limit is 2 rows per import"),
    ],
)
def test_cli_takes_the_apis_limits_from_the_same_settings(
    variable: str, value: str, message: str, cli_home: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv(variable, value)
    path = _write(cli_home, csv(row("E1"), row("E2"), row("E3")))
    code, _, err = run_cli(["import", "participants", path], capsys, monkeypatch)
    assert (code, err.startswith("error: export.csv: "), message in err) == (1, True, True)
    assert _stored(context.store()) == 0


def test_cli_limits_text_length_from_the_settings(cli_home: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("RECOMENTOR_MAX_TEXT_CHARS", "5")
    path = _write(cli_home, csv(row("E1", skills="python")))
    code, _, err = run_cli(["import", "participants", path], capsys, monkeypatch)
    assert code == 1
    assert "line 2 (E1): skills: longer than 5 characters" in err


def test_cli_refuses_an_oversized_file_before_reading_it(
    cli_home: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("RECOMENTOR_MAX_UPLOAD_BYTES", "1000")
    path = _write(cli_home, csv(*(row(f"E{i}") for i in range(200))))
    code, _, err = run_cli(["import", "participants", path], capsys, monkeypatch)
    assert code == 1
    assert err.startswith("error: export.csv: the file is ") and "the limit is 1,000" in err


def test_cli_cuts_long_and_unprintable_ignored_headers(cli_home: Path, capsys, monkeypatch) -> None:
    data = csv(row("E1")).replace(b"goals", b"goals,Q\x1b[2J" + b"x" * 500, 1)
    code, out, _ = run_cli(
        ["import", "participants", _write(cli_home, data), "--json"], capsys, monkeypatch
    )
    assert (code, json.loads(out)["ignored_columns"]) == (0, ["Q\ufffd[2J" + "x" * 58 + "…"])


def test_cli_reads_lone_cr_line_endings_as_lines(cli_home: Path, capsys, monkeypatch) -> None:
    path = _write(cli_home, csv(row("E1"), row("E2"), end="\r"))
    code, out, _ = run_cli(["import", "participants", path, "--json"], capsys, monkeypatch)
    report = json.loads(out)
    assert (code, report["rows_read"], report["inserted"]) == (0, 2, 2)


# Once a raw polars error: the reader's own line column was named "__line__" too.
LINE_LIKE_HEADER = HEADER.replace("goals", "goals,__line__").encode("utf-8")


def test_cli_imports_a_file_with_a_header_named_like_the_line_column(
    cli_home: Path, capsys, monkeypatch
) -> None:
    data = LINE_LIKE_HEADER + b"\n" + row("E1").encode("utf-8") + b",9\n"
    code, out, _ = run_cli(
        ["import", "participants", _write(cli_home, data), "--json"], capsys, monkeypatch
    )
    report = json.loads(out)
    assert (code, report["inserted"], report["ignored_columns"]) == (0, 1, ["__line__"])


def test_cli_refuses_a_mapping_that_reads_two_fields_from_one_column(
    cli_home: Path, capsys, monkeypatch
) -> None:
    mapping = cli_home / "m.toml"
    mapping.write_text('[columns]\nname = "email"\n', encoding="utf-8")
    path = _write(cli_home, csv(row("E1")))
    code, out, err = run_cli(
        ["import", "participants", path, "--mapping", str(mapping)], capsys, monkeypatch
    )
    assert (code, out) == (1, "")
    assert err == (
        "error: export.csv: fields name and email would both be read from column 'email'; "
        "map each field to its own column\n"
    )
    assert _stored(context.store()) == 0


def test_cli_names_a_folder_given_as_file_or_mapping(cli_home: Path, capsys, monkeypatch) -> None:
    path = _write(cli_home, csv(row("E1")))
    code, _, err = run_cli(["import", "participants", str(cli_home)], capsys, monkeypatch)
    assert (code, err) == (1, f"error: {cli_home} is a folder, not a file\n")
    code, _, err = run_cli(
        ["import", "participants", path, "--mapping", str(cli_home)], capsys, monkeypatch
    )
    assert (code, err) == (1, f"error: mapping {cli_home} is a folder, not a file\n")


def test_cli_feedback_with_a_nul_in_an_id_is_a_row_error(
    cli_store: Store, cli_home: Path, capsys, monkeypatch
) -> None:
    run_cli(
        ["import", "participants", _write(cli_home, csv(row("E1"), row("E2")))], capsys, monkeypatch
    )
    feedback = b"mentor_id,mentee_id,rating\nE\x001,E2,4\nE1,E2,5\n"
    code, _, err = run_cli(
        ["import", "feedback", _write(cli_home, feedback, "fb.csv")], capsys, monkeypatch
    )
    assert code == 1
    assert "line 2 (E\ufffd1->E2): mentor_id: holds a control character" in err


# --- API -----------------------------------------------------------------------------------


@pytest.fixture
def api(
    store: Store, settings: Settings, caplog: pytest.LogCaptureFixture
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The shared app on the parametrised store, with small limits and a read+write key.

    The settings name the store's database: the shared SQLite file, or a PostgreSQL schema of
    the test's own (and so an app of its own)."""
    limits = replace(
        settings,
        database_url=store.engine.url.render_as_string(hide_password=False),
        max_upload_bytes=300_000,
        max_rows=50,
        max_text_chars=100,
    )
    key = create_key(store, "attacker", "read,write").key
    caplog.set_level(logging.INFO)
    with TestClient(shared_app(limits)) as client:
        yield client, headers(key)
    _clean(caplog.text)


def _upload(
    client: TestClient, auth: dict[str, str], data: bytes, mapping: bytes | None = None
) -> Any:
    files: dict[str, tuple[str, bytes, str]] = {"file": ("export.csv", data, "text/csv")}
    if mapping is not None:
        files["mapping"] = ("m.toml", mapping, "application/toml")
    response = client.post("/api/v1/participants/import", files=files, headers=auth)
    _clean(response.text)
    return response


@pytest.mark.parametrize("case", REFUSED_FILES)
def test_api_refuses_each_file_with_a_422_naming_the_problem_not_the_values(
    case: str, api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, auth = api
    data, message = REFUSED_FILES[case]
    response = _upload(client, auth, data)
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "urn:recomentor:problem:invalid-input"
    assert body["detail"].startswith("export.csv: ") and message in body["detail"]
    assert _stored(store) == 0


def test_api_nul_byte_in_a_file_is_a_row_error(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, auth = api
    response = _upload(client, auth, csv(row("E1", skills="py\x00thon")))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "line": 2,
            "field": "skills",
            "reason": "holds a control character (such as NUL); only free text may hold tabs "
            "and line breaks",
            "row_id": "E1",
        }
    ]
    assert _stored(store) == 0


def test_api_limits_and_mapping_collision(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, auth = api
    big = _upload(client, auth, csv(row("E1", skills="x" * 300_000)))
    assert big.status_code == 422  # within the multipart slack: the reader's limit answers
    assert "the limit is 300,000 (RECOMENTOR_MAX_UPLOAD_BYTES)" in big.json()["detail"]
    many = _upload(client, auth, csv(*(f"E{i},,,IT,3,mentor,x," for i in range(51))))
    assert many.status_code == 422
    assert "51 rows; the limit is 50 rows per import" in many.json()["detail"]
    collision = _upload(client, auth, csv(row()), mapping=b'[columns]\nname = "email"\n')
    assert collision.status_code == 422
    assert (
        "fields name and email would both be read from column 'email'"
        in (collision.json()["detail"])
    )
    assert _stored(store) == 0


def test_api_imports_a_file_with_a_header_named_like_the_line_column(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, auth = api
    data = LINE_LIKE_HEADER + b"\n" + row("E1", years="x").encode("utf-8") + b",9\n"
    response = _upload(client, auth, data)
    assert response.status_code == 422
    assert [(p["line"], p["field"]) for p in response.json()["errors"]] == [(2, "years_experience")]
    assert _stored(store) == 0


def test_api_long_id_is_cut_in_the_report(api: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = api
    response = _upload(client, auth, csv(row("E" * 3000, years="abc")))
    assert response.status_code == 422
    assert [(p["field"], p["row_id"]) for p in response.json()["errors"]] == [
        ("id", "E" * 63 + "…"),
        ("years_experience", "E" * 63 + "…"),
    ]


def _person(**changes: Any) -> dict[str, Any]:
    return as_json({**person("E1", role="mentor", years=3, skills="python", goals=None), **changes})


def test_json_upserts_and_patches_share_the_files_control_character_check(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, auth = api
    url = "/api/v1/participants"
    nul = client.post(url, json=_person(skills="py\u0000thon"), headers=auth)
    assert nul.status_code == 422, nul.text
    assert [(p["field"], p["row_id"]) for p in nul.json()["errors"]] == [("skills", "E1")]
    escape = client.post(url, json=_person(name="Jeanne\u001b[2JSecret"), headers=auth)
    assert escape.status_code == 422
    assert _stored(store) == 0
    assert client.post(url, json=_person(), headers=auth).status_code == 200
    patched = client.patch(f"{url}/E1", json={"goals": f"{FREE_TEXT}\u0000"}, headers=auth)
    assert patched.status_code == 422
    assert [p["field"] for p in patched.json()["errors"]] == ["goals"]
    with store.session() as session:
        assert get_participant(session, "E1").goals is None
    assert client.get(f"{url}/E%001", headers=auth).status_code == 400
    assert client.patch(f"{url}/E%001", json={"goals": "x"}, headers=auth).status_code == 400


def test_json_feedback_with_a_nul_in_an_id_is_a_422(
    api: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = api
    assert client.post("/api/v1/participants", json=_person(), headers=auth).status_code == 200
    response = client.post(
        "/api/v1/feedback",
        json={"mentor_id": "E1", "mentee_id": "E\u00002", "rating": 4},
        headers=auth,
    )
    assert response.status_code == 422, response.text
    assert [(p["line"], p["field"]) for p in response.json()["errors"]] == [(1, "mentee_id")]
