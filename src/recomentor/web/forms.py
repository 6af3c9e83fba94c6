"""Posted form fields as handlers receive them (`data: FormData`)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter

# Repeated fields (checkboxes) arrive as a list, single ones as a text.
FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def field(data: dict[str, Any], name: str) -> str:
    """One text field; missing is empty, a repeated one gives its first value."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


def fields(data: dict[str, Any], name: str) -> list[str]:
    """Every value of a repeated field (checked boxes)."""
    value = data.get(name, [])
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


# Any text is taken and read leniently: a hostile or stale link never fails the page.
Query = Annotated[str | None, QueryParameter()]
