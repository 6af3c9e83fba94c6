"""Parse the timestamp shapes survey tools export into aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import polars as pl

# Google Forms (FR): "2026/09/01 9:02:11 UTC+2"; also "01/09/2026 09:02" (day first, as in
# French and most European exports).
_FORMS = re.compile(
    r"^(?P<y>\d{4})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})[ T](?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2}))?\s*(?:(?:UTC|GMT)\s*(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)?$"
)
_DAY_FIRST = re.compile(
    r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)


def _from_match(match: re.Match[str]) -> datetime:
    parts = match.groupdict()
    offset = timedelta(0)
    if parts.get("sign"):
        offset = timedelta(hours=int(parts["oh"]), minutes=int(parts.get("om") or 0))
        offset = -offset if parts["sign"] == "-" else offset
    local = datetime(
        int(parts["y"]),
        int(parts["m"]),
        int(parts["d"]),
        int(parts.get("H") or 0),
        int(parts.get("M") or 0),
        int(parts.get("S") or 0),
        tzinfo=timezone(offset),
    )
    return local.astimezone(UTC)


def parse_timestamp(raw: str) -> datetime | None:
    """Aware UTC datetime, or None when `raw` is no timestamp we know; naive means UTC."""
    text = raw.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = _FORMS.match(text) or _DAY_FIRST.match(text)
        if match is None:
            return None
        try:
            return _from_match(match)
        except ValueError:  # e.g. month 13
            return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_timestamp_column(column: pl.Series) -> pl.Series:
    """Vectorised over distinct values: exports repeat few shapes, parsing is per distinct text."""
    distinct = column.drop_nulls().unique()
    parsed = [parse_timestamp(value) for value in distinct.to_list()]
    lookup = pl.DataFrame(
        {"raw": distinct, "parsed": pl.Series(parsed, dtype=pl.Datetime("us", "UTC"))}
    )
    joined = pl.DataFrame({"raw": column}).join(lookup, on="raw", how="left", maintain_order="left")
    return joined["parsed"]
