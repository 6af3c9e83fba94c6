"""Rules over any field or attribute: every test kind, `when`, both sides, on both databases."""

from __future__ import annotations

import numpy as np
import pytest

from recomentor import fields as F
from recomentor.attributes import AttributeDefinition
from recomentor.errors import InvalidInputError
from recomentor.matching.cohort import build_cohort, exclusion_words, solve_cohort
from recomentor.matching.conditions import Condition, When, condition_holds
from recomentor.matching.rules import ProgramRules, parse_rules
from recomentor.matching.solver import PARTICIPATION, SCORE
from recomentor.ranking import features as features_module
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.store import Store
from tests.fakes import build_roster, person

GRADES = ("AA", "AO", "EO", "HEO", "SEO")
DEFINITIONS = (
    AttributeDefinition("grade", "ordinal", GRADES),
    AttributeDefinition("profession", "category"),
    AttributeDefinition("characteristics", "multi"),
    AttributeDefinition("identity_to_match", "multi"),
    AttributeDefinition("similar", "category"),
    AttributeDefinition("hours", "number"),
)


def _mentor(pid: str, **answers: object) -> dict[str, object]:
    return person(pid, role=F.MENTOR, years=40, max_mentees=3, attributes=dict(answers))


def _mentee(pid: str, **answers: object) -> dict[str, object]:
    return person(pid, role=F.MENTEE, years=30, attributes=dict(answers))


@pytest.fixture
def roster(store: Store) -> Roster:
    return build_roster(
        store,
        [
            _mentor("M1", grade="SEO", profession="Digital", characteristics=["Carer", "LGBTQ"],
                    hours=4.0),
            _mentor("M2", grade="HEO", profession="policy", characteristics=["carer"], hours=2.0),
            _mentor("M3", profession="Digital"),  # no grade, no characteristics
            _mentee("E1", grade="eo", profession="digital", identity_to_match=["Carer"],
                    similar="Yes", hours=2.0),
            _mentee("E2", grade="AA", profession="Policy", identity_to_match=["Carer", "LGBTQ"],
                    similar="no", characteristics=["LGBTQ"]),
            _mentee("E3"),  # answered nothing
        ],
        definitions=DEFINITIONS,
    )  # fmt: skip


def _holds(roster: Roster, condition: Condition) -> dict[str, bool]:
    """The condition over every (mentor, mentee) pair, keyed "M1-E1"."""
    mentors = [roster.index[m] for m in ("M1", "M2", "M3")]
    mentees = [roster.index[e] for e in ("E1", "E2", "E3")]
    mentor_idx = np.repeat(mentors, 3)
    mentee_idx = np.tile(mentees, 3)
    holds = condition_holds(roster, condition, mentor_idx, mentee_idx)
    return {
        f"{roster.ids[m]}-{roster.ids[e]}": bool(h)
        for m, e, h in zip(mentor_idx.tolist(), mentee_idx.tolist(), holds.tolist(), strict=True)
    }


def _true(roster: Roster, condition: Condition) -> set[str]:
    return {pair for pair, holds in _holds(roster, condition).items() if holds}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # Ordinal difference: mentor's rank minus mentee's; SEO=4 HEO=3 EO=2 AA=0.
        (Condition("grade", "grade", "difference", 1, 2), {"M1-E1", "M2-E1"}),
        (Condition("grade", "grade", "difference", 2, 2), {"M1-E1"}),
        (Condition("grade", "grade", "difference", None, -1), set()),
        (Condition("grade", "grade", "difference", 3, None), {"M1-E2", "M2-E2"}),
        # Categories compare case-insensitively; no answer never matches.
        (Condition("profession", "profession", "equal"), {"M1-E1", "M2-E2", "M3-E1"}),
        (Condition("profession", "profession", "different"), {"M1-E2", "M2-E1", "M3-E2"}),
        # Multi answers, the same attribute on both sides.
        (Condition("characteristics", "characteristics", "overlap"), {"M1-E2"}),
        (Condition("characteristics", "characteristics", "equal"), set()),
        # Different attributes on each side: the mentee's identities among the mentor's.
        (Condition("characteristics", "identity_to_match", "contains"),
         {"M1-E1", "M1-E2", "M2-E1"}),
        (Condition("characteristics", "identity_to_match", "contained"), {"M1-E2", "M2-E1",
                                                                          "M2-E2"}),
        (Condition("characteristics", "identity_to_match", "overlap"),
         {"M1-E1", "M1-E2", "M2-E1", "M2-E2"}),
        # A category on one side, a multi on the other: the category is one answer.
        (Condition("profession", "identity_to_match", "overlap"), set()),
        # Numbers, and a built-in field.
        (Condition("hours", "hours", "difference", 2, None), {"M1-E1"}),
        (Condition("hours", "hours", "equal"), {"M2-E1"}),
        (Condition(F.DEPARTMENT, F.DEPARTMENT, "equal"),
         {f"{m}-{e}" for m in ("M1", "M2", "M3") for e in ("E1", "E2", "E3")}),
        (Condition(F.YEARS_EXPERIENCE, F.YEARS_EXPERIENCE, "difference", 10, 10),
         {f"{m}-{e}" for m in ("M1", "M2", "M3") for e in ("E1", "E2", "E3")}),
    ],
)  # fmt: skip
def test_every_test_kind_holds_exactly_where_it_should(
    roster: Roster, condition: Condition, expected: set[str]
) -> None:
    assert _true(roster, condition) == expected


