"""Read a CSV or XLSX export into text columns, remembering each row's line in the file."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from recomentor.errors import InvalidInputError
from recomentor.settings import Settings

# Each row's line in the file, beside columns named by the file's headers. Headers are stripped
# of surrounding blanks, so a name that starts with one can never be a header: a file with any
# header text (say "__line__") imports like any other.
LINE = " line"
_BOM = b"\xef\xbb\xbf"
_XLSX_MAGIC = b"PK\x03\x04"
_DELIMITERS = (",", ";", "\t")
# Longest first: UTF-32 LE's BOM starts with UTF-16 LE's.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_SNIFF_BYTES = 4096
NO_ROWS = "the file has no rows"


@dataclass(frozen=True)
class ReadLimits:
    """The same ceilings for the CLI and the API: both take them from the settings."""

    max_bytes: int
    max_rows: int

    @classmethod
    def of(cls, settings: Settings) -> ReadLimits:
        return cls(max_bytes=settings.max_upload_bytes, max_rows=settings.max_rows)


@dataclass(frozen=True)
class RawTable:
    """Every cell as text (null when empty), headers as exported, and a `LINE` column."""

    frame: pl.DataFrame
    headers: list[str]
    encoding: str
    delimiter: str | None


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32, told by their BOM or by the zero bytes that ASCII text gets there."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    head = data[:_SNIFF_BYTES]
    zeros = head.count(0) / len(head) if head else 0.0
    if zeros >= 0.7:  # ASCII in UTF-32: three zero bytes in four
        return "UTF-32"
    if zeros >= 0.33:  # ASCII in UTF-16: one in two; a stray NUL in a cell is far below
        return "UTF-16"
    return None


def _decode(data: bytes, source: str) -> tuple[str, str]:
    wide = _wide_encoding(data)
    if wide is not None:
        raise InvalidInputError(
            f'{source}: the file is {wide} text; save it as "CSV UTF-8" (or UTF-8 text) and '
            "import it again"
        )
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            # Excel on Windows saves "CSV" as Windows-1252; its bytes 0x81, 0x8D, 0x8F, 0x90 and
            # 0x9D are undefined, so a file that decodes is very likely really Windows-1252.
            text, encoding = data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            raise InvalidInputError(
                f'{source}: not UTF-8 nor Windows-1252 text; save the export as "CSV UTF-8"'
            ) from None
    # Old Mac exports end lines with a lone CR; polars only splits on LF.
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _header_texts(values: list[object], source: str) -> list[str]:
    headers = ["" if v is None else str(v).replace("\ufeff", "").strip() for v in values]
    # Positions only: when the header row is missing, these "headers" are someone's answers.
    first_at: dict[str, int] = {}
    for position, header in enumerate(headers, start=1):
        if not header:
            continue
        if header in first_at:
            raise InvalidInputError(
                f"{source}: columns {first_at[header]} and {position} of the header line have "
                "the same title"
            )
        first_at[header] = position
    if not any(headers):
        raise InvalidInputError(f"{source}: the first line holds no headers")
    return headers


def _from_rows(raw: pl.DataFrame, first_data_lines: pl.Series, source: str) -> pl.DataFrame:
    headers = _header_texts(list(raw.row(0)), source)
    body = raw.slice(1).with_columns(first_data_lines.alias(LINE))
    # Nameless columns carry nothing we can map; keep them out of the way.
    renames = {f"column_{i}": h for i, h in enumerate(headers) if h}
    dropped = [f"column_{i}" for i, h in enumerate(headers) if not h]
    body = body.drop(dropped).rename(renames)
    # Strip surrounding blanks everywhere; a blank cell is a missing answer.
    text_columns = [c for c in body.columns if c != LINE]
    body = body.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in text_columns)
    # Rows with no answer at all (blank lines, trailing separators) are not submissions.
    return body.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in text_columns))


def _csv_problem(text: str, delimiter: str) -> str:
    """Where and what is wrong in a CSV polars refused, told without quoting any cell."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    width: int | None = None
    record_start = 1
    try:
        for row in reader:
            if width is None:
                width = len(row)
            elif len(row) > width:
                return f"line {record_start} has {len(row)} cells, the header line {width}"
            record_start = reader.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            return f"the quoted cell that starts on line {record_start} is never closed"
        if "field larger than field limit" in str(error):
            return (
                f"a cell of the record that starts on line {record_start} runs on for over "
                f"{csv.field_size_limit():,} characters (a quote never closed?)"
            )
        return f"misplaced quote in the record that starts on line {record_start}"
    return "the file cannot be parsed as CSV"


