"""Matchings as files: CSV and XLSX with names for spreadsheets (formula-safe), JSON for tools."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

import msgspec

from recomentor.errors import InvalidInputError
from recomentor.matching.service import Matching
from recomentor.ranking.explain import Explanation, check_lang, label_words
from recomentor.store.participants import Contact

if TYPE_CHECKING:
    import xlsxwriter
    from xlsxwriter.format import Format

CSV: Final = ".csv"
XLSX: Final = ".xlsx"
JSON: Final = ".json"
FORMATS: Final = (CSV, XLSX, JSON)
CSV_SEPARATOR: Final = ";"
# A spreadsheet runs a cell starting with these as a formula (OWASP CSV injection).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_NOBODY: Final = Contact(name=None, email=None, department="")
_SCORE_DECIMALS: Final = 4
_PAIR_SCORE_COLUMN: Final = 8  # after the mentor's and the mentee's four cells


class _Headings(NamedTuple):
    pairs: str
    unpaired: str
    pair_columns: tuple[str, ...]
    unpaired_columns: tuple[str, ...]


# Sheet titles and column headers in the export's language; the columns follow _tables.
_HEADINGS: Final = {
    "en": _Headings(
        pairs="Pairs",
        unpaired="Unpaired",
        pair_columns=(
            "Mentor ID", "Mentor", "Mentor e-mail", "Mentor department",
            "Mentee ID", "Mentee", "Mentee e-mail", "Mentee department",
            "Score", "Match", "Why", "Matched phrases",
        ),
        unpaired_columns=("ID", "Name", "E-mail", "Department", "Reason", "Detail"),
    ),
    "fr": _Headings(
        pairs="Binômes",
        unpaired="Sans binôme",
        pair_columns=(
            "Matricule mentor", "Mentor", "E-mail mentor", "Direction mentor",
            "Matricule mentoré", "Mentoré", "E-mail mentoré", "Direction mentoré",
            "Score", "Correspondance", "Pourquoi", "Expressions rapprochées",
        ),
        unpaired_columns=("Matricule", "Nom", "E-mail", "Direction", "Motif", "Détail"),
    ),
}  # fmt: skip
# Column widths in the workbook, in characters: ids narrow, sentences wide.
_PAIR_WIDTHS: Final = (12, 24, 30, 18, 12, 24, 30, 18, 8, 22, 60, 50)
_UNPAIRED_WIDTHS: Final = (12, 24, 30, 18, 22, 70)

Cell = str | float


@dataclass(frozen=True)
class _Table:
    """One sheet, or one section of the CSV: its title, column headers and rows."""

    title: str
    columns: tuple[str, ...]
    rows: list[list[Cell]]


def escape_cell(value: str) -> str:
    """Text a spreadsheet shows as text: a leading quote defuses formula characters."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_format(path: Path | str) -> str:
    """The file format a name asks for, by its extension; InvalidInputError for any other."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInputError(
            f"the output file must end in {', '.join(FORMATS)}, got {suffix or 'no extension'!r}"
        )
    return suffix


def people_in(matching: Matching) -> set[str]:
    """Everyone a matching names: whose contact details its CSV and XLSX need."""
    ids = {pair.mentor_id for pair in matching.pairs} | {pair.mentee_id for pair in matching.pairs}
    return ids | {entry.mentee_id for entry in matching.unpaired}


def _person(person_id: str, people: Mapping[str, Contact]) -> list[Cell]:
    contact = people.get(person_id, _NOBODY)
    return [person_id, contact.name or "", contact.email or "", contact.department]


def _matches(explanation: Explanation) -> str:
    return " | ".join(f"{m.skill} ↔ {m.goal}" for m in explanation.matches)


def _tables(matching: Matching, people: Mapping[str, Contact], lang: str) -> tuple[_Table, _Table]:
    headings = _HEADINGS[check_lang(lang)]
    pairs: list[list[Cell]] = [
        [
            *_person(pair.mentor_id, people),
            *_person(pair.mentee_id, people),
            pair.score,
            label_words(pair.label, lang),
            pair.explanation.summary,
            _matches(pair.explanation),
        ]
        for pair in matching.pairs
    ]
    unpaired: list[list[Cell]] = [
        [*_person(entry.mentee_id, people), entry.reason, entry.detail]
        for entry in matching.unpaired
    ]
    return (
        _Table(headings.pairs, headings.pair_columns, pairs),
        _Table(headings.unpaired, headings.unpaired_columns, unpaired),
    )


def _csv_cell(cell: Cell, lang: str) -> str:
    if isinstance(cell, str):
        return escape_cell(cell)
    # A number we format ourselves is never a formula, even negative; French Excel reads
    # numbers with a decimal comma and would take 0.4567 for text.
    number = f"{cell:.{_SCORE_DECIMALS}f}"
    return number.replace(".", ",") if lang == "fr" else number


def matching_csv(matching: Matching, people: Mapping[str, Contact], *, lang: str = "en") -> bytes:
    """The CSV French Excel opens as is: `;`-separated, UTF-8 with a BOM, decimal commas in
    French. The pairs, a blank line, then the unpaired people's title, header and rows.

    `people` maps ids to contact details, read by the caller from the store (`read_contacts`),
    so the CLI and the web pages send the same bytes; an id it lacks gets empty cells. Every
    text cell is formula-escaped.
    """
    pairs, unpaired = _tables(matching, people, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow([escape_cell(c) for c in pairs.columns])
    writer.writerows([_csv_cell(cell, lang) for cell in row] for row in pairs.rows)
    writer.writerow([])
    writer.writerow([escape_cell(unpaired.title)])
    writer.writerow([escape_cell(c) for c in unpaired.columns])
    writer.writerows([_csv_cell(cell, lang) for cell in row] for row in unpaired.rows)
    # The BOM is how Excel knows the file is UTF-8 (accents in names) rather than ANSI.
    return buffer.getvalue().encode("utf-8-sig")


def _write_sheet(
    workbook: xlsxwriter.Workbook,
    table: _Table,
    widths: Sequence[int],
    *,
    header: Format,
    score: Format,
    score_column: int | None = None,
) -> None:
    sheet = workbook.add_worksheet(table.title)
    for column, (title, width) in enumerate(zip(table.columns, widths, strict=True)):
        sheet.set_column(column, column, width, score if column == score_column else None)
        sheet.write_string(0, column, escape_cell(title), header)
    for row_number, row in enumerate(table.rows, start=1):
        for column, cell in enumerate(row):
            if isinstance(cell, str):
                # write_string, never write(): a text starting with "=" stays text.
                sheet.write_string(row_number, column, escape_cell(cell))
            else:
                sheet.write_number(row_number, column, cell)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(table.rows), 1), len(table.columns) - 1)


def matching_xlsx(matching: Matching, people: Mapping[str, Contact], *, lang: str = "en") -> bytes:
    """A workbook with the same columns as the CSV: the pairs on a first sheet, the unpaired
    people on a second; text cells escaped as in the CSV, scores as numbers."""
    pairs, unpaired = _tables(matching, people, lang)
    buffer = io.BytesIO()
    # Imported here: every match command reads this module, few write a workbook.
    import xlsxwriter

    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1}),
        "score": workbook.add_format({"num_format": "0.000"}),
    }
    _write_sheet(workbook, pairs, _PAIR_WIDTHS, score_column=_PAIR_SCORE_COLUMN, **formats)
    _write_sheet(workbook, unpaired, _UNPAIRED_WIDTHS, **formats)
    workbook.close()
    return buffer.getvalue()


def matching_json(matching: Matching) -> str:
    """The same JSON as `matching show --json` and the API: ids only, no contact details."""
    return msgspec.json.format(msgspec.json.encode(matching), indent=2).decode()


def write_matching(
    matching: Matching, path: Path | str, people: Mapping[str, Contact], *, lang: str = "en"
) -> Path:
    """CSV, XLSX or JSON by the file's extension (export_format)."""
    target = Path(path)
    kind = export_format(target)
    if kind == JSON:
        target.write_text(matching_json(matching), encoding="utf-8")
    elif kind == XLSX:
        target.write_bytes(matching_xlsx(matching, people, lang=lang))
    else:
        target.write_bytes(matching_csv(matching, people, lang=lang))
    return target