def test_when_conditions_look_at_one_side_only(roster: Roster) -> None:
    asked = Condition(
        "characteristics",
        "identity_to_match",
        "contains",
        when=(When(F.MENTEE, "similar", ("yes",)),),
    )
    assert _true(roster, asked) == {"M1-E1", "M2-E1"}  # E2 said no
    either = Condition(
        "profession", "profession", "equal", when=(When(F.MENTOR, "grade", ("HEO", "SEO")),)
    )
    assert _true(roster, either) == {"M1-E1", "M2-E2"}  # M3 has no grade


MENTOR_MATCH = """\
name = "mentor-match default"
max_mentors = 3
max_mentees = 3
min_gap = 0
mode = "classic"

[weights]
skills_to_goals = 0
best_item_match = 0
first_goal_match = 0
lexical = 0
goals_to_skills = 0
cross_department = 0
same_location = 0
seniority_gap = 0
common_language = 0

[[must]]
field = "grade"
test = "difference"
min = 1
max = 2

[[bonus]]
name = "two grades up"
field = "grade"
test = "difference"
min = 2
max = 2
weight = 12

[[bonus]]
name = "one grade up"
field = "grade"
test = "difference"
min = 1
max = 1
weight = 9

[[bonus]]
field = "profession"
test = "equal"
weight = 10

[[bonus]]
mentor_field = "characteristics"
mentee_field = "identity_to_match"
test = "contains"
weight = 6
[bonus.when]
mentee.similar = "yes"
"""


def test_a_program_scored_by_its_rules_alone_explains_each_bonus(roster: Roster) -> None:
    rules = parse_rules(MENTOR_MATCH, source="mm.toml")
    assert (rules.max_mentors, rules.max_mentees, rules.mode, rules.min_gap) == (3, 3, "classic", 0)
    assert rules.factor_names == (
        "rule:two grades up",
        "rule:one grade up",
        "rule:same profession",
        "rule:mentee's identity to match among mentor's characteristics when mentee's "
        "similar is yes",
    )
    scorer = HeuristicScorer({name: weight for name, weight in rules.weights})
    cohort = build_cohort(roster, scorer, mode=F.CLASSIC, rules=rules, min_gap=0, max_mentors=3)
    result = solve_cohort(roster, scorer, cohort, objective=SCORE, rules=rules)
    scores = {(p.mentor_id, p.mentee_id): p.score for p in result.pairs}
    # Only grade differences of 1 or 2 may pair: M1 (SEO) and M2 (HEO) with E1 (EO).
    assert scores == {("M1", "E1"): 12 + 10 + 6, ("M2", "E1"): 9 + 6}
    for pair in result.pairs:
        # The summary gives the program's reasons, not the topics it does not weigh.
        assert "same profession" in pair.explanation.summary or pair.mentor_id == "M2"
        assert "little in common" not in pair.explanation.summary
        factors = pair.explanation.factors
        assert sum(f.contribution for f in factors) == pytest.approx(pair.score)
        named = {f.name: f.contribution for f in factors if f.contribution}
        assert all(name.startswith("rule:") for name in named)
    best = next(p for p in result.pairs if p.mentor_id == "M1")
    assert [(a.field, a.mentor, a.mentee) for a in best.explanation.answers] == [
        ("grade", "SEO", "EO"),
        ("profession", "digital", "digital"),  # compared case-insensitively: one spelling
        ("characteristics", "Carer, LGBTQ", None),
        ("identity_to_match", None, "Carer"),
        ("similar", None, "Yes"),
    ]
    e2 = next(u for u in result.unpaired if u.mentee_id == "E2")
    assert "rule grade difference 1 to 2" in e2.detail
    assert {u.mentor_id for u in result.unpaired_mentors} == {"M3"}
    assert [(m.mentee_id, m.assigned, m.capacity) for m in result.mentee_load] == [
        ("E1", 2, 3),
        ("E2", 0, 3),
        ("E3", 0, 3),
    ]


