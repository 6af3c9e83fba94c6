"""Survey import over HTTP: multipart file plus optional mapping, the CLI's report and rules."""

from __future__ import annotations

import io

from litestar.testing import TestClient

from tests.api.conftest import headers
from tests.conftest import EXAMPLES

URL = "/api/v1/participants/import"
SAMPLE = EXAMPLES / "forms_export_fr.csv"
MAPPING = EXAMPLES / "forms_fr_mapping.toml"


def _upload(
    client: TestClient,
    key: str,
    content: bytes,
    *,
    mapping: bytes | None = None,
    skip_invalid: bool = False,
    filename: str = "export.csv",
) -> object:
    files: dict[str, tuple[str, bytes, str]] = {"file": (filename, content, "text/csv")}
    if mapping is not None:
        files["mapping"] = ("mapping.toml", mapping, "application/toml")
    data = {"skip_invalid": "true"} if skip_invalid else None
    return client.post(URL, files=files, data=data, headers=headers(key))


def test_sample_is_all_or_nothing_with_every_bad_row(
    client: TestClient, keys: dict[str, str]
) -> None:
    response = _upload(client, keys["write"], SAMPLE.read_bytes(), mapping=MAPPING.read_bytes())
    assert response.status_code == 422, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["type"] == "urn:recomentor:problem:rows-rejected"
    assert {(p["line"], p["field"]) for p in body["errors"]} == {
        (33, "years_experience"),
        (34, "role"),
        (34, "max_mentees"),
    }
    assert (
        client.get("/api/v1/participants/E1040", headers=headers(keys["read"])).status_code == 404
    )


def test_sample_with_skip_invalid_reports_like_the_cli(
    client: TestClient, keys: dict[str, str]
) -> None:
    response = _upload(
        client,
        keys["write"],
        SAMPLE.read_bytes(),
        mapping=MAPPING.read_bytes(),
        skip_invalid=True,
    )
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    report = response.json()  # type: ignore[attr-defined]
    assert report["source"] == "export.csv"
    assert report["rows_read"] == 33
    assert report["inserted"] == 30
    assert report["rejected_rows"] == 2
    assert report["superseded_lines"] == [2]
    got = client.get("/api/v1/participants/E1040", headers=headers(keys["read"]))
    assert got.status_code == 200
    again = _upload(
        client, keys["write"], SAMPLE.read_bytes(), mapping=MAPPING.read_bytes(), skip_invalid=True
    ).json()  # type: ignore[attr-defined]
    assert (again["inserted"], again["unchanged"]) == (0, 30)


def test_canonical_headers_need_no_mapping(client: TestClient, keys: dict[str, str]) -> None:
    csv = b"id,department,years_experience,role,skills\nA1,IT,2,mentor,Python\n"
    report = _upload(client, keys["write"], csv).json()  # type: ignore[attr-defined]
    assert report["inserted"] == 1


def test_unreadable_files_are_422(client: TestClient, keys: dict[str, str]) -> None:
    # A lone byte-order mark reached polars unchecked and answered 500 (found by schemathesis).
    for content in (b"", b"\x00\x01\x02 not text \xff\xfe", b"PK\x03\x04 broken", b"\xef\xbb\xbf"):
        response = _upload(client, keys["write"], content, filename="x.xlsx")
        assert response.status_code == 422, response.text  # type: ignore[attr-defined]
        assert response.json()["status"] == response.status_code  # type: ignore[attr-defined]
    missing_column = b"id,department\nA1,IT\n"
    response = _upload(client, keys["write"], missing_column)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "years_experience" in response.json()["detail"]  # type: ignore[attr-defined]


def test_bad_mapping_is_422(client: TestClient, keys: dict[str, str]) -> None:
    for mapping in (b"[columns\nid = ", b'[columns]\nshoe_size = "Pointure"\n', b"\xff\xfe"):
        response = _upload(client, keys["write"], SAMPLE.read_bytes(), mapping=mapping)
        assert response.status_code == 422, response.text  # type: ignore[attr-defined]


def test_missing_file_part_is_400(client: TestClient, keys: dict[str, str]) -> None:
    response = client.post(
        URL, files={"other": ("a.csv", b"id\n", "text/csv")}, headers=headers(keys["write"])
    )
    assert response.status_code == 400
    json_body = client.post(URL, json={"file": "id,department"}, headers=headers(keys["write"]))
    assert json_body.status_code == 400


def test_upload_over_the_limit_is_413(client: TestClient, keys: dict[str, str]) -> None:
    # api_settings: max_upload_bytes = 64 KiB; the request limit adds 256 KiB of slack.
    header = b"id,department,years_experience,role,skills\n"
    row = b"A1,IT,2,mentor," + b"x" * 100 + b"\n"
    over_request = header + row * 4_000
    response = _upload(client, keys["write"], over_request)
    assert response.status_code == 413  # type: ignore[attr-defined]
    # Within the request slack but over the file limit: refused by the import's own check.
    over_file = header + row * 700
    response = _upload(client, keys["write"], over_file)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "limit" in response.json()["detail"]  # type: ignore[attr-defined]


def test_xlsx_upload_is_read(client: TestClient, keys: dict[str, str]) -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    for row, values in enumerate(
        [
            ["id", "department", "years_experience", "role", "goals"],
            ["B1", "RH", 20, "mentee", "IA"],
        ]
    ):
        sheet.write_row(row, 0, values)
    workbook.close()
    response = _upload(client, keys["write"], buffer.getvalue(), filename="survey.xlsx")
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert response.json()["encoding"] == "xlsx"  # type: ignore[attr-defined]


def test_mapping_must_be_a_file_part_and_text_parts_utf8(
    client: TestClient, keys: dict[str, str]
) -> None:
    response = client.post(
        URL,
        files={"file": ("export.csv", SAMPLE.read_bytes(), "text/csv")},
        data={"mapping": MAPPING.read_text(encoding="utf-8")},
        headers=headers(keys["write"]),
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "mapping"
    # Regression: a non-UTF-8 text part made Litestar's form parser raise, answered 500.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="mapping"\r\n\r\n\xff\xfe\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
        b"id\n\r\n--b--\r\n"
    )
    response = client.post(
        URL,
        content=body,
        headers={**headers(keys["write"]), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "a text part of the request is not UTF-8"


def test_attributes_round_trip_from_the_import_to_the_participant_answer(
    client: TestClient, keys: dict[str, str]
) -> None:
    mapping = (
        b'[defaults]\nrole = "mentee"\n'
        b'[attributes.grade]\ncolumn = "grade"\ntype = "ordinal"\norder = ["AA", "HEO"]\n'
        b'[attributes.traits]\ncolumn = "traits"\ntype = "multi"\nseparator = ";"\n'
        b'[attributes.hours]\ncolumn = "hours"\ntype = "number"\n'
    )
    csv = b"id,department,years_experience,goals,grade,traits,hours\nA1,IT,3,Excel,heo,x; y,4\n"
    response = _upload(client, keys["write"], csv, mapping=mapping)
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    reported = response.json()["attributes"]  # type: ignore[attr-defined]
    assert [(a["name"], a["type"], a["answered"]) for a in reported] == [
        ("grade", "ordinal", 1),
        ("traits", "multi", 1),
        ("hours", "number", 1),
    ]
    answer = client.get("/api/v1/participants/A1", headers=headers(keys["read"])).json()
    assert answer["role"] == "mentee"
    assert answer["attributes"] == {"grade": "HEO", "traits": ["x", "y"], "hours": 4.0}
