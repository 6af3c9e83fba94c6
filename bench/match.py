"""Benchmark: cohort matching of 5,000 mentees x 2,500 mentors (capacities 1-3), exact vs greedy."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from rich.console import Console
from rich.table import Table

from recomentor import fields as F
from recomentor.embeddings import SentenceEncoder, TextEncoder
from recomentor.matching.cohort import Cohort, build_cohort, solve_cohort
from recomentor.ranking.roster import Roster, load_roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.store import Store, open_store
from recomentor.store.participants import count_participants, upsert_participants
from recomentor.synth import generate_organisation

RESULTS = Path(__file__).resolve().parent / "results"
N_MENTEES, N_MENTORS = 5_000, 2_500


def _cohort_records(seed: int) -> list[dict[str, Any]]:
    """5,000 mentee-only and 2,500 mentor-only people of one synthetic company."""
    org = generate_organisation(16_000, seed=seed)
    frame = org.participants_frame()
    mentees = frame.filter(pl.col(F.ROLE) == F.MENTEE).head(N_MENTEES)
    mentors = frame.filter(pl.col(F.ROLE) == F.MENTOR).head(N_MENTORS)
    rng = np.random.default_rng(seed)
    mentors = mentors.with_columns(
        pl.Series(F.MAX_MENTEES, rng.integers(1, 4, mentors.height), dtype=pl.Int64)
    )
    if mentees.height < N_MENTEES or mentors.height < N_MENTORS:
        raise SystemExit("the synthetic company is too small for the benchmark cohort")
    cohort = pl.concat([mentees, mentors], how="vertical_relaxed")
    # Submission times do not matter to matching; the store wants datetimes, the frame has text.
    return cohort.with_columns(pl.lit(None).alias(F.SUBMITTED_AT)).to_dicts()


def _encoder(kind: str) -> TextEncoder:
    if kind == "real":
        return SentenceEncoder()
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fakes import FakeEncoder

    return FakeEncoder(dim=384, model_id="fake/trigram-384")


def _prepare(home: Path, encoder: TextEncoder, seed: int) -> Store:
    """Untimed: participants stored and every text embedded into the cache."""
    store = open_store(f"sqlite:///{(home / 'bench.db').resolve()}")
    with store.session() as session:
        if count_participants(session) == 0:
            upsert_participants(session, _cohort_records(seed))
    load_roster(store, encoder, progress=True)
    return store


def greedy_pairs(cohort: Cohort) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Baseline: best remaining pair first while both sides have room."""
    pairs = cohort.pairs
    order = np.argsort(-pairs.score, kind="stable")
    room = dict(zip(cohort.mentors.tolist(), cohort.capacity.tolist(), strict=True))
    taken: set[int] = set()
    chosen = []
    for position in order.tolist():
        mentee, mentor = int(pairs.mentee_idx[position]), int(pairs.mentor_idx[position])
        if mentee in taken or room[mentor] <= 0:
            continue
        taken.add(mentee)
        room[mentor] -= 1
        chosen.append(position)
        if len(taken) == cohort.mentees.size:
            break
    index = np.asarray(chosen, dtype=np.int64)
    return pairs.mentor_idx[index], pairs.mentee_idx[index], pairs.score[index]


def _exact(roster: Roster, objective: str) -> dict[str, Any]:
    scorer = HeuristicScorer()
    start = time.perf_counter()
    cohort = build_cohort(roster, scorer)
    built = time.perf_counter()
    result = solve_cohort(roster, scorer, cohort, objective=objective)
    done = time.perf_counter()
    return {
        "build_s": built - start,
        "solve_and_explain_s": done - built,
        "eligible_pairs": int(cohort.pairs.score.size),
        "pairs": len(result.pairs),
        "total_score": result.total_score,
        "max_load_ok": all(load.assigned <= load.capacity for load in result.mentor_load),
    }


def _greedy(roster: Roster) -> dict[str, Any]:
    scorer = HeuristicScorer()
    start = time.perf_counter()
    cohort = build_cohort(roster, scorer)
    built = time.perf_counter()
    _, _, scores = greedy_pairs(cohort)
    return {
        "build_s": built - start,
        "solve_and_explain_s": time.perf_counter() - built,
        "eligible_pairs": int(cohort.pairs.score.size),
        "pairs": int(scores.size),
        "total_score": float(scores.sum()),
        "max_load_ok": True,
    }


def _child(target: Callable[[], dict[str, Any]], queue: Any) -> None:
    start = time.perf_counter()
    result = target()
    result["seconds"] = time.perf_counter() - start
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(result)


def _measured(target: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run a phase in a fresh child process so its peak memory is its own."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", choices=("real", "fake"), default="real")
    parser.add_argument("--home", type=Path, default=Path(".recomentor/bench-match"))
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    home = args.home / args.encoder
    home.mkdir(parents=True, exist_ok=True)
    encoder = _encoder(args.encoder)
    store = _prepare(home, encoder, args.seed)
    # Timed from here: reading the roster (embeddings from the cache) is part of a matching run.
    rows: dict[str, dict[str, Any]] = {}
    # A shared machine's load moves every timing; it is reported beside them.
    load_before = os.getloadavg()[0]
    for name, target in (
        ("exact, participation", lambda: _exact(load_roster(store, encoder), "participation")),
        ("exact, score", lambda: _exact(load_roster(store, encoder), "score")),
        ("greedy baseline", lambda: _greedy(load_roster(store, encoder))),
    ):
        rows[name] = _measured(target)
    table = Table(
        "method", "time s", "build s", "solve+explain s", "pairs", "share paired", "total score",
        "mean score", "peak MiB", title=f"match: {N_MENTEES:,} mentees x {N_MENTORS:,} mentors, "
        f"capacities 1-3, {args.encoder} encoder",
    )  # fmt: skip
    for name, row in rows.items():
        row["share_paired"] = row["pairs"] / N_MENTEES
        table.add_row(
            name,
            f"{row['seconds']:.1f}",
            f"{row['build_s']:.1f}",
            f"{row['solve_and_explain_s']:.1f}",
            f"{row['pairs']:,}",
            f"{row['share_paired']:.1%}",
            f"{row['total_score']:.2f}",
            f"{row['total_score'] / max(row['pairs'], 1):.4f}",
            f"{row['peak_rss_mib']:.0f}",
        )
    load_after = os.getloadavg()[0]
    table.caption = f"1-minute load average {load_before:.2f} before, {load_after:.2f} after"
    Console().print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "match.json"
    payload = {
        "mentees": N_MENTEES,
        "mentors": N_MENTORS,
        "encoder": args.encoder,
        "load_average": {"before": load_before, "after": load_after, "cpus": os.cpu_count()},
        "results": rows,
    }
    path.write_text(json.dumps(payload, indent=2))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
