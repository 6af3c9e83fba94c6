"""Conditions of program rules on any field or attribute, tested over whole arrays of pairs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final
from weakref import WeakKeyDictionary

import numpy as np

from recomentor import fields as F
from recomentor.attributes import NUMBER, ORDINAL, answer_key
from recomentor.errors import InvalidInputError
from recomentor.ranking.attributes import NO_ANSWER, AttributeColumn, masks_of
from recomentor.ranking.roster import Roster

EQUAL: Final = "equal"
DIFFERENT: Final = "different"
OVERLAP: Final = "overlap"
CONTAINS: Final = "contains"
CONTAINED: Final = "contained"
DIFFERENCE: Final = "difference"
TESTS: Final = (EQUAL, DIFFERENT, OVERLAP, CONTAINS, CONTAINED, DIFFERENCE)
SIDES: Final = (F.MENTOR, F.MENTEE)
# Numbers are floats; an equality or a bound met exactly must hold despite rounding.
_TOLERANCE: Final = 1e-9
_NUMERIC: Final = (NUMBER, ORDINAL)


@dataclass(frozen=True)
class When:
    """A condition on one side only: the person's answer to `field` is one of `values`."""

    side: str  # mentor or mentee
    field: str
    values: tuple[str | float, ...]


@dataclass(frozen=True)
class Condition:
    """What a pair must meet (must), must not meet (never), or is rewarded for (bonus).

    A pair where either side gave no answer to a field tested does not meet it.
    """

    mentor_field: str
    mentee_field: str
    test: str
    min: float | None = None  # difference only: mentor's value minus mentee's, inclusive
    max: float | None = None
    when: tuple[When, ...] = ()
    # Where the rules file states it, for errors found once the roster is known.
    line: int | None = field(default=None, compare=False)

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.mentor_field, self.mentee_field, *(w.field for w in self.when))

    def describe(self, lang: str = "en") -> str:
        """The condition in words, as explanations and reasons name it (English, the words
        stored in explanations), or as a page in `lang` shows it."""
        words = _WORDS[lang]
        same = self.mentor_field == self.mentee_field
        name = _field_words(self.mentor_field, lang)
        mentor = words["mentor_of"].format(name=name)
        mentee = words["mentee_of"].format(name=_field_words(self.mentee_field, lang))
        if self.test == DIFFERENCE:
            span = _span(self.min, self.max, words)
            template = words["difference_same" if same else "difference"]
            text = template.format(name=name, mentor=mentor, mentee=mentee, span=span)
        elif self.test in (CONTAINS, CONTAINED):
            text = words[self.test].format(mentor=mentor, mentee=mentee)
        else:
            template = words[f"{self.test}_same" if same else self.test]
            text = template.format(name=name, mentor=mentor, mentee=mentee)
        for clause in self.when:
            answers = words["or"].join(
                f"{v:g}" if isinstance(v, float) else v for v in clause.values
            )
            text += words["when"].format(
                side=words[clause.side], field=_field_words(clause.field, lang), answers=answers
            )
        return text


# A condition's words per language; English is what explanations store.
_WORDS: Final = {
    "en": {
        "mentor_of": "mentor's {name}",
        "mentee_of": "mentee's {name}",
        "difference_same": "{name} difference {span}",
        "difference": "{mentor} - {mentee} {span}",
        "equal_same": "same {name}",
        "equal": "{mentor} equal to {mentee}",
        "different_same": "different {name}",
        "different": "{mentor} different to {mentee}",
        "overlap_same": "shared {name}",
        "overlap": "{mentor} overlaps {mentee}",
        CONTAINS: "{mentee} among {mentor}",
        CONTAINED: "{mentor} among {mentee}",
        "when": " when {side}'s {field} is {answers}",
        "or": " or ",
        "mentor": "mentor",
        "mentee": "mentee",
        "exactly": "{low}",
        "between": "{low} to {high}",
        "at_least": "at least {low}",
        "at_most": "at most {high}",
        "any": "any",
        "not": "not {condition}",
    },
    "fr": {
        "mentor_of": "{name} du mentor",
        "mentee_of": "{name} du mentoré",
        "difference_same": "écart sur {name} {span}",
        "difference": "{mentor} - {mentee} {span}",
        "equal_same": "même {name}",
        "equal": "{mentor} égal à {mentee}",
        "different_same": "{name} : valeurs différentes",
        "different": "{mentor} différent de {mentee}",
        "overlap_same": "{name} en commun",
        "overlap": "{mentor} recoupant {mentee}",
        CONTAINS: "{mentee} parmi {mentor}",
        CONTAINED: "{mentor} parmi {mentee}",
        "when": " quand {field} du {side} vaut {answers}",
        "or": " ou ",
        "mentor": "mentor",
        "mentee": "mentoré",
        "exactly": "de {low}",
        "between": "de {low} à {high}",
        "at_least": "d'au moins {low}",
        "at_most": "d'au plus {high}",
        "any": "quelconque",
        "not": "jamais : {condition}",
    },
}
# Built-in fields in French; attributes keep the names their mapping gives them.
_FIELD_WORDS_FR: Final = {
    F.DEPARTMENT: "service",
    F.LOCATION: "site",
    F.YEARS_EXPERIENCE: "années d'expérience",
    F.ROLE: "rôle",
}


