"""Benchmark: suggestion latency among 10,000 people, cold encoding and the embedding cache."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import report

from recomentor import fields as F
from recomentor.embeddings import SentenceEncoder, embed_texts, texts_for_participant
from recomentor.ranking.rank import rank_partners
from recomentor.ranking.roster import Roster, load_roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.survey import import_participants
from recomentor.synth import write_synthetic

TARGET_P50_MS = 5.0
TARGET_P99_MS = 20.0
TARGET_THROUGHPUT_RATIO = 0.9
MODES = (F.REVERSE, F.CLASSIC, F.MUTUAL)
_WARMUP_CALLS = 20


def _settings(home: Path, participants: int) -> Settings:
    return Settings(home=home, max_rows=max(participants, 200_000))


def _import(store: Store, csv_path: Path, settings: Settings) -> Any:
    data = csv_path.read_bytes()
    return import_participants(store, data, source=csv_path.name, settings=settings)


def prepare(home: Path, participants: int, seed: int, encoder: SentenceEncoder) -> dict[str, Any]:
    """Untimed: the synthetic export, imported, and every text embedded into the cache."""
    settings = _settings(home, participants)
    csv_path = home / "synth" / "participants.csv"
    if not csv_path.is_file():
        write_synthetic(home / "synth", participants, 0, seed=seed)
    store = open_store(settings.resolved_database_url)
    start = time.perf_counter()
    imported = _import(store, csv_path, settings)
    roster = load_roster(store, encoder, progress=True)
    return {
        "csv": csv_path,
        "store": store,
        "settings": settings,
        "inserted": imported.inserted,
        "encoded": roster.encoded,
        "seconds": time.perf_counter() - start,
    }


def reimport_and_reload(store: Store, csv_path: Path, settings: Settings, encoder: Any) -> dict:
    """Re-import the same export, then load the roster: nothing may reach the model."""
    again = _import(store, csv_path, settings)
    roster = load_roster(store, encoder)
    return {
        "reimport_inserted": again.inserted,
        "reimport_updated": again.updated,
        "reimport_unchanged": again.unchanged,
        "texts_encoded": roster.encoded,
    }


def roster_load_seconds(store: Store, encoder: Any, repeats: int) -> tuple[Roster, list[float]]:
    times = []
    roster = None
    for _ in range(repeats):
        start = time.perf_counter()
        roster = load_roster(store, encoder)
        times.append(time.perf_counter() - start)
    assert roster is not None
    return roster, times


def latency(
    roster: Roster, people: list[str], mode: str, k: int, min_gap: float, passes: int
) -> dict:
    """Each person asked `passes` times, one pass over everyone after the other: on a shared
    machine a slow spell then falls on part of the calls, not on the whole measure.
    Percentiles are over every call; each pass's p50 is kept to show the spread."""
    scorer = HeuristicScorer()
    for person in people[:_WARMUP_CALLS]:
        rank_partners(roster, scorer, person, k=k, mode=mode, min_gap=min_gap)
    times_ms = []
    shown = []
    for _ in range(passes):
        for person in people:
            start = time.perf_counter()
            result = rank_partners(roster, scorer, person, k=k, mode=mode, min_gap=min_gap)
            times_ms.append((time.perf_counter() - start) * 1e3)
            shown.append(len(result.suggestions))
    times = np.asarray(times_ms)
    per_pass = times.reshape(passes, len(people))
    return {
        "calls": int(times.size),
        "people": len(people),
        "passes": passes,
        "p50_ms": float(np.percentile(times, 50)),
        "p50_ms_per_pass": [float(np.percentile(row, 50)) for row in per_pass],
        "p90_ms": float(np.percentile(times, 90)),
        "p99_ms": float(np.percentile(times, 99)),
        "max_ms": float(times.max()),
        "mean_ms": float(times.mean()),
        "empty_answers": int(sum(1 for n in shown[: len(people)] if n == 0)),
        "full_answers": int(sum(1 for n in shown[: len(people)] if n == k)),
    }


def _all_texts(roster_store: Store) -> list[str]:
    from sqlalchemy import select

    from recomentor.store.tables import ParticipantRow

    with roster_store.session() as session:
        answers = session.execute(select(ParticipantRow.skills, ParticipantRow.goals)).all()
    distinct = {text for skills, goals in answers for text in texts_for_participant(skills, goals)}
    return sorted(distinct)


