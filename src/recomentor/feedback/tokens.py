"""Feedback link tokens: random, stored only as their hash, and the link that carries one."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Final
from urllib.parse import urlsplit

from recomentor.errors import InvalidInputError

# 32 random bytes: 43 URL-safe characters, far beyond guessing.
TOKEN_BYTES: Final = 32
_TOKEN_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]{43}")
LINK_PATH: Final = "/feedback/"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps: a lookup key that does not open the link. A fast hash is
    enough for 256 random bits (no dictionary to try, unlike a password)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str) -> bool:
    """Whether `token` could have been issued; anything else is unknown without a lookup."""
    return _TOKEN_SHAPE.fullmatch(token) is not None


def checked_public_url(raw: str) -> str:
    """RECOMENTOR_PUBLIC_URL as the base of links: http(s), a host, no trailing slash."""
    if not raw:
        raise InvalidInputError(
            "RECOMENTOR_PUBLIC_URL is not set: feedback links need the address participants "
            "reach the web app at, e.g. https://mentoring.example.com"
        )
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InvalidInputError(
            "RECOMENTOR_PUBLIC_URL must be an http(s) address without query, e.g. "
            "https://mentoring.example.com"
        )
    return raw.rstrip("/")


def feedback_link(public_url: str, token: str) -> str:
    return f"{public_url}{LINK_PATH}{token}"
