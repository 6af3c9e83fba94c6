"""Survey import: the sample export, every bad input, idempotence."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from recomentor import fields as F
from recomentor.errors import InvalidInputError, RowsRejectedError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.participants import count_participants, get_participant
from recomentor.survey import import_participants, load_mapping, parse_mapping
from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "forms_export_fr.csv"
MAPPING = EXAMPLES / "forms_fr_mapping.toml"
HEADER = "id,department,years_experience,role,skills,goals,languages,max_mentees,submitted_at"


def _mapping():
    return load_mapping(MAPPING, allowed_fields=F.PARTICIPANT_FIELDS)


def _import(store: Store, settings: Settings, text: str | bytes, **options):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return import_participants(store, data, source="test.csv", settings=settings, **options)


def _problems(error: pytest.ExceptionInfo[RowsRejectedError]) -> set[tuple[int, str]]:
    return {(p.line, p.field) for p in error.value.problems}


def test_sample_strict_imports_nothing_and_names_lines_33_and_34(
    store: Store, settings: Settings
) -> None:
    with pytest.raises(RowsRejectedError) as error:
        _import(store, settings, SAMPLE.read_bytes(), mapping=_mapping())
    assert _problems(error) == {
        (33, F.YEARS_EXPERIENCE),
        (34, F.ROLE),
        (34, F.MAX_MENTEES),
    }
    assert "nothing was imported" in str(error.value)
    messages = [str(p) for p in error.value.problems]
    assert "line 34 (E1056): role: not an allowed answer" in messages[1]
    assert any("max_mentees: not a whole number" in m for m in messages)
    with store.session() as session:
        assert count_participants(session) == 0


def test_sample_skip_invalid_stores_30_then_reimport_changes_nothing(
    store: Store, settings: Settings
) -> None:
    first = _import(store, settings, SAMPLE.read_bytes(), mapping=_mapping(), skip_invalid=True)
    assert (first.inserted, first.rows_read, first.rejected_lines) == (30, 33, [33, 34])
    assert first.superseded_lines == [2]
    with store.session() as session:
        assert count_participants(session) == 30
        claire = get_participant(session, "E1001")
        assert "CapCut" in (claire.skills or "")  # line 32, the later submission, won
        assert claire.languages == "en;fr"
        assert get_participant(session, "E1014").goals is None
        assert get_participant(session, "E1040").role == F.MENTEE
        assert get_participant(session, "E1003").role == F.BOTH
    second = _import(store, settings, SAMPLE.read_bytes(), mapping=_mapping(), skip_invalid=True)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 30)


def test_semicolon_delimited_with_bom(sqlite_store: Store, settings: Settings) -> None:
    text = "\ufeffid;department;years_experience;role;skills;goals\nA1;IT;2,5;mentor;SQL, Python;\n"
    report = _import(sqlite_store, settings, text)
    assert (report.inserted, report.delimiter) == (1, ";")
    with sqlite_store.session() as session:
        assert get_participant(session, "A1").years_experience == 2.5


def test_windows_1252_file_is_decoded(sqlite_store: Store, settings: Settings) -> None:
    text = "id,department,years_experience,role,skills\nA1,Opérations,3,mentor,Réseaux sociaux\n"
    report = _import(sqlite_store, settings, text.encode("cp1252"))
    assert report.encoding == "windows-1252"
    with sqlite_store.session() as session:
        assert get_participant(session, "A1").department == "Opérations"


def test_undecodable_bytes_are_refused(sqlite_store: Store, settings: Settings) -> None:
    data = b"id,department,years_experience,role\nA1,\x81\x8d,3,mentor\n"
    with pytest.raises(InvalidInputError, match="not UTF-8 nor Windows-1252"):
        _import(sqlite_store, settings, data)


def test_xlsx_export_with_mapping(sqlite_store: Store, settings: Settings) -> None:
    frame = pl.read_csv(SAMPLE, infer_schema=False)
    buffer = io.BytesIO()
    frame.write_excel(buffer)
    report = import_participants(
        sqlite_store,
        buffer.getvalue(),
        source="export.xlsx",
        settings=settings,
        mapping=_mapping(),
        skip_invalid=True,
    )
    assert (report.inserted, report.rejected_lines, report.encoding) == (30, [33, 34], "xlsx")


def test_each_bad_field_is_reported_with_line_and_reason(
    sqlite_store: Store, settings: Settings
) -> None:
    rows = [
        HEADER,
        "A1,IT,-1,mentor,SQL,,fr,1,",  # negative years
        "A2,IT,two,mentor,SQL,,fr,1,",  # years not a number
        "A3,IT,2,teacher,SQL,,fr,1,",  # unknown role
        "A4,IT,2,mentor,,,fr,1,",  # mentor without skills
        "A5,IT,20,mentee,,,fr,,",  # mentee without goals
        "A6,IT,2,mentor,SQL,,fr,1.5,",  # fractional capacity
        "A7,IT,2,mentor,SQL,,fr,1,not a date",  # bad timestamp
        ",IT,2,mentor,SQL,,fr,1,",  # no id
        "A9,,2,mentor,SQL,,fr,1,",  # no department
        "A10,IT,2,mentor,SQL,,fr,1,2026-09-01T10:00:00+02:00",  # valid
    ]
    with pytest.raises(RowsRejectedError) as error:
        _import(sqlite_store, settings, "\n".join(rows) + "\n")
    assert _problems(error) == {
        (2, F.YEARS_EXPERIENCE),
        (3, F.YEARS_EXPERIENCE),
        (4, F.ROLE),
        (5, F.SKILLS),
        (6, F.GOALS),
        (7, F.MAX_MENTEES),
        (8, F.SUBMITTED_AT),
        (9, F.ID),
        (10, F.DEPARTMENT),
    }
    report = _import(sqlite_store, settings, "\n".join(rows) + "\n", skip_invalid=True)
    assert report.inserted == 1


def test_invalid_email_is_rejected_without_echoing_it(
    sqlite_store: Store, settings: Settings
) -> None:
    text = "id,department,years_experience,role,skills,email\nA1,IT,2,mentor,SQL,jane.doe(at)corp\n"
    with pytest.raises(RowsRejectedError) as error:
        _import(sqlite_store, settings, text)
    (problem,) = error.value.problems
    assert (problem.field, problem.reason) == (F.EMAIL, "not a valid e-mail address")
    assert "jane" not in str(problem)


def test_line_numbers_count_line_breaks_inside_quoted_cells(
    sqlite_store: Store, settings: Settings
) -> None:
    text = HEADER + '\nA1,IT,2,mentor,"SQL,\nPython\nExcel",,fr,1,\nA2,IT,x,mentor,SQL,,fr,1,\n'
    with pytest.raises(RowsRejectedError) as error:
        _import(sqlite_store, settings, text)
    assert _problems(error) == {(5, F.YEARS_EXPERIENCE)}


def test_duplicate_ids_latest_submission_wins(sqlite_store: Store, settings: Settings) -> None:
    text = (
        "\n".join(
            [
                HEADER,
                "A1,IT,2,mentor,newest,,fr,1,2026-09-03 10:00:00",
                "A1,IT,2,mentor,oldest,,fr,1,2026-09-01 10:00:00",
            ]
        )
        + "\n"
    )
    report = _import(sqlite_store, settings, text)
    assert report.superseded_lines == [3]
    with sqlite_store.session() as session:
        assert get_participant(session, "A1").skills == "newest"


def test_older_submission_does_not_overwrite_a_newer_stored_one(
    store: Store, settings: Settings
) -> None:
    newer = HEADER + "\nA1,IT,2,mentor,newer,,fr,1,2026-09-03 10:00:00\n"
    older = HEADER + "\nA1,IT,2,mentor,older,,fr,1,2026-09-01 10:00:00\n"
    _import(store, settings, newer)
    report = _import(store, settings, older)
    assert (report.stale, report.updated) == (1, 0)
    with store.session() as session:
        assert get_participant(session, "A1").skills == "newer"


def test_changed_answer_updates(store: Store, settings: Settings) -> None:
    _import(store, settings, HEADER + "\nA1,IT,2,mentor,SQL,,fr,1,\n")
    report = _import(store, settings, HEADER + "\nA1,IT,3,mentor,SQL and Python,,fr,2,\n")
    assert (report.inserted, report.updated) == (0, 1)
    with store.session() as session:
        row = get_participant(session, "A1")
        assert (row.years_experience, row.skills, row.max_mentees) == (3.0, "SQL and Python", 2)


def test_unknown_extra_columns_are_ignored_and_listed(
    sqlite_store: Store, settings: Settings
) -> None:
    text = "id,department,years_experience,role,skills,Favourite colour\nA1,IT,2,mentor,SQL,blue\n"
    report = _import(sqlite_store, settings, text)
    assert report.ignored_columns == ["Favourite colour"]


# The reader's own line column and the names the row checks add beside the fields: a header
# that spells one of them once escaped as a raw polars error (DuplicateError / SchemaError).
INTERNAL_LOOKING_HEADERS = ("__line__", " __line__ ", "line", "__row_id__", "__years", "column_0")


@pytest.mark.parametrize("header", INTERNAL_LOOKING_HEADERS)
def test_a_header_named_like_an_internal_column_is_an_ordinary_column(
    sqlite_store: Store, settings: Settings, header: str
) -> None:
    text = (
        f"{header},id,department,years_experience,role,skills\n"
        "9,A1,IT,2,mentor,SQL\n7,A2,IT,x,mentor,SQL\n"
    )
    report = _import(sqlite_store, settings, text, skip_invalid=True)
    assert (report.inserted, report.rejected_lines) == (1, [3])
    assert report.ignored_columns == [header.strip()]


def test_a_field_mapped_to_a_header_named_like_the_line_column_reads_that_column(
    sqlite_store: Store, settings: Settings
) -> None:
    mapping = parse_mapping('[columns]\nid = "__line__"\n', allowed_fields=F.PARTICIPANT_FIELDS)
    text = (
        "department,__line__,years_experience,role,skills\nIT,A7,2,mentor,SQL\nIT,A8,x,mentor,SQL\n"
    )
    report = _import(sqlite_store, settings, text, mapping=mapping, skip_invalid=True)
    assert [(p.line, p.field, p.row_id) for p in report.rejected] == [(3, F.YEARS_EXPERIENCE, "A8")]
    with sqlite_store.session() as session:
        assert get_participant(session, "A7").department == "IT"


def test_missing_required_column_names_it(sqlite_store: Store, settings: Settings) -> None:
    with pytest.raises(InvalidInputError, match=r"required field.*years_experience"):
        _import(sqlite_store, settings, "id,department,role\nA1,IT,mentor\n")


def test_mapping_pointing_at_absent_header(sqlite_store: Store, settings: Settings) -> None:
    mapping = parse_mapping('[columns]\nid = "Matricule"\n', allowed_fields=F.PARTICIPANT_FIELDS)
    with pytest.raises(InvalidInputError, match="id \\(mapped to 'Matricule'\\)"):
        _import(sqlite_store, settings, HEADER + "\nA1,IT,2,mentor,SQL,,fr,1,\n", mapping=mapping)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[columns]\nid = "A"\nname = =\n', "not valid TOML.*line 3"),
        ('[columns]\nfavourite = "X"\n', "unknown field 'favourite'"),
        ('[columns]\nid = "A"\nname = "A"\n', "mapped to both id and name"),
        ('[column]\nid = "A"\n', "unknown section"),
        ('[values.role]\n"Mentor" = 1\n', "must map to a text"),
    ],
)
def test_invalid_mapping_files(toml: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_mapping(toml, allowed_fields=F.PARTICIPANT_FIELDS)


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="mapping file not found"):
        load_mapping(tmp_path / "nope.toml", allowed_fields=F.PARTICIPANT_FIELDS)


def test_limits_on_size_rows_and_text(sqlite_store: Store, tmp_path: Path) -> None:
    small = Settings(home=tmp_path, max_rows=2, max_text_chars=10)
    three_rows = HEADER + "\n" + "\n".join(f"A{i},IT,2,mentor,SQL,,fr,1," for i in range(3)) + "\n"
    with pytest.raises(InvalidInputError, match="3 rows; the limit is 2"):
        _import(sqlite_store, small, three_rows)
    tiny = Settings(home=tmp_path, max_upload_bytes=100)
    with pytest.raises(InvalidInputError, match="the limit is 100"):
        _import(sqlite_store, tiny, three_rows)
    with pytest.raises(RowsRejectedError) as error:
        _import(sqlite_store, small, HEADER + "\nA1,IT,2,mentor," + "x" * 11 + ",,fr,1,\n")
    assert [(p.field, p.reason) for p in error.value.problems] == [
        (F.SKILLS, "longer than 10 characters")
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file has no rows"),
        (b"id,id,role\n1,2,mentor\n", "columns 1 and 2 of the header line have the same title"),
        (b"id,department\nA1,IT,extra\n", "malformed CSV"),
        (b"PK\x03\x04garbage", "cannot read the workbook"),
    ],
)
def test_unreadable_files(
    sqlite_store: Store, settings: Settings, data: bytes, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        _import(sqlite_store, settings, data)


def test_blank_lines_are_not_rows(sqlite_store: Store, settings: Settings) -> None:
    report = _import(sqlite_store, settings, HEADER + "\n\nA1,IT,2,mentor,SQL,,fr,1,\n,,,,,,,,\n")
    assert (report.rows_read, report.inserted) == (1, 1)
