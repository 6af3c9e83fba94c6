"""Benchmark: feedback requests for 5,000 active pairings in dry-run (requests, tokens, links
CSV) on SQLite, then a link opened and answered as the page would."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import measure_in_child, report

from recomentor import fields as F
from recomentor.feedback import export_links, open_request, plan_requests, submit_answer
from recomentor.settings import Settings
from recomentor.store import open_store
from recomentor.store.pairings import insert_pairings
from recomentor.store.participants import upsert_participants
from recomentor.store.tables import MatchingRow

TARGET_SECONDS = 10.0
SENT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MATCHING = "bench"
_GOALS = "Comprendre TikTok, IA générative (ChatGPT, Copilot) au quotidien; Animer une communauté"


def _people(pairings: int) -> list[dict[str, Any]]:
    people = []
    for i in range(pairings):
        for role, years, prefix in ((F.MENTOR, 2.0, "J"), (F.MENTEE, 25.0, "S")):
            pid = f"{prefix}{i:05d}"
            people.append(
                {
                    F.ID: pid,
                    F.NAME: f"Person {pid}",
                    F.EMAIL: f"{pid.lower()}@example.com",
                    F.DEPARTMENT: f"Dept {i % 12}",
                    F.JOB_TITLE: None,
                    F.YEARS_EXPERIENCE: years,
                    F.ROLE: role,
                    F.SKILLS: "TikTok, Python",
                    F.GOALS: _GOALS,
                    F.LANGUAGES: "fr" if i % 3 else "en",
                    F.LOCATION: "Paris",
                    F.MAX_MENTEES: 1,
                    F.MANAGER_ID: None,
                    F.SUBMITTED_AT: None,
                }
            )
    return people


def _settings(home: Path) -> Settings:
    return Settings(home=home, public_url="https://mentoring.example.com")


def prepare(url: str, pairings: int) -> None:
    """Untimed: participants and their active pairings."""
    store = open_store(url)
    with store.session() as session:
        upsert_participants(session, _people(pairings))
        session.add(
            MatchingRow(
                id=MATCHING, status="approved", mode=F.REVERSE, objective="score", params={}
            )
        )
        session.flush()
        pairs = [(f"J{i:05d}", f"S{i:05d}") for i in range(pairings)]
        insert_pairings(session, pairs, mode=F.REVERSE, matching_id=MATCHING)
    store.dispose()


def dry_run_phase(url: str, home: Path, out: Path, reminder: bool) -> dict[str, Any]:
    """`feedback send --all-active --dry-run --out FILE` in the core, store opening included."""
    start = time.perf_counter()
    store = open_store(url)
    plan = plan_requests(store, matching_id=None, checkin="end", reminder=reminder, now=SENT)
    planned = time.perf_counter()
    result = export_links(store, _settings(home), plan, out, SENT)
    return {
        "plan_seconds": planned - start,
        "export_seconds": time.perf_counter() - planned,
        "created": result.requests_created,
        "listed": result.sent,
        "skipped": result.already_sent,
        "csv_bytes": out.stat().st_size,
    }


def page_phase(url: str, home: Path, links: Path, samples: int) -> dict[str, Any]:
    """Open and answer `samples` links one by one, as /feedback/{token} would."""
    import csv

    rows = list(csv.DictReader(links.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    tokens = [row["link"].rsplit("/", 1)[1] for row in rows if row["id"].startswith("S")][:samples]
    store = open_store(url)
    now = SENT + timedelta(days=1)
    opened, answered = [], []
    for token in tokens:
        start = time.perf_counter()
        form = open_request(store, token, now)
        opened.append(time.perf_counter() - start)
        answer = {
            "rating": 4,
            "outcome": "ongoing",
            "meetings": 2,
            "goals_progressed": form.goals[:1],
        }
        start = time.perf_counter()
        submit_answer(store, token, answer, now)
        answered.append(time.perf_counter() - start)
    return {
        "samples": len(tokens),
        "open_median_ms": statistics.median(opened) * 1000,
        "answer_median_ms": statistics.median(answered) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairings", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="recomentor-bench-feedback-"))
    url = f"sqlite:///{work / 'bench.db'}"
    print(f"preparing {args.pairings:,} pairings ...", file=sys.stderr, flush=True)
    prepare(url, args.pairings)

    first = measure_in_child(dry_run_phase, url, work / "home", work / "links.csv", False)
    again = measure_in_child(dry_run_phase, url, work / "home", work / "again.csv", False)
    remind = measure_in_child(dry_run_phase, url, work / "home", work / "remind.csv", True)
    page = measure_in_child(page_phase, url, work / "home", work / "links.csv", args.samples)

    rows: list[list[Any]] = []
    for label, result in (
        ("first dry run (requests, tokens, CSV)", first),
        ("second dry run (nothing new)", again),
        ("reminder dry run (nobody answered)", remind),
    ):
        rows.append(
            [label, result["listed"], result["seconds"], result["peak_rss_mib"],
             "yes" if result["seconds"] < TARGET_SECONDS else "NO"]
        )  # fmt: skip
    rows.append(
        [f"one link opened, then answered (medians of {page['samples']})", 1,
         f"{page['open_median_ms']:.1f} ms + {page['answer_median_ms']:.1f} ms",
         page["peak_rss_mib"], "-"]
    )  # fmt: skip
    report(
        "feedback",
        f"Feedback requests for {args.pairings:,} active pairings (SQLite), "
        f"target < {TARGET_SECONDS:.0f} s",
        ["phase", "links", "seconds", "peak MiB", "under target"],
        rows,
        {
            "pairings": args.pairings,
            "target_seconds": TARGET_SECONDS,
            "first_dry_run": first,
            "second_dry_run": again,
            "reminder_dry_run": remind,
            "page": page,
        },
    )


if __name__ == "__main__":
    main()
