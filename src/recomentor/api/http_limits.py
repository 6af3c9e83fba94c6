"""uvicorn's httptools protocol with a limit on the request head (request line + headers).

httptools buffers a header of any size before handing it over, so a 32 MiB header was read
and answered 200; this protocol answers 431 as soon as the head outgrows the limit, before
the bytes are parsed. `recomentor serve` runs uvicorn with it.
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 16 * 1024
# After the refusal, what the client still sends is read and dropped for this long, so it
# gets to read the 431 instead of a connection reset.
_LINGER_S = 2.0
_END_OF_HEAD = b"\r\n\r\n"


def _refusal() -> bytes:
    body = json.dumps(
        {
            "type": "urn:recomentor:problem:headers-too-large",
            "title": "Request Header Fields Too Large",
            "status": 431,
            "detail": f"the request line and headers exceed {MAX_HEAD_BYTES} bytes",
        }
    ).encode()
    head = (
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        "content-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class BoundedHeadProtocol(HttpToolsProtocol):
    """Counts the bytes of each request head as they arrive, before httptools sees them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0
        self._tail = b""
        self._refused = False

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._head_bytes, self._tail = True, 0, b""

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head and self._head_too_large(data):
            self._refuse()
            return
        super().data_received(data)

    def _head_too_large(self, data: bytes) -> bool:
        # The head ends at the first blank line; bytes after it are the body or the next
        # request. A head that a pipelined read started mid-chunk is counted from the next read.
        seen = self._tail + data
        end = seen.find(_END_OF_HEAD)
        size = self._head_bytes + (len(data) if end < 0 else end + 4 - len(self._tail))
        if end < 0:
            self._head_bytes += len(data)
            self._tail = seen[-3:]
        return size > MAX_HEAD_BYTES

    def _refuse(self) -> None:
        self._refused = True
        self.transport.write(_refusal())
        self.logger.info("request head over %d bytes refused with 431", MAX_HEAD_BYTES)
        self.loop.call_later(_LINGER_S, self.transport.close)