@pytest.mark.parametrize(
    ("condition", "english", "french"),
    [
        (Condition("grade", "grade", "difference", 1, 2), "grade difference 1 to 2",
         "écart sur grade de 1 à 2"),
        (Condition("years_experience", "years_experience", "difference", min=5),
         "years experience difference at least 5", "écart sur années d'expérience d'au moins 5"),
        (Condition("hours", "hours", "difference", max=3), "hours difference at most 3",
         "écart sur hours d'au plus 3"),
        (Condition("profession", "profession", "equal"), "same profession", "même profession"),
        (Condition("department", "department", "different"), "different department",
         "service : valeurs différentes"),
        (Condition("profession", "department", "equal"),
         "mentor's profession equal to mentee's department",
         "profession du mentor égal à service du mentoré"),
        (Condition("characteristics", "characteristics", "overlap"), "shared characteristics",
         "characteristics en commun"),
        (Condition("characteristics", "identity_to_match", "contains",
                   when=(When(F.MENTEE, "similar", ("yes",)),)),
         "mentee's identity to match among mentor's characteristics when mentee's similar is yes",
         "identity to match du mentoré parmi characteristics du mentor quand similar du mentoré "
         "vaut yes"),
        (Condition("location", "location", "contained",
                   when=(When(F.MENTOR, "hours", (2.0, 4.0)),)),
         "mentor's location among mentee's location when mentor's hours is 2 or 4",
         "site du mentor parmi site du mentoré quand hours du mentor vaut 2 ou 4"),
    ],
)  # fmt: skip
def test_every_condition_reads_in_english_and_in_french(
    condition: Condition, english: str, french: str
) -> None:
    assert condition.describe() == english
    assert condition.describe("fr") == french


def test_a_french_page_gets_the_programs_conditions_and_unnamed_bonuses_in_french() -> None:
    rules = parse_rules(MENTOR_MATCH, source="mm.toml")
    never = parse_rules('[[never]]\nfield = "department"\ntest = "equal"\n')
    assert never.condition_words("fr") == ("jamais : même service",)
    assert never.filter_names == ("not same department",)
    # A reason stores the English name; pages and French drafts word it in their language.
    assert exclusion_words("rule:not same department", "fr", never) == (
        "règle jamais : même service"
    )
    assert exclusion_words("rule:not same department", "en", never) == ("rule not same department")
    # Named bonuses keep the program's own words; the unnamed condition gets French ones.
    assert rules.rule_words("fr") == {
        "rule:same profession": "même profession",
        "rule:mentee's identity to match among mentor's characteristics when mentee's "
        "similar is yes": "identity to match du mentoré parmi characteristics du mentor quand "
        "similar du mentoré vaut yes",
    }


def test_never_excludes_pairs_that_meet_its_condition(roster: Roster) -> None:
    rules = parse_rules('[[never]]\nfield = "profession"\ntest = "equal"\n')
    scorer = HeuristicScorer()
    cohort = build_cohort(roster, scorer, mode=F.CLASSIC, rules=rules, min_gap=0, max_mentors=3)
    result = solve_cohort(roster, scorer, cohort, objective=PARTICIPATION, rules=rules)
    formed = {(p.mentor_id, p.mentee_id) for p in result.pairs}
    assert formed.isdisjoint({("M1", "E1"), ("M2", "E2"), ("M3", "E1")})
    assert ("M1", "E2") in formed


def test_an_unknown_attribute_names_the_line_and_the_known_ones(roster: Roster) -> None:
    rules = parse_rules('name = "x"\n\n[[bonus]]\nfield = "grades"\ntest = "equal"\nweight = 1\n',
                        source="p.toml")  # fmt: skip
    with pytest.raises(InvalidInputError) as error:
        build_cohort(roster, HeuristicScorer(), rules=rules, min_gap=0)
    message = str(error.value)
    assert "p.toml, line 3: unknown field or attribute 'grades'" in message
    assert "characteristics" in message and "grade" in message and "department" in message


def test_a_test_the_field_type_cannot_take_names_the_line(roster: Roster) -> None:
    rules = parse_rules('[[must]]\nfield = "profession"\ntest = "difference"\nmin = 1\n',
                        source="p.toml")  # fmt: skip
    with pytest.raises(InvalidInputError, match=r"p\.toml, line 1: difference needs number"):
        build_cohort(roster, HeuristicScorer(), rules=rules, min_gap=0)


