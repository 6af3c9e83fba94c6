"""Where a key or a table sits in a TOML file, so that a check of its values names the line."""

from __future__ import annotations

import re

# A table header: [name], [[name]] or [name.sub], quoted parts included.
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_\-\"' .]+?)\s*\]\]?")


def line_of(text: str, table: str | None, index: int = 0, key: str | None = None) -> int | None:
    """Line (1-based) of `key` in the `index`-th `[table]`/`[[table]]`, or of that header.

    A sub-table (`[table.sub]`) belongs to the table entry it follows; `key` may be dotted
    (`mentee.grade`). `table` None looks at the top level, before any header.
    """
    occurrence = -1
    current: str | None = None
    # `key = ...`, or a dotted key below it (`mentee.grade = ...` for key "mentee").
    key_pattern = (
        re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=.]") if key is not None else None
    )
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(1).replace('"', "").replace("'", "").replace(" ", "")
            if name == table:
                occurrence += 1
                current = name
                if key is None and occurrence == index:
                    return number
            elif table is not None and name.startswith(table + ".") and current == table:
                continue  # a sub-table of the current entry: still inside it
            else:
                current = name
            continue
        in_place = current == table and (table is None or occurrence == index)
        if key_pattern and in_place and key_pattern.match(line):
            return number
    return None


def locate(text: str, table: str | None, index: int = 0, key: str | None = None) -> str:
    """ ", line N" for an error message, the key's line or else its table's, "" when unknown."""
    line = line_of(text, table, index, key)
    if line is None and key is not None:
        line = line_of(text, table, index, None) or line_of(text, None, 0, key)
    return f", line {line}" if line is not None else ""
