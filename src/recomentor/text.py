"""Free-text normalisation: items of a skills/goals answer, cache hashes, language codes."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Commas, semicolons, line breaks and bullets separate items in survey answers, except inside
# parentheses: "IA générative (ChatGPT, Copilot) au quotidien" is one item.
_ITEM_SEPARATORS = re.compile(r"(?:[;,\n\r•·▪●◦]+|(?:^|\s)[-*]\s+)(?![^()]*\))")
_SPACES = re.compile(r"\s+")

# Language names as people type them in French or English surveys -> ISO 639-1.
_LANGUAGE_CODES = {
    "francais": "fr", "french": "fr", "fr": "fr",
    "anglais": "en", "english": "en", "en": "en",
    "espagnol": "es", "spanish": "es", "espanol": "es", "es": "es",
    "allemand": "de", "german": "de", "deutsch": "de", "de": "de",
    "italien": "it", "italian": "it", "it": "it",
    "portugais": "pt", "portuguese": "pt", "pt": "pt",
    "arabe": "ar", "arabic": "ar", "ar": "ar",
    "vietnamien": "vi", "vietnamese": "vi", "vi": "vi",
    "chinois": "zh", "chinese": "zh", "mandarin": "zh", "zh": "zh",
    "neerlandais": "nl", "dutch": "nl", "nl": "nl",
    "polonais": "pl", "polish": "pl", "pl": "pl",
    "japonais": "ja", "japanese": "ja", "ja": "ja",
}  # fmt: skip


def normalise(text: str) -> str:
    """Unicode NFC and collapsed whitespace: the form that is embedded and hashed."""
    if text.isascii() and text.isprintable() and "  " not in text:
        # Nothing to compose and no whitespace but single spaces: the common answer, which a
        # roster normalises thousands of times, skips the regular expression.
        return text.strip()
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def text_hash(text: str) -> str:
    """Cache key of a text: sha256 of its normalised form."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def split_items(text: str | None) -> list[str]:
    """Split a free-text answer into its items, keeping their order, without duplicates."""
    if not text:
        return []
    items: list[str] = []
    seen: set[str] = set()
    for part in _ITEM_SEPARATORS.split(text):
        item = normalise(part).strip(" .:-")
        key = item.casefold()
        if len(item) >= 2 and key not in seen:
            seen.add(key)
            items.append(item)
    return items


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def language_code(name: str) -> str:
    """ISO code for a language name in French or English; other names lower-cased, unaccented."""
    key = strip_accents(normalise(name)).casefold()
    return _LANGUAGE_CODES.get(key, key)


def language_codes(raw: str | None) -> list[str]:
    """Parse a `;` or `,` separated list of languages into sorted unique codes."""
    if not raw:
        return []
    codes = {language_code(part) for part in re.split(r"[;,/]", raw) if part.strip()}
    return sorted(code for code in codes if code)


# Short words that give a phrase away as French or English; survey answers are too short for a
# statistical detector, and these two are the languages the product's surveys are written in.
_FRENCH_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "d",
        "l",
        "et",
        "pour",
        "mon",
        "ma",
        "mes",
        "un",
        "une",
        "au",
        "aux",
        "avec",
        "dans",
        "sur",
        "en",
        "ou",
        "comment",
        "comprendre",
        "apprendre",
        "utiliser",
        "savoir",
        "découvrir",
        "créer",
        "travailler",
        "gérer",
        "outils",
        "données",
        "réseaux",
        "mieux",
        "être",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "of",
        "for",
        "to",
        "my",
        "with",
        "in",
        "on",
        "how",
        "or",
        "learn",
        "understand",
        "use",
        "using",
        "get",
        "better",
        "build",
        "work",
        "tools",
        "data",
        "social",
        "media",
        "write",
    ]
)
_FRENCH_LETTERS = re.compile(r"[éèêëàâçùûüôîïœ]", re.IGNORECASE)
_WORD = re.compile(r"[a-zà-öø-ÿœ']+", re.IGNORECASE)


def guess_language(text: str) -> str:
    """ "fr", "en", or "" when a phrase shows neither (a product name such as "Power BI")."""
    words = [w.strip("'") for w in _WORD.findall(text.casefold())]
    words = [part for w in words for part in w.split("'") if part]
    french = sum(w in _FRENCH_WORDS for w in words) + len(_FRENCH_LETTERS.findall(text))
    english = sum(w in _ENGLISH_WORDS for w in words)
    if french > english:
        return "fr"
    if english > french:
        return "en"
    return ""
