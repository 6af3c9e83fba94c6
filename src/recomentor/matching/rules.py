"""Program rules from a TOML file: must-filters, weighted bonuses and penalties, exclusions."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from recomentor.errors import InvalidInputError
from recomentor.nesting import loads_toml
from recomentor.ranking import features as feature
from recomentor.ranking.features import PairFeatures
from recomentor.ranking.roster import Roster

DIFFERENT_DEPARTMENT: Final = "different_department"
SAME_DEPARTMENT: Final = "same_department"
SAME_LOCATION: Final = "same_location"
DIFFERENT_LOCATION: Final = "different_location"
COMMON_LANGUAGE: Final = "common_language"
# Yes/no criteria: usable as must-filters and as bonuses (worth the weight when true).
FILTERS: Final = (
    DIFFERENT_DEPARTMENT,
    SAME_DEPARTMENT,
    SAME_LOCATION,
    DIFFERENT_LOCATION,
    COMMON_LANGUAGE,
)
# Criterion -> (feature column, negated). Graded features are worth weight x value in [0, 1].
_FEATURE_OF: Final = {
    DIFFERENT_DEPARTMENT: (feature.CROSS_DEPARTMENT, False),
    SAME_DEPARTMENT: (feature.CROSS_DEPARTMENT, True),
    SAME_LOCATION: (feature.SAME_LOCATION, False),
    DIFFERENT_LOCATION: (feature.SAME_LOCATION, True),
    COMMON_LANGUAGE: (feature.COMMON_LANGUAGE, False),
    **{name: (name, False) for name in feature.FEATURE_NAMES if name != feature.CROSS_DEPARTMENT},
}
CRITERIA: Final = tuple(_FEATURE_OF)
# A bonus beyond the whole score range would let one rule override every match signal.
MAX_WEIGHT: Final = 1.0
RULE_PREFIX: Final = "rule:"
_TOP_LEVEL: Final = ("name", "description", "require", "bonus", "exclude")


@dataclass(frozen=True)
class Bonus:
    """`weight` x the criterion's value added to a pair's score (a penalty when negative)."""

    criterion: str
    weight: float

    @property
    def factor_name(self) -> str:
        return RULE_PREFIX + self.criterion


@dataclass(frozen=True)
class Exclusion:
    """A pair the program must never form, and the rules-file line that says so."""

    mentor_id: str
    mentee_id: str
    line: int | None = None


@dataclass(frozen=True)
class ProgramRules:
    name: str = ""
    require: tuple[str, ...] = ()
    bonuses: tuple[Bonus, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()

    @property
    def exclude_pairs(self) -> list[tuple[str, str]]:
        return [(e.mentor_id, e.mentee_id) for e in self.exclusions]

    @property
    def factor_names(self) -> tuple[str, ...]:
        return tuple(bonus.factor_name for bonus in self.bonuses)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "require": list(self.require),
            "bonus": [{"criterion": b.criterion, "weight": b.weight} for b in self.bonuses],
            "exclude": [
                {"mentor_id": e.mentor_id, "mentee_id": e.mentee_id} for e in self.exclusions
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProgramRules:
        """The rules a stored matching was drafted under (`to_dict`'s output, already checked)."""
        return cls(
            name=str(data.get("name", "")),
            require=tuple(data.get("require", ())),
            bonuses=tuple(
                Bonus(str(b["criterion"]), float(b["weight"])) for b in data.get("bonus", ())
            ),
            exclusions=tuple(
                Exclusion(str(e["mentor_id"]), str(e["mentee_id"])) for e in data.get("exclude", ())
            ),
        )


def _roster_filter(
    roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray, criterion: str
) -> np.ndarray:
    """A yes/no criterion straight from the roster, before any feature is computed."""
    if criterion in (DIFFERENT_DEPARTMENT, SAME_DEPARTMENT):
        same = roster.department[mentor_idx] == roster.department[mentee_idx]
        return same if criterion == SAME_DEPARTMENT else ~same
    if criterion in (SAME_LOCATION, DIFFERENT_LOCATION):
        mentor_location = roster.location[mentor_idx]
        same = (mentor_location == roster.location[mentee_idx]) & (mentor_location >= 0)
        return same if criterion == SAME_LOCATION else ~same
    mentor_languages, mentee_languages = roster.languages[mentor_idx], roster.languages[mentee_idx]
    return (
        (mentor_languages == 0)
        | (mentee_languages == 0)
        | ((mentor_languages & mentee_languages) != 0)
    )


def failed_requirement(
    rules: ProgramRules, roster: Roster, mentor_idx: np.ndarray, mentee_idx: np.ndarray
) -> np.ndarray:
    """Per pair: -1 when every must-filter holds, else the index in `rules.require` of the first
    one that fails."""
    failed = np.full(np.shape(mentor_idx), -1, dtype=np.int8)
    for position, criterion in enumerate(rules.require):
        failing = ~_roster_filter(roster, mentor_idx, mentee_idx, criterion)
        failed[(failed < 0) & failing] = position
    return failed


def criterion_values(features: PairFeatures, criterion: str) -> np.ndarray:
    """The criterion for every pair of `features`, in [0, 1] (1 = true for yes/no criteria)."""
    column, negated = _FEATURE_OF[criterion]
    values = features.column(column)
    return 1.0 - values if negated else values


def rule_contributions(rules: ProgramRules, features: PairFeatures) -> np.ndarray:
    """(pairs, bonuses): what each bonus adds to each pair's score."""
    out = np.zeros((features.matrix.shape[0], len(rules.bonuses)))
    for column, bonus in enumerate(rules.bonuses):
        out[:, column] = bonus.weight * criterion_values(features, bonus.criterion)
    return out


_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_\-\"' ]+?)\s*\]\]?")


