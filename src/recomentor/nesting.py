"""Depth limits for JSON and TOML: the parsers recurse once per level, so a body of a few
kilobytes of brackets (`[[[[...`) ran them out of stack and answered 500."""

from __future__ import annotations

import re
import tomllib
from typing import Any

MAX_DEPTH = 32

# A JSON string, escapes included: its brackets are text, not nesting.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than `limit`, without decoding anything.

    Malformed JSON is not judged here: the decoder refuses it with its own message.
    """
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if len(brackets) <= limit:
        return False
    depth = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _depth(document: dict[str, Any]) -> int:
    """Levels of tables and arrays below the document itself. Iterative: the point is not to
    recurse once per level."""
    deepest, pending = 0, [(document, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return deepest


def loads_toml(text: str, limit: int = MAX_DEPTH) -> dict[str, Any]:
    """tomllib.loads with a depth limit; too deep raises TOMLDecodeError like any bad TOML."""
    try:
        document = tomllib.loads(text)
    except RecursionError:
        document = None
    if document is None or _depth(document) > limit:
        raise tomllib.TOMLDecodeError(f"tables and arrays nest deeper than {limit} levels")
    return document
