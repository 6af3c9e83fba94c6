"""French punctuation: a no-break space before ':', ';', '?' and '!' in words shown to people."""

from __future__ import annotations

import re

NO_BREAK_SPACE = "\u00a0"
# A plain space (or none, after a letter or a closing mark) before the four high marks; a mark
# inside a token, such as the '::' of an IPv6 address or a URL's '://', is left alone.
_BEFORE_HIGH_MARK = re.compile(r"(?:(?<=[\w»)\]}’'%])| )(?=[:;?!](?:\s|$|[»)\]]))")


def typeset(text: str, lang: str) -> str:
    """`text` as `lang` writes it: in French, 'Note : oui ?' with no-break spaces, so a line
    never starts with the mark; any other language unchanged."""
    if lang != "fr":
        return text
    return _BEFORE_HIGH_MARK.sub(NO_BREAK_SPACE, text)
