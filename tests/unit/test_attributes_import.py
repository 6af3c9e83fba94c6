"""Typed attributes: read through a mapping, checked per row, stored, shown, erased."""

from __future__ import annotations

import numpy as np
import pytest

from recomentor import fields as F
from recomentor.erasure import erase_participant
from recomentor.errors import InvalidInputError, NotFoundError, RowsRejectedError
from recomentor.ranking.roster import load_roster
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.participants import get_participant
from recomentor.suppression import ErasureKey
from recomentor.survey import import_participants, parse_mapping
from tests.fakes import FakeEncoder

MAPPING = """\
[columns]
id = "email address"
department = "team"
years_experience = "years"

[defaults]
role = "mentee"

[attributes.grade]
column = "grade"
type = "ordinal"
order = ["AA", "AO", "EO", "HEO", "SEO", "Grade 7"]

[attributes.characteristics]
column = "characteristics"
type = "multi"

[attributes.profession]
column = "profession"
type = "category"
required = true

[attributes.hours]
column = "hours a month"
type = "number"

[attributes.note]
column = "note"
type = "text"
"""
HEADER = "email address,team,years,goals,grade,characteristics,profession,hours a month,note\n"
GOOD = (
    HEADER
    + 'P1,IT,3,Excel,heo,"Carer, LGBTQ ,,carer",Digital,"2,5",Likes chess\n'
    + "P2,HR,10,SQL,AA,,policy,,\n"
)


def _mapping(text: str = MAPPING):
    return parse_mapping(text, allowed_fields=F.PARTICIPANT_FIELDS, source="map.toml")


def _import(store: Store, settings: Settings, csv: str, mapping=None, **options):
    return import_participants(
        store,
        csv.encode(),
        source="people.csv",
        settings=settings,
        mapping=mapping if mapping is not None else _mapping(),
        **options,
    )


def test_attributes_are_typed_stored_reported_and_defaults_fill_absent_fields(
    store: Store, settings: Settings
) -> None:
    report = _import(store, settings, GOOD)
    assert report.inserted == 2
    assert [(a.name, a.type, a.answered) for a in report.attributes] == [
        ("grade", "ordinal", 2),
        ("characteristics", "multi", 1),
        ("profession", "category", 2),
        ("hours", "number", 1),
        ("note", "text", 1),
    ]
    assert "grade" not in report.ignored_columns
    with store.session() as session:
        first = get_participant(session, "P1")
        second = get_participant(session, "P2")
        assert first.role == F.MENTEE  # from [defaults]
        assert first.attributes == {
            "grade": "HEO",  # the order's spelling
            "characteristics": ["Carer", "LGBTQ"],  # trimmed, empty and repeated dropped
            "profession": "Digital",
            "hours": 2.5,
            "note": "Likes chess",
        }
        assert second.attributes == {"grade": "AA", "profession": "policy"}


def test_the_roster_holds_attributes_as_codes_masks_and_numbers(
    store: Store, settings: Settings
) -> None:
    _import(store, settings, GOOD)
    roster = load_roster(store, FakeEncoder())
    p1, p2 = roster.index["P1"], roster.index["P2"]
    grade = roster.attributes["grade"]
    assert grade.codes is not None and grade.codes.tolist() == [3, 0]
    assert grade.numbers is not None and grade.numbers[p1] == 3.0
    characteristics = roster.attributes["characteristics"]
    assert characteristics.masks is not None and characteristics.masks.dtype == np.uint64
    assert characteristics.labels == ("Carer", "LGBTQ")
    assert characteristics.masks[p1, 0] == 0b11 and characteristics.masks[p2, 0] == 0
    assert characteristics.answered.tolist() == [True, False]
    hours = roster.attributes["hours"]
    assert hours.numbers is not None and hours.numbers[p1] == 2.5 and np.isnan(hours.numbers[p2])
    assert roster.attributes["profession"].shown(p2) == "policy"
    assert characteristics.shown(p1) == "Carer, LGBTQ"


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("P3,IT,3,x,Grade 9,,Digital,,", "grade", "not one of the allowed answers: AA, AO"),
        ("P3,IT,3,x,AA,,Digital,lots,", "hours", "not a number"),
        ("P3,IT,3,x,AA,,Digital,inf,", "hours", "not a finite number"),
        ("P3,IT,3,x,AA,,,,", "profession", "required answer missing"),
        ("P3,IT,3,x,AA,,Dig\x01ital,,", "profession", "control character"),
    ],
)
def test_a_bad_attribute_answer_rejects_its_row_and_names_line_and_attribute(
    store: Store, settings: Settings, row: str, field: str, words: str
) -> None:
    csv = GOOD + row + "\n"
    with pytest.raises(RowsRejectedError) as error:
        _import(store, settings, csv)
    problems = error.value.problems
    assert [(p.line, p.field) for p in problems] == [(4, field)]
    assert words in problems[0].reason
    with store.session() as session, pytest.raises(NotFoundError):
        get_participant(session, "P1")  # all or nothing
    report = _import(store, settings, csv, skip_invalid=True)
    assert (report.inserted, report.rejected_lines) == (2, [4])


