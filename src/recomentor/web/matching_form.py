"""The new-matching form: mode, objective, gap and the common program rules, or a rules file."""

from __future__ import annotations

import math
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.matching.rules import (
    DIFFERENT_DEPARTMENT,
    DIFFERENT_LOCATION,
    FILTERS,
    MAX_CAPACITY,
    MAX_GAP_YEARS,
    MAX_WEIGHT,
    SAME_DEPARTMENT,
    SAME_LOCATION,
    Bonus,
    Exclusion,
    ProgramRules,
    parse_rules,
)
from recomentor.matching.solver import OBJECTIVES, PARTICIPATION
from recomentor.ranking.features import SENIORITY_GAP
from recomentor.web.forms import UploadRefused, uploaded_text
from recomentor.web.forms import field as text_field
from recomentor.web.forms import fields as text_fields

# The bonuses offered as fields; any other criterion goes through a rules file.
PREFERENCES: Final = (SAME_LOCATION, DIFFERENT_DEPARTMENT, SENIORITY_GAP)
_CONTRADICTIONS: Final = (
    ({SAME_DEPARTMENT, DIFFERENT_DEPARTMENT}, "matchings.error_both_departments"),
    ({SAME_LOCATION, DIFFERENT_LOCATION}, "matchings.error_both_locations"),
)
_ID_SEPARATORS: Final = re.compile(r"[,;\s]+")

# A form error: a catalog key with its parameters, or a core message (which names the line).
FormError = tuple[str, dict[str, Any]] | str


class FormRefused(Exception):
    def __init__(self, error: FormError) -> None:
        super().__init__("the new-matching form is not valid")
        self.error = error


@dataclass(frozen=True)
class MatchingChoices:
    """What the form asks for, as typed: shown again with an error."""

    mode: str = F.REVERSE
    objective: str = PARTICIPATION
    min_gap: str = ""
    max_gap: str = ""
    max_mentors: str = ""
    require: tuple[str, ...] = ()
    weights: dict[str, str] = field(default_factory=dict)
    exclude: str = ""

    @classmethod
    def of(cls, data: dict[str, Any]) -> MatchingChoices:
        return cls(
            mode=text_field(data, "mode"),
            objective=text_field(data, "objective"),
            min_gap=text_field(data, "min_gap").strip(),
            max_gap=text_field(data, "max_gap").strip(),
            max_mentors=text_field(data, "max_mentors").strip(),
            require=tuple(text_fields(data, "require")) if "require" in data else (),
            weights={c: text_field(data, f"weight_{c}").strip() for c in PREFERENCES},
            exclude=text_field(data, "exclude"),
        )

    @property
    def has_rules(self) -> bool:
        return bool(self.require or any(self.weights.values()) or self.exclude.strip())


@dataclass(frozen=True)
class MatchingRequest:
    mode: str
    objective: str
    min_gap: float
    rules: ProgramRules
    # None: the rules file's, else no upper bound and one mentor per mentee.
    max_gap: float | None = None
    max_mentors: int | None = None


def _first_gap(given: float | None, default: float) -> float:
    return default if given is None else given


def _years(typed: str, error: str) -> float:
    """A gap in years as typed (a decimal comma is fine), from 0 to MAX_GAP_YEARS."""
    try:
        gap = float(typed.replace(",", "."))
    except ValueError:
        raise FormRefused((error, {})) from None
    if not math.isfinite(gap) or not 0 <= gap <= MAX_GAP_YEARS:
        raise FormRefused((error, {}))
    return gap


def _min_gap(typed: str, default: float) -> float:
    return _years(typed, "matchings.error_min_gap") if typed else default


def _max_gap(typed: str, rules: ProgramRules, min_gap: float) -> float | None:
    """The typed upper bound, else the rules file's; never below the minimum."""
    gap = _years(typed, "matchings.error_max_gap") if typed else rules.max_gap
    if gap is not None and gap < min_gap:
        raise FormRefused(("matchings.error_max_below_min", {"max": gap, "min": min_gap}))
    return gap


