"""Benchmark: the outcomes page's aggregation at 50,000 feedback answers on SQLite (target
under 500 ms), its CSV, the charts, and the whole /outcomes page as a signed-in viewer gets it
(server time in-process)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import report
from sqlalchemy import insert

from recomentor import fields as F
from recomentor.outcomes import outcomes_csv, program_outcomes
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.store.participants import upsert_participants
from recomentor.store.tables import (
    FeedbackAnswerRow,
    FeedbackRequestRow,
    MatchingRow,
    PairingRow,
)

TARGET_MS = 500.0
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHECKINS = ("week-4", "end")
OUTCOMES = ("ongoing", "completed", "dropped")
GOALS = "Comprendre TikTok, IA générative; Animer une communauté"
_CHUNK = 5_000


def _person(pid: str, role: str, years: float, department: str) -> dict[str, Any]:
    return {
        F.ID: pid, F.NAME: None, F.EMAIL: None, F.DEPARTMENT: department, F.JOB_TITLE: None,
        F.YEARS_EXPERIENCE: years, F.ROLE: role, F.SKILLS: "TikTok", F.GOALS: GOALS,
        F.LANGUAGES: "fr", F.LOCATION: "Paris", F.MAX_MENTEES: 1, F.MANAGER_ID: None,
        F.SUBMITTED_AT: None,
    }  # fmt: skip


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + _CHUNK] for i in range(0, len(rows), _CHUNK)]


def seed(store: Store, answers: int) -> int:
    """answers / 4 pairings over 8 matchings and 14 departments, both people asked at two
    check-ins, everyone answering; returns the pairings."""
    pairings = answers // (2 * len(CHECKINS))
    people = []
    for i in range(pairings):
        people.append(_person(f"J{i:06d}", F.MENTOR, 2.0, f"Dept {i % 14}"))
        # A few tiny departments, which the page must merge or hide.
        senior_dept = f"Tiny {i}" if i < 3 else f"Dept {(i * 7) % 14}"
        people.append(_person(f"S{i:06d}", F.MENTEE, 25.0, senior_dept))
    with store.session() as session:
        upsert_participants(session, people)
        for m in range(8):
            session.add(MatchingRow(id=f"bench-{m}", status="approved", mode=F.REVERSE,
                                    objective="score", params={}))  # fmt: skip
        session.flush()
        rows = [
            {"id": i + 1, "mentor_id": f"J{i:06d}", "mentee_id": f"S{i:06d}", "mode": F.REVERSE,
             "matching_id": f"bench-{i % 8}", "created_at": START, "status": "active"}
            for i in range(pairings)
        ]  # fmt: skip
        for chunk in _chunks(rows):
            session.execute(insert(PairingRow), chunk)
        requests, replies = [], []
        for i in range(pairings):
            for c, checkin in enumerate(CHECKINS):
                for side, pid in enumerate((f"J{i:06d}", f"S{i:06d}")):
                    rid = len(requests) + 1
                    asked = START + timedelta(weeks=4 * (c + 1))
                    requests.append({"id": rid, "pairing_id": i + 1, "participant_id": pid,
                                     "checkin": checkin, "created_at": asked,
                                     "exported_at": asked, "reminders": 0})  # fmt: skip
                    answered = asked + timedelta(days=(i + side) % 20)
                    learner = side == 1
                    replies.append({
                        "request_id": rid, "rating": 1 + (i * 3 + side + c) % 5,
                        "outcome": OUTCOMES[(i + c) % 3], "meetings": (i % 7) + 2 * c,
                        "goals_progressed": ["Comprendre TikTok"] if learner and i % 2 else [],
                        "goals_offered": 3 if learner else 0, "comment": None,
                        "first_answered_at": answered, "answered_at": answered,
                    })  # fmt: skip
        for chunk in _chunks(requests):
            session.execute(insert(FeedbackRequestRow), chunk)
        for chunk in _chunks(replies):
            session.execute(insert(FeedbackAnswerRow), chunk)
    return pairings


def _timed(work: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """(median wall, max wall, median CPU) milliseconds over `runs`, after one warm-up. CPU
    time tells the work apart from waiting on a busy machine."""
    work()
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), max(walls), statistics.median(cpus)


def _page_client(settings: Settings, store: Store) -> Any:
    """A viewer's browser on the app, in-process (the fake encoder of the tests: no model)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from litestar.testing import TestClient
    from tests.fakes import FakeEncoder

    from recomentor.accounts.users import create_user
    from recomentor.api.app import create_app

    create_user(store, "viewer@example.org", "viewer", "bench password 123")
    client = TestClient(create_app(settings, store=store, encoder=FakeEncoder()))
    client.__enter__()
    signed = client.post(
        "/sign-in",
        data={"email": "viewer@example.org", "password": "bench password 123"},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.status_code
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(home=Path(folder))
        store = open_store(settings.resolved_database_url)
        start = time.perf_counter()
        pairings = seed(store, args.answers)
        seeded_s = time.perf_counter() - start
        client = _page_client(settings, store)

        def page() -> None:
            response = client.get("/outcomes")
            assert response.status_code == 200 and "<svg" in response.text

        phases = {
            "aggregate (all)": lambda: program_outcomes(store),
            "aggregate (one matching, one check-in)": lambda: program_outcomes(
                store, matching_id="bench-3", checkin="end"
            ),
            "aggregate + CSV": lambda: outcomes_csv(program_outcomes(store)),
            "/outcomes page (charts included)": page,
        }
        timings = {name: _timed(work, args.runs) for name, work in phases.items()}
        client.__exit__(None, None, None)
    rows = [
        [name, median, worst, cpu, "yes" if median < TARGET_MS else "NO"]
        for name, (median, worst, cpu) in timings.items()
    ]
    report(
        "outcomes",
        f"Outcomes at {args.answers:,} answers ({pairings:,} pairings, SQLite; "
        f"seeded in {seeded_s:.1f} s; target {TARGET_MS:.0f} ms)",
        ["phase", "median ms", "max ms", "CPU ms", "under target"],
        rows,
        {
            "answers": args.answers,
            "pairings": pairings,
            "runs": args.runs,
            "target_ms": TARGET_MS,
            "load_average": os.getloadavg()[0],
            "phases": {
                n: {"median_ms": m, "max_ms": w, "cpu_ms": c} for n, (m, w, c) in timings.items()
            },
        },
    )


if __name__ == "__main__":
    main()