def test_an_import_without_attributes_keeps_the_stored_ones_and_one_with_them_replaces(
    store: Store, settings: Settings
) -> None:
    _import(store, settings, GOOD)
    plain = "email address,team,years,goals\nP1,IT,3,Excel\n"
    columns_only = _mapping(MAPPING.split("[attributes.grade]")[0])
    report = _import(store, settings, plain, mapping=columns_only)
    assert report.unchanged == 1 and report.attributes == []
    with store.session() as session:
        assert get_participant(session, "P1").attributes["grade"] == "HEO"
    changed = GOOD.replace("heo,", "SEO,")
    assert _import(store, settings, changed).updated == 1
    with store.session() as session:
        assert get_participant(session, "P1").attributes["grade"] == "SEO"


def test_a_mapped_attribute_column_missing_from_the_file_refuses_the_file(
    store: Store, settings: Settings
) -> None:
    csv = GOOD.replace("characteristics", "traits", 1)
    with pytest.raises(
        InvalidInputError, match="characteristics \\(mapped to 'characteristics'\\)"
    ):
        _import(store, settings, csv)


def test_erasure_removes_the_attributes_with_the_person(
    store: Store, settings: Settings, erasure_key: ErasureKey
) -> None:
    _import(store, settings, GOOD.replace("Likes chess", "Zorglubian secret"))
    erase_participant(store, "P1", erasure_key)
    roster = load_roster(store, FakeEncoder())
    assert roster.ids == ["P2"]
    assert "Zorglubian" not in str(roster.attributes["note"].labels)
    if store.engine.dialect.name == "sqlite":
        from pathlib import Path

        database = Path(store.engine.url.database or "")
        wal = database.with_name(database.name + "-wal")
        content = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert b"Zorglubian secret" not in content


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[columns]\nid = "x"\n\n[attributes.grade]\ncolumn = "g"\ntype = "rank"\n', 6,
         "type must be one of category, multi, ordinal, number, text"),
        ('[attributes.grade]\ncolumn = "g"\ntype = "ordinal"\norder = ["A", "a"]\n', 4,
         "order names an answer twice"),
        ('[attributes.grade]\ncolumn = "g"\ntype = "ordinal"\n', 1,
         "order must list the answers"),
        ('[attributes.department]\ncolumn = "g"\ntype = "category"\n', 1,
         "has the name of a canonical field"),
        ('[attributes.Grade]\ncolumn = "g"\ntype = "category"\n', 1, "lower-case letters"),
        ('[attributes.team]\ncolumn = "g"\ntype = "category"\nseparator = ";"\n', 4,
         "separator is for multi attributes only"),
        ('[attributes.team]\ncolumn = "g"\ntype = "multi"\nrequired = "yes"\n', 4,
         "required must be true or false"),
        ('[attributes.team]\ntype = "multi"\n', 1, "column must be a non-empty header"),
        ('[columns]\nid = "x"\n[defaults]\nrole = ""\n', 4, "[defaults] role must not be empty"),
        ('[defaults]\ncolour = "red"\n', 2, "[defaults] names unknown field 'colour'"),
        ('[columns]\nid = "x"\n[extras]\nfoo = 1\n', 3, "unknown section 'extras'"),
        ('[attributes.team]\ncolumn = "g"\ntype = "multi"\nweight = 2\n', 4,
         "unknown key 'weight'"),
    ],
)  # fmt: skip
def test_mapping_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        _mapping(text)
    message = str(error.value)
    assert f"map.toml, line {line}:" in message and words in message


def test_a_default_wins_over_a_same_named_column_the_mapping_does_not_map(
    store: Store, settings: Settings
) -> None:
    # mentor-match's exports have a `role` column holding a job, not mentor or mentee.
    mapping = _mapping('[columns]\njob_title = "role"\n[defaults]\nrole = "mentor"\n')
    csv = "id,department,years_experience,skills,role\nM1,IT,3,Excel,Policy adviser\n"
    report = _import(store, settings, csv, mapping=mapping)
    assert report.inserted == 1 and report.ignored_columns == []
    with store.session() as session:
        stored = get_participant(session, "M1")
        assert (stored.role, stored.job_title) == (F.MENTOR, "Policy adviser")
