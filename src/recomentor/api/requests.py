"""The request class of the app: a JSON body nested too deep is refused before any decoder
recurses into it (msgspec has no depth option; a 1,000-deep array answered 500)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException

from recomentor.nesting import MAX_DEPTH, json_too_deep


class BoundedRequest(Request[Any, Any, Any]):
    async def body(self) -> bytes:
        body = await super().body()
        # Only JSON bodies are decoded into nested values; uploads are read as tables.
        if "json" in self.headers.get("content-type", "json") and json_too_deep(body):
            raise ClientException(f"the JSON body nests arrays or objects deeper than {MAX_DEPTH}")
        return body