def _field_words(name: str, lang: str) -> str:
    if lang == "fr" and name in _FIELD_WORDS_FR:
        return _FIELD_WORDS_FR[name]
    return name.replace("_", " ")


def _span(low: float | None, high: float | None, words: dict[str, str]) -> str:
    if low is not None and high is not None:
        key = "exactly" if low == high else "between"
        return words[key].format(low=f"{low:g}", high=f"{high:g}")
    if low is not None:
        return words["at_least"].format(low=f"{low:g}")
    return words["at_most"].format(high=f"{high:g}") if high is not None else words["any"]


def negated(words: str, lang: str = "en") -> str:
    """A [[never]] condition's words: what the pair must not be."""
    return _WORDS[lang]["not"].format(condition=words)


def check_condition(roster: Roster, condition: Condition, where: str) -> None:
    """InvalidInputError (naming `where`, the rules file's line) when a field is unknown to
    the roster or its type cannot take the test."""
    for name in condition.fields:
        if roster.column(name) is None:
            raise InvalidInputError(
                f"{where}: unknown field or attribute {name!r}; known: "
                f"{', '.join(roster.field_names)}"
            )
    mentor = roster.column(condition.mentor_field)
    mentee = roster.column(condition.mentee_field)
    assert mentor is not None and mentee is not None
    numeric = mentor.type in _NUMERIC and mentee.type in _NUMERIC
    labelled = mentor.type != NUMBER and mentee.type != NUMBER
    if condition.test == DIFFERENCE and not numeric:
        raise InvalidInputError(
            f"{where}: difference needs number or ordinal fields; {mentor.name} is "
            f"{mentor.type}, {mentee.name} is {mentee.type}"
        )
    if condition.test in (OVERLAP, CONTAINS, CONTAINED) and not labelled:
        raise InvalidInputError(f"{where}: {condition.test} compares answers, not numbers")
    if condition.test in (EQUAL, DIFFERENT) and not (numeric or labelled):
        raise InvalidInputError(
            f"{where}: {condition.test} compares {mentor.name} ({mentor.type}) with "
            f"{mentee.name} ({mentee.type}): a number only compares with a number"
        )


@dataclass(frozen=True, eq=False)
class _Prepared:
    """A condition's two sides over the roster, in one label space, and its `when` mask."""

    mentor: AttributeColumn
    mentee: AttributeColumn
    # Labelled tests: each side as codes (both single-answer) or as bitmasks.
    mentor_codes: np.ndarray | None
    mentee_codes: np.ndarray | None
    mentor_masks: np.ndarray | None
    mentee_masks: np.ndarray | None
    mentor_when: np.ndarray | None  # (n,) bool, None when there is no clause on that side
    mentee_when: np.ndarray | None


_PREPARED: WeakKeyDictionary[Roster, dict[Condition, _Prepared | None]] = WeakKeyDictionary()


def _union_codes(column: AttributeColumn, index_of: dict[str, int]) -> np.ndarray:
    """`column`'s codes in the label space of `index_of`."""
    assert column.codes is not None
    lookup = np.array([index_of[k] for k in column.keys] + [NO_ANSWER], dtype=np.int32)
    return lookup[np.where(column.codes == NO_ANSWER, len(column.keys), column.codes)]