def _max_mentors(typed: str, mode: str) -> int | None:
    if not typed:
        return None
    if not typed.isdigit() or not 1 <= int(typed) <= MAX_CAPACITY:
        raise FormRefused(("matchings.error_max_mentors", {"most": MAX_CAPACITY}))
    if mode == F.MUTUAL and int(typed) > 1:
        # A mutual pool forms pairs of partners: nobody has several.
        raise FormRefused(("matchings.error_max_mentors_mutual", {}))
    return int(typed)


def _bonuses(weights: Mapping[str, str], lang_label: Mapping[str, str]) -> tuple[Bonus, ...]:
    bonuses = []
    for criterion, typed in weights.items():
        if not typed:
            continue
        try:
            weight = float(typed.replace(",", "."))
        except ValueError:
            weight = math.nan
        if not math.isfinite(weight) or abs(weight) > MAX_WEIGHT:
            raise FormRefused(("matchings.error_weight", {"criterion": lang_label[criterion]}))
        if weight:
            bonuses.append(Bonus(criterion, weight))
    return tuple(bonuses)


def _exclusions(typed: str, known: Container[str]) -> tuple[Exclusion, ...]:
    out = []
    for number, line in enumerate(typed.splitlines(), start=1):
        if not line.strip():
            continue
        ids = [part for part in _ID_SEPARATORS.split(line.strip()) if part]
        if len(ids) != 2:
            raise FormRefused(("matchings.error_exclude_line", {"line": number}))
        for person in ids:
            if person not in known:
                raise FormRefused(
                    ("matchings.error_exclude_unknown", {"line": number, "person": person})
                )
        out.append(Exclusion(mentor_id=ids[0], mentee_id=ids[1]))
    return tuple(out)


def _rules_from_fields(
    choices: MatchingChoices, known: Container[str], labels: Mapping[str, str]
) -> ProgramRules:
    require = tuple(c for c in FILTERS if c in choices.require)
    for pair, key in _CONTRADICTIONS:
        if pair <= set(require):
            raise FormRefused((key, {}))
    return ProgramRules(
        require=require,
        bonuses=_bonuses(choices.weights, labels),
        exclusions=_exclusions(choices.exclude, known),
    )


def rules_upload(data: dict[str, Any]) -> str | None:
    """The rules file's text, if one was sent; FormRefused when it is not small UTF-8 text."""
    try:
        return uploaded_text(data, "rules")
    except UploadRefused:
        raise FormRefused(("matchings.error_file_text", {})) from None


def _rules_from_file(text: str) -> ProgramRules:
    try:
        return parse_rules(text, source="rules file")
    except InvalidInputError as error:
        # Says the line and the key; the values named are the user's own file's.
        raise FormRefused(str(error)) from None


def read_matching_form(
    choices: MatchingChoices,
    rules_file: str | None,
    *,
    known: Container[str],
    default_min_gap: float,
    labels: Mapping[str, str],
) -> MatchingRequest:
    """The matching the form asks for; FormRefused says what to fix. `known` holds the
    participants' ids (exclusions must name people), `labels` the preferences' names."""
    if choices.mode not in F.MODES:
        raise FormRefused(("matchings.error_mode", {}))
    if choices.objective not in OBJECTIVES:
        raise FormRefused(("matchings.error_objective", {}))
    if rules_file:
        if choices.has_rules:
            raise FormRefused(("matchings.error_file_and_fields", {}))
        rules = _rules_from_file(rules_file)
    else:
        rules = _rules_from_fields(choices, known, labels)
    # A gap left empty is the rules file's, else the service's default.
    min_gap = _min_gap(choices.min_gap, _first_gap(rules.min_gap, default_min_gap))
    return MatchingRequest(
        choices.mode,
        choices.objective,
        min_gap,
        rules,
        max_gap=_max_gap(choices.max_gap, rules, min_gap),
        max_mentors=_max_mentors(choices.max_mentors, choices.mode),
    )
