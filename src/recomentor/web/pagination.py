"""Numbered pages of a long list: which page a query string asks for, and the links to show."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

PAGE_SIZE = 50
# Page links shown on each side of the current one; the first and last are always shown.
_AROUND = 2


def page_number(raw: str | None) -> int:
    """The page a query string asks for: anything but a positive number is the first page."""
    text = (raw or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) <= 6 and int(text) > 0 else 1


@dataclass(frozen=True)
class Pages:
    """Where one page sits among all of them; `params` are the query's other fields, kept in
    every link so a filtered list stays filtered."""

    number: int
    total: int  # items in all
    size: int = PAGE_SIZE
    params: tuple[tuple[str, str], ...] = ()
    # Where on the page a link lands ("pairs": the list itself, not the page's top).
    fragment: str = ""
    # The query parameter of the page's number: a page with several long lists pages each
    # under its own name.
    name: str = "page"

    @classmethod
    def clamped(
        cls,
        asked: int,
        total: int,
        params: tuple[tuple[str, str], ...] = (),
        *,
        size: int = PAGE_SIZE,
        fragment: str = "",
        name: str = "page",
    ) -> Pages:
        """Page `asked`, or the last one when it asks beyond the end."""
        last = max(1, -(-total // size))
        return cls(min(max(asked, 1), last), total, size, params, fragment, name)

    @property
    def stop(self) -> int:
        """The end of this page's slice of the whole list."""
        return self.offset + self.size

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_item(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last_item(self) -> int:
        return min(self.offset + self.size, self.total)

    def url(self, number: int) -> str:
        query = [(name, value) for name, value in self.params if value]
        if number > 1:
            query.append((self.name, str(number)))
        anchor = f"#{self.fragment}" if self.fragment else ""
        return (f"?{urlencode(query)}" if query else "?") + anchor

    def links(self) -> list[int | None]:
        """Page numbers to link, None where a run of pages is left out (shown as …)."""
        shown = {1, self.count, *range(self.number - _AROUND, self.number + _AROUND + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.count)
        out: list[int | None] = []
        previous = 0
        for number in numbers:
            if previous and number - previous > 1:
                out.append(None)
            out.append(number)
            previous = number
        return out
