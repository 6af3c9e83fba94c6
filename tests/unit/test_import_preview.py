"""Import previews, saved mappings and the import log: the core under the /import page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from recomentor import fields as F
from recomentor.accounts.users import create_user
from recomentor.errors import ConflictError, InvalidInputError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.import_runs import latest_imports
from recomentor.store.participants import count_participants
from recomentor.store.tables import ParticipantRow
from recomentor.survey import import_participants, load_mapping, preview_participants
from recomentor.survey.saved_mappings import (
    delete_mapping,
    list_mappings,
    load_saved_mapping,
    mapping_text,
    save_mapping,
)
from tests.conftest import EXAMPLES

SAMPLE = (EXAMPLES / "forms_export_fr.csv").read_bytes()
MAPPING_TOML = (EXAMPLES / "forms_fr_mapping.toml").read_text(encoding="utf-8")


def _mapping():
    return load_mapping(EXAMPLES / "forms_fr_mapping.toml", allowed_fields=F.PARTICIPANT_FIELDS)


def _preview(store: Store, settings: Settings, data: bytes = SAMPLE, **options):
    return preview_participants(
        store, data, source="sample.csv", settings=settings, mapping=_mapping(), **options
    )


def test_a_preview_counts_what_the_import_then_does_and_stores_nothing(
    store: Store, settings: Settings
) -> None:
    preview = _preview(store, settings)
    with store.session() as session:
        assert count_participants(session) == 0
    report = preview.report
    assert (report.rows_read, report.inserted, report.updated, report.unchanged) == (33, 30, 0, 0)
    assert report.rejected_lines == [33, 34] and report.superseded_lines == [2]
    assert preview.valid_rows == 31
    assert not preview.importable(skip_invalid=False)
    assert preview.importable(skip_invalid=True)
    # The first rows as mapped: canonical names, value aliases applied, the file's lines.
    assert len(preview.first_rows) == 10
    first = preview.first_rows[0]
    assert (first["line"], first[F.ID], first[F.ROLE], first[F.YEARS_EXPERIENCE]) == (
        2,
        "E1001",
        "mentor",
        "2",
    )
    done = import_participants(
        store,
        SAMPLE,
        source="sample.csv",
        settings=settings,
        mapping=_mapping(),
        skip_invalid=True,
    )
    assert (done.inserted, done.rejected_lines) == (report.inserted, report.rejected_lines)
    again = _preview(store, settings)
    assert (again.report.inserted, again.report.unchanged) == (0, 30)


def test_a_preview_sees_updates_and_older_answers_as_the_import_would(
    store: Store, settings: Settings
) -> None:
    header = "id,department,years_experience,role,skills,submitted_at\n"
    first = header + "A1,IT,2,mentor,Python,2026-09-02T10:00:00Z\nA2,IT,3,mentor,SQL,\n"
    import_participants(store, first.encode(), source="a.csv", settings=settings)
    second = header + "A1,IT,2,mentor,Python,2026-09-01T10:00:00Z\nA2,HR,3,mentor,SQL,\n"
    report = preview_participants(store, second.encode(), source="b.csv", settings=settings).report
    assert (report.inserted, report.updated, report.unchanged, report.stale) == (0, 1, 0, 1)
    with store.session() as session:
        departments = session.scalars(select(ParticipantRow.department)).all()
    assert sorted(departments) == ["IT", "IT"]


def test_a_file_with_no_valid_row_is_not_importable_even_skipping(
    store: Store, settings: Settings
) -> None:
    data = b"id,department,years_experience,role\nA1,IT,old,mentor\n"
    preview = preview_participants(store, data, source="a.csv", settings=settings)
    assert preview.valid_rows == 0
    assert not preview.importable(skip_invalid=True)


def test_each_import_is_logged_with_its_counts_and_who(store: Store, settings: Settings) -> None:
    user = create_user(store, "hr@example.org", "manager", "correct horse battery")
    import_participants(
        store,
        SAMPLE,
        source="s.csv",
        settings=settings,
        mapping=_mapping(),
        skip_invalid=True,
        imported_by=user.id,
    )
    import_participants(
        store, SAMPLE, source="s.csv", settings=settings, mapping=_mapping(), skip_invalid=True
    )
    latest, earlier = latest_imports(store)
    assert (latest.user_id, latest.inserted, latest.unchanged, latest.rejected_rows) == (
        None,
        0,
        30,
        2,
    )
    assert (earlier.user_id, earlier.rows_read, earlier.inserted) == (user.id, 33, 30)


def test_a_refused_import_is_not_logged(store: Store, settings: Settings) -> None:
    with pytest.raises(InvalidInputError):
        import_participants(store, b"id\n\n", source="s.csv", settings=settings)
    assert latest_imports(store) == []


def test_saved_mappings_are_checked_kept_by_name_and_deleted(store: Store) -> None:
    saved = save_mapping(store, "  Forms  FR ", MAPPING_TOML, created_by=None)
    assert (saved.name, saved.mapped_fields) == ("Forms FR", 14)
    assert load_saved_mapping(store, "Forms FR") == _mapping()
    with pytest.raises(ConflictError, match="already saved"):
        save_mapping(store, "Forms FR", MAPPING_TOML, created_by=None)
    assert [m.name for m in list_mappings(store)] == ["Forms FR"]
    assert delete_mapping(store, saved.id) is True
    assert delete_mapping(store, saved.id) is False
    with pytest.raises(InvalidInputError, match="no mapping is saved as 'Forms FR'"):
        load_saved_mapping(store, "Forms FR")


@pytest.mark.parametrize(
    ("name", "toml", "message"),
    [
        ("x", "[columns]\nid = \n", "not valid TOML.*line 2"),
        ("x", '[columns]\nidentifier = "Matricule"\n', "unknown field 'identifier'"),
        ("x", '[colonnes]\nid = "M"\n', "unknown section"),
        ("", '[columns]\nid = "M"\n', "give the mapping a name"),
        ("a" * 101, '[columns]\nid = "M"\n', "at most 100 characters"),
        ("bad\x00name", '[columns]\nid = "M"\n', "control characters"),
    ],
)
def test_a_mapping_is_refused_with_what_and_where(
    sqlite_store: Store, name: str, toml: str, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        save_mapping(sqlite_store, name, toml, created_by=None)
    assert list_mappings(sqlite_store) == []


def test_an_uploaded_mapping_must_be_small_utf8_text() -> None:
    assert mapping_text(b"\xef\xbb\xbf[columns]\n", "m.toml") == "[columns]\n"
    for raw, message in [
        (b"", "empty"),
        ("[columns]\nid = 'é'\n".encode("latin-1"), "not UTF-8"),
        (b"#" * (64 * 1024 + 1), "at most 65,536"),
    ]:
        with pytest.raises(InvalidInputError, match=message):
            mapping_text(raw, "m.toml")
