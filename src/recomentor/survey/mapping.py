"""Column mappings: canonical field -> source header, value aliases, defaults for fields an
export lacks, and typed attributes, read from TOML."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recomentor.attributes import (
    ATTRIBUTE_TYPES,
    DEFAULT_SEPARATOR,
    MAX_NAME_CHARS,
    MULTI,
    NAME_PATTERN,
    ORDINAL,
    AttributeSpec,
    answer_key,
)
from recomentor.errors import InvalidInputError
from recomentor.nesting import loads_toml
from recomentor.toml_lines import locate

_SECTIONS = ("columns", "values", "defaults", "attributes")
_ATTRIBUTE_KEYS = ("column", "type", "order", "separator", "required")


@dataclass(frozen=True)
class ColumnMapping:
    """How one export's headers and answers translate to canonical fields and values."""

    columns: dict[str, str] = field(default_factory=dict)
    # field -> {answer as exported, lower-cased -> canonical value}
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # field -> the answer everyone gets when the export has no column for it (or when the
    # mapping maps no column to it)
    defaults: dict[str, str] = field(default_factory=dict)
    attributes: tuple[AttributeSpec, ...] = ()

    def header_for(self, canonical: str, headers: Iterable[str]) -> str | None:
        """The export header that holds `canonical`, or None when the export lacks it.

        A field with a default and no [columns] entry takes the default even where a column
        has its name: such a column means something else (mentor-match's `role` is a job).
        """
        present = set(headers)
        if canonical in self.columns:
            header = self.columns[canonical]
            return header if header in present else None
        if canonical in self.defaults:
            return None
        return canonical if canonical in present else None

    def aliases(self, canonical: str) -> dict[str, str]:
        return self.values.get(canonical, {})


