"""Column mappings: canonical field -> source header, plus value aliases, read from TOML."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from recomentor.errors import InvalidInputError
from recomentor.nesting import loads_toml


@dataclass(frozen=True)
class ColumnMapping:
    """How one export's headers and answers translate to canonical fields and values."""

    columns: dict[str, str] = field(default_factory=dict)
    # field -> {answer as exported, lower-cased -> canonical value}
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def header_for(self, canonical: str, headers: Iterable[str]) -> str | None:
        """The export header that holds `canonical`, or None when the export lacks it."""
        present = set(headers)
        if canonical in self.columns:
            header = self.columns[canonical]
            return header if header in present else None
        return canonical if canonical in present else None

    def aliases(self, canonical: str) -> dict[str, str]:
        return self.values.get(canonical, {})


def _expect_table(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise InvalidInputError(f"{where} must be a table")
    return value


def parse_mapping(
    text: str, *, allowed_fields: Iterable[str], source: str = "mapping"
) -> ColumnMapping:
    """Parse and check a mapping; every error names the file and what is wrong."""
    allowed = tuple(allowed_fields)
    try:
        document = loads_toml(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message names the line and column.
        raise InvalidInputError(f"{source}: not valid TOML: {error}") from None
    unknown_sections = set(document) - {"columns", "values"}
    if unknown_sections:
        raise InvalidInputError(
            f"{source}: unknown section(s) {sorted(unknown_sections)}; "
            "expected [columns] and [values.FIELD]"
        )
    columns: dict[str, str] = {}
    for name, header in _expect_table(document.get("columns", {}), f"{source}: [columns]").items():
        if name not in allowed:
            raise InvalidInputError(
                f"{source}: [columns] names unknown field {name!r}; "
                f"known fields: {', '.join(allowed)}"
            )
        if not isinstance(header, str) or not header.strip():
            raise InvalidInputError(f"{source}: [columns] {name} must be a non-empty header text")
        columns[name] = header.strip()
    seen_headers: dict[str, str] = {}
    for name, header in columns.items():
        if header in seen_headers:
            raise InvalidInputError(
                f"{source}: header {header!r} is mapped to both {seen_headers[header]} and {name}"
            )
        seen_headers[header] = name
    values: dict[str, dict[str, str]] = {}
    for name, table in _expect_table(document.get("values", {}), f"{source}: [values]").items():
        if name not in allowed:
            raise InvalidInputError(f"{source}: [values.{name}] names an unknown field")
        aliases = _expect_table(table, f"{source}: [values.{name}]")
        for answer, canonical in aliases.items():
            if not isinstance(canonical, str):
                raise InvalidInputError(f"{source}: [values.{name}] {answer!r} must map to a text")
        values[name] = {str(a).strip().lower(): str(c).strip() for a, c in aliases.items()}
    return ColumnMapping(columns=columns, values=values)


def load_mapping(path: Path, *, allowed_fields: Iterable[str]) -> ColumnMapping:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInputError(f"mapping file not found: {path}") from None
    except IsADirectoryError:
        raise InvalidInputError(f"mapping {path} is a folder, not a file") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"mapping file {path} is not UTF-8 text") from None
    return parse_mapping(text, allowed_fields=allowed_fields, source=str(path))
