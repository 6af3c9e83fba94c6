"""Attribute answers of everyone as aligned numpy arrays: codes, bitmasks or numbers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from recomentor.attributes import (
    CATEGORY,
    MULTI,
    NUMBER,
    ORDINAL,
    TEXT,
    AttributeDefinition,
    answer_key,
    ordinal_rank,
)

NO_ANSWER: Final = -1
_BITS: Final = 64


@dataclass(frozen=True, eq=False)
class AttributeColumn:
    """One attribute (or built-in field) for every roster position.

    category, text and ordinal answers are `codes` into `labels` (an ordinal's code is its
    rank in the order); multi answers are bitmasks over `labels`, `words` uint64 per person;
    numbers (and ordinal ranks) are `numbers`, NaN where there is no answer.
    """

    name: str
    type: str
    labels: tuple[str, ...]
    codes: np.ndarray | None = None  # (n,) int32, NO_ANSWER when none
    masks: np.ndarray | None = None  # (n, words) uint64, all zero when none
    numbers: np.ndarray | None = None  # (n,) float64

    @property
    def answered(self) -> np.ndarray:
        if self.masks is not None:
            answered: np.ndarray = (self.masks != 0).any(axis=1)
            return answered
        if self.codes is not None:
            return self.codes != NO_ANSWER
        assert self.numbers is not None
        return ~np.isnan(self.numbers)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(answer_key(label) for label in self.labels)

    def shown(self, person: int) -> str | None:
        """One person's answer as a text for an explanation, None when there is none."""
        if self.masks is not None:
            chosen = [
                label
                for bit, label in enumerate(self.labels)
                if int(self.masks[person, bit // _BITS]) >> (bit % _BITS) & 1
            ]
            return ", ".join(chosen) or None
        if self.codes is not None:
            code = int(self.codes[person])
            return self.labels[code] if code != NO_ANSWER else None
        assert self.numbers is not None
        value = float(self.numbers[person])
        return None if np.isnan(value) else f"{value:g}"


def words_for(labels: int) -> int:
    return max(1, -(-labels // _BITS))


def masks_of(answers: Sequence[Sequence[int]], labels: int) -> np.ndarray:
    """Bitmasks (people, words) of each person's label indices."""
    masks = np.zeros((len(answers), words_for(labels)), dtype=np.uint64)
    for person, chosen in enumerate(answers):
        for index in chosen:
            masks[person, index // _BITS] |= np.uint64(1 << (index % _BITS))
    return masks


def categorical_column(name: str, kind: str, answers: Sequence[str | None]) -> AttributeColumn:
    """Codes for one-label answers, compared case-insensitively; labels sorted by key."""
    first: dict[str, str] = {}
    for answer in answers:
        if answer:
            first.setdefault(answer_key(answer), answer)
    keys = sorted(first)
    code_of = {key: code for code, key in enumerate(keys)}
    codes = np.array([code_of[answer_key(a)] if a else NO_ANSWER for a in answers], dtype=np.int32)
    return AttributeColumn(name, kind, tuple(first[k] for k in keys), codes=codes)


def multi_column(name: str, answers: Sequence[Sequence[str]]) -> AttributeColumn:
    first: dict[str, str] = {}
    for chosen in answers:
        for label in chosen:
            first.setdefault(answer_key(label), label)
    keys = sorted(first)
    index_of = {key: index for index, key in enumerate(keys)}
    indices = [[index_of[answer_key(label)] for label in chosen] for chosen in answers]
    return AttributeColumn(
        name, MULTI, tuple(first[k] for k in keys), masks=masks_of(indices, len(keys))
    )


def _column(definition: AttributeDefinition, answers: list[Any]) -> AttributeColumn:
    name = definition.name
    if definition.type == NUMBER:
        numbers = np.array(
            [float(a) if isinstance(a, int | float) else np.nan for a in answers], np.float64
        )
        return AttributeColumn(name, NUMBER, (), numbers=numbers)
    if definition.type == ORDINAL:
        ranks = [ordinal_rank(definition, a) if isinstance(a, str) else None for a in answers]
        codes = np.array([NO_ANSWER if r is None else r for r in ranks], dtype=np.int32)
        numbers = np.where(codes == NO_ANSWER, np.nan, codes.astype(np.float64))
        return AttributeColumn(name, ORDINAL, definition.order, codes=codes, numbers=numbers)
    if definition.type == MULTI:
        lists = [[str(v) for v in a] if isinstance(a, list) else [] for a in answers]
        return multi_column(name, lists)
    kind = TEXT if definition.type == TEXT else CATEGORY
    return categorical_column(name, kind, [a if isinstance(a, str) else None for a in answers])


def attribute_columns(
    definitions: Mapping[str, AttributeDefinition],
    stored: Sequence[Mapping[str, Any] | None],
) -> dict[str, AttributeColumn]:
    """Every defined attribute over the people whose stored answers `stored` lists."""
    return {
        name: _column(definition, [(answers or {}).get(name) for answers in stored])
        for name, definition in definitions.items()
    }