def _union_masks(column: AttributeColumn, index_of: dict[str, int], size: int) -> np.ndarray:
    if column.masks is None:
        codes = _union_codes(column, index_of)
        return masks_of([[c] if c != NO_ANSWER else [] for c in codes.tolist()], size)
    out = np.zeros((column.masks.shape[0], -(-size // 64) or 1), dtype=np.uint64)
    for bit, key in enumerate(column.keys):
        target = index_of[key]
        has = (column.masks[:, bit // 64] >> np.uint64(bit % 64)) & np.uint64(1)
        out[:, target // 64] |= has << np.uint64(target % 64)
    return out


def _when_mask(roster: Roster, clauses: list[When]) -> np.ndarray | None:
    if not clauses:
        return None
    holds = np.ones(len(roster), dtype=bool)
    for clause in clauses:
        column = roster.column(clause.field)
        holds &= _one_of(column, clause.values) if column is not None else False
    return holds


def _one_of(column: AttributeColumn, values: tuple[str | float, ...]) -> np.ndarray:
    if column.type == NUMBER:
        assert column.numbers is not None
        wanted = [float(v) for v in values if isinstance(v, int | float)]
        return np.isin(column.numbers, np.asarray(wanted, dtype=np.float64))
    keys = {answer_key(str(v) if not isinstance(v, float) else f"{v:g}") for v in values}
    if column.masks is not None:
        chosen = [bit for bit, k in enumerate(column.keys) if k in keys]
        wanted_mask = masks_of([chosen], len(column.keys))[0]
        return np.asarray(((column.masks & wanted_mask) != 0).any(axis=1))
    assert column.codes is not None
    # One more entry, never a hit, for the people who gave no answer.
    hit = np.array([k in keys for k in column.keys] + [False], dtype=bool)
    return hit[np.where(column.codes == NO_ANSWER, len(column.keys), column.codes)]


def _prepare(roster: Roster, condition: Condition) -> _Prepared | None:
    mentor = roster.column(condition.mentor_field)
    mentee = roster.column(condition.mentee_field)
    if mentor is None or mentee is None:
        return None  # a stored matching's rules on an attribute no longer imported
    mentor_when = _when_mask(roster, [w for w in condition.when if w.side == F.MENTOR])
    mentee_when = _when_mask(roster, [w for w in condition.when if w.side == F.MENTEE])
    codes: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
    masks: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
    if condition.test != DIFFERENCE and NUMBER not in (mentor.type, mentee.type):
        keys = sorted({*mentor.keys, *mentee.keys})
        index_of = {key: index for index, key in enumerate(keys)}
        if mentor.masks is None and mentee.masks is None:
            codes = (_union_codes(mentor, index_of), _union_codes(mentee, index_of))
        else:
            size = len(keys)
            masks = (_union_masks(mentor, index_of, size), _union_masks(mentee, index_of, size))
    return _Prepared(mentor, mentee, *codes, *masks, mentor_when, mentee_when)


def _prepared(roster: Roster, condition: Condition) -> _Prepared | None:
    cache = _PREPARED.setdefault(roster, {})
    if condition not in cache:
        cache[condition] = _prepare(roster, condition)
    return cache[condition]


def condition_holds(
    roster: Roster, condition: Condition, mentor_idx: np.ndarray, mentee_idx: np.ndarray
) -> np.ndarray:
    """Per (mentor, mentee) pair: whether the condition holds (false where an answer is
    missing, or where a field is not in the roster)."""
    prepared = _prepared(roster, condition)
    if prepared is None:
        return np.zeros(np.shape(mentor_idx), dtype=bool)
    holds = _test(prepared, condition, mentor_idx, mentee_idx)
    if prepared.mentor_when is not None:
        holds &= prepared.mentor_when[mentor_idx]
    if prepared.mentee_when is not None:
        holds &= prepared.mentee_when[mentee_idx]
    return holds


def _test(
    prepared: _Prepared, condition: Condition, mentor_idx: np.ndarray, mentee_idx: np.ndarray
) -> np.ndarray:
    test = condition.test
    if prepared.mentor_masks is not None and prepared.mentee_masks is not None:
        mentor, mentee = prepared.mentor_masks[mentor_idx], prepared.mentee_masks[mentee_idx]
        answered = (mentor != 0).any(axis=1) & (mentee != 0).any(axis=1)
        if test == OVERLAP:
            return answered & ((mentor & mentee) != 0).any(axis=1)
        if test == CONTAINS:
            return answered & ((mentee & ~mentor) == 0).all(axis=1)
        if test == CONTAINED:
            return answered & ((mentor & ~mentee) == 0).all(axis=1)
        same = (mentor == mentee).all(axis=1)
        return answered & (same if test == EQUAL else ~same)
    if prepared.mentor_codes is not None and prepared.mentee_codes is not None:
        mentor_code = prepared.mentor_codes[mentor_idx]
        mentee_code = prepared.mentee_codes[mentee_idx]
        answered = (mentor_code != NO_ANSWER) & (mentee_code != NO_ANSWER)
        same = mentor_code == mentee_code
        return answered & (~same if test == DIFFERENT else same)
    mentor_value = _numbers(prepared.mentor)[mentor_idx]
    mentee_value = _numbers(prepared.mentee)[mentee_idx]
    with np.errstate(invalid="ignore"):
        gap = mentor_value - mentee_value
        answered = ~np.isnan(gap)
        if test == DIFFERENCE:
            holds = answered.copy()
            if condition.min is not None:
                holds &= gap >= condition.min - _TOLERANCE
            if condition.max is not None:
                holds &= gap <= condition.max + _TOLERANCE
            return holds
        same = np.abs(gap) <= _TOLERANCE
    return answered & (same if test == EQUAL else ~same)


def _numbers(column: AttributeColumn) -> np.ndarray:
    if column.numbers is not None:
        return column.numbers
    assert column.codes is not None
    return np.where(column.codes == NO_ANSWER, np.nan, column.codes.astype(np.float64))
