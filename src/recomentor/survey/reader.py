"""Read a CSV or XLSX export into text columns, remembering each row's line in the file."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from recomentor.errors import InvalidInputError

LINE = "__line__"
_BOM = b"\xef\xbb\xbf"
_XLSX_MAGIC = b"PK\x03\x04"
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 200_000


@dataclass(frozen=True)
class RawTable:
    """Every cell as text (null when empty), headers as exported, and a `__line__` column."""

    frame: pl.DataFrame
    headers: list[str]
    encoding: str
    delimiter: str | None


def _decode(data: bytes, source: str) -> tuple[str, str]:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV" as Windows-1252; its bytes 0x81, 0x8D, 0x8F, 0x90 and
        # 0x9D are undefined, so a file that decodes is very likely really Windows-1252.
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise InvalidInputError(
            f"{source}: not UTF-8 nor Windows-1252 text; save the export as CSV UTF-8"
        ) from None


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _header_texts(values: list[object], source: str) -> list[str]:
    headers = ["" if v is None else str(v).replace("\ufeff", "").strip() for v in values]
    seen: set[str] = set()
    for position, header in enumerate(headers, start=1):
        if not header:
            continue
        if header in seen:
            raise InvalidInputError(
                f"{source}: header {header!r} appears twice (column {position})"
            )
        seen.add(header)
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
    except pl.exceptions.ComputeError as error:
        first = str(error).splitlines()[0]
        raise InvalidInputError(f"{source}: malformed CSV ({first})") from None
    if raw.height == 0:
        raise InvalidInputError(f"{source}: the file is empty")
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
        raise InvalidInputError(f"{source}: the first sheet is empty")
    raw = raw.rename({c: f"column_{i}" for i, c in enumerate(raw.columns)})
    raw = raw.with_columns(pl.all().cast(pl.String))
    lines = pl.Series(LINE, range(2, raw.height + 1), dtype=pl.Int64)
    return _from_rows(raw, lines, source)


def read_table(data: bytes, *, source: str, limits: ReadLimits = ReadLimits()) -> RawTable:
    """Parse an export's bytes; `source` names it in every error message."""
    if len(data) > limits.max_bytes:
        raise InvalidInputError(
            f"{source}: file is {len(data):,} bytes; the limit is {limits.max_bytes:,}"
        )
    if not data.strip():
        raise InvalidInputError(f"{source}: the file is empty")
    if data.startswith(_XLSX_MAGIC):
        frame, encoding, delimiter = _read_xlsx(data, source), "xlsx", None
    else:
        text, encoding = _decode(data, source)
        frame, delimiter = _read_csv(text, source)
    if frame.height > limits.max_rows:
        raise InvalidInputError(
            f"{source}: {frame.height:,} rows; the limit is {limits.max_rows:,} rows per import"
        )
    headers = [c for c in frame.columns if c != LINE]
    return RawTable(frame=frame, headers=headers, encoding=encoding, delimiter=delimiter)


def read_file(path: Path, *, limits: ReadLimits = ReadLimits()) -> RawTable:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InvalidInputError(f"file not found: {path}") from None
    if size > limits.max_bytes:
        raise InvalidInputError(
            f"{path}: file is {size:,} bytes; the limit is {limits.max_bytes:,}"
        )
    return read_table(path.read_bytes(), source=path.name, limits=limits)