class _Reader:
    """Checks one parsed mapping; every error names the file and the line of what is wrong."""

    def __init__(self, text: str, source: str, allowed: tuple[str, ...]) -> None:
        self.text, self.source, self.allowed = text, source, allowed

    def fail(self, problem: str, table: str | None = None, key: str | None = None) -> Exception:
        return InvalidInputError(f"{self.source}{locate(self.text, table, 0, key)}: {problem}")

    def table(self, document: dict[str, Any], name: str) -> dict[str, Any]:
        value = document.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(f"{name} must be a table ([{name}])", key=name)
        return value

    def columns(self, table: dict[str, Any]) -> dict[str, str]:
        columns: dict[str, str] = {}
        for name, header in table.items():
            if name not in self.allowed:
                raise self.fail(
                    f"[columns] names unknown field {name!r}; known fields: "
                    f"{', '.join(self.allowed)}",
                    "columns",
                    name,
                )
            if not isinstance(header, str) or not header.strip():
                raise self.fail(
                    f"[columns] {name} must be a non-empty header text", "columns", name
                )
            columns[name] = header.strip()
        seen: dict[str, str] = {}
        for name, header in columns.items():
            if header in seen:
                raise self.fail(
                    f"header {header!r} is mapped to both {seen[header]} and {name}",
                    "columns",
                    name,
                )
            seen[header] = name
        return columns

    def values(self, table: dict[str, Any]) -> dict[str, dict[str, str]]:
        values: dict[str, dict[str, str]] = {}
        for name, aliases in table.items():
            where = f"values.{name}"
            if name not in self.allowed:
                raise self.fail(f"[values.{name}] names an unknown field", where)
            if not isinstance(aliases, dict):
                raise self.fail(f"[values.{name}] must be a table", "values", name)
            for answer, canonical in aliases.items():
                if not isinstance(canonical, str):
                    raise self.fail(f"[values.{name}] {answer!r} must map to a text", where, answer)
            values[name] = {str(a).strip().lower(): str(c).strip() for a, c in aliases.items()}
        return values

    def defaults(self, table: dict[str, Any]) -> dict[str, str]:
        defaults: dict[str, str] = {}
        for name, value in table.items():
            if name not in self.allowed:
                raise self.fail(
                    f"[defaults] names unknown field {name!r}; known fields: "
                    f"{', '.join(self.allowed)}",
                    "defaults",
                    name,
                )
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise self.fail(f"[defaults] {name} must be a text or a number", "defaults", name)
            if not str(value).strip():
                raise self.fail(f"[defaults] {name} must not be empty", "defaults", name)
            defaults[name] = str(value).strip()
        return defaults

    def attributes(self, table: dict[str, Any]) -> tuple[AttributeSpec, ...]:
        specs = []
        for name, entry in table.items():
            where = f"attributes.{name}"
            if not NAME_PATTERN.match(name) or len(name) > MAX_NAME_CHARS:
                raise self.fail(
                    f"attribute name {name!r} must be lower-case letters, digits and _, "
                    f"starting with a letter, at most {MAX_NAME_CHARS} characters",
                    where,
                )
            if name in self.allowed:
                raise self.fail(
                    f"attribute {name!r} has the name of a canonical field; map that field "
                    "under [columns] or name the attribute otherwise",
                    where,
                )
            if not isinstance(entry, dict):
                raise self.fail(f"[attributes.{name}] must be a table", "attributes", name)
            specs.append(self._attribute(name, entry, where))
        return tuple(specs)

    def _attribute(self, name: str, entry: dict[str, Any], where: str) -> AttributeSpec:
        unknown = sorted(set(entry) - set(_ATTRIBUTE_KEYS))
        if unknown:
            raise self.fail(
                f"unknown key {unknown[0]!r} in [{where}]; use {', '.join(_ATTRIBUTE_KEYS)}",
                where,
                unknown[0],
            )
        column = entry.get("column")
        if not isinstance(column, str) or not column.strip():
            raise self.fail(f"[{where}] column must be a non-empty header text", where, "column")
        kind = entry.get("type")
        if kind not in ATTRIBUTE_TYPES:
            raise self.fail(
                f"[{where}] type must be one of {', '.join(ATTRIBUTE_TYPES)}, got {kind!r}",
                where,
                "type",
            )
        order = entry.get("order")
        if kind == ORDINAL:
            order = self._order(order, where)
        elif order is not None:
            raise self.fail(f"[{where}] order is for ordinal attributes only", where, "order")
        separator = entry.get("separator", DEFAULT_SEPARATOR)
        if "separator" in entry and kind != MULTI:
            raise self.fail(f"[{where}] separator is for multi attributes only", where, "separator")
        if not isinstance(separator, str) or not separator.strip():
            raise self.fail(f"[{where}] separator must be a non-empty text", where, "separator")
        required = entry.get("required", False)
        if not isinstance(required, bool):
            raise self.fail(f"[{where}] required must be true or false", where, "required")
        return AttributeSpec(
            name=name,
            column=column.strip(),
            type=str(kind),
            order=tuple(order or ()),
            separator=separator,
            required=required,
        )

    def _order(self, order: Any, where: str) -> tuple[str, ...]:
        if (
            not isinstance(order, list)
            or not order
            or not all(isinstance(v, str) and v.strip() for v in order)
        ):
            raise self.fail(
                f"[{where}] order must list the answers from lowest to highest", where, "order"
            )
        keys = [answer_key(v) for v in order]
        if len(set(keys)) != len(keys):
            raise self.fail(f"[{where}] order names an answer twice", where, "order")
        return tuple(v.strip() for v in order)


def parse_mapping(
    text: str, *, allowed_fields: Iterable[str], source: str = "mapping"
) -> ColumnMapping:
    """Parse and check a mapping; every error names the file, the line and what is wrong."""
    allowed = tuple(allowed_fields)
    try:
        document = loads_toml(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message names the line and column.
        raise InvalidInputError(f"{source}: not valid TOML: {error}") from None
    reader = _Reader(text, source, allowed)
    for section in document:
        if section not in _SECTIONS:
            raise reader.fail(
                f"unknown section {section!r}; expected [columns], [values.FIELD], "
                "[defaults] and [attributes.NAME]",
                section,
                section,
            )
    return ColumnMapping(
        columns=reader.columns(reader.table(document, "columns")),
        values=reader.values(reader.table(document, "values")),
        defaults=reader.defaults(reader.table(document, "defaults")),
        attributes=reader.attributes(reader.table(document, "attributes")),
    )


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
