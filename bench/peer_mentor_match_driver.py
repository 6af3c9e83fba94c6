"""mentor-match 7.0.1's side of bench/peer_mentor_match.py, run by ITS OWN Python (its virtual
environment), importing nothing of recomentor.

    python peer_mentor_match_driver.py match DATA_DIR OUT_DIR RESULT.json
        Its default program on DATA_DIR/mentors.csv and mentees.csv, as the Civil Service LGBT+
        network's app runs it (jonodrew/mentor-match, app/helpers.py base_rules and
        app/tasks/tasks.py async_process_data): three rounds of its process_data, each one
        Munkres assignment over every mentor x mentee Match, with UnmatchedBonus(6); mailing
        lists written to OUT_DIR as its command line does. RESULT.json: the pairs formed and
        the seconds of the Munkres assignments alone.
    python peer_mentor_match_driver.py score DATA_DIR PAIRS.json RESULT.json
        Scores any (mentor e-mail, mentee e-mail) pairs with its own Match(...).calculate_match()
        under the same rules, on fresh participants (no earlier connection disqualifies).
"""

from __future__ import annotations

import json
import operator
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from matching import process
from matching.match import Match
from matching.mentee import Mentee
from matching.mentor import Mentor
from matching.rules import rule as rl

# The Civil Service ladder, lowest first: mentor-match compares grades as these positions.
GRADES = ["AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6", "SCS1", "SCS2", "SCS3", "SCS4"]
ROUNDS = 3
UNMATCHED_BONUS = 6


def _model_fields(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as mentor-match's Person reads it (the app's CSPerson.map_input_to_model)."""
    return {
        **row,
        "role": row["job title"],
        "email": row["email address"],
        "grade": GRADES.index(row["grade"]),
    }


class CSMentor(Mentor):
    """A mentor with the characteristics they listed (the app's CSMentor)."""

    def __init__(self, **row: str) -> None:
        self.characteristics = row.get("characteristics", "").split(", ")
        super().__init__(**_model_fields(row))


class CSMentee(Mentee):
    """A mentee with the one identity they would like to match (the app's CSMentee)."""

    def __init__(self, **row: str) -> None:
        self.characteristic = row.get("identity to match")
        super().__init__(**_model_fields(row))


def base_rules() -> list[Any]:
    """The app's default rules: same organisation, a mentor not 1 or 2 grades above the mentee,
    or a pair already formed is disqualified; +12 for two grades, +9 for one, +10 for the same
    profession, +6 when the mentee's identity to match is among the mentor's characteristics.
    (Equivalent("profession") is the package's own form of the app's profession rule.)"""
    return [
        rl.Disqualify(lambda match: match.mentee.organisation == match.mentor.organisation),
        rl.Disqualify(rl.Grade(target_diff=2, logical_operator=operator.gt).evaluate),
        rl.Disqualify(rl.Grade(target_diff=0, logical_operator=operator.le).evaluate),
        rl.Disqualify(lambda match: match.mentee in match.mentor.mentees),
        rl.Grade(2, operator.eq, {True: 12, False: 0}),
        rl.Grade(1, operator.eq, {True: 9, False: 0}),
        rl.Equivalent("profession", {True: 10, False: 0}),
        rl.Generic(
            {True: 6, False: 0},
            lambda match: (
                match.mentee.characteristic in match.mentor.characteristics
                and match.mentee.characteristic != ""
            ),
        ),
    ]


def _participants(data: Path) -> tuple[list[CSMentor], list[CSMentee]]:
    mentors = process.create_participant_list_from_path(CSMentor, data)
    mentees = process.create_participant_list_from_path(CSMentee, data)
    return mentors, mentees


def run_default_program(data: Path, out: Path, result: Path) -> None:
    munkres_seconds: list[float] = []
    assign = process.calculate_matches

    def timed_assignment(prepared_matrix: Any) -> Any:
        started = time.perf_counter()
        chosen = assign(prepared_matrix)
        munkres_seconds.append(time.perf_counter() - started)
        return chosen

    # The package's own rounds, with each Munkres assignment timed where process_data calls it.
    process.calculate_matches = timed_assignment
    mentors, mentees = _participants(data)
    all_rules = [base_rules() for _ in range(ROUNDS)]
    for rules in all_rules:
        rules.append(rl.UnmatchedBonus(UNMATCHED_BONUS))
    mentors, mentees = process.process_data(mentors, mentees, all_rules)
    process.create_mailing_list(mentors, out)
    process.create_mailing_list(mentees, out)
    pairs = [[mentor.email, mentee.email] for mentor in mentors for mentee in mentor.mentees]
    result.write_text(json.dumps({"pairs": pairs, "munkres_seconds": munkres_seconds}))


def score_pairs(data: Path, pairs_file: Path, result: Path) -> None:
    mentors, mentees = _participants(data)
    mentor_of = {mentor.email: mentor for mentor in mentors}
    mentee_of = {mentee.email: mentee for mentee in mentees}
    pairs = [tuple(pair) for pair in json.loads(pairs_file.read_text())]
    scores, disallowed = [], 0
    for mentor_email, mentee_email in pairs:
        match = Match(mentor_of[mentor_email], mentee_of[mentee_email], base_rules())
        match.calculate_match()
        disallowed += int(match.disallowed)
        scores.append(match.score)
    mentor_load = Counter(mentor for mentor, _ in pairs)
    mentee_load = Counter(mentee for _, mentee in pairs)
    result.write_text(
        json.dumps(
            {
                "pairs": len(pairs),
                "distinct_pairs": len(set(pairs)),
                "disallowed_pairs": disallowed,
                "total_rule_score": sum(scores),
                "unpaired_mentees": sum(1 for e in mentee_of if e not in mentee_load),
                "unpaired_mentors": sum(1 for e in mentor_of if e not in mentor_load),
                "most_mentees_of_a_mentor": max(mentor_load.values(), default=0),
                "most_mentors_of_a_mentee": max(mentee_load.values(), default=0),
                "score_histogram": dict(sorted(Counter(scores).items())),
            }
        )
    )


def main() -> None:
    command, *paths = sys.argv[1:]
    if command == "match":
        run_default_program(Path(paths[0]), Path(paths[1]), Path(paths[2]))
    elif command == "score":
        score_pairs(Path(paths[0]), Path(paths[1]), Path(paths[2]))
    else:
        raise SystemExit(f"unknown command {command!r}: match or score")


if __name__ == "__main__":
    main()