def _line_of(text: str, table: str | None, index: int, key: str | None) -> int | None:
    """Line (1-based) of `key` in the `index`-th `[table]`/`[[table]]`, or of that header."""
    occurrence = -1
    current: str | None = None
    key_pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=") if key else None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            current = header.group(1).strip("\"' ")
            if current == table:
                occurrence += 1
                if key is None and occurrence == index:
                    return number
            continue
        in_place = current == table and occurrence == index
        if (
            key_pattern
            and key_pattern.match(line)
            and (in_place or (table is None and current is None))
        ):
            return number
    return None


class _Reader:
    """Checks one parsed file and raises errors that name the line of the offending key."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source

    def fail(
        self, problem: str, table: str | None = None, index: int = 0, key: str | None = None
    ) -> InvalidInputError:
        line = _line_of(self.text, table, index, key)
        if line is None and key is not None:
            line = _line_of(self.text, table, index, None) or _line_of(self.text, None, 0, key)
        where = f", line {line}" if line is not None else ""
        return InvalidInputError(f"{self.source}{where}: {problem}")

    def require(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, dict):
            raise self.fail("[require] must be a table of criterion = true/false", key="require")
        chosen = []
        for criterion, wanted in value.items():
            if criterion not in FILTERS:
                raise self.fail(
                    f"unknown must-filter {criterion!r}; use one of {', '.join(FILTERS)}",
                    "require",
                    key=criterion,
                )
            if not isinstance(wanted, bool):
                raise self.fail(f"{criterion} must be true or false", "require", key=criterion)
            if wanted:
                chosen.append(criterion)
        return tuple(chosen)

    def bonuses(self, value: Any) -> tuple[Bonus, ...]:
        if not isinstance(value, list):
            raise self.fail("bonus must be an array of tables ([[bonus]])", key="bonus")
        out = []
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise self.fail("each [[bonus]] must be a table", "bonus", index)
            unknown = set(entry) - {"criterion", "weight"}
            if unknown:
                key = sorted(unknown)[0]
                raise self.fail(f"unknown key {key!r} in [[bonus]]", "bonus", index, key)
            criterion = entry.get("criterion")
            if criterion not in CRITERIA:
                raise self.fail(
                    f"unknown criterion {criterion!r}; use one of {', '.join(CRITERIA)}",
                    "bonus",
                    index,
                    "criterion",
                )
            weight = entry.get("weight")
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise self.fail("weight must be a number", "bonus", index, "weight")
            if not math.isfinite(weight) or abs(weight) > MAX_WEIGHT:
                raise self.fail(
                    f"weight must lie between -{MAX_WEIGHT:g} and {MAX_WEIGHT:g}, got {weight}",
                    "bonus",
                    index,
                    "weight",
                )
            out.append(Bonus(criterion=criterion, weight=float(weight)))
        return tuple(out)

    def exclusions(self, value: Any) -> tuple[Exclusion, ...]:
        if not isinstance(value, list):
            raise self.fail("exclude must be an array of tables ([[exclude]])", key="exclude")
        out = []
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise self.fail("each [[exclude]] must be a table", "exclude", index)
            unknown = set(entry) - {"mentor_id", "mentee_id", "reason"}
            if unknown:
                key = sorted(unknown)[0]
                raise self.fail(f"unknown key {key!r} in [[exclude]]", "exclude", index, key)
            ids = []
            for key in ("mentor_id", "mentee_id"):
                person = entry.get(key)
                if not isinstance(person, str) or not person.strip():
                    raise self.fail(f"{key} must be a participant id", "exclude", index, key)
                ids.append(person.strip())
            line = _line_of(self.text, "exclude", index, None)
            out.append(Exclusion(mentor_id=ids[0], mentee_id=ids[1], line=line))
        return tuple(out)


def parse_rules(text: str, *, source: str = "rules") -> ProgramRules:
    """Rules from TOML text; any problem raises InvalidInputError naming the line."""
    try:
        document = loads_toml(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends with "(at line N, column M)".
        raise InvalidInputError(f"{source}: invalid TOML: {error}") from None
    reader = _Reader(text, source)
    for key in document:
        if key not in _TOP_LEVEL:
            raise reader.fail(f"unknown section {key!r}; use {', '.join(_TOP_LEVEL)}", key, 0, key)
    name = document.get("name", "")
    if not isinstance(name, str):
        raise reader.fail("name must be a string", key="name")
    return ProgramRules(
        name=name,
        require=reader.require(document.get("require", {})),
        bonuses=reader.bonuses(document.get("bonus", [])),
        exclusions=reader.exclusions(document.get("exclude", [])),
    )


def load_rules(path: Path | str) -> ProgramRules:
    """Rules from a TOML file; unreadable files raise InvalidInputError."""
    location = Path(path)
    try:
        text = location.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"cannot read rules file {location.name}: {error}") from None
    return parse_rules(text, source=location.name)


NO_RULES: Final = ProgramRules()
