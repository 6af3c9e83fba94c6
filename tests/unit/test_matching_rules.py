"""Program rules files: what they accept, and errors that name the offending line."""

from __future__ import annotations

from pathlib import Path

import pytest

from recomentor.errors import InvalidInputError
from recomentor.matching.rules import Bonus, Exclusion, load_rules, parse_rules
from tests.conftest import EXAMPLES


def test_the_example_rules_file_loads() -> None:
    rules = load_rules(EXAMPLES / "program_rules.toml")
    assert rules.name == "Reverse mentoring 2026"
    assert rules.require == ("different_department", "common_language")
    assert rules.bonuses == (Bonus("same_location", 0.05), Bonus("seniority_gap", -0.02))
    assert rules.exclusions == (Exclusion("E1001", "E1042", line=23),)
    assert rules.factor_names == ("rule:same_location", "rule:seniority_gap")


def test_false_requirements_are_not_required_and_empty_files_mean_no_rules() -> None:
    assert parse_rules("[require]\nsame_location = false\n").require == ()
    assert parse_rules("") == parse_rules("# nothing\n")


def _error(text: str) -> str:
    with pytest.raises(InvalidInputError) as caught:
        parse_rules(text, source="rules.toml")
    return str(caught.value)


def test_syntax_errors_name_the_line() -> None:
    message = _error('name = "x"\n[require]\nsame_location = \n')
    assert "rules.toml" in message and "line 3" in message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('name = "x"\n\n[require]\nsame_site = true\n', 4, "unknown must-filter 'same_site'"),
        ("[require]\nsame_location = 1\n", 2, "true or false"),
        ("[[bonus]]\ncriterion = 'same_location'\nweight = 0.1\n\n[[bonus]]\n"
         "criterion = 'charisma'\nweight = 0.1\n", 6, "unknown criterion 'charisma'"),
        ("[[bonus]]\ncriterion = 'same_location'\nweight = inf\n", 3, "must be a number"),
        ("[[bonus]]\ncriterion = 'same_location'\nweight = 'high'\n", 3, "must be a number"),
        ("[[bonus]]\ncriterion = 'same_location'\nweight = true\n", 3, "must be a number"),
        ("[[bonus]]\ncriterion = 'same_location'\nweight = 0.1\nfactor = 2\n", 4, "unknown key"),
        ("[[exclude]]\nmentor_id = 'E1'\nmentee_id = 'E3'\n\n"
         "[[exclude]]\nmentor_id = 'E2'\nmentee_id = ''\n", 7,
         "mentee_id must be a participant id"),
        ("[[exclude]]\nmentor_id = 'E1'\n", 1, "mentee_id must be a participant id"),
        ("name = 'x'\n[weights]\nskills = 1\n", 3, "unknown weight 'skills'"),
        ("name = 'x'\n[scores]\nskills = 1\n", 2, "unknown section 'scores'"),
        ("name = 3\n", 1, "name must be a string"),
    ],
)  # fmt: skip
def test_semantic_errors_name_the_line_of_the_offending_key(
    text: str, line: int, words: str
) -> None:
    message = _error(text)
    assert f"rules.toml, line {line}:" in message
    assert words in message


def test_an_unreadable_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="cannot read rules file"):
        load_rules(tmp_path / "missing.toml")
    binary = tmp_path / "rules.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InvalidInputError):
        load_rules(binary)