def _read_csv(text: str, source: str) -> tuple[pl.DataFrame, str]:
    delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    try:
        raw = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            quote_char='"',
        )
    except pl.exceptions.PolarsError:
        # polars' own message quotes the offending cell: free text, maybe personal.
        raise InvalidInputError(
            f"{source}: malformed CSV: {_csv_problem(text, delimiter)}"
        ) from None
    if raw.height == 0:
        raise InvalidInputError(f"{source}: {NO_ROWS}")
    # A quoted cell may span lines: each record starts one line after the previous record's
    # last line, so line numbers stay those an editor shows.
    newlines = pl.sum_horizontal(
        pl.col(c).str.count_matches("\n").fill_null(0) for c in raw.columns
    )
    starts = raw.select((1 + (newlines + 1).cum_sum().shift(1, fill_value=0)).alias(LINE))
    return _from_rows(raw, starts[LINE].slice(1), source), delimiter


def _read_xlsx(data: bytes, source: str) -> pl.DataFrame:
    try:
        raw = pl.read_excel(
            io.BytesIO(data), has_header=False, infer_schema_length=0, drop_empty_rows=False
        )
    except Exception as error:  # calamine raises its own types for every kind of bad workbook
        raise InvalidInputError(
            f"{source}: cannot read the workbook ({type(error).__name__})"
        ) from None
    if raw.height == 0:
        raise InvalidInputError(f"{source}: the first sheet is empty; {NO_ROWS}")
    raw = raw.rename({c: f"column_{i}" for i, c in enumerate(raw.columns)})
    raw = raw.with_columns(pl.all().cast(pl.String))
    lines = pl.Series(LINE, range(2, raw.height + 1), dtype=pl.Int64)
    return _from_rows(raw, lines, source)


def read_table(data: bytes, *, source: str, limits: ReadLimits) -> RawTable:
    """Parse an export's bytes; `source` names it in every error message."""
    check_size(len(data), source, limits)
    if not data.replace(_BOM, b"").strip():
        raise InvalidInputError(f"{source}: {NO_ROWS} (it is empty)")
    if data.startswith(_XLSX_MAGIC):
        frame, encoding, delimiter = _read_xlsx(data, source), "xlsx", None
    else:
        text, encoding = _decode(data, source)
        frame, delimiter = _read_csv(text, source)
    if frame.height == 0:
        raise InvalidInputError(f"{source}: {NO_ROWS}, only a header line")
    if frame.height > limits.max_rows:
        raise InvalidInputError(
            f"{source}: {frame.height:,} rows; the limit is {limits.max_rows:,} rows per import"
        )
    headers = [c for c in frame.columns if c != LINE]
    return RawTable(frame=frame, headers=headers, encoding=encoding, delimiter=delimiter)


def check_size(size: int, source: str, limits: ReadLimits) -> None:
    if size > limits.max_bytes:
        raise InvalidInputError(
            f"{source}: the file is {size:,} bytes; the limit is {limits.max_bytes:,} "
            "(RECOMENTOR_MAX_UPLOAD_BYTES)"
        )


def read_source(path: Path, settings: Settings) -> bytes:
    """A file's bytes, refused by its size (the API's upload limit) before it is read."""
    try:
        check_size(path.stat().st_size, path.name, ReadLimits.of(settings))
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{path} is a folder, not a file") from None
    except PermissionError:
        raise InvalidInputError(f"{path} cannot be read (permission denied)") from None