def throughput(
    texts: list[str], encoder: SentenceEncoder, work: Path, rounds: int, chunk: int = 200
) -> dict[str, Any]:
    """Cold pipeline (empty cache) against plain model.encode on the same texts.

    The two alternate chunk by chunk, each going first in turn, so that the load other
    processes put on a shared machine falls on both alike; each round starts an empty cache.
    """
    model = encoder.model
    model.encode(texts[:256], batch_size=encoder.batch_size)  # threads and kernels warmed up
    plain, pipeline = [], []
    for round_number in range(rounds):
        store = open_store(f"sqlite:///{(work / f'cold-{round_number}.db').resolve()}")
        plain_seconds = pipeline_seconds = 0.0
        for position, first in enumerate(range(0, len(texts), chunk)):
            part = texts[first : first + chunk]
            for step in ("plain", "pipeline") if position % 2 == 0 else ("pipeline", "plain"):
                start = time.perf_counter()
                if step == "plain":
                    model.encode(
                        part,
                        batch_size=encoder.batch_size,
                        normalize_embeddings=True,
                        convert_to_numpy=True,
                        show_progress_bar=False,
                    )
                    plain_seconds += time.perf_counter() - start
                else:
                    batch = embed_texts(store, encoder, part)
                    pipeline_seconds += time.perf_counter() - start
                    assert batch.encoded == len(part), "the cold cache must encode every text"
        store.engine.dispose()
        plain.append(plain_seconds)
        pipeline.append(pipeline_seconds)
    best_plain, best_pipeline = min(plain), min(pipeline)
    return {
        "texts": len(texts),
        "plain_seconds": plain,
        "pipeline_seconds": pipeline,
        "plain_texts_per_s": len(texts) / best_plain,
        "pipeline_texts_per_s": len(texts) / best_pipeline,
        "ratio_best": best_plain / best_pipeline,
        "ratio_per_round": [p / q for p, q in zip(plain, pipeline, strict=True)],
        "ratio_median_of_rounds": float(
            np.median([p / q for p, q in zip(plain, pipeline, strict=True)])
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=500, help="random people asked for")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--passes", type=int, default=3, help="times each person is asked")
    parser.add_argument("--min-gap", type=float, default=5.0)
    parser.add_argument("--texts", type=int, default=2_000, help="texts in the throughput test")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (best kept)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--home", type=Path, default=None, help="reuse this data home (cached embeddings)"
    )
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="recomentor-bench-suggest-"))
    home.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="recomentor-bench-cold-"))
    encoder = SentenceEncoder()

    print(f"setup in {home} (embeds every text once; minutes) ...", file=sys.stderr, flush=True)
    setup = prepare(home, args.participants, args.seed, encoder)
    store = setup["store"]
    print("re-import and cached roster loads ...", file=sys.stderr, flush=True)
    cache = reimport_and_reload(store, setup["csv"], setup["settings"], encoder)
    roster, load_times = roster_load_seconds(store, encoder, repeats=3)

    rng = np.random.default_rng(args.seed)
    people = [roster.ids[i] for i in rng.choice(len(roster), size=args.people, replace=False)]
    latencies = {}
    for mode in MODES:
        print(f"latency, {mode} ...", file=sys.stderr, flush=True)
        latencies[mode] = latency(roster, people, mode, args.k, args.min_gap, args.passes)

    print("encoding throughput ...", file=sys.stderr, flush=True)
    texts = _all_texts(store)
    chosen = rng.choice(len(texts), size=min(args.texts, len(texts)), replace=False)
    encoding = throughput([texts[i] for i in sorted(chosen)], encoder, work, args.rounds)

    load_avg = os.getloadavg()
    payload = {
        "participants": len(roster),
        "embedding_dim": int(roster.skill_vectors.shape[1]),
        "k": args.k,
        "cpus": os.cpu_count(),
        "load_average_1_5_15": load_avg,
        "setup": {key: setup[key] for key in ("inserted", "encoded", "seconds")},
        "latency": latencies,
        "encoding": encoding,
        "cache": cache,
        "roster_load_seconds": load_times,
        "targets": {
            "p50_ms": TARGET_P50_MS,
            "p99_ms": TARGET_P99_MS,
            "throughput_ratio": TARGET_THROUGHPUT_RATIO,
            "reimport_texts_encoded": 0,
        },
    }
    rows: list[list[Any]] = []
    for mode, result in latencies.items():
        target = f"p50 <= {TARGET_P50_MS:g}, p99 <= {TARGET_P99_MS:g}" if mode == F.REVERSE else "-"
        rows.append(
            [f"suggest k={args.k}, {mode} (ms)",
             f"p50 {result['p50_ms']:.2f} / p99 {result['p99_ms']:.2f}"
             f" / max {result['max_ms']:.1f}; p50 per pass "
             + " ".join(f"{p:.2f}" for p in result["p50_ms_per_pass"]),
             target]
        )  # fmt: skip
    rows += [
        ["cold encoding, pipeline / plain model.encode",
         f"{encoding['ratio_best']:.3f}, median of rounds "
         f"{encoding['ratio_median_of_rounds']:.3f} ({encoding['pipeline_texts_per_s']:.0f} vs "
         f"{encoding['plain_texts_per_s']:.0f} texts/s, {encoding['texts']:,} texts)",
         f">= {TARGET_THROUGHPUT_RATIO}"],
        ["re-import unchanged, then roster load: texts encoded",
         f"{cache['texts_encoded']} ({cache['reimport_unchanged']:,} rows unchanged)", "0"],
        ["roster load, all cached (s)",
         f"{min(load_times):.2f} (median {np.median(load_times):.2f})", "-"],
    ]  # fmt: skip
    report(
        "suggest",
        f"Suggestions among {len(roster):,} synthetic participants "
        f"({payload['embedding_dim']}-dim all-MiniLM-L6-v2); load average "
        f"{load_avg[0]:.1f} on {os.cpu_count()} CPUs",
        ["measure", "result", "target"],
        rows,
        payload,
    )


if __name__ == "__main__":
    main()
