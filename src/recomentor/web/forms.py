"""Posted form fields as handlers receive them (`data: FormData`)."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar.datastructures import UploadFile
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


# Uploaded text files (rules, slots) are small: past this a file is refused unread.
MAX_UPLOAD_BYTES: Final = 64 * 1024
TOO_LARGE: Final = "too_large"
NOT_UTF8: Final = "not_utf8"


class UploadRefused(Exception):
    """An uploaded file that cannot be read as text: `reason` is TOO_LARGE or NOT_UTF8."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the uploaded file is refused: {reason}")
        self.reason = reason


def uploaded_text(data: dict[str, Any], name: str) -> str | None:
    """The text of a file field; None when no file (or an empty one) was sent. UTF-8, with
    or without the byte-order mark spreadsheet and Windows editors write."""
    upload = data.get(name)
    if not isinstance(upload, UploadFile):
        return None
    # One byte past the limit is enough to refuse a file too large.
    content = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if not content:
        return None
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(TOO_LARGE)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(NOT_UTF8) from None


# Any text is taken and read leniently: a hostile or stale link never fails the page.
Query = Annotated[str | None, QueryParameter()]
