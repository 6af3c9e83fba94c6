"""Program rules from a TOML file: settings of the round, must-filters and exclusions by
condition, weighted bonuses and penalties, base weights of the heuristic, excluded pairs."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.matching.conditions import (
    DIFFERENCE,
    SIDES,
    TESTS,
    Condition,
    When,
    check_condition,
    condition_holds,
    negated,
)
from recomentor.nesting import loads_toml
from recomentor.ranking import features as feature
from recomentor.ranking.explain import RULE_PREFIX
from recomentor.ranking.features import PairFeatures
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers.heuristic import HEURISTIC_WEIGHTS
from recomentor.toml_lines import line_of, locate

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
# The criteria in French, as unpaired reasons store them; in English a reason names the
# criterion itself ("rule different department"), as it always has.
_CRITERION_WORDS_FR: Final = {
    DIFFERENT_DEPARTMENT: "directions différentes",
    SAME_DEPARTMENT: "même direction",
    SAME_LOCATION: "même site",
    DIFFERENT_LOCATION: "sites différents",
    COMMON_LANGUAGE: "langue commune",
    feature.SKILLS_TO_GOALS: "compétences → objectifs",
    feature.BEST_ITEM_MATCH: "meilleure correspondance de phrases",
    feature.GOALS_TO_SKILLS: "objectifs → compétences (en retour)",
    feature.FIRST_GOAL_MATCH: "premier objectif couvert",
    feature.LEXICAL: "mots en commun",
    feature.SENIORITY_GAP: "écart d'expérience",
}
# The web form's weights stay within the heuristic's score range; a rules file may go beyond
# (a program scored by its own rules sets the heuristic's [weights] to 0).
MAX_WEIGHT: Final = 1.0
# Years of seniority gap, as the API's min_gap; capacities, as a survey's max_mentees answer.
MAX_GAP_YEARS: Final = 70.0
MAX_CAPACITY: Final = 50
_SETTINGS: Final = ("mode", "min_gap", "max_gap", "max_mentees", "max_mentors")
_TOP_LEVEL: Final = (
    "name",
    "description",
    *_SETTINGS,
    "weights",
    "require",
    "must",
    "never",
    "bonus",
    "exclude",
    "sessions",
)
_CONDITION_KEYS: Final = ("field", "mentor_field", "mentee_field", "test", "min", "max", "when")


@dataclass(frozen=True)
class Bonus:
    """`weight` added to a pair's score (a penalty when negative): x the criterion's value
    for a built-in criterion, or when `condition` holds."""

    criterion: str | None
    weight: float
    condition: Condition | None = None
    name: str = ""  # the explanation's word for it; defaults to the criterion or condition

    @property
    def factor_name(self) -> str:
        if self.name:
            return RULE_PREFIX + self.name
        if self.condition is not None:
            return RULE_PREFIX + self.condition.describe()
        return RULE_PREFIX + str(self.criterion)

    def to_dict(self) -> dict[str, Any]:
        if self.condition is None:
            return {"criterion": self.criterion, "weight": self.weight}
        return {
            "name": self.name,
            # How pages name it without rebuilding the rules (from_dict ignores it).
            "label": self.factor_name.removeprefix(RULE_PREFIX),
            "weight": self.weight,
            **_condition_dict(self.condition),
        }


@dataclass(frozen=True)
class Exclusion:
    """A pair the program must never form, and the rules-file line that says so."""

    mentor_id: str
    mentee_id: str
    line: int | None = None


def criterion_words(criterion: str, lang: str) -> str:
    """A [require] criterion (CRITERIA) as a reason words it in `lang`."""
    if lang == "fr" and criterion in _CRITERION_WORDS_FR:
        return _CRITERION_WORDS_FR[criterion]
    return criterion.replace("_", " ")


@dataclass(frozen=True)
class ProgramRules:
    name: str = ""
    require: tuple[str, ...] = ()
    bonuses: tuple[Bonus, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    musts: tuple[Condition, ...] = ()
    nevers: tuple[Condition, ...] = ()
    # The round's settings when the rules give them; the CLI's and the API's options win.
    mode: str | None = None
    min_gap: float | None = None
    max_gap: float | None = None
    max_mentees: int | None = None
    max_mentors: int | None = None
    # Base weights of the heuristic (feature -> weight), the others keeping theirs.
    weights: tuple[tuple[str, float], ...] = ()
    # The file the rules came from, for errors found once the roster is known.
    source: str = field(default="rules", compare=False)
    # Knowledge-sharing sessions: may someone attend a session their manager or direct report
    # hosts? Pairs never may (candidates.OWN_MANAGER); a group session is the program's call.
    sessions_allow_manager: bool = False

    @property
    def exclude_pairs(self) -> list[tuple[str, str]]:
        return [(e.mentor_id, e.mentee_id) for e in self.exclusions]

    @property
    def factor_names(self) -> tuple[str, ...]:
        return tuple(bonus.factor_name for bonus in self.bonuses)

    @property
    def filter_names(self) -> tuple[str, ...]:
        """Every must-filter as a reason names it: criteria, then [[must]], then [[never]]."""
        return (*self.require, *self.condition_words("en"))

    def condition_words(self, lang: str) -> tuple[str, ...]:
        """The [[must]] then the [[never]] conditions in words, in `lang`."""
        return (
            *(must.describe(lang) for must in self.musts),
            *(negated(never.describe(lang), lang) for never in self.nevers),
        )

    def filter_words(self, lang: str) -> dict[str, str]:
        """Each must-filter's name (filter_names: English, as reasons store it) -> its words
        in `lang`: the [require] criteria, then the [[must]] and [[never]] conditions."""
        words = {criterion: criterion_words(criterion, lang) for criterion in self.require}
        words.update(zip(self.condition_words("en"), self.condition_words(lang), strict=True))
        return words

    def rule_words(self, lang: str) -> dict[str, str]:
        """The factor name of each bonus named by its condition (the condition's English
        words, as explanations store them) -> its words in `lang`. Criteria are translated by
        the pages, a bonus's own name is the program's."""
        return {
            bonus.factor_name: bonus.condition.describe(lang)
            for bonus in self.bonuses
            if bonus.condition is not None and not bonus.name
        }

    @property
    def tested_fields(self) -> tuple[str, ...]:
        """Every field or attribute the conditions read, in the order the rules name them."""
        named = (name for condition in self.conditions for name in condition.fields)
        return tuple(dict.fromkeys(named))

    @property
    def conditions(self) -> tuple[Condition, ...]:
        bonus_conditions = (b.condition for b in self.bonuses if b.condition is not None)
        return (*self.musts, *self.nevers, *bonus_conditions)

    def to_dict(self) -> dict[str, Any]:
        settings = {name: getattr(self, name) for name in _SETTINGS}
        rules: dict[str, Any] = {
            "name": self.name,
            **{name: value for name, value in settings.items() if value is not None},
            "weights": dict(self.weights),
            "require": list(self.require),
            "must": [_condition_dict(c) for c in self.musts],
            "never": [_condition_dict(c) for c in self.nevers],
            "bonus": [b.to_dict() for b in self.bonuses],
            "exclude": [
                {"mentor_id": e.mentor_id, "mentee_id": e.mentee_id} for e in self.exclusions
            ],
        }
        if self.sessions_allow_manager:
            rules["sessions"] = {"allow_manager": True}
        return rules

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProgramRules:
        """The rules a stored matching was drafted under (`to_dict`'s output, already checked)."""
        return cls(
            name=str(data.get("name", "")),
            require=tuple(data.get("require", ())),
            bonuses=tuple(_bonus_of(b) for b in data.get("bonus", ())),
            exclusions=tuple(
                Exclusion(str(e["mentor_id"]), str(e["mentee_id"])) for e in data.get("exclude", ())
            ),
            musts=tuple(_condition_of(c) for c in data.get("must", ())),
            nevers=tuple(_condition_of(c) for c in data.get("never", ())),
            mode=data.get("mode"),
            min_gap=data.get("min_gap"),
            max_gap=data.get("max_gap"),
            max_mentees=data.get("max_mentees"),
            max_mentors=data.get("max_mentors"),
            weights=tuple((str(k), float(v)) for k, v in data.get("weights", {}).items()),
            sessions_allow_manager=bool(data.get("sessions", {}).get("allow_manager", False)),
        )


def _condition_dict(condition: Condition) -> dict[str, Any]:
    return {
        "mentor_field": condition.mentor_field,
        "mentee_field": condition.mentee_field,
        "test": condition.test,
        "min": condition.min,
        "max": condition.max,
        "when": [
            {"side": w.side, "field": w.field, "values": list(w.values)} for w in condition.when
        ],
    }


def _condition_of(data: dict[str, Any]) -> Condition:
    return Condition(
        mentor_field=str(data["mentor_field"]),
        mentee_field=str(data["mentee_field"]),
        test=str(data["test"]),
        min=data.get("min"),
        max=data.get("max"),
        when=tuple(
            When(str(w["side"]), str(w["field"]), tuple(w["values"])) for w in data.get("when", ())
        ),
    )


def _bonus_of(data: dict[str, Any]) -> Bonus:
    if "criterion" in data:
        return Bonus(str(data["criterion"]), float(data["weight"]))
    return Bonus(None, float(data["weight"]), _condition_of(data), str(data.get("name", "")))


def declared_capacity(roster: Roster, rules: ProgramRules) -> np.ndarray:
    """Mentees each mentor may take: their own answer, capped by the program's max_mentees."""
    if rules.max_mentees is None:
        return roster.max_mentees
    return np.minimum(roster.max_mentees, rules.max_mentees)


def check_rules_fields(rules: ProgramRules, roster: Roster) -> None:
    """InvalidInputError naming the rules file's line when a condition names a field or
    attribute the roster does not have, or tests it in a way its type does not allow."""
    for condition in rules.conditions:
        where = f"{rules.source}, line {condition.line}" if condition.line else rules.source
        check_condition(roster, condition, where)


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
    """Per pair: -1 when every must-filter holds, else the index in `rules.filter_names` of
    the first one that fails."""
    failed = np.full(np.shape(mentor_idx), -1, dtype=np.int16)
    failing_masks = [
        *(~_roster_filter(roster, mentor_idx, mentee_idx, c) for c in rules.require),
        *(~condition_holds(roster, c, mentor_idx, mentee_idx) for c in rules.musts),
        *(condition_holds(roster, c, mentor_idx, mentee_idx) for c in rules.nevers),
    ]
    for position, failing in enumerate(failing_masks):
        failed[(failed < 0) & failing] = position
    return failed


def has_filters(rules: ProgramRules) -> bool:
    return bool(rules.require or rules.musts or rules.nevers)


def criterion_values(features: PairFeatures, criterion: str) -> np.ndarray:
    """The criterion for every pair of `features`, in [0, 1] (1 = true for yes/no criteria)."""
    column, negated = _FEATURE_OF[criterion]
    values = features.column(column)
    return 1.0 - values if negated else values


def features_weighed(rules: ProgramRules) -> set[str]:
    """The features the rules' bonuses read, with a weight that lets them move a score."""
    return {
        _FEATURE_OF[str(bonus.criterion)][0]
        for bonus in rules.bonuses
        if bonus.condition is None and bonus.weight != 0
    }


def bonus_values(rules: ProgramRules, roster: Roster, features: PairFeatures) -> np.ndarray:
    """(pairs, bonuses): each bonus's criterion value, or 1/0 as its condition holds."""
    out = np.zeros((features.matrix.shape[0], len(rules.bonuses)))
    for column, bonus in enumerate(rules.bonuses):
        if bonus.condition is not None:
            out[:, column] = condition_holds(
                roster, bonus.condition, features.mentor_idx, features.mentee_idx
            )
        else:
            out[:, column] = criterion_values(features, str(bonus.criterion))
    return out


def rule_contributions(rules: ProgramRules, roster: Roster, features: PairFeatures) -> np.ndarray:
    """(pairs, bonuses): what each bonus adds to each pair's score."""
    weights = np.array([bonus.weight for bonus in rules.bonuses], dtype=np.float64)
    return bonus_values(rules, roster, features) * weights


class _Reader:
    """Checks one parsed file and raises errors that name the line of the offending key."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source

    def fail(
        self, problem: str, table: str | None = None, index: int = 0, key: str | None = None
    ) -> InvalidInputError:
        return InvalidInputError(f"{self.source}{locate(self.text, table, index, key)}: {problem}")

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

    def settings(self, document: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        mode = document.get("mode")
        if mode is not None and mode not in F.MODES:
            raise self.fail(f"mode must be one of {', '.join(F.MODES)}", key="mode")
        out["mode"] = mode
        for name in ("min_gap", "max_gap"):
            gap = document.get(name)
            if gap is not None and (
                not _is_number(gap) or not math.isfinite(gap) or not 0 <= gap <= MAX_GAP_YEARS
            ):
                raise self.fail(f"{name} must be a number of years from 0 to 70", key=name)
            out[name] = None if gap is None else float(gap)
        low, high = out["min_gap"], out["max_gap"]
        if low is not None and high is not None and high < low:
            raise self.fail("max_gap must not be below min_gap", key="max_gap")
        for name in ("max_mentees", "max_mentors"):
            count = document.get(name)
            if count is not None and (
                isinstance(count, bool)
                or not isinstance(count, int)
                or not 1 <= count <= MAX_CAPACITY
            ):
                raise self.fail(f"{name} must be a whole number from 1 to {MAX_CAPACITY}", key=name)
            out[name] = count
        return out

    def weights(self, value: Any) -> tuple[tuple[str, float], ...]:
        if not isinstance(value, dict):
            raise self.fail("[weights] must be a table of feature = weight", key="weights")
        out = []
        for name, weight in value.items():
            if name not in HEURISTIC_WEIGHTS:
                raise self.fail(
                    f"unknown weight {name!r}; the heuristic's factors are "
                    f"{', '.join(HEURISTIC_WEIGHTS)}",
                    "weights",
                    key=name,
                )
            if not _is_number(weight) or not math.isfinite(weight) or weight < 0:
                raise self.fail(f"{name} must be a number, 0 or more", "weights", key=name)
            out.append((name, float(weight)))
        return tuple(out)

    def _entries(self, value: Any, table: str) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise self.fail(f"{table} must be an array of tables ([[{table}]])", key=table)
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                raise self.fail(f"each [[{table}]] must be a table", table, index)
        return value

    def conditions(self, value: Any, table: str) -> tuple[Condition, ...]:
        out = []
        for index, entry in enumerate(self._entries(value, table)):
            unknown = sorted(set(entry) - set(_CONDITION_KEYS))
            if unknown:
                raise self.fail(
                    f"unknown key {unknown[0]!r} in [[{table}]]", table, index, unknown[0]
                )
            out.append(self.condition(entry, table, index))
        return tuple(out)

    def condition(self, entry: dict[str, Any], table: str, index: int) -> Condition:
        both = entry.get("field")
        mentor_field = entry.get("mentor_field", both)
        mentee_field = entry.get("mentee_field", both)
        if both is not None and ("mentor_field" in entry or "mentee_field" in entry):
            raise self.fail(
                f"[[{table}]] gives field and mentor_field/mentee_field; use one or the other",
                table,
                index,
                "field",
            )
        for key, name in (("mentor_field", mentor_field), ("mentee_field", mentee_field)):
            if not isinstance(name, str) or not name.strip():
                raise self.fail(
                    f"[[{table}]] needs field (both sides) or mentor_field and mentee_field",
                    table,
                    index,
                    key if key in entry else "field",
                )
        test = entry.get("test")
        if test not in TESTS:
            raise self.fail(
                f"test must be one of {', '.join(TESTS)}, got {test!r}", table, index, "test"
            )
        bounds: dict[str, float | None] = {}
        for key in ("min", "max"):
            bound = entry.get(key)
            if bound is not None and test != DIFFERENCE:
                raise self.fail(f'{key} is for test = "difference" only', table, index, key)
            if bound is not None and (not _is_number(bound) or not math.isfinite(bound)):
                raise self.fail(f"{key} must be a number", table, index, key)
            bounds[key] = None if bound is None else float(bound)
        low, high = bounds["min"], bounds["max"]
        if test == DIFFERENCE and low is None and high is None:
            raise self.fail("a difference needs min, max or both", table, index, "test")
        if low is not None and high is not None and high < low:
            raise self.fail("max must not be below min", table, index, "max")
        return Condition(
            mentor_field=str(mentor_field).strip(),
            mentee_field=str(mentee_field).strip(),
            test=str(test),
            min=low,
            max=high,
            when=self.when(entry.get("when", {}), table, index),
            line=line_of(self.text, table, index),
        )

    def when(self, value: Any, table: str, index: int) -> tuple[When, ...]:
        if not isinstance(value, dict):
            raise self.fail(
                f"[{table}.when] must be a table of mentor.FIELD / mentee.FIELD = answer(s)",
                table,
                index,
                "when",
            )
        out = []
        for side, conditions in value.items():
            if side not in SIDES or not isinstance(conditions, dict):
                raise self.fail(
                    f"[{table}.when] keys are mentor.FIELD or mentee.FIELD, got {side!r}",
                    table,
                    index,
                    side,
                )
            for name, answers in conditions.items():
                listed = answers if isinstance(answers, list) else [answers]
                if not listed or not all(isinstance(a, str) or _is_number(a) for a in listed):
                    raise self.fail(
                        f"{side}.{name} must be an answer or a list of answers",
                        table,
                        index,
                        f"{side}.{name}",
                    )
                values = tuple(a if isinstance(a, str) else float(a) for a in listed)
                out.append(When(side, name, values))
        return tuple(out)

    def bonuses(self, value: Any) -> tuple[Bonus, ...]:
        out = []
        for index, entry in enumerate(self._entries(value, "bonus")):
            out.append(self.bonus(entry, index))
        return tuple(out)

    def bonus(self, entry: dict[str, Any], index: int) -> Bonus:
        weight: Any = entry.get("weight")
        if not _is_number(weight) or not math.isfinite(weight):
            raise self.fail("weight must be a number", "bonus", index, "weight")
        if "criterion" in entry:
            unknown = sorted(set(entry) - {"criterion", "weight", "name"})
            if unknown:
                raise self.fail(
                    f"unknown key {unknown[0]!r} in [[bonus]] (a criterion bonus takes "
                    "criterion, weight and name)",
                    "bonus",
                    index,
                    unknown[0],
                )
            criterion = entry["criterion"]
            if criterion not in CRITERIA:
                raise self.fail(
                    f"unknown criterion {criterion!r}; use one of {', '.join(CRITERIA)}",
                    "bonus",
                    index,
                    "criterion",
                )
            return Bonus(criterion=criterion, weight=float(weight), name=self.name(entry, index))
        unknown = sorted(set(entry) - {*_CONDITION_KEYS, "weight", "name"})
        if unknown:
            raise self.fail(f"unknown key {unknown[0]!r} in [[bonus]]", "bonus", index, unknown[0])
        condition = self.condition(entry, "bonus", index)
        return Bonus(None, float(weight), condition, self.name(entry, index))

    def name(self, entry: dict[str, Any], index: int) -> str:
        name = entry.get("name", "")
        if not isinstance(name, str) or len(name) > 120:
            raise self.fail("name must be a text of at most 120 characters", "bonus", index, "name")
        return name.strip()

    def exclusions(self, value: Any) -> tuple[Exclusion, ...]:
        out = []
        for index, entry in enumerate(self._entries(value, "exclude")):
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
            line = line_of(self.text, "exclude", index, None)
            out.append(Exclusion(mentor_id=ids[0], mentee_id=ids[1], line=line))
        return tuple(out)

    def sessions(self, value: Any) -> bool:
        """[sessions] allow_manager = true/false: whether the manager rule is lifted."""
        if not isinstance(value, dict):
            raise self.fail("[sessions] must be a table", key="sessions")
        for key in value:
            if key != "allow_manager":
                raise self.fail(f"unknown key {key!r} in [sessions]", "sessions", key=key)
        allowed = value.get("allow_manager", False)
        if not isinstance(allowed, bool):
            raise self.fail("allow_manager must be true or false", "sessions", key="allow_manager")
        return allowed


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
        musts=reader.conditions(document.get("must", []), "must"),
        nevers=reader.conditions(document.get("never", []), "never"),
        weights=reader.weights(document.get("weights", {})),
        source=source,
        **reader.settings(document),
        sessions_allow_manager=reader.sessions(document.get("sessions", {})),
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