def test_rules_survive_the_round_trip_through_a_stored_matching() -> None:
    rules = parse_rules(MENTOR_MATCH + '\n[[never]]\nfield = "org"\ntest = "equal"\n')
    again = ProgramRules.from_dict(rules.to_dict())
    assert again == rules
    assert again.factor_names == rules.factor_names


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[[must]]\nfield = "grade"\ntest = "bigger"\n', 3, "test must be one of equal"),
        ('[[must]]\nfield = "grade"\ntest = "difference"\n', 3, "needs min, max or both"),
        ('[[must]]\nfield = "grade"\ntest = "difference"\nmin = 2\nmax = 1\n', 5,
         "max must not be below min"),
        ('[[never]]\nfield = "org"\ntest = "equal"\nmin = 1\n', 4, "min is for test"),
        ('[[never]]\ntest = "equal"\n', 1, "needs field (both sides)"),
        ('[[never]]\nfield = "a"\nmentor_field = "b"\ntest = "equal"\n', 2,
         "gives field and mentor_field"),
        ('[[must]]\nfield = "a"\ntest = "equal"\ncolour = 1\n', 4, "unknown key 'colour'"),
        ('[[bonus]]\nfield = "a"\ntest = "equal"\nweight = 2\n[bonus.when]\nboss.x = "y"\n', 6,
         "keys are mentor.FIELD or mentee.FIELD"),
        ('[[bonus]]\nfield = "a"\ntest = "equal"\nweight = 2\n[bonus.when]\nmentee.x = []\n', 6,
         "mentee.x must be an answer or a list"),
        ('[[bonus]]\nfield = "a"\ntest = "equal"\n', 1, "weight must be a number"),
        ('min_gap = 3\nmax_gap = 2\n', 2, "max_gap must not be below min_gap"),
        ('max_gap = -1\n', 1, "max_gap must be a number of years"),
        ('max_mentors = 0\n', 1, "max_mentors must be a whole number from 1"),
        ('mode = "sideways"\n', 1, "mode must be one of"),
        ('[weights]\nlexical = -1\n', 2, "lexical must be a number, 0 or more"),
    ],
)  # fmt: skip
def test_rules_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        parse_rules(text, source="r.toml")
    message = str(error.value)
    assert f"r.toml, line {line}:" in message and words in message


def _text_pairs_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many pairs each text_similarities call computes, as the calls come."""
    counted: list[int] = []
    computed = features_module.text_similarities

    def counting(roster: Roster, mentor_idx: np.ndarray, *args: object, **kw: object) -> object:
        counted.append(int(mentor_idx.size))
        return computed(roster, mentor_idx, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(features_module, "text_similarities", counting)
    return counted


def test_a_program_scored_by_its_rules_alone_computes_text_only_to_explain_chosen_pairs(
    roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = parse_rules(MENTOR_MATCH, source="mm.toml")
    scorer = HeuristicScorer({name: weight for name, weight in rules.weights})
    counted = _text_pairs_counted(monkeypatch)
    cohort = build_cohort(roster, scorer, mode=F.CLASSIC, rules=rules, min_gap=0, max_mentors=3)
    assert counted == []
    result = solve_cohort(roster, scorer, cohort, objective=SCORE, rules=rules)
    assert sum(counted) == len(result.pairs) == 2
    for pair in result.pairs:
        assert sum(f.contribution for f in pair.explanation.factors) == pytest.approx(pair.score)


@pytest.mark.parametrize(
    "weighed",
    [
        "[weights]\nskills_to_goals = 0.5\nlexical = 0\n",
        # No heuristic weight, but a bonus on a text criterion: the text moves the score.
        "[weights]\nlexical = 0\n\n[[bonus]]\ncriterion = 'lexical'\nweight = 2\n",
    ],
)
def test_text_features_are_computed_for_every_pair_when_a_weight_reads_them(
    roster: Roster, monkeypatch: pytest.MonkeyPatch, weighed: str
) -> None:
    rules = parse_rules(weighed, source="w.toml")
    scorer = HeuristicScorer({name: weight for name, weight in rules.weights})
    counted = _text_pairs_counted(monkeypatch)
    cohort = build_cohort(roster, scorer, mode=F.CLASSIC, rules=rules, min_gap=0)
    assert sum(counted) == cohort.pairs.score.size > 0
    result = solve_cohort(roster, scorer, cohort, objective=SCORE, rules=rules)
    scored = dict(
        zip(
            zip(cohort.pairs.mentor_idx.tolist(), cohort.pairs.mentee_idx.tolist(), strict=True),
            cohort.pairs.score.tolist(),
            strict=True,
        )
    )
    for pair in result.pairs:
        key = (roster.index[pair.mentor_id], roster.index[pair.mentee_id])
        assert pair.score == pytest.approx(scored[key])
