"""Numbers as the page's language writes them: 3.5 and 3,5; 45% and 45 %; 12,000 and 12 000."""

from __future__ import annotations

import math
from typing import Final

MISSING: Final = "–"
# French typography: a narrow no-break space between thousands, a no-break space before %.
_THOUSANDS_FR: Final = "\u202f"
_BEFORE_PERCENT_FR: Final = "\u00a0"


def number(value: float | None, lang: str, spec: str = ",") -> str:
    """`value` formatted by Python's format `spec` (".1f", "+.2f", ".2g"; "," groups thousands),
    then written the way `lang` does; "–" when there is no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    text = format(value, spec)
    if lang == "fr":
        return text.replace(",", _THOUSANDS_FR).replace(".", ",")
    return text


def percent(share: float | None, lang: str, digits: int = 0) -> str:
    """A share (0-1) as a percentage: 45% in English, 45 % in French."""
    if share is None or math.isnan(share):
        return MISSING
    text = number(share * 100, lang, f",.{digits}f")
    return f"{text}{_BEFORE_PERCENT_FR}%" if lang == "fr" else f"{text}%"
