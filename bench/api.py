"""Benchmark: `recomentor serve` on loopback, 10,000 participants: suggestions, feedback, crash."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import report

from recomentor.embeddings import SentenceEncoder
from recomentor.ranking.roster import load_roster
from recomentor.settings import Settings
from recomentor.store import open_store
from recomentor.store.apikeys import create_key
from recomentor.store.tables import FeedbackRow, ParticipantRow
from recomentor.survey import import_participants
from recomentor.synth import write_synthetic

HOME = Path(__file__).resolve().parent / "results" / "api-home"
TARGETS = {"p50_ms": 15.0, "p99_ms": 60.0, "requests_per_s": 150.0}
CONCURRENCY = 8


def setup(home: Path, participants: int) -> Settings:
    """Import the synthetic organisation and embed every text once (the slow part with the real
    model), so the timed requests find every vector cached."""
    settings = Settings(home=home, max_rows=max(participants, 200_000))
    store = open_store(settings.resolved_database_url)
    with store.session() as session:
        present = session.query(ParticipantRow).count()
    if present != participants:
        csv = write_synthetic(home / "synth", participants, 0, seed=11)["participants"]
        import_participants(store, csv.read_bytes(), source=csv.name, settings=settings)
    start = time.perf_counter()
    roster = load_roster(store, SentenceEncoder.from_settings(settings), progress=True)
    print(f"embedding cache warm: {len(roster):,} people in {time.perf_counter() - start:.0f} s")
    store.dispose()
    return settings


def _server(home: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "RECOMENTOR_HOME": str(home),
        "RECOMENTOR_RATE_LIMIT_PER_MINUTE": "0",  # the bench is one key hammering
        "HF_HUB_OFFLINE": "1",
    }
    command = [
        sys.executable, "-c", "from recomentor.cli import console; console()",
        "serve", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    # Its own process group, so SIGKILL reaches uvicorn's workers and not this script.
    return subprocess.Popen(command, env=env, start_new_session=True)


def _stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


def _wait_ready(base: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/ready", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready")


async def _suggestions_load(
    base: str, key: str, people: list[str], seconds: float, concurrency: int = CONCURRENCY
) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency)

    async with httpx.AsyncClient(
        base_url=base, headers={"X-API-Key": key}, limits=limits
    ) as client:

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                person = rng.choice(people)
                start = time.perf_counter()
                response = await client.get(
                    f"/api/v1/participants/{person}/suggestions", params={"k": 10}
                )
                latencies.append((time.perf_counter() - start) * 1000)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[int(0.99 * (len(ordered) - 1))],
        "max_ms": ordered[-1],
        "statuses": statuses,
    }


async def _feedback_load(
    base: str, key: str, pairs: list[tuple[str, str]], per_client: int | None
) -> dict[str, Any]:
    """Each client posts `per_client` feedback (None: until the server goes away)."""
    acknowledged: list[int] = []
    statuses: dict[int | str, int] = {}
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=30.0) as client:

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            sent = 0
            while per_client is None or sent < per_client:
                mentor, mentee = rng.choice(pairs)
                body = {"mentor_id": mentor, "mentee_id": mentee, "rating": rng.randint(1, 5)}
                try:
                    response = await client.post("/api/v1/feedback", json=body)
                except httpx.HTTPError as error:
                    statuses[type(error).__name__] = statuses.get(type(error).__name__, 0) + 1
                    if per_client is None:
                        return
                    continue
                finally:
                    sent += 1
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if 200 <= response.status_code < 300:
                    acknowledged.append(response.json()["id"])

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    return {"acknowledged": acknowledged, "statuses": statuses, "seconds": elapsed}


def _stored_feedback_ids(settings: Settings) -> set[int]:
    store = open_store(settings.resolved_database_url)
    with store.session() as session:
        ids = set(session.scalars(session.query(FeedbackRow.id).statement))
    store.dispose()
    return ids


def _sample_people(settings: Settings) -> tuple[list[str], list[tuple[str, str]]]:
    store = open_store(settings.resolved_database_url)
    with store.session() as session:
        rows = session.query(ParticipantRow.id, ParticipantRow.role).all()
    store.dispose()
    mentees = [pid for pid, role in rows if role != "mentor"]
    mentors = [pid for pid, role in rows if role != "mentee"]
    rng = random.Random(3)
    pairs = [(rng.choice(mentors), rng.choice(mentees)) for _ in range(5_000)]
    return mentees, [(mentor, mentee) for mentor, mentee in pairs if mentor != mentee]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--home", type=Path, default=HOME)
    parser.add_argument("--port", type=int, default=8765)
    # One worker per core of the 2-core target machine.
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--setup-only", action="store_true")
    args = parser.parse_args()
    settings = setup(args.home, args.participants)
    if args.setup_only:
        return
    key = create_key(open_store(settings.resolved_database_url), "bench", "admin").key
    people, pairs = _sample_people(settings)
    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, Any] = {
        "participants": args.participants,
        "workers": args.workers,
        "load_average_before": os.getloadavg(),
    }

    server = _server(args.home, args.port, args.workers)
    try:
        _wait_ready(base)
        # The first suggestion builds the roster (cached vectors, TF-IDF): not part of timing.
        start = time.perf_counter()
        for person in people[: 4 * args.workers]:
            httpx.get(
                f"{base}/api/v1/participants/{person}/suggestions",
                headers={"X-API-Key": key},
                timeout=300,
            ).raise_for_status()
        results["roster_build_s"] = time.perf_counter() - start
        # One client alone: the service time of a suggestion, without queueing behind others.
        results["suggestions_alone"] = asyncio.run(
            _suggestions_load(base, key, people, args.seconds / 3, concurrency=1)
        )
        results["suggestions"] = asyncio.run(_suggestions_load(base, key, people, args.seconds))
        before = _stored_feedback_ids(settings)
        feedback = asyncio.run(_feedback_load(base, key, pairs, per_client=500))
        stored = _stored_feedback_ids(settings) - before
        acknowledged = set(feedback["acknowledged"])
        results["feedback"] = {
            "posted": CONCURRENCY * 500,
            "acknowledged": len(acknowledged),
            "lost": len(acknowledged - stored),
            "server_errors": sum(
                n for s, n in feedback["statuses"].items() if isinstance(s, int) and s >= 500
            ),
            "statuses": feedback["statuses"],
            "per_s": CONCURRENCY * 500 / feedback["seconds"],
        }
    finally:
        _stop(server)

    # Crash: SIGKILL while 8 clients post feedback, restart, every 2xx must be stored.
    server = _server(args.home, args.port, args.workers)
    _wait_ready(base)
    before = _stored_feedback_ids(settings)

    async def crash_run() -> dict[str, Any]:
        load = asyncio.create_task(_feedback_load(base, key, pairs, per_client=None))
        await asyncio.sleep(3.0)
        os.killpg(server.pid, signal.SIGKILL)
        return await load

    crash = asyncio.run(crash_run())
    server.wait(timeout=30)
    server = _server(args.home, args.port, args.workers)
    try:
        _wait_ready(base)
        stored = _stored_feedback_ids(settings) - before
    finally:
        _stop(server)
    acknowledged = set(crash["acknowledged"])
    results["crash"] = {
        "acknowledged_before_kill": len(acknowledged),
        "missing_after_restart": len(acknowledged - stored),
        "stored_without_ack": len(stored - acknowledged),
        "client_errors_at_kill": {str(k): v for k, v in crash["statuses"].items()},
    }
    results["targets"] = TARGETS
    s, f, c = results["suggestions"], results["feedback"], results["crash"]
    alone = results["suggestions_alone"]
    report(
        "api",
        f"recomentor serve, {args.participants:,} participants, {args.workers} worker(s), "
        f"concurrency {CONCURRENCY}",
        ["measure", "value", "target"],
        [
            ["suggestions k=10: p50 ms", s["p50_ms"], f"<= {TARGETS['p50_ms']}"],
            ["suggestions k=10: p99 ms", s["p99_ms"], f"<= {TARGETS['p99_ms']}"],
            [
                "suggestions k=10: requests/s",
                s["requests_per_s"],
                f">= {TARGETS['requests_per_s']}",
            ],
            ["suggestions: non-200", s["requests"] - s["statuses"].get(200, 0), "0"],
            ["one client alone: p50 ms", alone["p50_ms"], "-"],
            ["one client alone: p99 ms", alone["p99_ms"], "-"],
            ["feedback: posted / acknowledged", f"{f['posted']} / {f['acknowledged']}", "all"],
            ["feedback: lost", f["lost"], "0"],
            ["feedback: 5xx", f["server_errors"], "0"],
            ["feedback: posts/s", f["per_s"], "-"],
            ["SIGKILL: acknowledged before kill", c["acknowledged_before_kill"], "-"],
            ["SIGKILL: acknowledged but missing", c["missing_after_restart"], "0"],
            ["roster build on first request (s)", results["roster_build_s"], "-"],
        ],
        results,
    )


if __name__ == "__main__":
    main()
