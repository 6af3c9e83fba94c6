"""Pages of a list: `limit` items, and an opaque `cursor` naming where the last page ended."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, Final

from litestar.exceptions import ValidationException
from litestar.params import QueryParameter

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 500

Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")
]
Cursor = Annotated[
    str | None,
    QueryParameter(min_length=1, max_length=200, description="`next_cursor` of the previous page."),
]


def encode_cursor(key: list[Any]) -> str:
    """The sort key of the last item shown, as URL-safe text; clients pass it back as is."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *types: type) -> list[Any] | None:
    """The sort key inside `cursor`, its items of these `types`; a 400 naming the parameter
    when it is not one this list handed out."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        key = None
    if (
        not isinstance(key, list)
        or len(key) != len(types)
        or not all(type(item) is kind for item, kind in zip(key, types, strict=True))
    ):
        raise bad_cursor()
    return key


def bad_cursor() -> ValidationException:
    return ValidationException(
        extra=[{"key": "cursor", "message": "not a cursor from this list", "source": "query"}]
    )


def next_cursor(items: list[Any], limit: int, key_of: Any) -> str | None:
    """The cursor after a page read with `limit + 1` rows: None when this is the last page."""
    if len(items) <= limit:
        return None
    return encode_cursor(key_of(items[limit - 1]))
