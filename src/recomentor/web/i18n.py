"""French and English: which language a request gets, and the message catalogs.

Each feature keeps its own catalog, `web/messages/<feature>.py`, holding
`MESSAGES = {"en": {...}, "fr": {...}}`; its keys are used as `<feature>.<key>`
(`t("overview.title")`), so two pages never edit the same file and never collide.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Mapping
from functools import cache
from typing import Any

from recomentor.typography import typeset
from recomentor.web import messages

log = logging.getLogger(__name__)

LANGS = ("en", "fr")
LANG_COOKIE = "lang"


def supported(lang: str | None) -> str | None:
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGS else None


def from_accept_language(header: str) -> str | None:
    """The supported language the browser prefers most (`fr-FR,fr;q=0.9,en;q=0.8`)."""
    best: tuple[float, str] | None = None
    for position, item in enumerate(header.split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        code = supported(tag)
        # Earlier entries win ties, as the header lists them by preference.
        if code and weight > 0 and (best is None or weight > best[0]):
            best = (weight - position * 1e-6, code)
    return best[1] if best else None


def choose_lang(cookie: str | None, accept_language: str, default: str) -> str:
    """The `lang` cookie (set by the switch), else Accept-Language, else the server's default."""
    return supported(cookie) or from_accept_language(accept_language) or default


@cache
def catalogs() -> Mapping[str, Mapping[str, str]]:
    """Every feature's messages, by language then `feature.key`; loaded on first use."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for module_info in pkgutil.iter_modules(messages.__path__):
        module = importlib.import_module(f"{messages.__name__}.{module_info.name}")
        for lang, entries in module.MESSAGES.items():
            for key, text in entries.items():
                # French spacing set once here, so no catalog has to remember it.
                merged[lang][f"{module_info.name}.{key}"] = typeset(text, lang)
    return merged


def translate(lang: str, key: str, **params: Any) -> str:
    """The message in `lang`, its `{name}` fields filled; a missing key shows as itself (and
    the catalog test fails), never as a 500."""
    text = catalogs().get(lang, {}).get(key)
    if text is None:
        log.warning("missing message %s for %s", key, lang)
        return key
    return text.format(**params) if params else text
