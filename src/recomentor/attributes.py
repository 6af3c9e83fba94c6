"""Further survey questions kept with their type: what an attribute is, and how answers compare."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from recomentor import text as T

CATEGORY: Final = "category"
MULTI: Final = "multi"
ORDINAL: Final = "ordinal"
NUMBER: Final = "number"
TEXT: Final = "text"
ATTRIBUTE_TYPES: Final = (CATEGORY, MULTI, ORDINAL, NUMBER, TEXT)
NAME_PATTERN: Final = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_NAME_CHARS: Final = 64
# A category, ordinal or multi answer is a short label, not free text.
MAX_LABEL_CHARS: Final = 200
DEFAULT_SEPARATOR: Final = ","
# What one stored answer is: a label, several labels, or a number.
AttributeValue = str | list[str] | float


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of a mapping: where its answers are read and what type they have."""

    name: str
    column: str
    type: str
    order: tuple[str, ...] = ()  # ordinal only: lowest first
    separator: str = DEFAULT_SEPARATOR  # multi only
    required: bool = False

    @property
    def definition(self) -> AttributeDefinition:
        return AttributeDefinition(self.name, self.type, self.order)


@dataclass(frozen=True)
class AttributeDefinition:
    """What the store keeps of an attribute beside the answers: enough to compare them."""

    name: str
    type: str
    order: tuple[str, ...] = ()


def answer_key(label: str) -> str:
    """How answers compare: trimmed, spaces collapsed, case-insensitive."""
    return T.normalise(label).casefold()


def ordinal_rank(definition: AttributeDefinition, label: str) -> int | None:
    """Position of `label` in the ordinal's order (0 = lowest), None when not one of them."""
    return _ranks(tuple(definition.order)).get(answer_key(label))


@cache
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    # Keyed once per order, not once per answer: a roster ranks every person's answer.
    ranks: dict[str, int] = {}
    for rank, allowed in enumerate(order):
        ranks.setdefault(answer_key(allowed), rank)
    return ranks
