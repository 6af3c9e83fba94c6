"""A program with known outcomes (figures worked out by hand in tests/pages/test_outcomes.py).

Six pairings asked at the check-in "end" (12 people): matching m-big holds J1-S1 .. J5-S5, all
across departments; m-small holds J6-S6, both in Digital. Departments: J1-J6 and S6 Digital
(7), S1-S3 Finance (3), S4-S5 Legal (2). Six people answer, in this order.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from recomentor import fields as F
from recomentor.feedback import submit_answer
from recomentor.store import Store
from recomentor.store.pairings import insert_pairings
from recomentor.store.participants import upsert_participants
from recomentor.store.tables import MatchingRow, utcnow
from tests.fakes import person
from tests.feedback_data import issue_links, link_settings

SENIOR_DEPARTMENTS = {"S1": "Finance", "S2": "Finance", "S3": "Finance", "S4": "Legal",
                      "S5": "Legal", "S6": "Digital"}  # fmt: skip
SENIOR_GOALS = {"S1": "Python, SQL", "S2": "TikTok; Instagram; IA générative"}
# person -> (rating, outcome, meetings, goals ticked)
ANSWERS = {
    "J1": (5, "ongoing", 3, []),
    "S1": (4, "ongoing", 2, ["Python"]),
    "J2": (3, "completed", 6, []),
    "S2": (5, "completed", 5, ["TikTok", "Instagram"]),
    "J3": (1, "dropped", 1, []),
    "J6": (4, "ongoing", 4, []),
}


def seed_outcomes(store: Store, folder: Path) -> dict[str, str]:
    """The program above with its answers; person id -> token of their link."""
    juniors = [person(f"J{i}", years=2, department="Digital") for i in range(1, 7)]
    seniors = [
        person(
            pid,
            role=F.MENTEE,
            years=25,
            department=department,
            goals=SENIOR_GOALS.get(pid, "Négociation"),
        )
        for pid, department in SENIOR_DEPARTMENTS.items()
    ]
    with store.session() as session:
        upsert_participants(session, juniors + seniors)
        for matching in ("m-big", "m-small"):
            session.add(
                MatchingRow(
                    id=matching, status="approved", mode=F.REVERSE, objective="score", params={}
                )
            )
        session.flush()
        big = [(f"J{i}", f"S{i}") for i in range(1, 6)]
        insert_pairings(session, big, mode=F.REVERSE, matching_id="m-big")
        insert_pairings(session, [("J6", "S6")], mode=F.REVERSE, matching_id="m-small")
    now = utcnow()
    tokens = issue_links(store, link_settings(folder / "home"), folder, now=now)
    for step, (pid, (rating, outcome, meetings, goals)) in enumerate(ANSWERS.items(), 1):
        answer = {"rating": rating, "outcome": outcome, "meetings": meetings,
                  "goals_progressed": goals, "comment": f"comment of {pid}"}  # fmt: skip
        submit_answer(store, tokens[pid], answer, now + timedelta(seconds=step))
    return tokens
